"""The owner's progress message while their news post is delivered: "1 234 / 5 000 abonnés"."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot
from telegram.error import BadRequest

from bot.i18n.translator import Catalogs
from bot.notifications.messages import delivery_text
from bot.notifications.outcomes import OutcomeWriter
from bot.notifications.queue import OutboxQueue
from bot.views.owner import after_news_keyboard

log = logging.getLogger(__name__)


class NewsProgress:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        bot: Bot,
        catalogs: Catalogs,
        *,
        every: float,
        poll: float,
    ) -> None:
        self._sessions = sessions
        self._bot = bot
        self._catalogs = catalogs
        self._every = every  # seconds between two edits of one owner's progress message
        self._poll = poll  # seconds between looks at the posts whose rows were written
        self._reported: dict[int, float] = {}

    async def report_regularly(self, writer: OutcomeWriter, stop: asyncio.Event) -> None:
        """Report the posts whose rows were written, until `stop` is set."""
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self._poll)
            try:
                await self.report(writer.take_touched_posts())
            except Exception:
                log.exception("news progress not reported")

    async def report(self, post_ids: set[int]) -> None:
        """Edit each owner's progress message, at most every few seconds, and once at the end."""
        for post_id in post_ids:
            async with self._sessions() as session:
                delivery = await OutboxQueue(session).news_delivery(post_id)
            if delivery is None or delivery.chat_id is None or delivery.message_id is None:
                continue
            last = self._reported.get(post_id, 0.0)
            if not delivery.done and time.monotonic() - last < self._every:
                continue
            self._reported[post_id] = time.monotonic()
            async with self._sessions() as session:
                owners = await OutboxQueue(session).recipients([delivery.owner_id])
            owner = owners.get(delivery.owner_id)
            t = self._catalogs.translator(owner.locale if owner else None)
            try:
                # Sent with the owner's ways on: an edit without them would take them away.
                await self._bot.edit_message_text(
                    delivery_text(t, delivery),
                    delivery.chat_id,
                    delivery.message_id,
                    reply_markup=after_news_keyboard(t),
                )
            except BadRequest as error:  # unchanged, or deleted by the owner: nothing to do
                log.debug("news %s progress not edited: %s", post_id, error)
            if delivery.done:
                async with self._sessions.begin() as session:
                    await OutboxQueue(session).mark_news_reported(post_id)
                self._reported.pop(post_id, None)
