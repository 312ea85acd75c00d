"""Users: first contact, language choice that sticks, blocked flag, concurrent first updates."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain import Visitor
from bot.storage.models import User
from bot.users.service import UserService


@pytest.fixture
def users(sessions: async_sessionmaker[AsyncSession]) -> UserService:
    return UserService(sessions, default_locale="fr")


async def test_first_contact_takes_breton_from_telegram(users: UserService) -> None:
    profile = await users.greet(Visitor(7, "Maïwenn", language_code="br"))
    assert (profile.locale, profile.locale_chosen, profile.is_new) == ("br", False, True)
    again = await users.greet(Visitor(7, "Maïwenn", language_code="br"))
    assert not again.is_new


async def test_french_telegram_users_start_in_french(users: UserService) -> None:
    assert (await users.greet(Visitor(8, "Yann", language_code="fr"))).locale == "fr"
    assert (await users.greet(Visitor(9, "Ann", language_code="en-GB"))).locale == "fr"


async def test_chosen_language_wins_over_telegram(users: UserService) -> None:
    await users.greet(Visitor(10, "Loïc", language_code="fr"))
    await users.choose_locale(10, "br")
    profile = await users.greet(Visitor(10, "Loïc", language_code="fr"))
    assert (profile.locale, profile.locale_chosen) == ("br", True)


async def test_unsupported_locale_is_refused(users: UserService) -> None:
    await users.greet(Visitor(11, "Erwan"))
    with pytest.raises(ValueError, match="unsupported locale"):
        await users.choose_locale(11, "en")


async def test_blocked_user_is_unblocked_when_writing_again(
    users: UserService, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await users.greet(Visitor(12, "Nolwenn"))
    await users.mark_blocked(12, True)
    async with sessions() as session:
        assert (await session.get(User, 12)).blocked  # type: ignore[union-attr]
    await users.greet(Visitor(12, "Nolwenn"))
    async with sessions() as session:
        user = await session.get(User, 12)
        assert user is not None
        assert (user.blocked, user.blocked_at) == (False, None)


async def test_names_are_kept_current_and_huge_names_truncated(
    users: UserService, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await users.greet(Visitor(13, "A" * 500, username="anna"))
    await users.greet(Visitor(13, "Anna", username="anna_bzh"))
    async with sessions() as session:
        user = await session.get(User, 13)
        assert user is not None
        assert (user.first_name, user.username) == ("Anna", "anna_bzh")


async def test_arrival_payload_is_kept_once(
    users: UserService, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await users.greet(Visitor(14, "Tanguy"))
    await users.note_arrival(14, "p12_r34")
    await users.note_arrival(14, "later")
    async with sessions() as session:
        user = await session.get(User, 14)
        assert user is not None
        assert user.arrival_payload == "p12_r34"


async def test_simultaneous_first_updates_create_one_user(
    users: UserService, sessions: async_sessionmaker[AsyncSession]
) -> None:
    profiles = await asyncio.gather(*(users.greet(Visitor(15, "Gwen")) for _ in range(8)))
    assert {p.id for p in profiles} == {15}
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 1
