"""Queries on users. Repositories never commit: the calling service owns the transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import User
from bot.repositories.common import affected_rows, insert_ignoring_duplicates


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: int) -> User | None:
        return await self.session.get(User, user_id)

    async def insert_if_absent(self, **values: Any) -> bool:
        """Insert a user unless that id exists (two first updates of one user may race); True
        when this call inserted it."""
        result = await self.session.execute(
            insert_ignoring_duplicates(self.session, User, ["id"], [values])
        )
        return bool(affected_rows(result))
