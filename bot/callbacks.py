"""The callback-data scheme: short namespaced strings, built and parsed only here.

Format: `<namespace>:<part>[:<part>...]`, at most 64 bytes (Telegram's limit). Anything that does
not parse is treated as a stale or forged button, never trusted.
"""

from __future__ import annotations

import enum
import re

MAX_BYTES = 64
_PART = re.compile(r"^[a-z0-9_-]{1,24}$")


class Namespace(enum.StrEnum):
    MENU = "menu"
    LANGUAGE = "lang"


class MenuItem(enum.StrEnum):
    DISCOVER = "discover"
    PROPOSE = "propose"
    PLEDGES = "pledges"
    FOLLOWS = "follows"
    LANGUAGE = "language"


def build(namespace: Namespace, *parts: str) -> str:
    data = ":".join((namespace.value, *parts))
    if len(data.encode()) > MAX_BYTES or not all(_PART.match(part) for part in parts):
        raise ValueError(f"invalid callback data {data!r}")
    return data


def parse(data: str | None) -> tuple[Namespace, list[str]] | None:
    """Split callback data into its namespace and parts, or None when it is not ours."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    namespace, *parts = data.split(":")
    if namespace not in Namespace.__members__.values() or not all(map(_PART.match, parts)):
        return None
    return Namespace(namespace), parts


def menu(item: MenuItem) -> str:
    return build(Namespace.MENU, item.value)


def parse_menu(data: str | None) -> MenuItem | None:
    parsed = parse(data)
    if parsed is None or parsed[0] is not Namespace.MENU or len(parsed[1]) != 1:
        return None
    try:
        return MenuItem(parsed[1][0])
    except ValueError:
        return None


def language(locale: str) -> str:
    return build(Namespace.LANGUAGE, locale)


def parse_language(data: str | None, supported: tuple[str, ...]) -> str | None:
    parsed = parse(data)
    if parsed is None or parsed[0] is not Namespace.LANGUAGE or len(parsed[1]) != 1:
        return None
    return parsed[1][0] if parsed[1][0] in supported else None


def pattern(namespace: Namespace) -> str:
    """Regex for a CallbackQueryHandler that routes one namespace."""
    return rf"^{namespace.value}:"
