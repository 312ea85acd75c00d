"""Launch alerts: "tell me of new projects here" (a catalogue list's category, département or
commune, all of those set) and "tell me of the next project of this owner" (after backing one).

When moderation puts a project live, `queue_launch_alerts` writes one outbox row per matching
subscriber, in the approval's transaction; its `dedupe_key` names the project and the user, so
a user with two matching alerts, or an approval replayed, still gets one message.
"""

from __future__ import annotations

import math

from sqlalchemy import and_, bindparam, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogue.service import query_hash
from bot.domain import (
    AlertPage,
    AlertTarget,
    Departement,
    LaunchAlert,
    ListView,
    PledgeStatus,
)
from bot.i18n.text import normalise
from bot.notifications.kinds import Kind, row
from bot.notifications.queue import OutboxQueue
from bot.search.places import DEPARTEMENT_NAMES, find_commune
from bot.storage.engine import Sessions
from bot.storage.models import LaunchAlert as AlertRow
from bot.storage.models import Pledge, Project, User
from bot.storage.sql import AnyRow, affected_rows

MAX_ALERTS = 20  # per user: beyond, alerts would be a second catalogue, not a watch
PAGE_SIZE = 6  # alerts per page in /settings
MAX_OWNERS_OFFERED = 3  # owner buttons under /mes_soutiens


class AlertRefused(Exception):
    """Nothing to watch in this list, a list changed since, or too many alerts already."""


class TooManyAlerts(AlertRefused):
    pass


def target_of(view: ListView, query: str | None) -> AlertTarget | None:
    """The alert a catalogue list stands for: its category and département, or the commune (or
    département) its search names. None for a whole catalogue, or a search for other words
    ("fest-noz" is not a place one can be told about)."""
    departement = view.departement
    commune = None
    if query:
        named = _departement_named(query)
        found = None if named else find_commune(query)
        if named is None and found is None:
            return None
        if found is not None:
            # The commune says where: a département filter beside it adds nothing.
            commune, departement = found.name, None
        else:
            departement = named
    target = AlertTarget(view.category, departement, commune)
    return None if target.empty else target


def _departement_named(query: str) -> Departement | None:
    typed = normalise(query.replace("’", "'"))
    for number, names in DEPARTEMENT_NAMES.items():
        if typed in (normalise(name) for name in names):
            return Departement(number)
    return None


_WATCHING = (
    select(AlertRow.id)
    .where(AlertRow.user_id == bindparam("user"), AlertRow.target_key == bindparam("key"))
    .limit(1)
)


