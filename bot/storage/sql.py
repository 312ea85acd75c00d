"""SQL helpers shared by the services: dialect-aware inserts, affected rows, tables."""

from __future__ import annotations

import functools
from typing import Any, TypeAlias, cast

from sqlalchemy import CursorResult, Insert, Result, Row, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

# What a service runs its statements on: an ORM session (a service's transaction), or a
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


def insert_ignoring_duplicates(database: Database, model: Any, *index_elements: str) -> Insert:
    """`INSERT ... ON CONFLICT DO NOTHING` into `model`'s table, for the database in use.

    Execute it with the rows as parameters (a dict, or a list of dicts for many rows): the
    statement is built once per table and compiled once. Rows given in `.values()` instead make
    a statement SQLAlchemy cannot cache, compiled again at every call.
    """
    return _insert_ignoring(dialect_name(database), table_of(model), index_elements)


@functools.cache
def _insert_ignoring(dialect: str, table: Table, index_elements: tuple[str, ...]) -> Insert:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing(index_elements=list(index_elements))


def affected_rows(result: Result[Any]) -> int:
    """How many rows an INSERT, UPDATE or DELETE changed (`execute` types its result loosely)."""
    return cast(CursorResult[Any], result).rowcount
