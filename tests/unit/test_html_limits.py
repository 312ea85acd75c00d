"""Texts cut as Telegram counts them: whole tags and entities, UTF-16 units, an ellipsis."""

from __future__ import annotations

import pytest

from bot.telegram.html_limits import CAPTION_LIMIT, ELLIPSIS, fit, visible_length
from tests.fakes.bot_api_html import parse_html, utf16_len


def telegram_length(markup: str) -> int:
    """What Telegram counts; raises as Telegram refuses when the markup does not parse."""
    return utf16_len(parse_html(markup).text)


@pytest.mark.parametrize(
    "markup",
    [
        "plain",
        "<b>bold</b> &amp; &lt;tags&gt; &#233; &#x1F600;",
        '<a href="https://example.org/?a=1&amp;b=2">link</a>',
        "emoji 🚀🎉 count twice",
        "<i>« Breizh »\u202f!</i>",
    ],
)
def test_length_is_counted_as_telegram_counts(markup: str) -> None:
    assert visible_length(markup) == telegram_length(markup)


def test_a_text_within_the_limit_is_left_alone() -> None:
    fitted = fit("<b>" + "a" * 1020 + "</b>", CAPTION_LIMIT)
    assert not fitted.cut
    assert fitted.text == "<b>" + "a" * 1020 + "</b>"


@pytest.mark.parametrize("limit", range(990, 1030))
def test_a_cut_never_splits_a_tag_or_an_entity(limit: int) -> None:
    markup = "<b>Titre &amp; sous-titre</b>\n" + "Crêpes &amp; cidre 🍎 <i>bio</i> " * 60
    fitted = fit(markup, limit)
    assert fitted.cut
    assert telegram_length(fitted.text) <= limit
    assert fitted.text.endswith(ELLIPSIS)


def test_a_cut_closes_the_open_tags_and_keeps_whole_words() -> None:
    fitted = fit("<b>" + "mot " * 400 + "</b>", 100)
    assert fitted.text.endswith("mot</b>" + ELLIPSIS)
    assert telegram_length(fitted.text) <= 100


def test_astral_characters_count_two_units() -> None:
    fitted = fit("🚀" * 600, CAPTION_LIMIT)
    assert telegram_length(fitted.text) <= CAPTION_LIMIT
    assert "\ud83d" not in fitted.text  # no half of a surrogate pair
