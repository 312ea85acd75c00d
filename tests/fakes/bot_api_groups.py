"""Groups, supergroups and channels of the Bot API emulator.

A test makes a chat with its administrators (``emulator.group(...)``, ``emulator.channel(...)``)
and plays what people do there: add the bot (Telegram then sends ``my_chat_member`` naming who
did it, and for a ``?startgroup=`` link ``/start@bot <payload>`` from them), remove or demote
it, write in the group. The bot's side is checked the way Telegram checks it: it may not post
where it is not a member (403), in a channel without ``can_post_messages`` (400), pin without
``can_pin_messages``, nor send more than ``GROUP_LIMIT`` messages a minute to one group (429).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from .bot_api_checks import ApiError, bad_request
from .bot_api_html import utf16_len
from .bot_api_users import COMMAND, ChatState, FakeMessage, FakeUser, message_json

if TYPE_CHECKING:
    from .bot_api import BotApiEmulator

GROUP_LIMIT = 20  # messages a minute to one group, as Telegram allows
WINDOW = 60.0
# Every right of an administrator, as ChatMemberAdministrator carries them.
_RIGHTS = (
    "can_manage_chat", "can_delete_messages", "can_manage_video_chats", "can_restrict_members",
    "can_promote_members", "can_change_info", "can_invite_users", "can_post_stories",
    "can_edit_stories", "can_delete_stories", "can_post_messages", "can_edit_messages",
    "can_pin_messages",
)  # fmt: skip


def member_json(
    user: dict[str, Any], status: str, rights: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """A ChatMember object as Telegram sends it."""
    data: dict[str, Any] = {"status": status, "user": user}
    if status == "creator":
        data["is_anonymous"] = False
    elif status == "administrator":
        data.update(can_be_edited=False, is_anonymous=False)
        data.update({right: right in rights for right in _RIGHTS})
    elif status == "kicked":
        data["until_date"] = 0
    return data


def is_group(state: ChatState) -> bool:
    return state.chat["type"] != "private"


def check_bot_may_post(state: ChatState, bot_id: int) -> None:
    """A group or channel where the bot is no member (anymore), or a channel where it may not
    post: Telegram's 403 and 400."""
    if not is_group(state):
        return
    where = "channel chat" if state.chat["type"] == "channel" else "group chat"
    bot = state.members.get(bot_id)
    status = bot["status"] if bot else "left"
    if status == "kicked":
        raise ApiError(403, f"Forbidden: bot was kicked from the {where}")
    if status == "left":
        raise ApiError(403, f"Forbidden: bot is not a member of the {where}")
    if state.chat["type"] == "channel" and not bot.get("can_post_messages"):
        raise bad_request("need administrator rights in the channel chat")


def check_group_rate(state: ChatState) -> None:
    """Over GROUP_LIMIT messages within a minute to one group: 429, as Telegram answers."""
    if not is_group(state):
        return
    now = time.monotonic()
    state.sent_at = [at for at in state.sent_at if now - at < WINDOW]
    if len(state.sent_at) >= GROUP_LIMIT:
        wait = max(1, round(WINDOW - (now - state.sent_at[0])))
        raise ApiError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
    state.sent_at.append(now)


