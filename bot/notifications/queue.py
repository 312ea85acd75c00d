"""The notification outbox: rows written with the event that causes them, sent by a worker."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, Update, bindparam, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import Delivery, OutboxStatus, utcnow
from bot.storage.models import NewsPost, OutboxMessage, ProjectTranslation, User
from bot.storage.sql import affected_rows, insert_ignoring_duplicates


class OutboxQueue:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def enqueue(self, rows: list[dict[str, Any]]) -> None:
        """Queue notifications; a row whose `dedupe_key` is already queued is skipped."""
        if rows:
            rows = await self._with_translated_titles(rows)
            statement = insert_ignoring_duplicates(self.session, OutboxMessage, "dedupe_key")
            await self.session.execute(statement, rows)

    async def _with_translated_titles(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Rows that name a project's title carry its title in the project's other language
        too (`titles`, by language), so that each recipient reads the one in their language
        (`bot.notifications.messages.in_reader_language`), whoever queued the row."""
        titled = {row["project_id"] for row in rows if "title" in row["payload"]} - {None}
        if not titled:
            return rows
        translations = ProjectTranslation.__table__.c
        found = {
            project_id: {locale: title}
            for project_id, locale, title in (await self.session.execute(
                select(translations.project_id, translations.locale, translations.title)
                .where(translations.project_id.in_(titled), translations.title != "")
            )).all()
        }  # fmt: skip
        return [
            row | {"payload": row["payload"] | {"titles": found[row["project_id"]]}}
            if row["project_id"] in found and "title" in row["payload"]
            else row
            for row in rows
        ]

    async def claim(self, now: datetime, limit: int, lease: timedelta) -> Sequence[OutboxMessage]:
        """Take up to `limit` due messages, longest due first, for this worker until `now + lease`.

        The lease keeps the rows this sender holds (queued, in flight) out of its next claims,
        and brings them back after a crash. One sender claims at a time (the leader); `SKIP
        LOCKED` keeps a leader that has just lost its lock from blocking the next one.
        """
        due = (
            select(OutboxMessage)
            .where(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.next_attempt_at <= now,
                or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until < now),
            )
            # The order of `ix_outbox_due`: the scan stops after `limit` rows, where ordering
            # by id alone sorted every due row at each claim.
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        messages = (await self.session.scalars(due)).all()
        if messages:
            await self.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_([m.id for m in messages]))
                .values(locked_until=now + lease)
            )
        return messages

    async def reclaim(self, now: datetime) -> int:
        """Free the rows still leased, for a sender that has just become the leader: only
        the leader claims, so every lease belongs to a sender that leads no more (it died or
        stepped down), and its rows need not wait for their leases to lapse."""
        result = await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.locked_until > now)
            .values(locked_until=None)
        )
        return affected_rows(result)

    async def record(
        self, outcomes: list[dict[str, Any]], blocked_user_ids: Collection[int]
    ) -> None:
        """Write many rows' new columns (each dict: `id` and the columns) in one `executemany`,
        and mark the users who answered 403 as having blocked the bot."""
        if outcomes:
            # A bound parameter may not share its column's name in an UPDATE: prefix them.
            params = [{f"new_{name}": value for name, value in o.items()} for o in outcomes]
            await self.session.execute(_RECORD, params)
        if blocked_user_ids:
            await self.session.execute(
                update(User)
                .where(User.id.in_(blocked_user_ids), User.blocked.is_(False))
                .values(blocked=True, blocked_at=utcnow())
            )

    async def recipients(self, user_ids: Collection[int]) -> dict[int, User]:
        """The users the claimed rows go to, by id (their language, settings and blocked flag)."""
        if not user_ids:
            return {}
        users = (await self.session.scalars(select(User).where(User.id.in_(set(user_ids))))).all()
        return {user.id: user for user in users}

    async def news_delivery(self, post_id: int) -> Delivery | None:
        """Where the delivery of a news post stands: its rows counted by status."""
        post = await self.session.get(NewsPost, post_id)
        if post is None:
            return None
        counts = dict((await self.session.execute(
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.news_post_id == post_id)
            .group_by(OutboxMessage.status)
        )).all())  # fmt: skip
        return Delivery(
            post_id, post.author_id, post.progress_chat_id, post.progress_message_id,
            post.recipients_count, counts.get(OutboxStatus.SENT, 0),
            counts.get(OutboxStatus.BLOCKED, 0),
            counts.get(OutboxStatus.FAILED, 0) + counts.get(OutboxStatus.SKIPPED, 0),
            counts.get(OutboxStatus.PENDING, 0),
        )  # fmt: skip

    async def mark_news_reported(self, post_id: int) -> None:
        """The owner was shown the end of the delivery: no more progress edits."""
        post = await self.session.get(NewsPost, post_id)
        if post is not None:
            post.delivery_reported_at = utcnow()


def _record_statement() -> Update:
    # On the table, not the ORM class: a plain executemany, without the ORM's bulk machinery.
    table = cast(Table, OutboxMessage.__table__)
    columns = ["status", "attempts", "next_attempt_at", "locked_until", "last_error", "sent_at"]
    return (
        update(table)
        .where(table.c.id == bindparam("new_id"))
        .values({name: bindparam(f"new_{name}", type_=table.c[name].type) for name in columns})
    )


_RECORD = _record_statement()
