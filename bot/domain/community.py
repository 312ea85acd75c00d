"""Connected groups and channels: the chats, their connection and its refusals."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from bot.domain.catalogue import ProjectSummary


class ChatType(enum.StrEnum):
    """The kinds of Telegram chat a project can be connected to."""

    GROUP = "group"
    SUPERGROUP = "supergroup"
    CHANNEL = "channel"


@dataclass(frozen=True)
class CommunityChat:
    """A group or channel connected to a project, with its settings."""

    id: int
    project_id: int
    chat_id: int
    chat_type: ChatType
    title: str
    language: str  # of everything the bot posts there
    cross_post_news: bool
    pin_progress: bool
    connected_by: int
    progress_message_id: int | None = None  # the live progress message, once posted


@dataclass(frozen=True)
class CommunityChats:
    """The owner's "Groupes et canaux" screen of one project."""

    project: ProjectSummary
    chats: list[CommunityChat]
    invite_token: str  # carried by the "connect" links to the chat


class ConnectRefusal(enum.StrEnum):
    NOT_ADMIN = "not_admin"  # who added the bot is not an administrator of the chat
    NOT_OWNER = "not_owner"  # nor the project's owner (a link passed on)
    NO_INVITE = "no_invite"  # unknown, used or expired link
    TAKEN = "taken"  # the chat already shows another project


@dataclass(frozen=True)
class ChatConnection:
    """What connecting a chat did: the chat and its project, or why it was refused."""

    chat: CommunityChat | None
    refusal: ConnectRefusal | None = None
    project_title: str = ""
    owner_locale: str = "fr"


@dataclass(frozen=True)
class ChatDisconnection:
    """A chat the bot can no longer post in, to tell its owner about."""

    chat: CommunityChat
    project_title: str
    owner_locale: str
