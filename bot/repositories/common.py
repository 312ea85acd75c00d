"""SQL shared by the repositories."""

from __future__ import annotations

from typing import Any, TypeAlias, cast

from sqlalchemy import CursorResult, Result, Row, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

# What a repository runs its statements on: an ORM session (a service's transaction), or a
# connection from `Sessions.autocommit()` for the Core statements of every update.
Database = AsyncSession | AsyncConnection
# A row of any columns, read by attribute (`row.title`).
AnyRow: TypeAlias = Row[*tuple[Any, ...]]


def table_of(model: Any) -> Table:
    """A mapped class's table, for Core statements (`table_of(User).c.id`)."""
    return cast(Table, model.__table__)


def dialect_name(database: Database) -> str:
    if isinstance(database, AsyncConnection):
        return database.dialect.name
    return database.get_bind().dialect.name


def insert_ignoring_duplicates(
    database: Database, model: Any, index_elements: list[str], values: list[dict[str, Any]]
) -> Any:
    """`INSERT ... ON CONFLICT DO NOTHING` for the database in use (SQLite or PostgreSQL)."""
    insert = postgresql.insert if dialect_name(database) == "postgresql" else sqlite.insert
    return insert(model).values(values).on_conflict_do_nothing(index_elements=index_elements)


def affected_rows(result: Result[Any]) -> int:
    """How many rows an INSERT, UPDATE or DELETE changed (`execute` types its result loosely)."""
    return cast(CursorResult[Any], result).rowcount
