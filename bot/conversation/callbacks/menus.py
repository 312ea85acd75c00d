"""Buttons of the main menu and of the user's own corner: language, settings, personal data.

| data                        | button                                               |
|-----------------------------|------------------------------------------------------|
| `menu:<item>`               | main menu                                            |
| `lang:<locale>`             | language choice                                      |
| `st:<setting>`              | settings: language, notifications, reminders         |
| `pd:<action>`               | a contributor's personal data: show, ask, erase      |
"""

from __future__ import annotations

import enum

from bot.conversation.callbacks.scheme import Namespace, build, parts_of


class MenuItem(enum.StrEnum):
    DISCOVER = "discover"
    PROPOSE = "propose"
    PLEDGES = "pledges"
    FOLLOWS = "follows"
    LANGUAGE = "language"
    SETTINGS = "settings"
    HOME = "home"  # the main menu itself, from the end of any journey


def menu(item: MenuItem) -> str:
    return build(Namespace.MENU, item.value)


def parse_menu(data: str | None) -> MenuItem | None:
    parts = parts_of(data, Namespace.MENU, 1)
    try:
        return MenuItem(parts[0]) if parts else None
    except ValueError:
        return None


def language(locale: str) -> str:
    return build(Namespace.LANGUAGE, locale)


def parse_language(data: str | None, supported: tuple[str, ...]) -> str | None:
    """The locale of the button, only when it is one the bot speaks."""
    parts = parts_of(data, Namespace.LANGUAGE, 1)
    return parts[0] if parts and parts[0] in supported else None


class Setting(enum.StrEnum):
    LANGUAGE = "lang"
    NOTIFICATIONS = "notif"
    REMINDERS = "remind"


def setting(which: Setting) -> str:
    return build(Namespace.SETTING, which.value)


def parse_setting(data: str | None) -> Setting | None:
    parts = parts_of(data, Namespace.SETTING, 1)
    return Setting(parts[0]) if parts and parts[0] in Setting.__members__.values() else None


class MyDataAction(enum.StrEnum):
    SHOW = "s"  # what is stored about the user
    ASK = "a"  # confirm before erasing
    ERASE = "e"


def my_data(action: MyDataAction) -> str:
    return build(Namespace.MY_DATA, action.value)


def parse_my_data(data: str | None) -> MyDataAction | None:
    parts = parts_of(data, Namespace.MY_DATA, 1)
    if not parts or parts[0] not in MyDataAction.__members__.values():
        return None
    return MyDataAction(parts[0])
