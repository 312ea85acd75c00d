"""The shape every button's data shares: `<namespace>:<part>[:<part>...]`, at most 64 bytes.

Building and splitting live here so that each namespace's module only names its parts. Anything
that does not parse is treated as a stale or forged button, never trusted.

Ids are database keys: a part longer or larger than any key (`MAX_ID`) is forged data,
refused here rather than by the database (PostgreSQL fails on an integer beyond its column).
"""

from __future__ import annotations

import enum
import re

MAX_BYTES = 64  # Telegram's limit on callback data
MAX_ID = 2**31 - 1  # the largest key of an INTEGER column (projects, tiers, pledges, posts)
_PART = re.compile(r"^[a-z0-9_.-]{1,32}$")


class Namespace(enum.StrEnum):
    """The first part of the data: which journey's handler a button goes to. Never rename a
    value: buttons already sent in users' chats carry it."""

    MENU = "menu"
    LANGUAGE = "lang"
    LIST = "ls"
    LIST_FILTER = "lf"
    NEAR_ME = "nm"
    HOME = "hd"
    PROJECT = "pj"
    PROJECT_ACTION = "pa"
    PLEDGE = "pl"
    UNFOLLOW = "uf"
    SETTING = "st"
    OWNER = "ow"
    SUBMIT = "sb"
    MODERATE = "md"
    SOLD_OUT = "so"
    NEWS_POST = "nw"
    BACKERS = "bk"
    MY_DATA = "pd"
    ALERT = "al"
    MATCH = "pm"


def is_id(text: str) -> bool:
    """A key the database can hold: digits only, at most `MAX_ID` (0 means "none")."""
    return text.isdigit() and len(text) <= 10 and int(text) <= MAX_ID


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


def parts_of(data: str | None, namespace: Namespace, count: int) -> list[str] | None:
    """The parts of data of `namespace` with exactly `count` parts, else None."""
    parsed = parse(data)
    if parsed is None or parsed[0] is not namespace or len(parsed[1]) != count:
        return None
    return parsed[1]


def pattern(namespace: Namespace) -> str:
    """Regex for a CallbackQueryHandler that routes one namespace."""
    return rf"^{namespace.value}:"
