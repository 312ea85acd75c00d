"""Partner matches on the ledger: what each rule adds as contributions are paid through Stripe,
the milestone a match makes a project reach, the outcome of an all-or-nothing campaign, the
moderators' refusals and the partners' CSV. A match itself never calls Stripe."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.domain import MatchProblem, MatchRule, ProjectStatus, utcnow
from bot.i18n.translator import Catalogs
from bot.notifications.kinds import Kind
from bot.payments.events import PaymentEventService
from bot.payments.pledges import PledgeService
from bot.services.campaigns import CampaignService
from bot.services.matching import MatchRefused, MatchService
from bot.storage.models import Follow, OutboxMessage, PartnerMatch, Project
from bot.views.matching_report import reports_csv
from tests.factories import add_paid_pledge, add_project, add_user
from tests.fakes.stripe_api import StripeStandIn
from tests.integration.payments import (
    RETURN,
    Sessions,
    events,
    feed,
    gateway,
    get,
    pledges,
    session_of,
    stand_in,
    take_events,
)

__all__ = ["events", "gateway", "pledges", "stand_in"]  # fixtures
MODERATOR = 900_001


async def _pay(
    pledges: PledgeService, events: PaymentEventService, stand_in: StripeStandIn,
    user_id: int, project_id: int, cents: int,
) -> None:  # fmt: skip
    link = await pledges.start_checkout(user_id, project_id, None, cents, RETURN)
    await stand_in.pay(session_of(stand_in, link.pledge_id)["id"])
    await feed(events, await take_events(stand_in))


async def _attach(
    matches: MatchService, project_id: int, rule: MatchRule, value: str, end: str | None = None
) -> int:
    draft = await matches.start(MODERATOR, project_id)
    await matches.name(MODERATOR, draft.draft_id, "  Région   Bretagne ")
    await matches.rule(MODERATOR, draft.draft_id, rule)
    await matches.value(MODERATOR, draft.draft_id, value)
    await matches.end(MODERATOR, draft.draft_id, end)
    return (await matches.confirm(MODERATOR, draft.draft_id)).match_id


async def _matched(sessions: Sessions, match_id: int) -> int:
    match = await get(sessions, PartnerMatch, match_id)
    return int(match.matched_cents)


async def test_a_threshold_match_completes_the_goal_once_contributors_reach_it(
    sessions: Sessions, pledges: PledgeService, events: PaymentEventService,
    stand_in: StripeStandIn,
) -> None:  # fmt: skip
    owner, backer, fan = [await add_user(sessions) for _ in range(3)]
    project = await add_project(sessions, owner, goal_cents=500_000, raised_cents=350_000,
                                contributors_count=1)  # fmt: skip
    await add_paid_pledge(sessions, backer, project, amount_cents=350_000)
    async with sessions.begin() as session:
        session.add(Follow(user_id=fan.id, project_id=project.id))
    matches = MatchService(sessions)
    match_id = await _attach(matches, project.id, MatchRule.THRESHOLD, "80 %")
    assert await _matched(sessions, match_id) == 0  # 3 500 € of a 4 000 € threshold

    await _pay(pledges, events, stand_in, backer.id, project.id, 49_900)
    assert await _matched(sessions, match_id) == 0  # one euro short
    await _pay(pledges, events, stand_in, backer.id, project.id, 100)
    assert await _matched(sessions, match_id) == 100_000  # 4 000 € raised: the rest

    # The match made the project reach its goal: its followers hear it, naming the partner.
    async with sessions() as session:
        payloads = (await session.scalars(
            select(OutboxMessage.payload).where(
                OutboxMessage.user_id == fan.id, OutboxMessage.kind == Kind.MILESTONE.value)
        )).all()  # fmt: skip
    assert [(p["percent"], p.get("partner")) for p in payloads] == [(100, "Région Bretagne")]

    await _pay(pledges, events, stand_in, backer.id, project.id, 30_000)
    assert await _matched(sessions, match_id) == 70_000  # less to complete: 4 300 € raised

    # All or nothing: contributors and the partner together reach the goal, so it succeeds.
    await CampaignService(sessions, None).close_due(utcnow() + timedelta(days=40))
    closed = await get(sessions, Project, project.id)
    assert closed.status is ProjectStatus.SUCCEEDED


async def test_a_threshold_not_reached_leaves_an_all_or_nothing_campaign_failed(
    sessions: Sessions,
) -> None:
    owner = await add_user(sessions)
    project = await add_project(sessions, owner, goal_cents=500_000, raised_cents=390_000)
    await _attach(MatchService(sessions), project.id, MatchRule.THRESHOLD, "80")
    await CampaignService(sessions, None).close_due(utcnow() + timedelta(days=40))
    assert (await get(sessions, Project, project.id)).status is ProjectStatus.FAILED


async def test_euro_for_euro_matches_new_money_up_to_its_cap_and_freezes_at_its_end(
    sessions: Sessions, pledges: PledgeService, events: PaymentEventService,
    stand_in: StripeStandIn,
) -> None:  # fmt: skip
    owner, backer = await add_user(sessions), await add_user(sessions)
    project = await add_project(sessions, owner, goal_cents=500_000, raised_cents=100_000)
    await add_paid_pledge(sessions, backer, project, amount_cents=100_000)  # before the match
    matches = MatchService(sessions)
    match_id = await _attach(matches, project.id, MatchRule.EURO_FOR_EURO, "2 000 €")
    assert await _matched(sessions, match_id) == 0  # money given before is not matched

    await _pay(pledges, events, stand_in, backer.id, project.id, 150_000)
    assert await _matched(sessions, match_id) == 150_000
    await _pay(pledges, events, stand_in, backer.id, project.id, 100_000)
    assert await _matched(sessions, match_id) == 200_000  # the cap

    # Once it has ended, what it added stays, and later money is not matched.
    async with sessions.begin() as session:
        await session.execute(
            update(PartnerMatch).where(PartnerMatch.id == match_id)
            .values(cap_cents=1_000_000, ends_at=utcnow())
        )  # fmt: skip
    await _pay(pledges, events, stand_in, backer.id, project.id, 50_000)
    assert await _matched(sessions, match_id) == 250_000  # raised the cap: only money before

    withdrawn = await matches.withdraw(MODERATOR, match_id)
    assert withdrawn.partner == "Région Bretagne"
    found = await matches.project(project.id)
    assert found is not None
    assert found[1] is None
    assert found[0].raised_cents == 400_000


async def test_moderators_are_refused_what_the_rules_do_not_allow(sessions: Sessions) -> None:
    owner = await add_user(sessions)
    project = await add_project(sessions, owner, goal_cents=500_000)
    draft_project = await add_project(sessions, owner, status=ProjectStatus.DRAFT)
    matches = MatchService(sessions)

    async def refused(problem: MatchProblem, step: object) -> None:
        with pytest.raises(MatchRefused) as refusal:
            await step  # type: ignore[misc]
        assert refusal.value.problem is problem

    await refused(MatchProblem.NOT_LIVE, matches.start(MODERATOR, draft_project.id))
    draft = await matches.start(MODERATOR, project.id)
    await refused(MatchProblem.NAME_LENGTH, matches.name(MODERATOR, draft.draft_id, "X"))
    await refused(MatchProblem.NAME_LENGTH, matches.name(MODERATOR, draft.draft_id, "x" * 81))
    await refused(MatchProblem.GONE, matches.name(MODERATOR + 1, draft.draft_id, "Intrus"))
    await matches.name(MODERATOR, draft.draft_id, "Crédit Breton")
    await matches.rule(MODERATOR, draft.draft_id, MatchRule.THRESHOLD)
    for text, problem in (("beaucoup", MatchProblem.NOT_A_PERCENT),
                          ("100", MatchProblem.PERCENT_RANGE), ("0 %", MatchProblem.PERCENT_RANGE),
                          ("79,5", MatchProblem.NOT_A_PERCENT)):  # fmt: skip
        await refused(problem, matches.value(MODERATOR, draft.draft_id, text))
    await matches.rule(MODERATOR, draft.draft_id, MatchRule.EURO_FOR_EURO)
    for text, problem in (("2,500", MatchProblem.AMBIGUOUS_AMOUNT),
                          ("deux mille", MatchProblem.NOT_AN_AMOUNT),
                          ("5 000,01", MatchProblem.CAP_RANGE),
                          ("0,99", MatchProblem.CAP_RANGE)):  # fmt: skip
        await refused(problem, matches.value(MODERATOR, draft.draft_id, text))
    assert (await matches.value(MODERATOR, draft.draft_id, "1500")).cap_cents == 150_000
    too_late = (utcnow() + timedelta(days=60)).strftime("%d/%m/%Y")
    for text, problem in (("31/02/2027", MatchProblem.NOT_A_DATE),
                          ("demain", MatchProblem.NOT_A_DATE),
                          (too_late, MatchProblem.DATE_RANGE),
                          (utcnow().strftime("%d/%m/%Y"), MatchProblem.DATE_RANGE)):  # fmt: skip
        await refused(problem, matches.end(MODERATOR, draft.draft_id, text))
    day = utcnow() + timedelta(days=10)
    ended = await matches.end(MODERATOR, draft.draft_id, f"{day.day} {_MONTHS[day.month - 1]}")
    assert ended.ends_at is not None
    assert ended.ends_at - day < timedelta(days=1)
    await matches.confirm(MODERATOR, draft.draft_id)
    await refused(MatchProblem.GONE, matches.confirm(MODERATOR, draft.draft_id))
    await refused(MatchProblem.ALREADY_MATCHED, matches.start(MODERATOR, project.id))


_MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
]  # fmt: skip


@pytest.mark.parametrize("locale", ["fr", "br"])
async def test_the_partners_report_reads_back_from_its_csv(sessions: Sessions, locale: str) -> None:
    owner, backer = await add_user(sessions), await add_user(sessions)
    project = await add_project(sessions, owner, title="=HYPERLINK(1)", goal_cents=500_000,
                                raised_cents=412_345)  # fmt: skip
    await add_paid_pledge(sessions, backer, project, amount_cents=412_345)
    matches = MatchService(sessions)
    await _attach(matches, project.id, MatchRule.THRESHOLD, "80")
    data = reports_csv(Catalogs.load().translator(locale), await matches.reports())
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    values = list(row.values())
    assert values[0] == "'=HYPERLINK(1)"  # a formula is never run by the spreadsheet
    assert values[1] == "Région Bretagne"
    assert values[3:6] == ["80", "4000,00", ""]
    assert values[8:11] == ["5000,00", "4123,45", "876,55"]
