"""Bot API methods about chats, messages, keyboards and commands.

:class:`BotApiMethods` holds the emulator's chat state and implements the methods that act on
it; :class:`tests.fakes.bot_api.BotApiEmulator` adds the HTTP server, updates and webhooks.
"""

from __future__ import annotations

import itertools
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from .bot_api_checks import (
    BLOCKED,
    MAX_BOT_TEXTS,
    MAX_CALLBACK_ANSWER,
    NOT_MODIFIED,
    QUERY_TOO_OLD,
    ApiError,
    ScopeKey,
    UploadedFile,
    bad_request,
    check_caption,
    check_commands,
    check_inline_results,
    check_language_code,
    check_reply_markup,
    check_text,
    scope_key,
)
from .bot_api_groups import check_bot_may_post, check_group_rate
from .bot_api_html import ParsedText
from .bot_api_users import ChatState, FakeMessage, message_json

Handler = Callable[[dict[str, Any]], Any]

_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
# Telegram stores every photo in a few sizes and returns them all, smallest first.
_PHOTO_SIZES = ((90, 90), (320, 320), (800, 800))
_URL = re.compile(r"^https?://", re.IGNORECASE)
# Smallest bytes that look like a JPEG, served for photos whose content was never uploaded.
_PLACEHOLDER_JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    file_size: int
    file_path: str
    content: bytes
    photo: list[dict[str, Any]]


