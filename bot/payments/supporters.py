"""How a contributor appears on the project's card, kept on each pledge.

The name shown is frozen on the pledge (`supporter_nickname`, for NAME too: the Telegram first
name when the recap was last shown): the contributor agreed to show that name, the card needs no
join with the users, and a later change of name on Telegram changes nothing already given.
A first pledge is anonymous; the next ones start from the user's latest choice.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import SupporterChoice, SupporterDisplay
from bot.storage.models import Pledge

NICKNAME_MIN, NICKNAME_MAX = 2, 32
NAME_MAX = 64  # the column's width; Telegram's first names fit it
# What Telegram would turn into a link on the card: an address, a domain, a @username.
_LINK = re.compile(r"(https?:|www\.|t\.me|tg:|@\w|\w\.(?:[a-z]{2,6}|xn--\w+)\b)", re.IGNORECASE)


def read_nickname(text: str) -> str | None:
    """The nickname typed, its spaces tidied, or None when it is too short, too long or a link."""
    nickname = " ".join(text.split())
    if not NICKNAME_MIN <= len(nickname) <= NICKNAME_MAX or _LINK.search(nickname):
        return None
    return nickname


def first_name(name: str | None) -> str | None:
    """A Telegram first name as the card may show it (None when there is nothing to show)."""
    tidy = " ".join((name or "").split())[:NAME_MAX]
    return tidy or None


def choice_of(pledge: Pledge) -> SupporterChoice:
    if pledge.supporter_display is SupporterDisplay.ANONYMOUS or not pledge.supporter_nickname:
        return SupporterChoice()
    return SupporterChoice(pledge.supporter_display, pledge.supporter_nickname)


def apply_choice(pledge: Pledge, choice: SupporterChoice) -> None:
    shown = choice.display is not SupporterDisplay.ANONYMOUS and bool(choice.name)
    pledge.supporter_display = choice.display if shown else SupporterDisplay.ANONYMOUS
    pledge.supporter_nickname = choice.name if shown else None


async def latest_choice(session: AsyncSession, user_id: int) -> SupporterChoice:
    """The choice of the user's latest pledge (any project), anonymous for a first one."""
    row = (
        await session.execute(
            select(Pledge.supporter_display, Pledge.supporter_nickname)
            .where(Pledge.user_id == user_id)
            .order_by(Pledge.id.desc())
            .limit(1)
        )
    ).first()
    if row is None or row.supporter_display is SupporterDisplay.ANONYMOUS:
        return SupporterChoice()
    return SupporterChoice(row.supporter_display, row.supporter_nickname)


def refreshed(choice: SupporterChoice, name: str | None) -> SupporterChoice:
    """The choice with today's first name when it is to appear by name (anonymous without one)."""
    if choice.display is SupporterDisplay.NAME:
        return SupporterChoice(SupporterDisplay.NAME, name) if name else SupporterChoice()
    return choice
