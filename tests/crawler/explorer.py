"""The conversation crawler: every button pressed, every prompt answered, breadth first.

How it walks
------------
A *node* is a path of actions from a start (`/start`, a share link, `/proposer`, `/mes_projets`
as a project's owner, `/moderation` as the moderator…). A chat is stateful (input modes,
drafts), so a node is never resumed: to try an action on it, its whole path is played again,
by a new user (a fresh Telegram id) or, for the starts that need a given person (the owner, the
moderator), by that person after `Start.reset` has put their state back (input mode cleared,
the reviewed project back in review). A button is pressed again by its label and position, as a
person would: its data may hold ids that differ from one playing to the next (a new draft).

From each screen, the actions are: where the screen invites typing (the user has an input mode
afterwards, or the text says "tapez", "écrivez", "skrivit"…), "-5", a 5 000-character text,
"Bonjour", "👍" and last a valid answer where one can be told (`answers.py`); then every
callback button of the reaction's messages (URL buttons are only checked). A list of like
buttons (more than three sharing namespace and action: projects, categories, tiers) is sampled,
its first two and its last; a button with the same label and data (ids aside) is pressed once in
the whole crawl.

Replays are what costs (25 to 50 ms an action), so two are spared: a typed answer that left the
input mode and the draft's step as they were was refused, and the next typed answer is tried on
the same user; and the user who reached a node and did nothing since expands it directly.

Bounds: depth counts the actions that do not move a flow on (a valid answer, or an action that
takes the draft to another step, is free, so the wizard is followed to its end); a node deeper
than `max_depth` is not expanded; nodes are taken by depth, valid answers first; a screen whose
signature (texts with digits blanked, button data with digits blanked, input mode) was seen is
not expanded again, nor more than `per_family` screens of one family (the same button kinds,
mode and wizard step); each start spends at most its `budget` of actions (times `scale`). A
screen is expanded once, by the first start that reaches it. Every screen reached is recorded
and checked, expanded or not.

When a reaction is over: `FinishedUpdates` wraps the bot's update processor and is told when an
update's handlers (and error handler) have returned, so nothing is guessed from timing.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import re
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Update

from bot.storage.models import Project, User
from bot.telegram.intake import PerUserUpdateProcessor
from tests.crawler.answers import INVITATION, typed_actions
from tests.crawler.screens import Action, Screen, Shown, shown_by
from tests.fakes.bot_api import BotApiEmulator, FakeUser

WAIT = 10.0
_DIGITS = re.compile(r"\d+")


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
    user_id: int | None = None  # None: a new user at every playing
    first_name: str = "Anna"
    # Puts the person's state back before each playing; told the user id that will play.
    reset: Callable[[int], Awaitable[None]] | None = None
    budget: int = 60  # actions at most, for this start (times the crawler's scale)


def _shape(text: str) -> str:
    return _DIGITS.sub("#", text)


def _family(data: str) -> str:
    return ":".join(_shape(data).split(":")[:2])


class Crawler:
    def __init__(
        self,
        emulator: BotApiEmulator,
        engine: AsyncEngine,
        finished: FinishedUpdates,
        language_code: str,
        *,
        max_depth: int = 6,
        per_family: int = 1,
        scale: float = 1.0,
        first_user_id: int = 7_000_000,
    ) -> None:
        self.emulator, self.engine, self.finished = emulator, engine, finished
        self.language_code = language_code
        self.max_depth, self.per_family, self.scale = max_depth, per_family, scale
        self._ids = itertools.count(first_user_id)
        self.screens: list[Screen] = []
        self.plays = self.actions_played = 0
        self.unreproducible: list[str] = []
        self.budget_spent: list[str] = []  # the starts whose crawl stopped at their budget
        self._seen: set[str] = set()
        self._pressed: set[str] = set()
        # Who is idle in the state a path left them in (the last path each user played).
        self._live: dict[tuple[str, tuple[Action, ...]], FakeUser] = {}
        self._at: dict[int, tuple[str, tuple[Action, ...]]] = {}
        self._families: Counter[str] = Counter()

    async def crawl(self, starts: list[Start]) -> list[Screen]:
        """Each start in turn, breadth first (a start's state never meets another's)."""
        for start in starts:
            await self._crawl_one(start)
        return self.screens

    async def _crawl_one(self, start: Start) -> None:
        budget = self.actions_played + round(start.budget * self.scale)
        root, _ = await self.play(start, ())
        # Nodes by depth, valid answers first, then in the order reached: breadth first.
        queue: list[tuple[int, bool, int, tuple[Action, ...], Screen]] = []
        order = itertools.count()
        if root is not None:
            heapq.heappush(queue, (0, False, next(order), (), root))
        while queue and self.actions_played < budget:
            depth, _, _, path, screen = heapq.heappop(queue)
            # Judged when taken, not when reached, so a valid answer's screen, taken first,
            # is the one of its family that is expanded.
            if not self._worth_expanding(screen):
                continue
            # A user still in the state of `screen`: the one who reached it, if idle since.
            user = self._live.pop((start.name, path), None)
            for action in self.actions(screen):
                if self.actions_played >= budget:
                    break
                child_path = (*path, action)
                if user is not None and action.kind != "press":
                    child = await self._act(user, start, child_path, action, screen)
                    if child is not None:
                        self.screens.append(child)
                else:
                    child, user = await self.play(start, child_path)
                if child is None:
                    continue
                # A typed answer that left the mode and the draft as they were was refused:
                # the user is where `screen` left them, ready for the next typed answer.
                same = (child.input_mode, child.wizard) == (screen.input_mode, screen.wizard)
                user = user if same and action.kind != "press" else None
                advanced = child.wizard[0] is not None and child.wizard[0] != screen.wizard[0]
                child_depth = depth + (0 if action.free or advanced else 1)
                if child_depth <= self.max_depth and child.signature not in self._seen:
                    # A valid answer's screen first: the flow is followed to its end early.
                    entry = (child_depth, not action.free, next(order), child_path, child)
                    heapq.heappush(queue, entry)
        if self.actions_played >= budget:
            self.budget_spent.append(start.name)

    def _worth_expanding(self, screen: Screen) -> bool:
        if screen.signature in self._seen or (screen.left_with is None and not screen.messages):
            return False
        self._seen.add(screen.signature)
        buttons = sorted({_family(b.get("callback_data", "")) for m in screen.messages
                          for b in m.buttons})  # fmt: skip
        family = f"{buttons}|{_shape(screen.input_mode or '')}|{screen.wizard[0]}"
        self._families[family] += 1
        return self._families[family] <= self.per_family

    def actions(self, screen: Screen) -> list[Action]:
        """The buttons of the reaction's messages (lists sampled), then the typed answers."""
        presses: list[Action] = []
        groups: dict[str, list[tuple[Action, str]]] = {}
        for message in screen.messages:
            for row, buttons in enumerate(message.keyboard):
                for column, button in enumerate(buttons):
                    if "callback_data" in button:
                        action = Action("press", button["text"], position=(row, column))
                        data = button["callback_data"]
                        groups.setdefault(_family(data), []).append((action, data))
        for group in groups.values():
            for action, data in group if len(group) <= 3 else [group[0], group[1], group[-1]]:
                # A button with this label and data (ids aside) does the same wherever it is.
                if (key := f"{action.value}|{_shape(data)}") not in self._pressed:
                    self._pressed.add(key)
                    presses.append(action)
        # Typing first: the refused answers leave the user in place for the next one, and the
        # valid one (last) leaves them idle where the flow goes on, to be expanded next.
        return (screen_typed_actions(screen) if screen.invites_typing else []) + presses

    # -- playing a path --------------------------------------------------------------------

    async def play(self, start: Start, path: tuple[Action, ...]) -> tuple[Screen | None, FakeUser]:
        """Play the start and `path` again: the screen of its last action (recorded), and the
        user who played it."""
        self.plays += 1
        user_id = start.user_id if start.user_id is not None else next(self._ids)
        if start.reset is not None:
            await start.reset(user_id)
        user = self.emulator.user(user_id, start.first_name, language_code=self.language_code)
        screen = await self._act(user, start, (), start.opening, None)
        for index, action in enumerate(path):
            screen = await self._act(user, start, path[: index + 1], action, screen)
            if screen is None:
                self.unreproducible.append(" → ".join([start.name, *map(str, path)]))
                return None, user
        if screen is not None:
            self.screens.append(screen)
        return screen, user

    async def _act(
        self, user: FakeUser, start: Start, path: tuple[Action, ...], action: Action,
        before: Screen | None,
    ) -> Screen | None:  # fmt: skip
        self.actions_played += 1
        self._live.pop(self._at.pop(user.id, ("", ())), None)
        if start.reset is None:  # a reset for another playing would change this user too
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
        screen.input_mode, screen.locale = (row[0], row[1]) if row else (None, self.language_code)
        text = screen.left_with.text if screen.left_with else ""
        screen.invites_typing = screen.input_mode is not None or bool(INVITATION.search(text))
        screen.wizard = (draft[0], str(draft[1]) if draft[1] else None) if draft else (None, None)
        screen.signature = "|".join(
            [_shape(screen.input_mode or "")]
            + [
                _shape(m.text) + str([_shape(b.get("callback_data", "")) for b in m.buttons])
                for m in screen.messages
            ]
        )


def screen_typed_actions(screen: Screen) -> list[Action]:
    step, departement = screen.wizard
    return typed_actions(screen.input_mode, step, departement)


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
