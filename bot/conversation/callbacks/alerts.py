"""Buttons of launch alerts: set or drop one from a catalogue list or /mes_soutiens, and the
list of one's alerts in /settings.

| data                        | button                                               |
|-----------------------------|------------------------------------------------------|
| `al:s:<view>` / `al:u:<view>` | alert me (stop alerting me) of new projects of a list |
| `al:o:<owner>` / `al:x:<owner>` | alert me (stop) of an owner's next project         |
| `al:l:<page>`               | a page of one's alerts, in /settings                 |
| `al:d:<alert>:<page>`       | remove one alert, then show that page again          |
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from bot.conversation.callbacks.list_views import decode_view, encode_view
from bot.conversation.callbacks.scheme import Namespace, build, is_id, parse
from bot.domain import MAX_PAGE, ListView


class AlertAction(enum.StrEnum):
    WATCH_LIST = "s"
    UNWATCH_LIST = "u"
    WATCH_OWNER = "o"
    UNWATCH_OWNER = "x"
    LIST = "l"
    REMOVE = "d"


@dataclass(frozen=True)
class AlertButton:
    action: AlertAction
    view: ListView | None = None  # the list (WATCH_LIST, UNWATCH_LIST)
    number: int = 0  # the owner (…_OWNER), the page (LIST) or the alert (REMOVE)
    page: int = 0  # the page to show again after REMOVE


def watch_list(view: ListView, *, on: bool) -> str:
    action = AlertAction.WATCH_LIST if on else AlertAction.UNWATCH_LIST
    return build(Namespace.ALERT, action.value, encode_view(view))


def watch_owner(owner_id: int, *, on: bool) -> str:
    action = AlertAction.WATCH_OWNER if on else AlertAction.UNWATCH_OWNER
    return build(Namespace.ALERT, action.value, str(owner_id))


def alert_list(page: int = 0) -> str:
    return build(Namespace.ALERT, AlertAction.LIST.value, str(page))


def remove_alert(alert_id: int, page: int) -> str:
    return build(Namespace.ALERT, AlertAction.REMOVE.value, str(alert_id), str(page))


def parse_alert(data: str | None) -> AlertButton | None:
    parsed = parse(data)
    if parsed is None or parsed[0] is not Namespace.ALERT or not parsed[1]:
        return None
    first, *rest = parsed[1]
    if first not in AlertAction.__members__.values():
        return None
    action = AlertAction(first)
    if action in (AlertAction.WATCH_LIST, AlertAction.UNWATCH_LIST):
        view = decode_view(rest[0]) if len(rest) == 1 else None
        return AlertButton(action, view=view) if view else None
    if action is AlertAction.REMOVE:
        if len(rest) != 2 or not is_id(rest[0]) or not _is_page(rest[1]):
            return None
        return AlertButton(action, number=int(rest[0]), page=int(rest[1]))
    if len(rest) != 1:
        return None
    if action is AlertAction.LIST:
        return AlertButton(action, page=int(rest[0])) if _is_page(rest[0]) else None
    # Owners are Telegram user ids: larger than a table's key, but digits all the same.
    if not rest[0].isdigit() or len(rest[0]) > 15:
        return None
    return AlertButton(action, number=int(rest[0]))


def _is_page(text: str) -> bool:
    return text.isdigit() and len(text) <= 4 and int(text) <= MAX_PAGE