class FakeGroup:
    """A group, supergroup or channel; ``admins`` are user dicts (the first is its creator)."""

    def __init__(self, emulator: BotApiEmulator, state: ChatState) -> None:
        self._emu = emulator
        self._state = state
        self.id: int = state.chat["id"]

    def __repr__(self) -> str:
        return f"FakeGroup(id={self.id}, type={self.type!r})"

    @property
    def type(self) -> str:
        return str(self._state.chat["type"])

    @property
    def pinned_message_id(self) -> int | None:
        return self._state.pinned_message_id

    def bot_status(self) -> str:
        bot = self._state.members.get(self._emu.bot_user["id"])
        return str(bot["status"]) if bot else "left"

    def messages(self) -> list[FakeMessage]:
        """The bot's messages in this chat, as they look now."""
        return self._emu.messages(self.id)

    def join(self, user: FakeUser, status: str = "member") -> None:
        self._state.members[user.id] = member_json(user.user, status)

    async def add_bot(
        self, by: FakeUser, *, admin: bool | None = None, rights: frozenset[str] | None = None,
        start: str | None = None,
    ) -> int:  # fmt: skip
        """``by`` adds the bot (as an administrator in a channel, where it can be nothing else;
        ``rights`` default to what a startchannel link asks). With ``start``, Telegram then
        posts ``/start@bot <start>`` from them, as a ``?startgroup=`` link does."""
        is_channel = self.type == "channel"
        admin = is_channel if admin is None else admin
        if rights is None:
            rights = frozenset({"can_post_messages", "can_edit_messages", "can_pin_messages"})
        status = "administrator" if admin else "member"
        update_id = await self._set_bot(by.user, member_json(self._emu.bot_user, status, rights))
        if start is not None:
            update_id = await self.send(by, f"/start@{self._emu.username} {start}")
        return update_id

    @property
    def creator(self) -> FakeUser:
        creator = next(m for m in self._state.members.values() if m["status"] == "creator")
        return FakeUser(self._emu, creator["user"])

    async def remove_bot(self, by: FakeUser, *, tell_bot: bool = True) -> int | None:
        """``by`` bans the bot; with ``tell_bot=False`` its ``my_chat_member`` is lost, and the
        bot learns it only from Telegram's answers."""
        kicked = member_json(self._emu.bot_user, "kicked")
        if not tell_bot:
            self._state.members[self._emu.bot_user["id"]] = kicked
            return None
        return await self._set_bot(by.user, kicked)

    async def promote_bot(self, by: FakeUser, rights: frozenset[str]) -> int:
        """The bot's administrator rights changed to ``rights``."""
        return await self._set_bot(
            by.user, member_json(self._emu.bot_user, "administrator", rights)
        )

    async def demote_bot(self, by: FakeUser) -> int:
        """The bot stays in the chat without its administrator rights."""
        return await self._set_bot(by.user, member_json(self._emu.bot_user, "member"))

    async def bot_left(self) -> int:
        """The bot left (leaveChat): Telegram tells it, ``from`` being the bot itself."""
        return await self._set_bot(self._emu.bot_user, member_json(self._emu.bot_user, "left"))

    async def _set_bot(self, by: dict[str, Any], new: dict[str, Any]) -> int:
        bot_id = self._emu.bot_user["id"]
        old = self._state.members.get(bot_id) or member_json(self._emu.bot_user, "left")
        self._state.members[bot_id] = new
        update = {
            "my_chat_member": {
                "chat": self._state.chat,
                "from": by,
                "date": int(time.time()),
                "old_chat_member": old,
                "new_chat_member": new,
            }
        }
        return await self._emu.inject_raw(update)

    async def send(self, user: FakeUser, text: str) -> int:
        """``user`` writes in the group. With privacy mode on, the bot gets only commands
        addressed to it (``/cmd@bot``, or a bare ``/cmd``); None is returned for the rest."""
        command = COMMAND.match(text)
        entities = []
        if command:
            entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(command[0])})
        message = FakeMessage(
            chat_id=self.id, message_id=self._state.new_message_id(), date=int(time.time()),
            from_bot=False, text=text, raw_text=text, entities=entities, from_user=user.user,
        )  # fmt: skip
        self._state.messages[message.message_id] = message
        addressed = command is not None and (
            "@" not in command[0] or command[0].split("@", 1)[1] == self._emu.username
        )
        if not addressed:
            return -1  # privacy mode: Telegram does not forward it to the bot
        return await self._emu.inject_raw(
            {"message": message_json(message, self._state, self._emu.bot_user)}
        )

    async def migrate_to_supergroup(self, new_id: int) -> FakeGroup:
        """A group upgraded: the supergroup is a new chat with the same members, and Telegram
        posts a service message in the old one naming the new id."""
        chat = {**self._state.chat, "id": new_id, "type": "supergroup"}
        state = ChatState(chat=chat, user=self._state.user, members=dict(self._state.members))
        self._emu._chats[new_id] = state
        message = {
            "message_id": self._state.new_message_id(), "date": int(time.time()),
            "chat": self._state.chat, "migrate_to_chat_id": new_id,
        }  # fmt: skip
        await self._emu.inject_raw({"message": message})
        return FakeGroup(self._emu, state)


def chat_member(state: ChatState, user_id: int) -> dict[str, Any]:
    """getChatMember: the member's status as the chat knows it ("left" for strangers)."""
    known = state.members.get(user_id)
    if known is not None:
        return known
    return member_json({"id": user_id, "is_bot": False, "first_name": "?"}, "left")


def _check_may_pin(state: ChatState, bot_id: int) -> None:
    """An administrator's right: `can_pin_messages` in a group, `can_edit_messages` in a
    channel (where Telegram has no pinning right of its own)."""
    if not is_group(state):
        return
    right = "can_edit_messages" if state.chat["type"] == "channel" else "can_pin_messages"
    bot = state.members.get(bot_id) or {}
    if bot.get("status") != "administrator" or not bot.get(right):
        raise bad_request("not enough rights to manage pinned messages in the chat")


def pin(state: ChatState, bot_id: int, message_id: Any) -> bool:
    """pinChatMessage."""
    _check_may_pin(state, bot_id)
    if message_id not in state.messages:
        raise bad_request("message to pin not found")
    state.pinned_message_id = int(message_id)
    return True


def unpin(state: ChatState, bot_id: int, message_id: Any) -> bool:
    """unpinChatMessage: the same right as pinning."""
    _check_may_pin(state, bot_id)
    if message_id is None or int(message_id) == state.pinned_message_id:
        state.pinned_message_id = None
    return True


def leave(state: ChatState, bot_user: dict[str, Any]) -> dict[str, Any]:
    """leaveChat: the bot is no longer a member; returns the membership it had."""
    if not is_group(state):
        raise bad_request("chat member status can't be changed in private chats")
    old = state.members.get(bot_user["id"])
    if old is None or old["status"] in ("left", "kicked"):
        raise ApiError(403, "Forbidden: bot is not a member of the group chat")
    state.members[bot_user["id"]] = member_json(bot_user, "left")
    return old