class LaunchAlertService:
    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions

    async def offered(self, user_id: int, view: ListView, query: str | None) -> bool | None:
        """Whether the user watches what a catalogue list stands for (None: nothing to watch
        there, so no button; a whole catalogue costs no query)."""
        target = target_of(view, query)
        if target is None:
            return None
        # Every filtered catalogue page asks: a Core statement built once, without a session.
        async with self._sessions.autocommit() as connection:
            found = await connection.scalar(_WATCHING, {"user": user_id, "key": target.key})
        return found is not None

    async def list_target(self, user_id: int, view: ListView) -> AlertTarget:
        """The target of the list a button was pressed under; its search must be the user's
        latest (a list's buttons refer to it by a hash)."""
        query = None
        if view.query_hash:
            async with self._sessions() as session:
                user = await session.get(User, user_id)
            query = user.catalogue_query if user else None
            if query is None or query_hash(query) != view.query_hash:
                raise AlertRefused("stale list")
        target = target_of(view, query)
        if target is None:
            raise AlertRefused("nothing to watch")
        return target

    async def subscribe(self, user_id: int, target: AlertTarget) -> AlertTarget:
        """Keep an alert (asking twice keeps one); at most `MAX_ALERTS` per user. An owner alert
        needs a paid pledge to one of the owner's projects, and names the owner."""
        async with self._sessions.begin() as session:
            if target.owner_id is not None:
                target = await _owner_target(session, user_id, target.owner_id)
            if await _find(session, user_id, target) is not None:
                return target
            count = await session.scalar(select(func.count()).where(AlertRow.user_id == user_id))
            if (count or 0) >= MAX_ALERTS:
                raise TooManyAlerts
            session.add(
                AlertRow(user_id=user_id, category=target.category,
                         departement=target.departement, commune=target.commune,
                         owner_id=target.owner_id, target_key=target.key)
            )  # fmt: skip
            return target

    async def unsubscribe(self, user_id: int, target: AlertTarget) -> AlertTarget:
        """Drop the user's alert on `target` (nothing happens if there was none; an owner must
        exist, to be named in the answer)."""
        async with self._sessions.begin() as session:
            if target.owner_id is not None:
                owner = await session.get(User, target.owner_id)
                if owner is None:
                    raise AlertRefused("unknown owner")
                target = AlertTarget(owner_id=owner.id, owner_name=owner.first_name)
            await session.execute(
                delete(AlertRow).where(AlertRow.user_id == user_id,
                                       AlertRow.target_key == target.key)
            )  # fmt: skip
            return target

    async def owners_backed(self, user_id: int) -> list[tuple[AlertTarget, bool]]:
        """The owners of projects the user paid for (not the user), with whether an alert on
        their next project is set; the most recently backed first."""
        async with self._sessions() as session:
            rows = (await session.execute(
                select(User.id, User.first_name, func.max(Pledge.id).label("latest"))
                .join(Project, Project.owner_id == User.id)
                .join(Pledge, Pledge.project_id == Project.id)
                .where(Pledge.user_id == user_id, Pledge.status == PledgeStatus.PAID,
                       User.id != user_id)
                .group_by(User.id, User.first_name)
                .order_by(func.max(Pledge.id).desc())
                .limit(MAX_OWNERS_OFFERED)
            )).all()  # fmt: skip
            watched = set((await session.scalars(
                select(AlertRow.owner_id).where(AlertRow.user_id == user_id,
                                                AlertRow.owner_id.is_not(None))
            )).all())  # fmt: skip
        return [
            (AlertTarget(owner_id=owner, owner_name=name), owner in watched)
            for owner, name, _ in rows
        ]

    async def count(self, user_id: int) -> int:
        async with self._sessions() as session:
            total = await session.scalar(select(func.count()).where(AlertRow.user_id == user_id))
            return int(total or 0)

    async def page(self, user_id: int, page: int) -> AlertPage:
        """One page of the user's alerts, the newest first (a page past the end: the last)."""
        async with self._sessions() as session:
            total = int(await session.scalar(
                select(func.count()).where(AlertRow.user_id == user_id)
            ) or 0)  # fmt: skip
            pages = max(1, math.ceil(total / PAGE_SIZE))
            page = min(max(page, 0), pages - 1)
            rows = (await session.execute(
                select(AlertRow, User.first_name)
                .outerjoin(User, User.id == AlertRow.owner_id)
                .where(AlertRow.user_id == user_id)
                .order_by(AlertRow.id.desc())
                .offset(page * PAGE_SIZE).limit(PAGE_SIZE)
            )).all()  # fmt: skip
        alerts = [LaunchAlert(alert.id, _target(alert, name or "")) for alert, name in rows]
        return AlertPage(alerts, page, pages, total, page * PAGE_SIZE + 1)

    async def remove(self, user_id: int, alert_id: int) -> bool:
        """Drop one of the user's alerts by its id; False when it is not theirs (or gone)."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(AlertRow).where(AlertRow.id == alert_id, AlertRow.user_id == user_id)
            )
            return affected_rows(result) > 0


async def queue_launch_alerts(session: AsyncSession, project: Project) -> int:
    """Queue one message per subscriber whose alert matches a project just put live: the
    owner's followers-to-be, and those watching its category, département or commune. Never
    its owner; never someone who blocked the bot. Returns how many were queued."""
    matches = or_(
        AlertRow.owner_id == project.owner_id,
        and_(
            AlertRow.owner_id.is_(None),
            or_(AlertRow.category.is_(None), AlertRow.category == project.category),
            or_(AlertRow.departement.is_(None), AlertRow.departement == project.departement),
            or_(AlertRow.commune.is_(None), AlertRow.commune == project.commune),
        ),
    )
    # Columns, not models: a launch may match tens of thousands of alerts, and building an
    # object per row was a third of the time (bench/launch_alerts.py).
    found = (await session.execute(
        select(AlertRow.user_id, AlertRow.owner_id, AlertRow.category, AlertRow.departement,
               AlertRow.commune)
        .join(User, User.id == AlertRow.user_id)
        .where(matches, AlertRow.user_id != project.owner_id, User.blocked.is_(False))
        .order_by(AlertRow.user_id, AlertRow.owner_id.is_(None), AlertRow.id)
    )).all()  # fmt: skip
    owner = await session.get(User, project.owner_id)
    owner_name = owner.first_name if owner else ""
    chosen: dict[int, AnyRow] = {}
    for alert in found:
        chosen.setdefault(alert.user_id, alert)  # an owner alert first: the closer reason
    rows = [
        row(user_id, Kind.LAUNCH_ALERT, f"launch:{project.id}:user:{user_id}", project.id,
            title=project.title, **_reason(alert, owner_name))
        for user_id, alert in chosen.items()
    ]  # fmt: skip
    await OutboxQueue(session).enqueue(rows)
    return len(rows)


def _reason(alert: AlertRow | AnyRow, owner_name: str) -> dict[str, str | None]:
    """What the recipient asked for, for the message to say why it came."""
    if alert.owner_id is not None:
        return {"owner_name": owner_name}
    return {
        "category": alert.category.value if alert.category else None,
        "departement": alert.departement.value if alert.departement else None,
        "commune": alert.commune,
    }


def _target(alert: AlertRow, owner_name: str) -> AlertTarget:
    return AlertTarget(alert.category, alert.departement, alert.commune, alert.owner_id,
                       owner_name if alert.owner_id is not None else "")  # fmt: skip


async def _find(session: AsyncSession, user_id: int, target: AlertTarget) -> AlertRow | None:
    return await session.scalar(
        select(AlertRow).where(AlertRow.user_id == user_id, AlertRow.target_key == target.key)
    )


async def _owner_target(session: AsyncSession, user_id: int, owner_id: int) -> AlertTarget:
    backed = await session.scalar(
        select(Pledge.id).join(Project, Project.id == Pledge.project_id)
        .where(Pledge.user_id == user_id, Pledge.status == PledgeStatus.PAID,
               Project.owner_id == owner_id)
        .limit(1)
    )  # fmt: skip
    owner = await session.get(User, owner_id)
    if backed is None or owner is None or owner_id == user_id:
        raise AlertRefused("not an owner the user backed")
    return AlertTarget(owner_id=owner_id, owner_name=owner.first_name)
