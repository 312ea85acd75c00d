"""The migrations build the schema the models describe, and go down and up again cleanly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect

from bot.search.indexes import not_search_index
from bot.storage.engine import (
    create_engine,
    create_session_factory,
    downgrade_schema,
    upgrade_schema,
)
from bot.storage.models import Base


def _differences(connection: Connection) -> list[object]:
    # As bot/storage/migrations/env.py does: the search indexes are not in the models.
    opts = {"compare_type": True, "include_name": not_search_index}
    context = MigrationContext.configure(connection, opts=opts)
    return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_round_trip_and_models_agree(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await upgrade_schema(engine)
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
            assert set(Base.metadata.tables) <= await connection.run_sync(_tables)
        await downgrade_schema(engine, "base")
        async with engine.connect() as connection:
            assert await connection.run_sync(_tables) <= {"alembic_version"}
        await upgrade_schema(engine)
        await upgrade_schema(engine)  # running it again is a no-op
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
    finally:
        await engine.dispose()


async def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: object) -> None:
    from sqlalchemy import text

    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/wal.db")
    try:
        async with engine.connect() as connection:
            assert (await connection.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await connection.execute(text("PRAGMA busy_timeout"))).scalar() == 15000
            assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar() == 1
            assert (await connection.execute(text("PRAGMA cache_size"))).scalar() == -32768
    finally:
        await engine.dispose()


async def test_projects_written_before_the_search_index_are_found(database_url: str) -> None:
    # 0007 adds SQLite's full-text index: it must index the projects already there.
    from bot.catalogue.service import CatalogueService
    from bot.domain import ListView
    from tests.factories import add_project, add_user

    engine = create_engine(database_url)
    try:
        await upgrade_schema(engine, "24243f449e67")  # the revision before the index
        sessions = create_session_factory(engine)
        owner = await add_user(sessions)
        await add_project(sessions, owner, title="Fest-noz de Kemper", commune="Quimper")
        await upgrade_schema(engine)
        page = await CatalogueService(sessions).search(owner.id, "fest noz", ListView())
        assert [item.title for item in page.items] == ["Fest-noz de Kemper"]
    finally:
        await engine.dispose()
