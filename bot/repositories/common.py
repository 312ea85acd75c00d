"""SQL shared by the repositories."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Result
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def insert_ignoring_duplicates(
    session: AsyncSession, model: Any, index_elements: list[str], values: list[dict[str, Any]]
) -> Any:
    """`INSERT ... ON CONFLICT DO NOTHING` for the session's database (SQLite or PostgreSQL)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(model).values(values).on_conflict_do_nothing(index_elements=index_elements)


def affected_rows(result: Result[Any]) -> int:
    """How many rows an INSERT, UPDATE or DELETE changed (`execute` types its result loosely)."""
    return cast(CursorResult[Any], result).rowcount
