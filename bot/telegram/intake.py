"""Receiving updates: unreadable ones are skipped; one user's updates run in order."""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor, ExtBot
from telegram.request import BaseRequest
from telegram.warnings import PTBUserWarning

log = logging.getLogger(__name__)

# python-telegram-bot suggests its `get_updates` when `do_api_request` fetches the raw batch.
warnings.filterwarnings("ignore", r"Please use 'Bot\.getUpdates'", PTBUserWarning)


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Serialise the updates of one chat or user, so two quick taps cannot interleave.

    `finished` is told each update's id once its handlers have run (the error handler too): the
    webhook inbox then stops keeping it. Not when processing is cancelled: it did not finish.
    """

    def __init__(
        self, max_concurrent_updates: int, finished: Callable[[int], None] | None = None
    ) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiters: dict[int, int] = {}
        self._finished = finished

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _ordering_key(update)
        if key is None:
            await self._run(update, coroutine)
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiters[key] = self._waiters.get(key, 0) + 1
        try:
            async with lock:
                await self._run(update, coroutine)
        finally:
            # Drop the lock once nobody waits on it, so memory does not grow with every user.
            self._waiters[key] -= 1
            if not self._waiters[key]:
                del self._waiters[key], self._locks[key]

    async def _run(self, update: object, coroutine: Awaitable[Any]) -> None:
        try:
            await coroutine
        except Exception:
            # The library logs it; handled all the same, lest it fail again at every takeover.
            self._tell_finished(update)
            raise
        self._tell_finished(update)

    def _tell_finished(self, update: object) -> None:
        if self._finished is not None and isinstance(update, Update):
            self._finished(update.update_id)

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

    def __init__(self, token: str, *, get_updates_request: BaseRequest, **options: Any) -> None:
        super().__init__(token, get_updates_request=get_updates_request, **options)
        # The library keeps it out of reach; its read timeout is the base of long polling's.
        self._polling_request = get_updates_request

    async def get_updates(
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: float | timedelta | None = None,  # noqa: ASYNC109 - the library's name, Updater passes it
        allowed_updates: Sequence[str] | None = None,
        *,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
        api_kwargs: dict[str, Any] | None = None,
    ) -> tuple[Update, ...]:
        # The same request as the library's (getUpdates goes over `get_updates_request`, past
        # the rate limiter), but the raw batch comes back unparsed.
        raw_batch: list[object] = await self.do_api_request(
            "getUpdates",
            api_kwargs={
                "offset": offset,
                "limit": limit,
                "timeout": timeout,
                "allowed_updates": allowed_updates,
                **(api_kwargs or {}),
            },
            read_timeout=self._long_poll_read_timeout(read_timeout, timeout),
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )
        batch = tuple(update for raw in raw_batch if (update := _parsed(raw, self)))
        for update in batch:
            self.insert_callback_data(update)
        return batch

    def _long_poll_read_timeout(
        self, read_timeout: Any, timeout: float | timedelta | None
    ) -> float:
        # As the library reckons it: the server may hold the request `timeout` seconds before
        # it starts answering, so that much comes on top of the usual read timeout.
        if read_timeout is BaseRequest.DEFAULT_NONE:
            read_timeout = self._polling_request.read_timeout
        held = timeout.total_seconds() if isinstance(timeout, timedelta) else timeout or 0
        return float(read_timeout or 0) + held


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
