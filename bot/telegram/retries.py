"""One more try for replies that failed on Telegram's side (a 5xx, a dropped connection).

A reply that fails on a passing server error would otherwise cost the user an apology. The
retry wraps python-telegram-bot's rate limiter (its documented extension point, through which
every call of the replies' bot goes), so that PTB's own methods and `do_api_request` are
covered alike:

- an edit, a callback answer or a menu call does the same thing twice: retried once, whatever
  went wrong;
- a new message is retried only when Telegram's answer shows it was not sent (an error
  answer, or no connection at all). After a timeout or a connection lost mid-way, it may have
  been delivered: sending again could show it twice, so the error stands.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import aiohttp
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

RETRY_PAUSE = 0.5  # seconds: a passing error, and a user waiting for the answer
# Calls that change nothing more when made twice.
IDEMPOTENT = frozenset(
    name.lower()
    for name in (
        "answerCallbackQuery", "answerInlineQuery", "editMessageText", "editMessageCaption",
        "editMessageReplyMarkup", "editMessageMedia", "deleteMessage", "deleteMessages",
        "setMyCommands", "deleteMyCommands", "setMyDescription", "setMyShortDescription",
        "sendChatAction", "getMe", "getChat", "getFile",
    )
)  # fmt: skip

Result = bool | dict[str, Any] | list[dict[str, Any]]


def worth_retrying(endpoint: str, error: NetworkError) -> bool:
    if isinstance(error, BadRequest):  # PTB's subclass of NetworkError: ours to fix, not passing
        return False
    if endpoint.lower() in IDEMPOTENT:
        return True
    if isinstance(error, TimedOut):
        return False
    # python-telegram-bot raises an error answer (5xx) without a cause; the transport's own
    # errors carry the aiohttp error behind them.
    cause = error.__cause__
    return cause is None or isinstance(cause, aiohttp.ClientConnectorError)


class RetryServerErrors(BaseRateLimiter[Any]):
    """Retries a failed call once (see the module's rules), through `inner` when given."""

    def __init__(self, inner: BaseRateLimiter[Any] | None, pause: float = RETRY_PAUSE) -> None:
        self._inner = inner
        self._pause = pause

    async def initialize(self) -> None:
        if self._inner is not None:
            await self._inner.initialize()

    async def shutdown(self) -> None:
        if self._inner is not None:
            await self._inner.shutdown()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Any,
    ) -> Result:
        async def attempt() -> Result:
            if self._inner is None:
                return await callback(*args, **kwargs)
            return await self._inner.process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )

        try:
            return await attempt()
        except NetworkError as error:
            if not worth_retrying(endpoint, error):
                raise
            log.warning("%s failed (%s): trying once more", endpoint, error)
        await asyncio.sleep(self._pause)
        return await attempt()