class BotApiMethods:
    """Chat state plus the chat, message and command methods of the Bot API."""

    def __init__(self, token: str, username: str) -> None:
        self.token = token
        self.username = username
        bot_id = token.split(":", 1)[0]
        self.bot_user: dict[str, Any] = {
            "id": int(bot_id) if bot_id.isdigit() else 123456,
            "is_bot": True,
            "first_name": "Kengo",
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }
        # A bare "&" is legal for Telegram but a sign of unescaped input; see bot_api_html.
        self.strict_ampersand = True
        self._chats: dict[int, ChatState] = {}
        self._files: dict[str, StoredFile] = {}
        self._file_counter = itertools.count(1)
        self._commands: dict[tuple[ScopeKey, str], list[dict[str, str]]] = {}
        self._bot_texts: dict[tuple[str, str], str] = {}
        self._default_menu_button: dict[str, Any] = {"type": "commands"}
        self._callback_queries: dict[str, bool] = {}
        self._inline_queries: dict[str, bool] = {}
        self._rate_limited = False
        self._last_send: dict[int, float] = {}

    def method_table(self) -> dict[str, Handler]:
        return {
            "getMe": lambda p: self.bot_user,
            "logOut": lambda p: True,
            "close": lambda p: True,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "editMessageText": self._edit_text,
            "editMessageCaption": self._edit_caption,
            "editMessageReplyMarkup": self._edit_reply_markup,
            "editMessageMedia": self._edit_media,
            "deleteMessage": self._delete_message,
            "deleteMessages": self._delete_messages,
            "answerCallbackQuery": self._answer_callback_query,
            "answerInlineQuery": self._answer_inline_query,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendChatAction": self._send_chat_action,
            "setChatMenuButton": self._set_chat_menu_button,
            "getChatMenuButton": self._get_chat_menu_button,
            "getChat": self._get_chat,
            "getFile": self._get_file,
            "setMyName": lambda p: self._set_bot_text("name", p),
            "getMyName": lambda p: self._get_bot_text("name", p),
            "setMyDescription": lambda p: self._set_bot_text("description", p),
            "getMyDescription": lambda p: self._get_bot_text("description", p),
            "setMyShortDescription": lambda p: self._set_bot_text("short_description", p),
            "getMyShortDescription": lambda p: self._get_bot_text("short_description", p),
        }

    # -- state accessors -------------------------------------------------------------------

    def messages(self, chat_id: int, *, include_user: bool = False) -> list[FakeMessage]:
        """Messages in the chat as they look now (the bot's only, unless ``include_user``)."""
        state = self._chats.get(chat_id)
        if state is None:
            return []
        return [
            replace(message)
            for _, message in sorted(state.messages.items())
            if message.from_bot or include_user
        ]

    def commands_for(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, str]]:
        """Commands stored by setMyCommands for exactly this scope and language."""
        return [dict(c) for c in self._commands.get((scope_key(scope), language_code), [])]

    def bot_text(self, field: str, language_code: str = "") -> str | None:
        """The bot's name, description or short_description as set for exactly this language
        (``""``: the default), or None when it was never set."""
        return self._bot_texts.get((field, language_code))

    def rate_limit_per_chat(self, enabled: bool) -> None:
        """Answer 429 to a second message within one second to the same chat, as Telegram may."""
        self._rate_limited = enabled
        self._last_send.clear()

    def register_file(self, file_id: str) -> list[dict[str, Any]]:
        """Make a photo file_id known, e.g. one the bot has hard-coded in its settings."""
        return self._register_photo(file_id)

    # -- helpers ---------------------------------------------------------------------------

    def _chat(self, params: dict[str, Any], *, sending: bool = True) -> ChatState:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        state = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if state is None:
            raise bad_request("chat not found")
        if sending and state.blocked:
            raise ApiError(403, BLOCKED)
        if sending:
            check_bot_may_post(state, self.bot_user["id"])
        return state

    def _check_rate(self, state: ChatState) -> None:
        check_group_rate(state)
        if not self._rate_limited:
            return
        chat_id = state.chat["id"]
        now = time.monotonic()
        last = self._last_send.get(chat_id)
        if last is not None and now - last < 1.0:
            raise ApiError(429, "Too Many Requests: retry after 1", retry_after=1)
        self._last_send[chat_id] = now

    def _reply_target(self, state: ChatState, params: dict[str, Any]) -> int | None:
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            message_id, allow = reply.get("message_id"), reply.get("allow_sending_without_reply")
        else:
            message_id = params.get("reply_to_message_id")
            allow = params.get("allow_sending_without_reply")
        if message_id is None:
            return None
        if message_id in state.messages:
            return int(message_id)
        if allow:
            return None
        raise bad_request("message to be replied not found")

    def _store_bot_message(self, state: ChatState, **fields: Any) -> dict[str, Any]:
        message = FakeMessage(
            chat_id=state.chat["id"],
            message_id=state.new_message_id(),
            date=int(time.time()),
            from_bot=True,
            **fields,
        )
        state.messages[message.message_id] = message
        return message_json(message, state, self.bot_user)

    def _new_file_id(self) -> tuple[str, str]:
        serial = next(self._file_counter)
        return f"AgACAgIAAxkBAAI{serial:06d}{uuid.uuid4().hex[:20]}", f"AQAD{serial:06d}"

    def _new_photo(
        self, content: bytes | None, largest_id: str | None = None
    ) -> list[dict[str, Any]]:
        content = content or _PLACEHOLDER_JPEG
        photo: list[dict[str, Any]] = []
        for index, (width, height) in enumerate(_PHOTO_SIZES):
            file_id, unique_id = self._new_file_id()
            if largest_id is not None and index == len(_PHOTO_SIZES) - 1:
                file_id = largest_id
            size = {
                "file_id": file_id,
                "file_unique_id": unique_id,
                "file_size": len(content),
                "width": width,
                "height": height,
            }
            photo.append(size)
            self._files[file_id] = StoredFile(
                file_id, unique_id, len(content), f"photos/file_{unique_id}.jpg", content, photo
            )
        return photo

    def _register_photo(self, file_id: str) -> list[dict[str, Any]]:
        known = self._files.get(file_id)
        return known.photo if known else self._new_photo(None, largest_id=file_id)

    def _resolve_photo(self, value: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.get(value.removeprefix("attach://"))
        if isinstance(value, UploadedFile):
            return self._new_photo(value.content)
        if not isinstance(value, str) or not value:
            raise bad_request("there is no photo in the request")
        if _URL.match(value):
            return self._new_photo(None)
        if value in self._files:
            return self._files[value].photo
        raise bad_request("wrong file identifier/HTTP URL specified")

    # -- sending ---------------------------------------------------------------------------

    def _send_message(self, p: dict[str, Any]) -> dict[str, Any]:
        state = self._chat(p)
        parsed = check_text(p, self.strict_ampersand)
        markup = check_reply_markup(p.get("reply_markup"))
        reply_to = self._reply_target(state, p)
        self._check_rate(state)
        return self._store_bot_message(
            state,
            text=parsed.text,
            raw_text=str(p["text"]),
            parse_mode=p.get("parse_mode"),
            entities=parsed.entities or list(p.get("entities") or []),
            reply_markup=markup,
            reply_to_message_id=reply_to,
        )

    def _send_photo(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._send_captioned(p, photo=lambda: self._resolve_photo(p.get("photo"), p))

    def _send_document(self, p: dict[str, Any]) -> dict[str, Any]:
        """A file (an upload, or the file_id of one sent before); the test reads an upload's
        bytes back from the call's ``document`` parameter (an ``UploadedFile``)."""
        return self._send_captioned(
            p, document=lambda: self._resolve_document(p.get("document"), p)
        )

    def _send_captioned(
        self, p: dict[str, Any], **attachment: Callable[[], dict[str, Any]]
    ) -> dict[str, Any]:
        """A photo or a file with an optional caption: checked in Telegram's order (the chat,
        the caption, the keyboard, the attachment, the reply target, the rate), then stored."""
        state = self._chat(p)
        caption = check_caption(p, self.strict_ampersand)
        markup = check_reply_markup(p.get("reply_markup"))
        attached = {kind: resolve() for kind, resolve in attachment.items()}
        reply_to = self._reply_target(state, p)
        self._check_rate(state)
        return self._store_bot_message(
            state,
            text=caption.text if caption else None,
            raw_text=p.get("caption"),
            parse_mode=p.get("parse_mode"),
            entities=caption.entities if caption else list(p.get("caption_entities") or []),
            reply_markup=markup,
            reply_to_message_id=reply_to,
            **attached,
        )

    def _resolve_document(self, value: Any, params: dict[str, Any]) -> dict[str, Any]:
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.get(value.removeprefix("attach://"))
        if isinstance(value, UploadedFile):
            if not value.content:
                raise bad_request("file must be non-empty")
            file_id, unique_id = self._new_file_id()
            name = value.filename or "document"
            self._files[file_id] = StoredFile(
                file_id, unique_id, len(value.content), f"documents/{name}", value.content, []
            )
            document = {"file_id": file_id, "file_unique_id": unique_id, "file_name": name,
                        "file_size": len(value.content)}  # fmt: skip
            if value.content_type:
                document["mime_type"] = value.content_type
            return document
        if isinstance(value, str) and value in self._files:
            known = self._files[value]
            return {"file_id": known.file_id, "file_unique_id": known.file_unique_id,
                    "file_size": known.file_size}  # fmt: skip
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _send_chat_action(self, p: dict[str, Any]) -> bool:
        self._chat(p)
        if p.get("action") not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    # -- editing ---------------------------------------------------------------------------

    def _edit_target(self, p: dict[str, Any]) -> tuple[ChatState, FakeMessage] | None:
        if p.get("inline_message_id"):
            return None
        state = self._chat(p)
        if p.get("message_id") is None:
            raise bad_request("message identifier is not specified")
        message = state.messages.get(p["message_id"])
        if message is None:
            raise bad_request("message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return state, message

    def _apply_edit(
        self,
        state: ChatState,
        message: FakeMessage,
        p: dict[str, Any],
        parsed: ParsedText | None,
        raw: str | None,
        markup: dict[str, Any] | None,
        photo: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        new_text = parsed.text if parsed else None
        new_entities = parsed.entities if parsed else []
        same_media = photo is None or photo == message.photo
        if (
            same_media
            and new_text == message.text
            and new_entities == message.entities
            and markup == message.reply_markup
        ):
            raise bad_request(NOT_MODIFIED)
        message.text, message.raw_text, message.entities = new_text, raw, new_entities
        message.parse_mode = p.get("parse_mode")
        # Telegram drops the inline keyboard when an edit does not repeat it.
        message.reply_markup = markup
        if photo is not None:
            message.photo = photo
        message.edit_date = int(time.time())
        return message_json(message, state, self.bot_user)

    def _edit_text(self, p: dict[str, Any]) -> dict[str, Any] | bool:
        target = self._edit_target(p)
        if target and target[1].has_photo:
            raise bad_request("there is no text in the message to edit")
        parsed = check_text(p, self.strict_ampersand)
        markup = check_reply_markup(p.get("reply_markup"))
        if target is None:
            return True
        if not parsed.entities and p.get("entities"):
            parsed = ParsedText(parsed.text, list(p["entities"]))
        return self._apply_edit(*target, p, parsed, str(p["text"]), markup)

    def _edit_caption(self, p: dict[str, Any]) -> dict[str, Any] | bool:
        target = self._edit_target(p)
        if target and not target[1].has_photo:
            raise bad_request("there is no caption in the message to edit")
        parsed = check_caption(p, self.strict_ampersand)
        markup = check_reply_markup(p.get("reply_markup"))
        if target is None:
            return True
        return self._apply_edit(*target, p, parsed, p.get("caption"), markup)

    def _edit_reply_markup(self, p: dict[str, Any]) -> dict[str, Any] | bool:
        target = self._edit_target(p)
        markup = check_reply_markup(p.get("reply_markup"))
        if target is None:
            return True
        state, message = target
        if markup == message.reply_markup:
            raise bad_request(NOT_MODIFIED)
        message.reply_markup = markup
        message.edit_date = int(time.time())
        return message_json(message, state, self.bot_user)

    def _edit_media(self, p: dict[str, Any]) -> dict[str, Any] | bool:
        target = self._edit_target(p)
        media = p.get("media")
        if not isinstance(media, dict) or media.get("type") != "photo":
            raise bad_request("the emulator's editMessageMedia supports photos only")
        if target and not target[1].has_photo:
            raise bad_request("there is no media in the message to edit")
        parsed = check_caption(media, self.strict_ampersand)
        markup = check_reply_markup(p.get("reply_markup"))
        photo = self._resolve_photo(media.get("media"), p)
        if target is None:
            return True
        return self._apply_edit(*target, media, parsed, media.get("caption"), markup, photo)

    def _delete_message(self, p: dict[str, Any]) -> bool:
        state = self._chat(p, sending=False)
        if state.messages.pop(p.get("message_id") or 0, None) is None:
            raise bad_request("message to delete not found")
        return True

    def _delete_messages(self, p: dict[str, Any]) -> bool:
        state = self._chat(p, sending=False)
        # Unlike deleteMessage, Telegram skips ids it cannot find here.
        for message_id in p.get("message_ids") or []:
            state.messages.pop(message_id, None)
        return True

    # -- queries ---------------------------------------------------------------------------

    def _answer_callback_query(self, p: dict[str, Any]) -> bool:
        query_id = str(p.get("callback_query_id"))
        if self._callback_queries.get(query_id) is not False:
            raise bad_request(QUERY_TOO_OLD)
        if len(p.get("text") or "") > MAX_CALLBACK_ANSWER:
            raise bad_request("MESSAGE_TOO_LONG")
        self._callback_queries[query_id] = True
        return True

    def _answer_inline_query(self, p: dict[str, Any]) -> bool:
        query_id = str(p.get("inline_query_id"))
        if self._inline_queries.get(query_id) is not False:
            raise bad_request(QUERY_TOO_OLD)
        check_inline_results(p.get("results"), self.strict_ampersand)
        self._inline_queries[query_id] = True
        return True

    # -- commands, menu, profile -----------------------------------------------------------

    def _command_key(self, p: dict[str, Any]) -> tuple[ScopeKey, str]:
        key = scope_key(p.get("scope"))
        if key[1] is not None and key[1] not in self._chats:
            raise bad_request("chat not found")
        return key, check_language_code(p.get("language_code"))

    def _set_my_commands(self, p: dict[str, Any]) -> bool:
        commands = check_commands(p.get("commands"))
        key = self._command_key(p)
        if commands:
            self._commands[key] = commands
        else:
            self._commands.pop(key, None)
        return True

    def _get_my_commands(self, p: dict[str, Any]) -> list[dict[str, str]]:
        return self._commands.get(self._command_key(p), [])

    def _delete_my_commands(self, p: dict[str, Any]) -> bool:
        self._commands.pop(self._command_key(p), None)
        return True

    def _set_chat_menu_button(self, p: dict[str, Any]) -> bool:
        button = p.get("menu_button") or {"type": "default"}
        if p.get("chat_id") is None:
            self._default_menu_button = button
        else:
            self._chat(p, sending=False).menu_button = button
        return True

    def _get_chat_menu_button(self, p: dict[str, Any]) -> dict[str, Any]:
        if p.get("chat_id") is None:
            return self._default_menu_button
        return self._chat(p, sending=False).menu_button or self._default_menu_button

    def _get_chat(self, p: dict[str, Any]) -> dict[str, Any]:
        state = self._chat(p, sending=False)
        return {
            **state.chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": True,
                "limited_gifts": True,
                "unique_gifts": True,
                "premium_subscription": True,
                "gifts_from_channels": True,
            },
        }

    def _get_file(self, p: dict[str, Any]) -> dict[str, Any]:
        stored = self._files.get(str(p.get("file_id")))
        if stored is None:
            raise bad_request("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
            "file_path": stored.file_path,
        }

    def _set_bot_text(self, field: str, p: dict[str, Any]) -> bool:
        language = check_language_code(p.get("language_code"))
        value = p.get(field)
        if value is not None and not isinstance(value, str):
            raise bad_request(f"{field} must be a string")
        if value and len(value) > MAX_BOT_TEXTS[field]:
            # Telegram counts characters; the wording of the refusal is the emulator's own.
            raise bad_request(f"{field.replace('_', ' ')} is too long")
        if value:
            self._bot_texts[(field, language)] = str(value)
        else:
            self._bot_texts.pop((field, language), None)
        return True

    def _get_bot_text(self, field: str, p: dict[str, Any]) -> dict[str, str]:
        language = check_language_code(p.get("language_code"))
        fallback = self._bot_texts.get((field, ""), "Kengo" if field == "name" else "")
        return {field: self._bot_texts.get((field, language), fallback)}
