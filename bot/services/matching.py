"""Partner matches, as moderators attach, withdraw and report them.

A moderator attaches a match to a live project step by step: the partner's name (typed), the
rule (a button), the threshold percentage or the cap (typed), the end (the campaign's, or a
typed date), then confirms. The draft is a row of `partner_matches` not yet confirmed. A
match never moves money through Stripe: what it adds is recorded (`ledger.refresh_match`) and
reported to the partner by the moderators' CSV. The callers check that the user moderates.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.catalogue.service import read_as, summary_of
from bot.catalogue.texts import title_in
from bot.domain import (
    MatchDraft,
    MatchProblem,
    MatchReport,
    MatchRule,
    PartnerMatch,
    ProjectStatus,
    ProjectSummary,
    utcnow,
)
from bot.i18n.amounts import read_euros
from bot.i18n.text import without_controls
from bot.matching.queries import ACTIVE, view_of
from bot.matching.rules import threshold_cents
from bot.payments.ledger import milestones, refresh_match
from bot.storage.models import PartnerMatch as MatchRow
from bot.storage.models import Project
from bot.storage.sql import affected_rows
from bot.submission.months import month_number

NAME_LENGTH = (2, 80)
PERCENT_RANGE = (1, 99)
MIN_CAP_CENTS = 100
LIVE_PAGE = 8
# A typed end date is a day in Brittany: the match ends as that day ends there.
BRITTANY = ZoneInfo("Europe/Paris")
_NUMERIC_DAY = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{4}|\d{2}))?$")
_NAMED_DAY = re.compile(r"^(\d{1,2})(?:er)?\s+(?:a viz\s+)?([^\W\d_][\w']*\.?)(?:\s+(\d{4}))?$")
_PERCENT = re.compile(r"^(\d{1,3})\s*%?$")


class MatchRefused(Exception):
    def __init__(self, problem: MatchProblem, draft: MatchDraft | None = None) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.draft = draft


class MatchService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def live_projects(
        self, page: int, locale: str | None = None
    ) -> tuple[list[tuple[ProjectSummary, PartnerMatch | None]], int]:
        """A page of live projects, ending soonest first, each with its match if any (titled
        for a reader of `locale`); and how many there are."""
        now = utcnow()
        live = (Project.status == ProjectStatus.LIVE, Project.ends_at > now)
        async with self._sessions() as session:
            total = int(await session.scalar(select(func.count()).where(*live)) or 0)
            projects = (await session.scalars(
                select(Project).where(*live).order_by(Project.ends_at, Project.id)
                .offset(page * LIVE_PAGE).limit(LIVE_PAGE)
            )).all()  # fmt: skip
            matches = await _matches_of(session, [project.id for project in projects])
            items = [await _titled(session, _with_match(project, matches.get(project.id)), locale)
                     for project in projects]  # fmt: skip
        return items, total

    async def project(
        self, project_id: int, locale: str | None = None
    ) -> tuple[ProjectSummary, PartnerMatch | None] | None:
        async with self._sessions() as session:
            project = await session.get(Project, project_id)
            if project is None:
                return None
            matches = await _matches_of(session, [project_id])
            return await _titled(session, _with_match(project, matches.get(project_id)), locale)

    async def match(self, match_id: int) -> tuple[ProjectSummary, PartnerMatch]:
        """A match in force (or ended, still counted) with its project."""
        async with self._sessions() as session:
            row = await session.get(MatchRow, match_id)
            if row is None or row.confirmed_at is None or row.withdrawn_at is not None:
                raise MatchRefused(MatchProblem.GONE)
            project = await session.get(Project, row.project_id)
            if project is None:
                raise MatchRefused(MatchProblem.GONE)
            summary, _ = _with_match(project, view_of(row))
            return summary, view_of(row)

    async def start(self, moderator_id: int, project_id: int) -> MatchDraft:
        """A new draft on a live project without a match (the moderator's older drafts go)."""
        async with self._sessions.begin() as session:
            project = await _live(session, project_id)
            if await _active(session, project_id) is not None:
                raise MatchRefused(MatchProblem.ALREADY_MATCHED)
            await session.execute(
                delete(MatchRow).where(
                    MatchRow.created_by == moderator_id, MatchRow.confirmed_at.is_(None)
                )
            )
            draft = MatchRow(project_id=project_id, created_by=moderator_id)
            session.add(draft)
            await session.flush()
            return _draft(draft, project)

    async def draft(self, moderator_id: int, draft_id: int) -> MatchDraft:
        async with self._sessions() as session:
            row, project = await _draft_row(session, moderator_id, draft_id)
            return _draft(row, project)

    async def name(self, moderator_id: int, draft_id: int, text: str) -> MatchDraft:
        name = " ".join(without_controls(text).split())
        async with self._sessions.begin() as session:
            row, project = await _draft_row(session, moderator_id, draft_id)
            low, high = NAME_LENGTH
            if not low <= len(name) <= high:
                raise MatchRefused(MatchProblem.NAME_LENGTH, _draft(row, project))
            row.partner_name = name
            return _draft(row, project)

    async def rule(self, moderator_id: int, draft_id: int, rule: MatchRule) -> MatchDraft:
        async with self._sessions.begin() as session:
            row, project = await _draft_row(session, moderator_id, draft_id)
            if row.rule is not rule:
                row.rule, row.threshold_percent, row.cap_cents = rule, None, None
            return _draft(row, project)

    async def value(self, moderator_id: int, draft_id: int, text: str) -> MatchDraft:
        """The threshold percentage ("80", "80 %") or the cap ("2 000", "2000 €")."""
        async with self._sessions.begin() as session:
            row, project = await _draft_row(session, moderator_id, draft_id)
            if row.rule is MatchRule.THRESHOLD:
                row.threshold_percent = _percent(text, _draft(row, project))
            elif row.rule is MatchRule.EURO_FOR_EURO:
                row.cap_cents = _cap(text, _draft(row, project))
            else:
                raise MatchRefused(MatchProblem.GONE, _draft(row, project))
            return _draft(row, project)

    async def end(self, moderator_id: int, draft_id: int, text: str | None) -> MatchDraft:
        """The match's end: a typed day (`text`), or the campaign's end (None)."""
        async with self._sessions.begin() as session:
            row, project = await _draft_row(session, moderator_id, draft_id)
            campaign_end = _campaign_end(project)
            row.ends_at = campaign_end if text is None else _end_day(text, _draft(row, project))
            return _draft(row, project)

    async def drop(self, moderator_id: int, draft_id: int) -> None:
        """Forget the moderator's draft; refused once it was confirmed (or dropped)."""
        async with self._sessions.begin() as session:
            dropped = await session.execute(
                delete(MatchRow).where(
                    MatchRow.id == draft_id,
                    MatchRow.created_by == moderator_id,
                    MatchRow.confirmed_at.is_(None),
                )
            )
            if not affected_rows(dropped):
                raise MatchRefused(MatchProblem.GONE)

    async def confirm(self, moderator_id: int, draft_id: int) -> PartnerMatch:
        """The match is in force from now: what it adds counts at once (a milestone it makes
        the project reach is announced to its followers)."""
        try:
            async with self._sessions.begin() as session:
                row, project = await _draft_row(session, moderator_id, draft_id, lock=True)
                draft = _draft(row, project)
                if not _complete(draft):
                    raise MatchRefused(MatchProblem.GONE, draft)
                if await _active(session, project.id) is not None:
                    raise MatchRefused(MatchProblem.ALREADY_MATCHED, draft)
                now = utcnow()
                if row.ends_at is None or row.ends_at <= now:
                    raise MatchRefused(MatchProblem.DATE_RANGE, draft)
                before = project.raised_cents
                row.starts_at = row.confirmed_at = now
                await session.flush()  # the unique index refuses a second match here
                await refresh_match(session, project, row)
                await milestones(session, project, before)
                return view_of(row)
        except IntegrityError as error:  # another moderator confirmed one at the same time
            raise MatchRefused(MatchProblem.ALREADY_MATCHED) from error

    async def withdraw(self, moderator_id: int, match_id: int) -> PartnerMatch:
        """The match no longer counts (milestones already announced stay announced)."""
        async with self._sessions.begin() as session:
            row = await session.get(MatchRow, match_id, with_for_update=True)
            if row is None or row.confirmed_at is None or row.withdrawn_at is not None:
                raise MatchRefused(MatchProblem.GONE)
            row.withdrawn_at, row.withdrawn_by = utcnow(), moderator_id
            return view_of(row)

    async def reports(self) -> list[MatchReport]:
        """Every confirmed match, withdrawn ones too, newest first: the partners' report."""
        async with self._sessions() as session:
            rows = (await session.execute(
                select(MatchRow, Project)
                .join(Project, Project.id == MatchRow.project_id)
                .where(MatchRow.confirmed_at.is_not(None))
                .order_by(MatchRow.confirmed_at.desc(), MatchRow.id.desc())
            )).all()  # fmt: skip
        return [
            MatchReport(
                match=view_of(row),
                title=project.title,
                goal_cents=project.goal_cents,
                contributors_cents=project.raised_cents,
                threshold_cents=threshold_cents(project.goal_cents, row.threshold_percent)
                if row.threshold_percent
                else None,
                status=project.status,
                withdrawn_at=row.withdrawn_at,
                computed_at=row.computed_at,
            )
            for row, project in rows
        ]


async def _matches_of(session: AsyncSession, project_ids: list[int]) -> dict[int, PartnerMatch]:
    rows = (
        await session.scalars(select(MatchRow).where(MatchRow.project_id.in_(project_ids), *ACTIVE))
    ).all()
    return {row.project_id: view_of(row) for row in rows}


def _with_match(
    project: Project, match: PartnerMatch | None
) -> tuple[ProjectSummary, PartnerMatch | None]:
    return summary_of(project, match.matched_cents if match else 0), match


async def _titled(
    session: AsyncSession, item: tuple[ProjectSummary, PartnerMatch | None], locale: str | None
) -> tuple[ProjectSummary, PartnerMatch | None]:
    """A bilingual project titled as a reader of `locale` reads it."""
    summary, match = item
    title = await title_in(session, summary.id, locale)
    return (read_as(summary, title, summary.in_breton) if title else summary), match


async def _active(session: AsyncSession, project_id: int) -> MatchRow | None:
    statement = select(MatchRow).where(MatchRow.project_id == project_id, *ACTIVE)
    return (await session.scalars(statement)).first()


async def _live(session: AsyncSession, project_id: int, *, lock: bool = False) -> Project:
    project = await session.get(Project, project_id, with_for_update=lock)
    if project is None or project.status is not ProjectStatus.LIVE or project.ends_at is None:
        raise MatchRefused(MatchProblem.NOT_LIVE)
    if project.ends_at <= utcnow():
        raise MatchRefused(MatchProblem.NOT_LIVE)
    return project


async def _draft_row(
    session: AsyncSession, moderator_id: int, draft_id: int, *, lock: bool = False
) -> tuple[MatchRow, Project]:
    """The moderator's own draft, on a project still live."""
    row = await session.get(MatchRow, draft_id, with_for_update=lock)
    if row is None or row.created_by != moderator_id or row.confirmed_at is not None:
        raise MatchRefused(MatchProblem.GONE)
    return row, await _live(session, row.project_id, lock=lock)


def _campaign_end(project: Project) -> datetime:
    if project.ends_at is None:  # `_live` refused it already
        raise MatchRefused(MatchProblem.NOT_LIVE)
    return project.ends_at


def _draft(row: MatchRow, project: Project) -> MatchDraft:
    return MatchDraft(
        draft_id=row.id,
        project_id=project.id,
        title=project.title,
        goal_cents=project.goal_cents,
        campaign_ends_at=_campaign_end(project),
        partner=row.partner_name,
        rule=MatchRule(row.rule) if row.rule else None,
        threshold_percent=row.threshold_percent,
        cap_cents=row.cap_cents,
        ends_at=row.ends_at,
        at_once_cents=_at_once(row, project),
    )


def _at_once(row: MatchRow, project: Project) -> int:
    """A threshold the contributors reached already: the rest of the goal, due on confirmation
    (as `matched_cents` will count it); 0 otherwise."""
    if row.rule != MatchRule.THRESHOLD or not row.threshold_percent:
        return 0
    if project.raised_cents < threshold_cents(project.goal_cents, row.threshold_percent):
        return 0
    return max(0, project.goal_cents - project.raised_cents)


def _complete(draft: MatchDraft) -> bool:
    value = draft.threshold_percent if draft.rule is MatchRule.THRESHOLD else draft.cap_cents
    return bool(draft.partner and draft.rule and value and draft.ends_at)


def _percent(text: str, draft: MatchDraft) -> int:
    read = _PERCENT.match(" ".join(text.split()))
    if read is None:
        raise MatchRefused(MatchProblem.NOT_A_PERCENT, draft)
    percent = int(read.group(1))
    low, high = PERCENT_RANGE
    if not low <= percent <= high:
        raise MatchRefused(MatchProblem.PERCENT_RANGE, draft)
    return percent


def _cap(text: str, draft: MatchDraft) -> int:
    euros = read_euros(text)
    if euros is None:
        raise MatchRefused(MatchProblem.NOT_AN_AMOUNT, draft)
    if euros.cents is None:
        raise MatchRefused(MatchProblem.AMBIGUOUS_AMOUNT, draft)
    if not MIN_CAP_CENTS <= euros.cents <= draft.goal_cents:
        raise MatchRefused(MatchProblem.CAP_RANGE, draft)
    return euros.cents


def _end_day(text: str, draft: MatchDraft) -> datetime:
    """A typed day ("15/01/2027", "15/01", "15 janvier 2027"): the match ends as that day ends
    in Brittany, or with the campaign if it ends that day. From tomorrow to the campaign's end."""
    today = utcnow().astimezone(BRITTANY).date()
    day = _read_day(text, today)
    if day is None:
        raise MatchRefused(MatchProblem.NOT_A_DATE, draft)
    last_day = draft.campaign_ends_at.astimezone(BRITTANY).date()
    if not today < day <= last_day:
        raise MatchRefused(MatchProblem.DATE_RANGE, draft)
    day_end = datetime.combine(day + timedelta(days=1), time(), BRITTANY)
    return min(day_end, draft.campaign_ends_at)


def _read_day(text: str, today: date) -> date | None:
    cleaned = " ".join(text.strip().lower().split())
    numeric = _NUMERIC_DAY.match(cleaned)
    named = None if numeric else _NAMED_DAY.match(cleaned)
    if numeric is not None:
        day, month, year = int(numeric.group(1)), int(numeric.group(2)), numeric.group(3)
    elif named is not None and (number := month_number(named.group(2))) is not None:
        day, month, year = int(named.group(1)), number, named.group(3)
    else:
        return None
    try:
        if year is not None:
            return date(int(year) + 2000 if len(year) == 2 else int(year), month, day)
        # No year: the next such day from today on.
        this_year = date(today.year, month, day)
        return this_year if this_year > today else date(today.year + 1, month, day)
    except ValueError:  # 31/02, month 13…
        return None
