"""The conversation crawler: every button pressed, every prompt answered, breadth first.

How it walks
------------
A *node* is a path of actions from a start (`playing.py`). A chat is stateful (input modes,
drafts), so a node is never resumed: to try an action on it, its whole path is played again,
unless someone is still where the path left them (below).

From each screen, the actions are: where the screen invites typing (the user has an input mode
afterwards, or the text says "tapez", "écrivez", "skrivit"…), a 5 000-character text, "-5",
"👍", "Bonjour", what the mode may get wrong (an ambiguous amount, /annuler) and last a valid
answer where one can be told (`answers.py`); then every callback button of the reaction's
messages (URL buttons are only checked). A list of like buttons (more than three sharing
namespace and action: projects, categories, a preview's "✏️") is sampled, its first and its
last two; a button with the same label and data (ids aside) is pressed once in the whole crawl.

Replays are what costs (15 to 30 ms an action), so they are spared where the user is known to
be where a node left them: the user who reached a node and did nothing since expands it
directly; a typed answer that left the input mode and the draft's step as they were was
refused, and the next action is played by the same user, the first button press included.

Bounds: depth counts the actions that do not move a flow on (a valid answer, or an action that
takes the draft to another step, is free, so the wizard is followed to its end); a node deeper
than `max_depth` is not expanded; nodes are taken by depth, valid answers first; a screen whose
signature (texts with digits blanked, button data with digits blanked, input mode) was seen is
not expanded again, nor more than `per_family` screens of one family (the same button kinds,
mode and wizard step); each start spends at most its `budget` of actions (times `scale`). A
screen is expanded once, by the first start that reaches it. Every screen reached is recorded
and checked, expanded or not.
"""

from __future__ import annotations

import heapq
import itertools
from collections import Counter

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.crawler.answers import typed_actions
from tests.crawler.playing import FinishedUpdates, Path, Player, Start, shape
from tests.crawler.screens import Action, Screen
from tests.fakes.bot_api import BotApiEmulator

SAMPLED = 3  # a list of like buttons longer than this is sampled: its first and last two


def _family(data: str) -> str:
    return ":".join(shape(data).split(":")[:2])


class Crawler(Player):
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
        super().__init__(emulator, engine, finished, language_code, first_user_id)
        self.max_depth, self.per_family, self.scale = max_depth, per_family, scale
        self.budget_spent: list[str] = []  # the starts whose crawl stopped at their budget
        self._seen: set[str] = set()
        self._pressed: set[str] = set()
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
        queue: list[tuple[int, bool, int, Path, Screen]] = []
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
            user = self.idle_at(start, path)
            for action in self.actions(screen):
                if self.actions_played >= budget:
                    break
                child_path = (*path, action)
                if (
                    user is not None
                    and action.kind == "press"
                    and not self.offers(user, screen, action)
                ):
                    user = None  # what the user typed took the button away: played again
                if user is not None:
                    child = await self.act(user, start, child_path, action, screen)
                    if child is not None:
                        self.screens.append(child)
                else:
                    child, user = await self.play(start, child_path)
                if child is None:
                    continue
                # A typed answer that left the mode and the draft as they were was refused:
                # the user is where `screen` left them, ready for the next action.
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
        family = f"{buttons}|{shape(screen.input_mode or '')}|{screen.wizard[0]}"
        self._families[family] += 1
        return self._families[family] <= self.per_family

    def actions(self, screen: Screen) -> list[Action]:
        """The typed answers, then the buttons of the reaction's messages (lists sampled)."""
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
            sample = group if len(group) <= SAMPLED else [group[0], *group[-2:]]
            for action, data in sample:
                # A button with this label and data (ids aside) does the same wherever it is.
                if (key := f"{action.value}|{shape(data)}") not in self._pressed:
                    self._pressed.add(key)
                    presses.append(action)
        # Typing first: the refused answers leave the user in place for the next one, and the
        # valid one (last) leaves them idle where the flow goes on, to be expanded next.
        return (screen_typed_actions(screen) if screen.invites_typing else []) + presses


def screen_typed_actions(screen: Screen) -> list[Action]:
    step, departement = screen.wizard
    return typed_actions(screen.input_mode, step, departement)
