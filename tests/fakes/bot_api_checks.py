"""Request decoding and Telegram's validation rules for the Bot API emulator.

Every check here mirrors a limit the real Bot API enforces, with the description string
Telegram returns, so that a bot tested against the emulator fails the same way it would in
production.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from .bot_api_html import HtmlParseError, ParsedText, parse_html, utf16_len

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_BUTTONS = 100
MAX_CALLBACK_ANSWER = 200
MAX_INLINE_RESULTS = 50
MAX_COMMANDS = 100
# setMyName, setMyDescription, setMyShortDescription: 0-64, 0-512 and 0-120 characters.
MAX_BOT_TEXTS = {"name": 64, "description": 512, "short_description": 120}

QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
BLOCKED = "Forbidden: bot was blocked by the user"


class ApiError(Exception):
    """A Bot API error answer: ``{"ok": false, "error_code": code, "description": ...}``."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


@dataclass
class UploadedFile:
    """A file part of a ``multipart/form-data`` request."""

    filename: str | None
    content_type: str | None
    content: bytes


# Parameters that are strings in the Bot API even when they look like numbers or JSON: a user
# may well be sent the text "123" or "true".
_STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_query_id",
        "inline_message_id",
        "url",
        "secret_token",
        "language_code",
        "photo",
        "document",
        "file_id",
        "action",
        "next_offset",
        "ip_address",
        "description",
        "short_description",
        "name",
        "business_connection_id",
        "message_effect_id",
        "emoji",
        "switch_pm_text",
        "switch_pm_parameter",
        "certificate",
        "title",
        "query",
        "data",
        "payload",
        "currency",
        "provider_token",
        "start_parameter",
        "sticker",
        "video",
        "audio",
        "voice",
        "animation",
        "thumbnail",
        "phone_number",
        "first_name",
        "last_name",
        "vcard",
        "address",
        "question",
        "explanation",
        "custom_title",
        "invite_link",
        "game_short_name",
        "gift_id",
    }
)
_LOOKS_LIKE_JSON = re.compile(r"^\s*(?:[\[{]|-?\d|true\b|false\b|null\b)")
_INTEGER = re.compile(r"^-?\d+$")


def decode_param(name: str, value: Any) -> Any:
    """Decode one form value: PTB JSON-encodes every non-string value, strings stay raw."""
    if not isinstance(value, str) or name in _STRING_PARAMS:
        return value
    if name.endswith("chat_id"):
        # chat_id is "Integer or String": a numeric id, or "@channelusername".
        return int(value) if _INTEGER.match(value) else value
    if _LOOKS_LIKE_JSON.match(value):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def parse_formatted(text: str, parse_mode: Any, strict_ampersand: bool) -> ParsedText:
    """Apply ``parse_mode`` the way Telegram does before it counts or stores a text."""
    if parse_mode in (None, ""):
        return ParsedText(text)
    if not isinstance(parse_mode, str):
        raise bad_request("unsupported parse_mode")
    mode = parse_mode.lower()
    if mode == "html":
        try:
            return parse_html(text, strict_ampersand=strict_ampersand)
        except HtmlParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
    if mode in ("markdown", "markdownv2"):
        # Markdown dialects are accepted without checking; the raw text is kept.
        return ParsedText(text)
    raise bad_request("unsupported parse_mode")


def check_text(params: dict[str, Any], strict_ampersand: bool) -> ParsedText:
    text = params.get("text")
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    parsed = parse_formatted(text, params.get("parse_mode"), strict_ampersand)
    # Telegram trims the parsed text, so markup around nothing is an empty message too.
    if not parsed.text.strip():
        raise bad_request("message text is empty")
    if utf16_len(parsed.text) > MAX_TEXT:
        raise bad_request("message is too long")
    return parsed


def check_caption(params: dict[str, Any], strict_ampersand: bool) -> ParsedText | None:
    caption = params.get("caption")
    if caption is None or caption == "":
        return None
    parsed = parse_formatted(str(caption), params.get("parse_mode"), strict_ampersand)
    if utf16_len(parsed.text) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    return parsed


