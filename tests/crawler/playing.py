"""Playing a path of the crawl: a start, then its actions, each read back as a `Screen`.

A *start* is a way into the conversation (`/start`, a share link, `/proposer`, `/mes_projets`
as a project's owner…), maybe followed by the buttons that lead into a flow (a pledge, a
draft's preview), played by a new user (a fresh Telegram id) at every playing, or by a
given person (the moderator) whom `Start.reset` puts back in their state first. A reset may also
prepare what a new user holds before the opening (a project to own, a draft to finish).

A button is pressed again by its label and position, as a person would: its data may hold ids
that differ from one playing to the next (a new draft).

When a reaction is over: `FinishedUpdates` wraps the bot's update processor and is told when an
update's handlers (and error handler) have returned, so nothing is guessed from timing. The
reaction is then what the emulator recorded in the user's chat since the action (and the
answer to their button press), the user's input mode and draft read from the database.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Update

from bot.storage.models import Project, User
from bot.telegram.intake import PerUserUpdateProcessor
from tests.crawler.answers import INVITATION
from tests.crawler.screens import Action, Screen, Shown, shown_by
from tests.fakes.bot_api import BotApiEmulator, FakeUser

WAIT = 10.0
_DIGITS = re.compile(r"\d+")

Path = tuple[Action, ...]


class FinishedUpdates:
    """Which updates the bot has finished handling (installed on its update processor)."""

    def __init__(self) -> None:
        self.done: set[int] = set()
        self._changed = asyncio.Event()

    def install(self, patch: Callable[[object, str, object], None]) -> None:
        """`patch` is pytest's `monkeypatch.setattr`: undone when the test ends."""
        original = PerUserUpdateProcessor.do_process_update
        finished = self

        async def tracked(
            processor: PerUserUpdateProcessor, update: object, coroutine: Awaitable[Any]
        ) -> None:
            try:
                await original(processor, update, coroutine)
            finally:
                if isinstance(update, Update):
                    finished.done.add(update.update_id)
                    finished._changed.set()

        patch(PerUserUpdateProcessor, "do_process_update", tracked)

    async def wait(self, update_id: int) -> None:
        async with asyncio.timeout(WAIT):
            while update_id not in self.done:
                self._changed.clear()
                await self._changed.wait()


@dataclass
class Start:
    name: str  # as the transcript names it: "/start", "/moderation (moderator)"…
    opening: Action
    # Buttons pressed after the opening at every playing (by their label): the start's screen
    # is the last one's, so a flow deep in the conversation is entered in a few actions.
    leads: tuple[Action, ...] = ()
    user_id: int | None = None  # None: a new user at every playing
    first_name: str = "Anna"
    # Puts the person's state back (or prepares a new user's) before each playing; told the
    # user id that will play.
    reset: Callable[[int], Awaitable[None]] | None = None
    # The reset prepares the new user alone: the users of earlier playings stay as they were
    # (not so when it hands them a project another playing's user held).
    private_reset: bool = False
    budget: int = 60  # actions at most, for this start (times the crawler's scale)


def shape(text: str) -> str:
    """`text` with its numbers blanked (ids, counts, amounts)."""
    return _DIGITS.sub("#", text)


