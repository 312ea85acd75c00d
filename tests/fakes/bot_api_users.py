"""Chats, messages and simulated users of the Bot API emulator."""

from __future__ import annotations

import itertools
import re
import time
import uuid
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from .bot_api_html import utf16_len

if TYPE_CHECKING:
    from .bot_api import BotApiEmulator

# A bot command is "/word" with an optional "@botname" right after it.
COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")
_query_ids = itertools.count(1)


@dataclass
class FakeMessage:
    """A message as it currently looks in a chat.

    ``text`` is what the user sees (message text or photo caption, tags removed) and
    ``raw_text`` is what the bot sent, markup included.
    """

    chat_id: int
    message_id: int
    date: int
    from_bot: bool
    text: str | None = None
    raw_text: str | None = None
    parse_mode: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    photo: list[dict[str, Any]] | None = None
    document: dict[str, Any] | None = None
    edit_date: int | None = None
    reply_to_message_id: int | None = None
    from_user: dict[str, Any] | None = None  # who wrote it in a group (private: the chat's user)

    @property
    def has_photo(self) -> bool:
        """A photo or a document: its text is a caption, which editMessageText cannot edit."""
        return self.photo is not None or self.document is not None

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """The inline keyboard's buttons, row after row."""
        if not self.reply_markup:
            return []
        return [button for row in self.reply_markup.get("inline_keyboard", []) for button in row]

    def button(self, text_substring: str) -> dict[str, Any] | None:
        return next((b for b in self.buttons if text_substring in b.get("text", "")), None)


@dataclass
class ChatState:
    chat: dict[str, Any]
    user: dict[str, Any]
    messages: dict[int, FakeMessage] = field(default_factory=dict)
    next_message_id: int = 1
    blocked: bool = False
    menu_button: dict[str, Any] | None = None
    # Groups and channels: ChatMember objects by user id (the bot's too), the pinned message,
    # and when the bot last sent there (Telegram's per-group limit).
    members: dict[int, dict[str, Any]] = field(default_factory=dict)
    pinned_message_id: int | None = None
    sent_at: list[float] = field(default_factory=list)

    def new_message_id(self) -> int:
        # In private chats both sides share one message id sequence.
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def latest_bot_message(self, with_keyboard: bool = False) -> FakeMessage | None:
        for message in sorted(self.messages.values(), key=lambda m: -m.message_id):
            if message.from_bot and (message.reply_markup or not with_keyboard):
                return message
        return None


def message_json(
    message: FakeMessage, state: ChatState, bot_user: dict[str, Any]
) -> dict[str, Any]:
    """The ``Message`` object Telegram would return or embed for ``message``."""
    data: dict[str, Any] = {
        "message_id": message.message_id,
        "from": bot_user if message.from_bot else (message.from_user or state.user),
        "chat": state.chat,
        "date": message.date,
    }
    if message.edit_date is not None:
        data["edit_date"] = message.edit_date
    if message.reply_to_message_id in state.messages:
        replied = state.messages[message.reply_to_message_id]
        # Telegram embeds the replied-to message one level deep only.
        shallow = replace(replied, reply_to_message_id=None)
        data["reply_to_message"] = message_json(shallow, state, bot_user)
    if message.photo is not None or message.document is not None:
        if message.photo is not None:
            data["photo"] = message.photo
        else:
            data["document"] = message.document
        if message.text:
            data["caption"] = message.text
            if message.entities:
                data["caption_entities"] = message.entities
    elif message.text is not None:
        data["text"] = message.text
        if message.entities:
            data["entities"] = message.entities
    if message.reply_markup:
        data["reply_markup"] = message.reply_markup
    return data


