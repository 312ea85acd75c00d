"""The longest content the bot accepts, through every view that shows it, as Telegram counts.

Each limit comes from where the bot enforces it (the wizard's rules, news and moderation
reasons); every text is parsed the way Telegram parses HTML and measured in UTF-16 units after
parsing: a view that cuts with a string slice, or not at all, fails here.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from bot.domain import (
    Category,
    Dashboard,
    Departement,
    FundingModel,
    LinkStats,
    NewsItem,
    PledgeLine,
    PledgeOptions,
    PledgeStatus,
    ProjectCard,
    ProjectStatus,
    ProjectSummary,
    RecentPledge,
    Review,
    TierView,
    utcnow,
)
from bot.i18n.translator import Catalogs, Translator
from bot.notifications.kinds import Kind
from bot.notifications.messages import Recipient, render
from bot.services.moderation import REASON_LIMITS
from bot.services.news import MAX_NEWS_LENGTH
from bot.services.owner import LATEST_PLEDGES, TOP_LINKS
from bot.submission.rules import COMMUNE_MAX, MAX_TIERS, TEXT_LIMITS, Step
from bot.telegram.html_limits import CAPTION_LIMIT, TEXT_LIMIT
from bot.views import moderation, moderation_panel, my_pledges, owner, pledge
from bot.views.card import full_description, render_card
from bot.views.news import news_list
from tests.fakes.bot_api_html import parse_html, utf16_len

# Long words with markup-escaped characters and emoji: the worst case for a cut.
_FILL = "Breizh & <Kernev> 🎶 "


def longest(step_or_length: Step | int) -> str:
    """Text of the greatest length the bot accepts there (`&`, `<` and emoji included)."""
    length = step_or_length if isinstance(step_or_length, int) else TEXT_LIMITS[step_or_length][1]
    return (_FILL * (length // len(_FILL) + 1))[:length]


def telegram_length(markup: str) -> int:
    return utf16_len(parse_html(markup).text)  # raises as Telegram refuses bad HTML


def assert_sendable(markup: str, limit: int) -> None:
    assert telegram_length(markup) <= limit


@pytest.fixture(scope="module", params=["fr", "br"])
def t(request: pytest.FixtureRequest) -> Translator:
    return Catalogs.load().translator(request.param)


def _summary(photo: str | None = "photo") -> ProjectSummary:
    return ProjectSummary(
        id=2_147_483_647, title=longest(Step.TITLE), commune=longest(COMMUNE_MAX),
        departement=Departement.FINISTERE, category=Category.BRETON_LANGUAGE,
        status=ProjectStatus.LIVE, raised_cents=199_999_999_99, goal_cents=200_000_00,
        contributors_count=1_000_000, ends_at=utcnow() + timedelta(days=90), photo_file_id=photo,
    )  # fmt: skip


def _tier() -> TierView:
    return TierView(
        longest(Step.TIER_TITLE), longest(Step.TIER_DESCRIPTION), 200_000_00, 10_000,
        date(2030, 12, 1),
    )  # fmt: skip


def _card(photo: str | None = "photo") -> ProjectCard:
    return ProjectCard(
        _summary(photo), 1, longest(Step.SUMMARY), longest(Step.DESCRIPTION),
        FundingModel.ALL_OR_NOTHING, [_tier() for _ in range(MAX_TIERS)],
    )  # fmt: skip


def test_the_issue_s_card_fits_a_caption(t: Translator) -> None:
    """72-character title, 241-character summary, five rewards of 68 characters."""
    card = ProjectCard(
        replace(_summary(), title="T" * 72), 1, "s" * 241, "d" * 3000, FundingModel.KEEP_IT_ALL,
        [TierView("r" * 68, "", 1_000, None, None) for _ in range(5)],
    )  # fmt: skip
    rendered = render_card(t, card, as_caption=True)
    assert rendered.truncated
    assert_sendable(rendered.text, CAPTION_LIMIT)


def test_cards_fit_as_caption_and_as_text(t: Translator) -> None:
    caption = render_card(t, _card(), as_caption=True)
    text = render_card(t, _card(None), as_caption=False)
    assert caption.truncated
    assert text.truncated
    assert_sendable(caption.text, CAPTION_LIMIT)
    assert_sendable(text.text, TEXT_LIMIT)
    assert_sendable(full_description(t, _card()), TEXT_LIMIT)
    # "Lire la suite" leads to the whole description.
    assert telegram_length(full_description(t, _card())) >= TEXT_LIMITS[Step.DESCRIPTION][1]


def test_moderation_panel_fits(t: Translator) -> None:
    review = Review(
        1, ProjectStatus.IN_REVIEW, "N" * 64 + " " + "M" * 64, "u" * 32, utcnow(),
        longest(Step.BRETON), 90, _card(),
    )  # fmt: skip
    for text in moderation_panel.panel_texts(t, review):
        assert_sendable(text, TEXT_LIMIT)
    assert_sendable(moderation_panel.panel_caption(t, review), CAPTION_LIMIT)
    assert_sendable(moderation.queue_text(t, [review] * 10, 10_000), TEXT_LIMIT)


def test_news_fit_as_text_caption_and_list(t: Translator) -> None:
    text = longest(MAX_NEWS_LENGTH)
    recipient = Recipient(10**12, 2_147_483_647, "kengo_bot")
    for photo in (None, "AgAD"):
        payload = {"title": longest(Step.TITLE), "text": text, "photo_file_id": photo,
                   "post_id": 2_147_483_647}  # fmt: skip
        rendered, keyboard = render(t, Kind.NEWS, payload, recipient)
        assert_sendable(rendered, CAPTION_LIMIT if photo else TEXT_LIMIT)
        if photo:  # cut: the way to the rest
            assert keyboard is not None
            data = [b.callback_data for row in keyboard.inline_keyboard for b in row]
            assert "nw:2147483647" in data
    items = [NewsItem(text, utcnow(), None, n) for n in range(1, 6)]
    shown, keyboard = news_list(t, longest(Step.TITLE), items, 7, None)
    assert_sendable(shown, TEXT_LIMIT)
    assert len(keyboard.inline_keyboard) == 6  # "Lire la suite" for each post, and back


def test_owner_screens_fit(t: Translator) -> None:
    board = Dashboard(
        _summary(), 10**6,
        [RecentPledge(200_000_00, longest(Step.TIER_TITLE), utcnow())] * LATEST_PLEDGES,
        [LinkStats("N" * 64, 10**6, 10**6, 200_000_00)] * TOP_LINKS,
    )  # fmt: skip
    assert_sendable(owner.dashboard_text(t, board), TEXT_LIMIT)
    assert_sendable(owner.projects_text(t, [_summary()] * 30), TEXT_LIMIT)


def test_pledge_screens_fit(t: Translator) -> None:
    options = PledgeOptions(7, longest(Step.TITLE), FundingModel.ALL_OR_NOTHING,
                            [(n, _tier()) for n in range(MAX_TIERS)])  # fmt: skip
    assert_sendable(pledge.options_text(t, options), TEXT_LIMIT)
    assert_sendable(pledge.amounts_text(t, _tier()), TEXT_LIMIT)
    assert_sendable(
        pledge.confirmation_text(t, longest(Step.TITLE), _tier(), 200_000_00,
                                 FundingModel.ALL_OR_NOTHING),
        TEXT_LIMIT,
    )  # fmt: skip
    line = PledgeLine(1, 7, longest(Step.TITLE), 200_000_00, longest(Step.TIER_TITLE),
                      PledgeStatus.PAID, utcnow(), None)  # fmt: skip
    assert_sendable(my_pledges.my_pledges_text(t, [line] * 200), TEXT_LIMIT)


_PAYLOADS: list[tuple[Kind, dict[str, Any]]] = [
    (Kind.PLEDGE_THANKS, {"amount_cents": 200_000_00, "reward": longest(Step.TIER_TITLE)}),
    (Kind.OWNER_NEW_PLEDGE, {"amount_cents": 1, "raised_cents": 1, "goal_cents": 100_00}),
    (Kind.MILESTONE, {"percent": 100}),
    (Kind.CAMPAIGN_OUTCOME, {"status": "failed", "raised_cents": 1, "goal_cents": 100_00,
                             "role": "contributor"}),
    (Kind.REFUNDED, {"amount_cents": 200_000_00}),
    (Kind.REMINDER, {}),
    (Kind.MODERATION, {"decision": "request_changes", "reason": longest(REASON_LIMITS[1])}),
    (Kind.MODERATION, {"decision": "reject", "reason": longest(REASON_LIMITS[1])}),
    (Kind.MODERATION, {"decision": "approve", "ends_at": utcnow().isoformat()}),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "payload"), _PAYLOADS)
def test_notifications_fit(t: Translator, kind: Kind, payload: dict[str, Any]) -> None:
    recipient = Recipient(10**12, 2_147_483_647, "kengo_bot")
    text, _ = render(t, kind, {"title": longest(Step.TITLE), **payload}, recipient)
    assert_sendable(text, TEXT_LIMIT)
