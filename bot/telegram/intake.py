"""Receiving updates: unreadable ones are skipped; one user's updates run in order."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor, ExtBot

log = logging.getLogger(__name__)


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Serialise the updates of one chat or user, so two quick taps cannot interleave."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiters: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _ordering_key(update)
        if key is None:
            await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiters[key] = self._waiters.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            # Drop the lock once nobody waits on it, so memory does not grow with every user.
            self._waiters[key] -= 1
            if not self._waiters[key]:
                del self._waiters[key], self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release: locks go with the processor."""


def _ordering_key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None


class KengoBot(ExtBot[int]):
    """The bot's API client; hardened against updates that cannot be read.

    python-telegram-bot parses a whole `getUpdates` batch at once: one update it cannot read
    (say, from a newer Bot API server) fails the batch, the offset never moves, and polling spins
    on it forever. Here each update is parsed on its own, once: an unreadable one is logged and
    reduced to its bare `update_id`, which no handler claims but which moves the offset on.
    """

    _batch: tuple[Update, ...] = ()

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        # The library's request (arguments, timeouts); `_post` parses the answer and keeps it,
        # and hands the library an empty batch to parse.
        await super().get_updates(*args, **kwargs)
        batch, self._batch = self._batch, ()
        for update in batch:
            self.insert_callback_data(update)
        return batch

    async def _post(self, endpoint: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        result = await super()._post(endpoint, data, **kwargs)
        if endpoint == "getUpdates" and isinstance(result, list):
            self._batch = tuple(update for raw in result if (update := _parsed(raw, self)))
            return []
        return result


def read_update(raw: object, bot: ExtBot[Any]) -> Update | None:
    """Parse one raw update, or None (logged) when python-telegram-bot cannot read it."""
    try:
        if not isinstance(raw, dict) or not isinstance(raw.get("update_id"), int):
            raise ValueError("no update_id")
        return Update.de_json(raw, bot)
    except Exception as error:
        update_id = raw.get("update_id") if isinstance(raw, dict) else None
        log.error("skipping unreadable update %s: %s: %s", update_id, type(error).__name__, error)
        return None


def _parsed(raw: object, bot: ExtBot[Any]) -> Update | None:
    if (update := read_update(raw, bot)) is not None:
        return update
    if isinstance(raw, dict) and isinstance(raw.get("update_id"), int):
        return Update(update_id=raw["update_id"])
    return None
