"""What one action made the bot do in the user's chat, read from the emulator's record.

A `Screen` is the bot's whole reaction to one action (a typed text, a photo, a pressed button):
the messages it sent or edited in that chat, in order, the toast or alert answering a press,
the calls Telegram refused, and the message the user is left with. Texts are kept twice: as the
bot sent them (HTML) and as the user sees them (parsed as Telegram parses them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.fakes.bot_api import ApiCall
from tests.fakes.bot_api_html import HtmlParseError, parse_html

# The calls that put a text (or a caption) in front of the user.
TEXT_METHODS = {"sendMessage": False, "editMessageText": False}
CAPTION_METHODS = {"sendPhoto": True, "editMessageCaption": True}
_SHOWING = {**TEXT_METHODS, **CAPTION_METHODS}


@dataclass(frozen=True)
class Action:
    """A step of a path: `send` a text, send a `photo`, or `press` a button."""

    kind: str
    value: str  # the text, or the pressed button's label
    # A valid answer to a question moves the user along a flow rather than sideways: it does
    # not count towards the depth, so a long wizard is walked to its end.
    free: bool = False
    position: tuple[int, int] | None = None  # the pressed button's row and column

    def __str__(self) -> str:
        if self.kind == "press":
            return f"[{self.value}]"
        if self.kind == "photo":
            return "(photo)"
        shown = self.value if len(self.value) <= 40 else f"{self.value[:30]}… ({len(self.value)})"
        return f"“{shown}”"


@dataclass
class Shown:
    """One message as a reaction left it: sent, or edited in place."""

    method: str
    message_id: int | None
    raw: str  # the HTML the bot sent
    text: str  # what the user sees
    keyboard: list[list[dict[str, Any]]]
    caption: bool
    parse_error: str | None = None

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [button for row in self.keyboard for button in row]


@dataclass
class Screen:
    """The reaction to the last action of `path`."""

    start: str
    path: tuple[Action, ...]
    messages: list[Shown]
    alert: str | None = None
    refused: list[ApiCall] = field(default_factory=list)
    left_with: Shown | None = None  # the message the user now looks at, with its buttons
    input_mode: str | None = None  # read from the database once the reaction is over
    locale: str = "fr"  # the user's language then (they may have switched)
    invites_typing: bool = False
    typed_at_prompt: bool = False  # the action was typing where the previous screen asked to
    wizard: tuple[str | None, str | None] = (None, None)  # the draft's step and département
    signature: str = ""

    @property
    def where(self) -> str:
        """The path of actions, as a reader follows it."""
        return " → ".join([self.start, *(str(action) for action in self.path)])

    @property
    def typed(self) -> str | None:
        last = self.path[-1] if self.path else None
        return last.value if last is not None and last.kind == "send" else None


def displayed(raw: str) -> tuple[str, str | None]:
    """The text as Telegram shows it (tags gone, entities decoded), and the parse error."""
    try:
        return parse_html(raw, strict_ampersand=False).text, None
    except HtmlParseError as error:
        return raw, str(error)


def shown_by(call: ApiCall) -> Shown | None:
    """The message a call showed or changed; None for calls that show nothing."""
    params = call.params
    message_id = params.get("message_id")
    if message_id is None and isinstance(call.result, dict):
        message_id = call.result.get("message_id")
    keyboard = (params.get("reply_markup") or {}).get("inline_keyboard", [])
    if call.method == "editMessageReplyMarkup":
        return Shown(call.method, message_id, "", "", keyboard, caption=False)
    if call.method not in _SHOWING:
        return None
    raw = str(params.get("caption" if _SHOWING[call.method] else "text") or "")
    if params.get("parse_mode", "").upper() == "HTML":
        text, error = displayed(raw)
    else:
        text, error = raw, None
    return Shown(call.method, message_id, raw, text, keyboard, _SHOWING[call.method], error)
