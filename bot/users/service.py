"""Who the users are: first contact, chosen language, whether they blocked the bot."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.conversation.inputs import InputMode, encode
from bot.domain import Preferences, Profile, Visitor, utcnow
from bot.i18n.translator import SUPPORTED_LOCALES, locale_from_telegram
from bot.storage.engine import Sessions
from bot.storage.models import User
from bot.storage.sql import AnyRow
from bot.users.queries import UserQueries

# Seeing a user again within this window does not rewrite their row: saves a write per update.
_LAST_SEEN_GRANULARITY = timedelta(minutes=5)


def _preferences(user: User) -> Preferences:
    return Preferences(user.locale, user.notifications_muted, user.reminders_muted)


def _profile(user: User, *, is_new: bool = False) -> Profile:
    return Profile(
        user.id, user.first_name, user.locale, user.locale_chosen, is_new, user.input_mode
    )


class UserService:
    def __init__(self, sessions: Sessions, default_locale: str) -> None:
        self._sessions = sessions
        self._default_locale = default_locale

    async def greet(self, visitor: Visitor) -> Profile:
        """Record a contact from `visitor`, creating the user on first contact."""
        # Every update comes here: Core statements on an autocommit connection (see
        # `Sessions.autocommit`). Most come from a known user seen minutes ago: one read.
        async with self._sessions.autocommit() as connection:
            users = UserQueries(connection)
            known = await users.visitor(visitor.id)
            if known is None:
                values = self._first_contact(visitor)
                if await users.insert_if_absent(**values):
                    # Built from what was inserted: reading the row back would cost a query.
                    return Profile(
                        visitor.id, values["first_name"], values["locale"], False, is_new=True
                    )
                known = await users.visitor(visitor.id)  # a concurrent update of theirs did it
                if known is None:  # pragma: no cover - users are never deleted
                    raise LookupError(visitor.id)
            changes = _changes(known, visitor)
            if changes:
                await users.change(visitor.id, **changes)
        return Profile(
            known.id, changes.get("first_name", known.first_name), known.locale,
            known.locale_chosen, False, known.input_mode,
        )  # fmt: skip

    def _first_contact(self, visitor: Visitor) -> dict[str, Any]:
        now = utcnow()
        return {
            "id": visitor.id,
            "first_name": visitor.first_name[:128],
            "last_name": (visitor.last_name or None) and visitor.last_name[:128],
            "username": visitor.username,
            "telegram_language": visitor.language_code,
            "locale": locale_from_telegram(visitor.language_code, self._default_locale),
            "locale_chosen": False,
            "created_at": now,
            "updated_at": now,
            "last_seen_at": now,
        }

    async def choose_locale(self, user_id: int, locale: str) -> Profile:
        if locale not in SUPPORTED_LOCALES:
            raise ValueError(f"unsupported locale {locale!r}")
        async with self._sessions.begin() as session:
            user = await UserQueries(session).get(user_id)
            if user is None:
                raise LookupError(user_id)
            user.locale = locale
            user.locale_chosen = True
            return _profile(user)

    async def preferences(self, user_id: int) -> Preferences:
        async with self._sessions() as session:
            user = await UserQueries(session).get(user_id)
            if user is None:
                raise LookupError(user_id)
            return _preferences(user)

    async def toggle_notifications(self, user_id: int) -> Preferences:
        """Mute or unmute project news, milestones and reminders (not one's own payments)."""
        return await self._toggle(user_id, "notifications_muted")

    async def toggle_reminders(self, user_id: int) -> Preferences:
        """Mute or unmute only the "last 48 hours" reminders."""
        return await self._toggle(user_id, "reminders_muted")

    async def _toggle(self, user_id: int, flag: str) -> Preferences:
        async with self._sessions.begin() as session:
            user = await UserQueries(session).get(user_id)
            if user is None:
                raise LookupError(user_id)
            setattr(user, flag, not getattr(user, flag))
            return _preferences(user)

    async def set_input_mode(self, user_id: int, mode: InputMode | None) -> None:
        """What the user's next free text means (None: nothing in particular)."""
        stored = None if mode is None else encode(mode)
        async with self._sessions.begin() as session:
            user = await UserQueries(session).get(user_id)
            if user is not None and user.input_mode != stored:
                user.input_mode = stored

    async def note_arrival(self, user_id: int, payload: str) -> None:
        """Keep the deep-link payload that brought a user, the first time only."""
        async with self._sessions.begin() as session:
            user = await UserQueries(session).get(user_id)
            if user is not None and user.arrival_payload is None:
                user.arrival_payload = payload

    async def mark_blocked(self, user_id: int, blocked: bool) -> None:
        """Remember that the user blocked (or unblocked) the bot; unknown users are ignored."""
        async with self._sessions.begin() as session:
            user = await UserQueries(session).get(user_id)
            if user is not None and user.blocked != blocked:
                user.blocked = blocked
                user.blocked_at = utcnow() if blocked else None

    async def locale_for(self, user_id: int, language_code: str | None) -> str:
        """A user's language without registering them (inline queries come from anyone)."""
        async with self._sessions() as session:
            user = await UserQueries(session).get(user_id)
        if user is not None:
            return user.locale
        return locale_from_telegram(language_code, self._default_locale)

    async def locale_of(self, user_id: int) -> str:
        async with self._sessions() as session:
            user = await UserQueries(session).get(user_id)
            return user.locale if user else self._default_locale


def _changes(known: AnyRow, visitor: Visitor) -> dict[str, Any]:
    """What to write about a known user: names kept current, the visit noted (at most every few
    minutes: a write per update would cost), and a user who writes has not blocked the bot."""
    changes: dict[str, Any] = {}
    if known.first_name != visitor.first_name[:128]:
        changes["first_name"] = visitor.first_name[:128]
    if known.username != visitor.username:
        changes["username"] = visitor.username
    if known.blocked:
        changes.update(blocked=False, blocked_at=None)
    now = utcnow()
    if changes or now - known.last_seen_at > _LAST_SEEN_GRANULARITY:
        changes["last_seen_at"] = now
    return changes