class Player:
    """Plays paths and records their screens; knows who is idle where."""

    def __init__(
        self,
        emulator: BotApiEmulator,
        engine: AsyncEngine,
        finished: FinishedUpdates,
        language_code: str,
        first_user_id: int,
    ) -> None:
        self.emulator, self.engine, self.finished = emulator, engine, finished
        self.language_code = language_code
        self._ids = itertools.count(first_user_id)
        self.screens: list[Screen] = []
        self.plays = self.actions_played = 0
        self.unreproducible: list[str] = []
        # Who is idle in the state a path left them in (the last path each user played).
        self._live: dict[tuple[str, Path], FakeUser] = {}
        self._at: dict[int, tuple[str, Path]] = {}

    def idle_at(self, start: Start, path: Path) -> FakeUser | None:
        """The user the path left where it ends, if they did nothing since (taken away)."""
        return self._live.pop((start.name, path), None)

    @staticmethod
    def offers(user: FakeUser, screen: Screen, action: Action) -> bool:
        """Whether the button `action` presses on `screen` is still in the user's chat (a
        later message may have taken it away)."""
        target = _find_button(screen, action)
        if target is None:
            return False
        message = next((m for m in user.messages() if m.message_id == target[0]), None)
        rows = (message.reply_markup or {}).get("inline_keyboard", []) if message else []
        return any(button.get("callback_data") == target[1] for row in rows for button in row)

    async def play(self, start: Start, path: Path) -> tuple[Screen | None, FakeUser]:
        """Play the start and `path` again: the screen of its last action (recorded), and the
        user who played it."""
        self.plays += 1
        user_id = start.user_id if start.user_id is not None else next(self._ids)
        if start.reset is not None:
            await start.reset(user_id)
        user = self.emulator.user(user_id, start.first_name, language_code=self.language_code)
        screen = await self.act(user, start, (), start.opening, None)
        for lead in start.leads:
            screen = await self.act(user, start, (), lead, screen)
            if screen is None:
                self.unreproducible.append(f"{start.name}: no button {lead}")
                return None, user
        for index, action in enumerate(path):
            screen = await self.act(user, start, path[: index + 1], action, screen)
            if screen is None:
                self.unreproducible.append(" → ".join([start.name, *map(str, path)]))
                return None, user
        if screen is not None:
            self.screens.append(screen)
        return screen, user

    async def act(
        self, user: FakeUser, start: Start, path: Path, action: Action, before: Screen | None
    ) -> Screen | None:
        """One action of `user`, who is where `before` left them; its screen (not recorded)."""
        self.actions_played += 1
        self._live.pop(self._at.pop(user.id, ("", ())), None)
        if start.reset is None or start.private_reset:  # else another playing changes them
            self._at[user.id] = (start.name, path)
            self._live[(start.name, path)] = user
        mark = self.emulator.mark()
        if action.kind == "send":
            update_id = await user.send(action.value)
        elif action.kind == "photo":
            update_id = await user.send_photo(caption=None)
        else:
            target = _find_button(before, action)
            if target is None:
                return None
            update_id = await user.press(target[1], message_id=target[0])
        await self.finished.wait(update_id)
        calls = self.emulator.calls(include_failed=True)[mark:]
        screen = Screen(start.name, path, [], typed_at_prompt=bool(
            before is not None and before.invites_typing and action.kind != "press"))  # fmt: skip
        for call in calls:
            mine = call.params.get("chat_id") == user.id or (
                call.method == "answerCallbackQuery"
                and call.params.get("callback_query_id") == user.last_callback_query_id
            )
            if not mine:
                continue
            if not call.ok:
                screen.refused.append(call)
            elif call.method == "answerCallbackQuery":
                screen.alert = call.params.get("text") or None
            elif (shown := shown_by(call)) is not None:
                screen.messages.append(shown)
        await self._conclude(screen, user, before, action)
        return screen

    async def _conclude(
        self, screen: Screen, user: FakeUser, before: Screen | None, action: Action
    ) -> None:
        """What the user is left with, their mode, and whether the screen asks for typing."""
        sent = [m for m in screen.messages if m.method.startswith("send")]
        edited = [m for m in screen.messages if not m.method.startswith("send")]
        if sent or edited:
            # A message edited after the last one sent is still above it in the chat.
            latest = (sent or edited)[-1]
            current = next((m for m in user.messages() if m.message_id == latest.message_id), None)
            keyboard = (current.reply_markup or {}).get("inline_keyboard", []) if current else []
            screen.left_with = Shown(latest.method, latest.message_id, latest.raw,
                                     latest.text or (current.text or "" if current else ""),
                                     keyboard, latest.caption)  # fmt: skip
        elif action.kind == "press" and before is not None:
            screen.left_with = before.left_with  # only a toast: the pressed message stays
        async with self.engine.connect() as connection:
            about_user = select(User.input_mode, User.locale).where(User.id == user.id)
            row = (await connection.execute(about_user)).first()
            draft = (await connection.execute(
                select(Project.wizard_step, Project.departement).where(Project.owner_id == user.id)
                .order_by(Project.id.desc()).limit(1))).first()  # fmt: skip
        mode, locale = (row[0], row[1]) if row else (None, self.language_code)
        step, departement = draft if draft else (None, None)
        screen.input_mode, screen.locale = mode, locale
        text = screen.left_with.text if screen.left_with else ""
        screen.invites_typing = screen.input_mode is not None or bool(INVITATION.search(text))
        screen.wizard = (step, str(departement) if departement else None)
        screen.signature = "|".join(
            [shape(screen.input_mode or "")]
            + [
                shape(m.text) + str([shape(b.get("callback_data", "")) for b in m.buttons])
                for m in screen.messages
            ]
        )


def _find_button(before: Screen | None, action: Action) -> tuple[int | None, str] | None:
    """(message id, callback data) of the button `action` presses on the screen before."""
    if before is None:
        return None
    candidates: list[tuple[int | None, str]] = []
    messages = before.messages or ([before.left_with] if before.left_with else [])
    for message in reversed(messages):
        for row, buttons in enumerate(message.keyboard):
            for column, button in enumerate(buttons):
                if button.get("text") == action.value and "callback_data" in button:
                    exact = (row, column) == action.position
                    found = (message.message_id, button["callback_data"])
                    candidates.insert(0, found) if exact else candidates.append(found)
    return candidates[0] if candidates else None
