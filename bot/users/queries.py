"""Statements on users, shared by the user and catalogue services; they never commit."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Update, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import User
from bot.storage.sql import AnyRow, Database, affected_rows, insert_ignoring_duplicates, table_of

_users = table_of(User).c
# Built once: every update reads its user. `Row` attributes are named like User's.
_VISITOR = select(
    _users.id, _users.first_name, _users.username, _users.locale, _users.locale_chosen,
    _users.input_mode, _users.blocked, _users.last_seen_at,
).where(_users.id == bindparam("user_id"))  # fmt: skip
_CATALOGUE_QUERY = select(_users.catalogue_query).where(_users.id == bindparam("user_id"))


class UserQueries:
    def __init__(self, session: Database) -> None:
        self.session = session

    async def get(self, user_id: int) -> User | None:
        """The ORM object, for a service that changes it in its session's transaction."""
        if not isinstance(self.session, AsyncSession):
            raise TypeError("loading a User takes an ORM session")
        return await self.session.get(User, user_id)

    async def visitor(self, user_id: int) -> AnyRow | None:
        """What every update needs of its user (see `_VISITOR`), or None for a new user."""
        return (await self.session.execute(_VISITOR, {"user_id": user_id})).first()

    async def catalogue_query(self, user_id: int) -> str | None:
        """The catalogue search the user typed last."""
        return await self.session.scalar(_CATALOGUE_QUERY, {"user_id": user_id})

    async def insert_if_absent(self, **values: Any) -> bool:
        """Insert a user unless that id exists (two first updates of one user may race); True
        when this call inserted it."""
        result = await self.session.execute(
            insert_ignoring_duplicates(self.session, User, "id"), values
        )
        return bool(affected_rows(result))

    async def change(self, user_id: int, **values: Any) -> bool:
        """Set columns of a user in one statement; False when there is no such user."""
        parameters = {f"new_{name}": value for name, value in values.items()}
        statement = _change_statement(tuple(sorted(values)))
        result = await self.session.execute(statement, {"user_id": user_id, **parameters})
        return bool(affected_rows(result))


@functools.lru_cache(maxsize=64)
def _change_statement(columns: tuple[str, ...]) -> Update:
    """`UPDATE users SET <columns> WHERE id = :user_id`, built once per set of columns.

    The values are bound as `new_<column>`: SQLAlchemy keeps the column's own name for itself
    in an UPDATE."""
    values = {name: bindparam(f"new_{name}", type_=_users[name].type) for name in columns}
    return update(table_of(User)).where(_users.id == bindparam("user_id")).values(values)
