"""A Telegram Bot API emulator: a local aiohttp server that python-telegram-bot talks to.

Point PTB at it with ``ApplicationBuilder().base_url(emu.base_url)`` (PTB appends the token)
and drive the bot through simulated users::

    async with BotApiEmulator() as emu:
        anna = emu.user(1001)
        mark = emu.mark()
        await anna.send("/start")
        call = await emu.wait_for("sendMessage", chat_id=anna.id, since=mark)

Every request is recorded as an :class:`ApiCall`; Telegram's limits are enforced with its
own error descriptions (see ``bot_api_checks``), and faults can be injected with
:meth:`BotApiEmulator.fail_next`.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from types import TracebackType
from typing import Any

import aiohttp
from aiohttp import web

from .bot_api_checks import BLOCKED, ApiError, UploadedFile, bad_request, decode_param
from .bot_api_groups import FakeGroup, chat_member, leave, member_json, pin, unpin
from .bot_api_methods import Handler
from .bot_api_updates import CONFLICT_OTHER_POLL, BotApiUpdates, WebhookDelivery
from .bot_api_users import ChatState, FakeMessage, FakeUser

__all__ = [
    "ApiCall",
    "ApiError",
    "BotApiEmulator",
    "FakeGroup",
    "FakeMessage",
    "FakeUser",
    "WebhookDelivery",
]

_LOG = logging.getLogger(__name__)

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: injected by BotApiEmulator.fail_next",
    403: BLOCKED,
    409: CONFLICT_OTHER_POLL,
    500: "Internal Server Error",
    502: "Bad Gateway",
}


@dataclass
class ApiCall:
    """One request the bot made, successful or not.

    ``params`` are decoded (chat_id an int, reply_markup a dict), ``at`` is
    ``time.monotonic()`` when the answer was sent, ``result`` the answer's result.
    """

    method: str
    params: dict[str, Any]
    ok: bool
    error: str | None
    at: float
    error_code: int | None = None
    result: Any = None


@dataclass
class _Fault:
    method: str
    error: ApiError
    chat_id: int | None
    remaining: int


class BotApiEmulator(BotApiUpdates):
    """The Telegram Bot API, served on 127.0.0.1 for one test."""

    def __init__(
        self,
        token: str = "123456:TEST-token",  # noqa: S107 - a fake token for a fake server
        username: str = "kengo_test_bot",
        latency: float = 0.0,
    ) -> None:
        super().__init__(token, username)
        self.latency = latency
        self._calls: list[ApiCall] = []
        self._call_waiters: set[asyncio.Event] = set()
        self._faults: list[_Fault] = []
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        # Telegram matches method names case-insensitively.
        self._methods = {name.lower(): (name, fn) for name, fn in self.method_table().items()}

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        self._closing = False
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self._port = self._runner.addresses[0][1]
        self._session = aiohttp.ClientSession()

    async def stop(self) -> None:
        self._closing = True
        self._wake(self._update_waiters)
        await self._stop_webhook_worker()
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotApiEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("BotApiEmulator is not started")
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- users -----------------------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str = "Anna",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str = "fr",
    ) -> FakeUser:
        """A user who has a private chat with the bot (so the bot may message them)."""
        names = {"first_name": first_name, "last_name": last_name, "username": username}
        names = {key: value for key, value in names.items() if value is not None}
        user = {"id": user_id, "is_bot": False, **names, "language_code": language_code}
        chat = {"id": user_id, "type": "private", **names}
        state = self._chats.get(user_id)
        if state is None:
            self._chats[user_id] = ChatState(chat=chat, user=user)
        else:
            state.chat, state.user = chat, user
        return FakeUser(self, user)

    def group(
        self, chat_id: int, title: str, admins: list[FakeUser], *, kind: str = "supergroup"
    ) -> FakeGroup:
        """A group (``kind`` "group" or "supergroup") whose administrators are ``admins``, the
        first its creator; the bot is not in it until a test adds it."""
        chat = {"id": chat_id, "type": kind, "title": title}
        state = ChatState(chat=chat, user=admins[0].user if admins else {})
        for rank, admin in enumerate(admins):
            status = "creator" if rank == 0 else "administrator"
            rights = frozenset({"can_pin_messages", "can_invite_users", "can_delete_messages"})
            state.members[admin.id] = member_json(admin.user, status, rights)
        self._chats[chat_id] = state
        return FakeGroup(self, state)

    def channel(self, chat_id: int, title: str, admins: list[FakeUser]) -> FakeGroup:
        return self.group(chat_id, title, admins, kind="channel")

    def method_table(self) -> dict[str, Handler]:
        bot_id = self.bot_user["id"]
        return {
            **super().method_table(),
            "getChatMember": lambda p: chat_member(self._chat(p, sending=False), p.get("user_id")),
            "pinChatMessage": lambda p: pin(self._chat(p), bot_id, p.get("message_id")),
            "unpinChatMessage": lambda p: unpin(self._chat(p), bot_id, p.get("message_id")),
            "leaveChat": self._leave_chat,
        }

    async def _leave_chat(self, p: dict[str, Any]) -> bool:
        state = self._chat(p, sending=False)
        old = leave(state, self.bot_user)
        # Telegram tells the bot it left, as for any change of its membership.
        update = {"my_chat_member": {
            "chat": state.chat, "from": self.bot_user, "date": int(time.time()),
            "old_chat_member": old, "new_chat_member": member_json(self.bot_user, "left"),
        }}  # fmt: skip
        await self.inject_raw(update)
        return True

    # -- faults ----------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        error_code: int = 429,
        description: str | None = None,
        retry_after: int | None = None,
        chat_id: int | None = None,
        count: int = 1,
    ) -> None:
        """Make the next ``count`` calls of ``method`` (to ``chat_id`` if given) fail."""
        if error_code == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            if error_code == 429:
                description = f"Too Many Requests: retry after {retry_after}"
            else:
                try:
                    phrase = HTTPStatus(error_code).phrase
                except ValueError:
                    phrase = "Error"
                description = _DEFAULT_DESCRIPTIONS.get(error_code, phrase)
        error = ApiError(error_code, description, retry_after)
        self._faults.append(_Fault(method.lower(), error, chat_id, count))

    def _injected_fault(self, method: str, params: dict[str, Any]) -> None:
        for fault in self._faults:
            if fault.method != method.lower():
                continue
            if fault.chat_id is not None and params.get("chat_id") != fault.chat_id:
                continue
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._faults.remove(fault)
            raise fault.error

    # -- recording -------------------------------------------------------------------------

    def mark(self) -> int:
        """A position in the call log, for ``wait_for(..., since=mark)``."""
        return len(self._calls)

    def calls(
        self, method: str | None = None, chat_id: int | None = None, *, include_failed: bool = False
    ) -> list[ApiCall]:
        return [c for c in self._calls if self._matches(c, method, chat_id, include_failed)]

    @staticmethod
    def _matches(call: ApiCall, method: str | None, chat_id: int | None, failed: bool) -> bool:
        return (
            (call.ok or failed)
            and (method is None or call.method.lower() == method.lower())
            and (chat_id is None or call.params.get("chat_id") == chat_id)
        )

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[ApiCall], bool] | None = None,
        timeout: float = 5.0,
        *,
        since: int = 0,
        chat_id: int | None = None,
    ) -> ApiCall:
        """Wait for a successful call of ``method`` recorded at index ``since`` or later."""
        deadline = time.monotonic() + timeout
        index = since
        while True:
            while index < len(self._calls):
                call = self._calls[index]
                index += 1
                if self._matches(call, method, chat_id, False) and (
                    predicate is None or predicate(call)
                ):
                    return call
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(
                    f"no successful {method} call within {timeout}s; recent calls:\n"
                    + self.summary(since)
                )
            wake = asyncio.Event()
            self._call_waiters.add(wake)
            try:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), remaining)
            finally:
                self._call_waiters.discard(wake)

    def summary(self, since: int = 0, last: int = 20) -> str:
        """Recent calls except getUpdates, one a line, for assertion messages."""
        lines = []
        for call in self._calls[since:]:
            if call.method == "getUpdates":
                continue
            shown = {k: v for k, v in call.params.items() if k in ("chat_id", "text", "caption")}
            outcome = "ok" if call.ok else f"{call.error_code} {call.error}"
            lines.append(f"  {call.method}({shown}) -> {outcome}")
        return "\n".join(lines[-last:]) or "  (none)"

    def _record(self, call: ApiCall) -> None:
        self._calls.append(call)
        self._wake(self._call_waiters)

    # -- HTTP ------------------------------------------------------------------------------

    async def _read_params(self, request: web.Request) -> dict[str, Any]:
        raw: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json" and request.can_read_body:
            body = await request.json()
            if isinstance(body, dict):
                raw.update(body)
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for name, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    raw[name] = UploadedFile(value.filename, value.content_type, value.file.read())
                else:
                    raw[name] = value
        return {name: decode_param(name, value) for name, value in raw.items()}

    async def _handle(self, request: web.Request) -> web.Response:
        if self.latency:
            await asyncio.sleep(self.latency)
        requested = request.match_info["method"]
        try:
            params = await self._read_params(request)
        except ValueError:
            return self._answer(requested, {}, bad_request("can't parse request JSON object"))
        if request.match_info["token"] != self.token:
            return self._answer(requested, params, ApiError(401, "Unauthorized"))
        entry = self._methods.get(requested.lower())
        if entry is None:
            _LOG.warning("BotApiEmulator does not know the method %r", requested)
            return self._answer(requested, params, ApiError(404, "Not Found"))
        method, handler = entry
        try:
            self._injected_fault(method, params)
            result = handler(params)
            if inspect.isawaitable(result):
                result = await result
        except ApiError as error:
            return self._answer(method, params, error, request=request)
        except Exception as exc:
            # A crash here is a bug in the emulator: make it loud rather than a timeout.
            _LOG.exception("BotApiEmulator failed on %s(%r)", method, params)
            return self._answer(method, params, ApiError(500, f"Internal Server Error: {exc!r}"))
        return self._answer(method, params, None, result, request=request)

    def _answer(
        self,
        method: str,
        params: dict[str, Any],
        error: ApiError | None,
        result: Any = None,
        request: web.Request | None = None,
    ) -> web.Response:
        gone = request is not None and (request.transport is None or request.transport.is_closing())
        # A long poll whose client already hung up (PTB cancels it on shutdown) is not a call
        # the bot saw; recording it would only add a spurious 409 or lost batch to the log.
        if not (gone and method == "getUpdates"):
            self._record(
                ApiCall(
                    method=method,
                    params=params,
                    ok=error is None,
                    error=error.description if error else None,
                    at=time.monotonic(),
                    error_code=error.code if error else None,
                    result=result,
                )
            )
        if error is not None:
            return web.json_response(error.payload(), status=error.code)
        return web.json_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").payload(), status=401)
        path = request.match_info["path"]
        stored = next((f for f in self._files.values() if f.file_path == path), None)
        if stored is None:
            return web.json_response(ApiError(404, "Not Found").payload(), status=404)
        return web.Response(body=stored.content, content_type="image/jpeg")
