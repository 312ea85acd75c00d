"""Buttons of a project's owner, and the news they publish as their followers read it.

| data                        | button                                              |
|-----------------------------|-----------------------------------------------------|
| `ow:<action>:<id>`          | owner: project figures, write / send / drop a news   |
| `nw:<id>`                   | a news post in full ("Lire la suite")                |
| `bk:<a>:<id>:<tier>:<page>` | owner: backers page, CSV export, write to a reward   |
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from bot.conversation.callbacks.scheme import Namespace, build, is_id, parts_of


class OwnerAction(enum.StrEnum):
    LIST = "l"
    PROJECT = "p"  # <id>: a project
    WRITE_NEWS = "n"  # <id>: a project
    SEND_NEWS = "s"  # <id>: a news draft
    DROP_NEWS = "x"  # <id>: a news draft
    CHATS = "g"  # <id>: a project's connected groups and channels
    CHAT_LANGUAGE = "gl"  # <id>: a connected chat
    CHAT_NEWS = "gn"  # <id>: a connected chat
    CHAT_PIN = "gp"  # <id>: a connected chat
    CHAT_DISCONNECT = "gd"  # <id>: a connected chat


def owner(action: OwnerAction, target_id: int = 0) -> str:
    return build(Namespace.OWNER, action.value, str(target_id))


def parse_owner(data: str | None) -> tuple[OwnerAction, int] | None:
    parts = parts_of(data, Namespace.OWNER, 2)
    if not parts or parts[0] not in OwnerAction.__members__.values():
        return None
    if not is_id(parts[1]):
        return None
    return OwnerAction(parts[0]), int(parts[1])


def news_post(post_id: int) -> str:
    return build(Namespace.NEWS_POST, str(post_id))


def parse_news_post(data: str | None) -> int | None:
    parts = parts_of(data, Namespace.NEWS_POST, 1)
    return int(parts[0]) if parts and is_id(parts[0]) and int(parts[0]) > 0 else None


class BackersAction(enum.StrEnum):
    PAGE = "l"  # a page of the backer list (tier 0: every reward)
    EXPORT = "c"  # the CSV export of every paid pledge
    WRITE = "w"  # write to the contributors of one reward


MAX_BACKER_PAGE = 9999


@dataclass(frozen=True)
class BackersButton:
    action: BackersAction
    project_id: int
    tier_id: int | None = None  # None: every reward
    page: int = 0


def backers(button: BackersButton) -> str:
    return build(Namespace.BACKERS, button.action.value, str(button.project_id),
                 str(button.tier_id or 0), str(button.page))  # fmt: skip


def parse_backers(data: str | None) -> BackersButton | None:
    parts = parts_of(data, Namespace.BACKERS, 4)
    if not parts or parts[0] not in BackersAction.__members__.values():
        return None
    action, project_id, tier_id, page = parts
    if not (is_id(project_id) and int(project_id) > 0 and is_id(tier_id)):
        return None
    if not page.isdigit() or len(page) > 4 or int(page) > MAX_BACKER_PAGE:
        return None
    tier = int(tier_id) or None
    if BackersAction(action) is BackersAction.WRITE and tier is None:
        return None  # a message goes to the contributors of one reward
    return BackersButton(BackersAction(action), int(project_id), tier, int(page))