class FakeUser:
    """A Telegram user talking to the bot in a private chat."""

    def __init__(self, emulator: BotApiEmulator, user: dict[str, Any]) -> None:
        self._emu = emulator
        self.user = user
        self.id: int = user["id"]
        self.last_callback_query_id: str | None = None
        self.last_inline_query_id: str | None = None

    def __repr__(self) -> str:
        return f"FakeUser(id={self.id}, first_name={self.user['first_name']!r})"

    @property
    def chat_id(self) -> int:
        return self.id

    @property
    def _state(self) -> ChatState:
        return self._emu._chats[self.id]

    def messages(self) -> list[FakeMessage]:
        """The bot's messages in this chat, as they look now."""
        return self._emu.messages(self.id)

    def last_message(self) -> FakeMessage | None:
        messages = self.messages()
        return messages[-1] if messages else None

    def _store(self, **fields: Any) -> dict[str, Any]:
        state = self._state
        message = FakeMessage(
            chat_id=self.id,
            message_id=state.new_message_id(),
            date=int(time.time()),
            from_bot=False,
            **fields,
        )
        state.messages[message.message_id] = message
        return message_json(message, state, self._emu.bot_user)

    async def send(self, text: str, *, reply_to: int | None = None) -> int:
        """Send a text message to the bot; returns the update id."""
        entities = []
        command = COMMAND.match(text)
        if command:
            # Telegram marks a leading command so bots can route it without parsing.
            entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(command[0])})
        message = self._store(
            text=text, raw_text=text, entities=entities, reply_to_message_id=reply_to
        )
        return await self._emu.inject_raw({"message": message})

    async def send_photo(
        self, file_id: str = "AgACAgQAAxkBAAIBY2user-photo", caption: str | None = None
    ) -> int:
        photo = self._emu._register_photo(file_id)
        message = self._store(text=caption, raw_text=caption, photo=photo)
        return await self._emu.inject_raw({"message": message})

    async def press(self, callback_data: str, message_id: int | None = None) -> int:
        """Press an inline button; returns the update id.

        Without ``message_id`` the press lands on the latest bot message whose keyboard has a
        button with that callback_data, or on the latest bot message at all, so tests can
        forge data the bot never offered.
        """
        state = self._state
        if message_id is not None:
            target = state.messages.get(message_id)
        else:
            newest_first = sorted(state.messages.values(), key=lambda m: -m.message_id)
            offering = (
                m
                for m in newest_first
                if m.from_bot and any(b.get("callback_data") == callback_data for b in m.buttons)
            )
            target = next(offering, state.latest_bot_message())
        if target is not None:
            message = message_json(target, state, self._emu.bot_user)
        else:
            # A deleted or never-sent message reaches bots as an InaccessibleMessage: date 0.
            message = {"chat": state.chat, "message_id": message_id or 1, "date": 0}
        query_id = f"{self.id}{next(_query_ids):08d}"
        self._emu._callback_queries[query_id] = False
        self.last_callback_query_id = query_id
        update = {
            "callback_query": {
                "id": query_id,
                "from": self.user,
                "message": message,
                # chat_instance identifies the chat the message was sent to, stable per chat.
                "chat_instance": str(-(abs(hash((self._emu.bot_user["id"], self.id))) % 10**18)),
                "data": callback_data,
            }
        }
        return await self._emu.inject_raw(update)

    async def press_button(self, text_substring: str) -> int:
        """Press the button whose label contains ``text_substring`` on the latest keyboard."""
        message = self._state.latest_bot_message(with_keyboard=True)
        if message is None:
            raise AssertionError(f"no bot message with an inline keyboard in chat {self.id}")
        button = message.button(text_substring)
        if button is None:
            labels = [b.get("text") for b in message.buttons]
            raise AssertionError(f"no button containing {text_substring!r}; buttons: {labels}")
        if "callback_data" not in button:
            raise AssertionError(f"button {button.get('text')!r} has no callback_data: {button}")
        return await self.press(button["callback_data"], message.message_id)

    async def inline(self, query: str, offset: str = "") -> int:
        query_id = uuid.uuid4().hex[:16]
        self._emu._inline_queries[query_id] = False
        self.last_inline_query_id = query_id
        update = {
            "inline_query": {
                "id": query_id,
                "from": self.user,
                "query": query,
                "offset": offset,
                "chat_type": "sender",
            }
        }
        return await self._emu.inject_raw(update)

    async def block(self) -> int:
        self._state.blocked = True
        return await self._member_update("member", "kicked")

    async def unblock(self) -> int:
        self._state.blocked = False
        return await self._member_update("kicked", "member")

    async def _member_update(self, old: str, new: str) -> int:
        # Blocking and unblocking reach bots as my_chat_member, the bot's own membership.
        def member(status: str) -> dict[str, Any]:
            data: dict[str, Any] = {"status": status, "user": self._emu.bot_user}
            if status == "kicked":
                data["until_date"] = 0
            return data

        update = {
            "my_chat_member": {
                "chat": self._state.chat,
                "from": self.user,
                "date": int(time.time()),
                "old_chat_member": member(old),
                "new_chat_member": member(new),
            }
        }
        return await self._emu.inject_raw(update)