_ACTION_FIELDS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_URL = re.compile(r"^(?:https?://[^\s/?#]+|tg://[A-Za-z0-9_]+)\S*$", re.IGNORECASE)


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise bad_request(
            "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
        )
    text = button.get("text")
    if not isinstance(text, str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    if not text.strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    actions = [name for name in _ACTION_FIELDS if name in button]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if len(actions) > 1:
        # Telegram silently uses the first field it knows; a button with two actions is a bug
        # in the bot either way, so the emulator refuses it.
        raise bad_request(
            "can't parse inline keyboard button: exactly one of the optional fields must be "
            f"used, got {', '.join(actions)}"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        size = len(data.encode("utf-8")) if isinstance(data, str) else 0
        if not 1 <= size <= MAX_CALLBACK_DATA:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button and not (isinstance(button["url"], str) and _URL.match(button["url"])):
        raise bad_request("BUTTON_URL_INVALID")
    if "login_url" in button:
        login = button["login_url"]
        url = login.get("url") if isinstance(login, dict) else None
        if not (isinstance(url, str) and url.lower().startswith(("http://", "https://"))):
            raise bad_request("BUTTON_URL_INVALID")
    if "web_app" in button:
        web_app = button["web_app"]
        url = web_app.get("url") if isinstance(web_app, dict) else None
        if not (isinstance(url, str) and url.lower().startswith("https://")):
            raise bad_request(
                f"inline keyboard button Web App URL '{url}' is invalid: "
                "Only HTTPS links are allowed"
            )


def check_reply_markup(markup: Any) -> dict[str, Any] | None:
    """Validate a ``reply_markup``; returns the inline keyboard to store, if any."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request(
                'Field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
            )
        if sum(len(row) for row in rows) > MAX_BUTTONS:
            raise bad_request("reply markup is too long")
        for row in rows:
            for button in row:
                _check_inline_button(button)
        return markup
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request(
                'Field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays'
            )
        for row in rows:
            for button in row:
                text = button.get("text") if isinstance(button, dict) else button
                if not isinstance(text, str) or not text:
                    raise bad_request("BUTTON_TEXT_INVALID")
        # Reply keyboards live on the client, not on the message: Message JSON never has them.
        return None
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return None
    raise bad_request("can't parse reply keyboard markup JSON object")


_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_LANGUAGE = re.compile(r"^[a-z]{2}$")
_SCOPES_WITH_CHAT = ("chat", "chat_administrators", "chat_member")
_SCOPES = ("default", "all_private_chats", "all_group_chats", "all_chat_administrators")


def check_commands(commands: Any) -> list[dict[str, str]]:
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > MAX_COMMANDS:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    checked: list[dict[str, str]] = []
    for item in commands:
        if not isinstance(item, dict):
            raise bad_request("can't parse BotCommand")
        command, description = item.get("command"), item.get("description")
        if not isinstance(command, str) or not _COMMAND.match(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        checked.append({"command": command, "description": description})
    return checked


def check_language_code(code: Any) -> str:
    if code in (None, ""):
        return ""
    if not isinstance(code, str) or not _LANGUAGE.match(code):
        raise bad_request("LANG_CODE_INVALID")
    return code


ScopeKey = tuple[str, int | str | None, int | None]


def scope_key(scope: Any) -> ScopeKey:
    """A hashable key for a BotCommandScope; ``None`` means the default scope."""
    if scope is None:
        return ("default", None, None)
    if not isinstance(scope, dict) or not isinstance(scope.get("type"), str):
        raise bad_request("can't parse BotCommandScope JSON object")
    kind = scope["type"]
    if kind in _SCOPES:
        return (kind, None, None)
    if kind not in _SCOPES_WITH_CHAT:
        raise bad_request("wrong bot command scope type specified")
    chat_id = decode_param("chat_id", scope.get("chat_id"))
    user_id = decode_param("user_id", scope.get("user_id"))
    if kind == "chat_member":
        if not isinstance(user_id, int):
            raise bad_request("user not found")
        return (kind, chat_id, user_id)
    return (kind, chat_id, None)


def check_inline_results(results: Any, strict_ampersand: bool) -> list[dict[str, Any]]:
    if not isinstance(results, list):
        raise bad_request("can't parse inline query results JSON object")
    if len(results) > MAX_INLINE_RESULTS:
        raise bad_request("RESULTS_TOO_MUCH")
    seen: set[str] = set()
    for result in results:
        if not isinstance(result, dict):
            raise bad_request("can't parse InlineQueryResult JSON object")
        result_id = result.get("id")
        if not isinstance(result_id, str) or not 1 <= len(result_id.encode("utf-8")) <= 64:
            raise bad_request("RESULT_ID_INVALID")
        if result_id in seen:
            raise bad_request("RESULT_ID_DUPLICATE")
        seen.add(result_id)
        check_reply_markup(result.get("reply_markup"))
        content = result.get("input_message_content")
        if isinstance(content, dict) and "message_text" in content:
            check_text(
                {"text": content["message_text"], "parse_mode": content.get("parse_mode")},
                strict_ampersand,
            )
    return results
