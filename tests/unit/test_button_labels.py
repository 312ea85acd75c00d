"""Titles on buttons: cut between words with "…", the price (or any suffix) always whole."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain import (
    Category,
    Departement,
    FundingModel,
    PledgeOptions,
    ProjectStatus,
    ProjectSummary,
    TierView,
    utcnow,
)
from bot.i18n.translator import Catalogs, Translator
from bot.views import follows, owner, pledge
from bot.views.labels import TITLE_IN_BUTTON, button_label, shorten

SCARF = "Une écharpe tricotée main en laine de mouton d'Ouessant"


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return Catalogs.load()


def _words_kept(shortened: str, original: str) -> list[str]:
    """The words before the ellipsis, each checked to be a whole word of `original`."""
    assert shortened.endswith("…"), shortened
    kept = shortened.removesuffix("…").split()
    assert kept == original.split()[: len(kept)], shortened
    return kept


def test_a_title_that_fits_is_left_alone() -> None:
    assert shorten("Bezhin Mor") == "Bezhin Mor"
    exactly = "x" * (TITLE_IN_BUTTON - 5) + " abcd"
    assert shorten(exactly) == exactly


def test_a_long_title_is_cut_between_two_words_with_an_ellipsis() -> None:
    cut = shorten(SCARF)
    assert len(cut) <= TITLE_IN_BUTTON
    assert cut == "Une écharpe tricotée main en laine de…"
    assert _words_kept(cut, SCARF)[-1] == "de"


@pytest.mark.parametrize("limit", [12, 20, 25, 30, 40, 50])
def test_every_limit_keeps_whole_words_within_it(limit: int) -> None:
    title = "Fest-noz géant à Carhaix pour les vingt ans du bagad Kemper et de ses amis"
    cut = shorten(title, limit)
    assert len(cut) <= limit
    _words_kept(cut, title)


def test_no_punctuation_dangles_before_the_ellipsis() -> None:
    assert shorten("Fest-noz, danses et musiques, pour tous les âges") == (
        "Fest-noz, danses et musiques, pour tous…"
    )
    assert shorten("Bagad Kemper : une tournée, des concerts", 15) == "Bagad Kemper…"


def test_a_word_longer_than_half_the_room_is_cut_inside_it() -> None:
    """Cutting at the only boundary would leave a lone first word: the long word is cut."""
    cut = shorten("Ti Kerbriant-Plouguernevel-Saint-Nicodème-des-Eaux", 30)
    assert cut == "Ti Kerbriant-Plouguernevel-Sa…"
    assert len(shorten("a" * 60)) == TITLE_IN_BUTTON


def test_line_breaks_and_repeated_spaces_become_single_spaces() -> None:
    assert shorten("Bezhin\nMor   2026") == "Bezhin Mor 2026"


def test_the_price_and_the_number_stay_whole_around_a_shortened_title() -> None:
    label = button_label(SCARF, before="🎁 ", after=" (400 €)")
    assert label == "🎁 Une écharpe tricotée main en laine de… (400 €)"
    assert not label.endswith("éc (400 €)")


def _summary(title: str, status: ProjectStatus = ProjectStatus.LIVE) -> ProjectSummary:
    return ProjectSummary(
        id=3, title=title, commune="Ouessant", departement=Departement.FINISTERE,
        category=Category.HERITAGE, status=status, raised_cents=1_000, goal_cents=50_000,
        contributors_count=1, ends_at=utcnow() + timedelta(days=9), photo_file_id=None,
    )  # fmt: skip


def _labels(markup: object) -> list[str]:
    return [button.text for row in markup.inline_keyboard for button in row]  # type: ignore[attr-defined]


@pytest.mark.parametrize("locale", ["fr", "br"])
def test_rewards_followed_and_owned_projects_use_the_same_cut(
    catalogs: Catalogs, locale: str
) -> None:
    t: Translator = catalogs.translator(locale)
    options = PledgeOptions(
        project_id=3, title=SCARF, funding_model=FundingModel.KEEP_IT_ALL,
        tiers=[(9, TierView(SCARF, "", 40_000, None, None))],
    )  # fmt: skip
    reward = _labels(pledge.options_keyboard(t, options))[0]
    assert reward.startswith("🎁 Une écharpe tricotée main en laine de… (")
    assert reward.endswith(f"({t.money(40_000)})")
    followed = _labels(follows.followed_keyboard(t, [_summary(SCARF)]))[0]
    assert followed == "1. Une écharpe tricotée main en…"
    mine = _labels(owner.projects_keyboard(t, [_summary(SCARF, ProjectStatus.DRAFT)]))[0]
    assert mine == "1. Une écharpe tricotée main en laine de…"
