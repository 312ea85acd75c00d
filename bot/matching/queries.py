"""Partner matches as stored: the one in force on a project, and what it adds to its progress.

They never commit: the calling service owns the transaction. The rules themselves are in
`rules.py`; `bot.payments.ledger.recount` recomputes a match's amount after every change of money.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import MatchRule
from bot.domain import PartnerMatch as MatchView
from bot.storage.models import PartnerMatch
from bot.storage.sql import AnyRow, Database, table_of

_matches = table_of(PartnerMatch).c
# A confirmed match nobody withdrew: it counts (after its end too, frozen by its rule).
ACTIVE = (PartnerMatch.confirmed_at.is_not(None), PartnerMatch.withdrawn_at.is_(None))


def matched_of(project_id: Any) -> Any:
    """What a project's match adds (0 when none), as a scalar subquery on `project_id` (a
    column of an outer statement, or a value)."""
    return func.coalesce(
        select(func.sum(_matches.matched_cents))
        .where(
            _matches.project_id == project_id,
            _matches.confirmed_at.is_not(None),
            _matches.withdrawn_at.is_(None),
        )
        .scalar_subquery(),
        0,
    )


async def active_match(
    session: AsyncSession, project_id: int, *, for_update: bool = False
) -> PartnerMatch | None:
    statement = select(PartnerMatch).where(PartnerMatch.project_id == project_id, *ACTIVE)
    if for_update:
        statement = statement.with_for_update()
    return (await session.scalars(statement)).first()


async def matched_total(session: AsyncSession, project_id: int) -> int:
    return int(await session.scalar(select(matched_of(project_id))) or 0)


def view_of(match: PartnerMatch | AnyRow) -> MatchView:
    """A confirmed match as every layer speaks of it (a model, or a row of its columns)."""
    if match.starts_at is None or match.ends_at is None or match.rule is None:
        raise ValueError(f"partner match {match.id} is not confirmed")
    return MatchView(
        match_id=match.id,
        project_id=match.project_id,
        partner=match.partner_name or "",
        rule=MatchRule(match.rule),
        threshold_percent=match.threshold_percent,
        cap_cents=match.cap_cents,
        starts_at=match.starts_at,
        ends_at=match.ends_at,
        matched_cents=match.matched_cents,
    )


_SHOWN = select(
    _matches.id, _matches.project_id, _matches.partner_name, _matches.rule,
    _matches.threshold_percent, _matches.cap_cents, _matches.starts_at, _matches.ends_at,
    _matches.matched_cents,
).where(
    _matches.project_id == bindparam("project_id"),
    _matches.confirmed_at.is_not(None),
    _matches.withdrawn_at.is_(None),
)  # fmt: skip


async def shown_match(database: Database, project_id: int) -> MatchView | None:
    """The project's match as its card shows it (a session or a connection: Core only)."""
    found = (await database.execute(_SHOWN, {"project_id": project_id})).first()
    return None if found is None else view_of(found)
