"""Buttons of the catalogue and of a project's card.

| data                        | button                                              |
|-----------------------------|-----------------------------------------------------|
| `ls:<view>`                 | a page of the catalogue                             |
| `lf:<c/d/s>:<view>`         | the category / département / sort choices           |
| `nm:[c:]<view>`             | "near me": the user's own département (c: choose it) |
| `hd:<dep or ->:<view>`      | remember (or forget: -) the user's département      |
| `pj:<id>:<view>`            | a project's card (`<view>`: the list to go back to)  |
| `pa:<action>:<id>:<view>`   | a card's buttons (follow, news, more, share, back)   |
| `uf:<id>`                   | unfollow from the list of followed projects         |

`<view>` is a list view (`list_views.py`); `-` on a card opened from outside any list.
"""

from __future__ import annotations

import enum

from bot.conversation.callbacks.list_views import decode_view, encode_view
from bot.conversation.callbacks.scheme import Namespace, build, is_id, parse, parts_of
from bot.domain import Departement, ListView


class FilterKind(enum.StrEnum):
    CATEGORY = "c"
    DEPARTEMENT = "d"
    SORT = "s"


class CardAction(enum.StrEnum):
    FOLLOW = "f"
    NEWS = "n"
    READ_MORE = "m"
    SHARE = "s"
    PLEDGE = "p"
    BACK = "b"


def list_page(view: ListView) -> str:
    return build(Namespace.LIST, encode_view(view))


def parse_list_page(data: str | None) -> ListView | None:
    parts = parts_of(data, Namespace.LIST, 1)
    return decode_view(parts[0]) if parts else None


def list_filter(kind: FilterKind, view: ListView) -> str:
    return build(Namespace.LIST_FILTER, kind.value, encode_view(view))


def parse_list_filter(data: str | None) -> tuple[FilterKind, ListView] | None:
    parts = parts_of(data, Namespace.LIST_FILTER, 2)
    if not parts or parts[0] not in FilterKind.__members__.values():
        return None
    view = decode_view(parts[1])
    return (FilterKind(parts[0]), view) if view else None


_CHOOSE = "c"


def near_me(view: ListView, *, choose: bool = False) -> str:
    """`choose`: offer the choice of a département even when one is remembered (to change it)."""
    parts = (_CHOOSE, encode_view(view)) if choose else (encode_view(view),)
    return build(Namespace.NEAR_ME, *parts)


def parse_near_me(data: str | None) -> tuple[bool, ListView] | None:
    """(whether to offer the choice, the list the button was under)."""
    parsed = parse(data)
    if parsed is None or parsed[0] is not Namespace.NEAR_ME:
        return None
    match parsed[1]:
        case [encoded]:
            choose = False
        case [code, encoded] if code == _CHOOSE:
            choose = True
        case _:
            return None
    view = decode_view(encoded)
    return (choose, view) if view else None


def home(departement: Departement | None, view: ListView) -> str:
    """Remember `departement` as the user's, or forget it (None)."""
    return build(Namespace.HOME, departement.value if departement else "-", encode_view(view))


def parse_home(data: str | None) -> tuple[Departement | None, ListView] | None:
    parts = parts_of(data, Namespace.HOME, 2)
    if not parts or parts[0] not in (*Departement.__members__.values(), "-"):
        return None
    view = decode_view(parts[1])
    if view is None:
        return None
    return (None if parts[0] == "-" else Departement(parts[0])), view


def project(project_id: int, view: ListView | None) -> str:
    return build(Namespace.PROJECT, str(project_id), encode_view(view) if view else "-")


def parse_project(data: str | None) -> tuple[int, ListView | None] | None:
    parts = parts_of(data, Namespace.PROJECT, 2)
    if not parts or not is_id(parts[0]):
        return None
    view = None if parts[1] == "-" else decode_view(parts[1])
    if parts[1] != "-" and view is None:
        return None
    return int(parts[0]), view


def project_action(action: CardAction, project_id: int, view: ListView | None) -> str:
    encoded = encode_view(view) if view else "-"
    return build(Namespace.PROJECT_ACTION, action.value, str(project_id), encoded)


def parse_project_action(data: str | None) -> tuple[CardAction, int, ListView | None] | None:
    parts = parts_of(data, Namespace.PROJECT_ACTION, 3)
    if not parts or parts[0] not in CardAction.__members__.values() or not is_id(parts[1]):
        return None
    view = None if parts[2] == "-" else decode_view(parts[2])
    if parts[2] != "-" and view is None:
        return None
    return CardAction(parts[0]), int(parts[1]), view


def unfollow(project_id: int) -> str:
    return build(Namespace.UNFOLLOW, str(project_id))


def parse_unfollow(data: str | None) -> int | None:
    parts = parts_of(data, Namespace.UNFOLLOW, 1)
    return int(parts[0]) if parts and is_id(parts[0]) else None
