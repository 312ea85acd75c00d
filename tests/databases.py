"""Databases for tests: empty, migrated, or holding the demo catalogue, on SQLite or PostgreSQL.

Migrating takes longer than most tests, and loading the demo catalogue half a second: both are
done once per session. SQLite tests get a copy of a prepared file; the PostgreSQL database of
TEST_DATABASE_URL has its rows deleted when it is at the latest migration already, and the
demo rows copied in from a schema of their own (`kengo_demo`), server-side.
"""

from __future__ import annotations

import functools
import os
import shutil
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import BigInteger, MetaData, cast, func, insert, make_url, select, text
from sqlalchemy.dialects.postgresql import REGCLASS
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.demo import load_demo_data
from bot.storage.engine import alembic_config, create_engine, create_session_factory, upgrade_schema
from bot.storage.models import Base

# Every database test runs on SQLite, and also on PostgreSQL when TEST_DATABASE_URL names one.
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
DEMO_SCHEMA = "kengo_demo"


async def database_per_worker(url: str, worker: str) -> str:
    """`url` with its database renamed for one pytest-xdist worker (`test` -> `test_gw0`),
    created on the same server if it is missing: two workers never empty each other's rows."""
    base = make_url(url)
    own = base.set(database=f"{base.database}_{worker}")
    engine = create_engine(base.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            exists = await connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database}
            )
            if not exists:
                await connection.execute(text(f'CREATE DATABASE "{own.database}"'))
    finally:
        await engine.dispose()
    return own.render_as_string(hide_password=False)


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


async def reset_database(url: str) -> None:
    """Empty a PostgreSQL test database (SQLite tests get a new file instead)."""
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


async def fresh_database(backend: str, directory: Path) -> str:
    """The URL of an empty database: a new SQLite file in `directory`, or the emptied
    PostgreSQL database of TEST_DATABASE_URL."""
    if backend == "postgresql":
        url = os.environ["TEST_DATABASE_URL"]
        await reset_database(url)
        return url
    return sqlite_url(directory / "kengo.db")


async def migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade_schema(engine)
    finally:
        await engine.dispose()


async def migrated_postgres() -> str:
    """The PostgreSQL database of TEST_DATABASE_URL, empty and at the latest migration."""
    url = os.environ["TEST_DATABASE_URL"]
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            emptied = await _empty_if_at_latest_migration(connection)
    finally:
        await engine.dispose()
    if not emptied:
        await reset_database(url)
        await migrate(url)
    return url


class PreparedDatabases:
    """Prepared once per session, in `directory`: a migrated SQLite file and the demo
    catalogue (a SQLite file, and the `kengo_demo` schema on PostgreSQL)."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._migrated_sqlite: Path | None = None
        self._demo_sqlite: Path | None = None
        self._demo_postgres = False

    async def migrated(self, backend: str, directory: Path) -> str:
        """An empty database at the latest migration."""
        if backend == "postgresql":
            return await migrated_postgres()
        if self._migrated_sqlite is None:
            self._migrated_sqlite = self._directory / "migrated.db"
            await migrate(sqlite_url(self._migrated_sqlite))
        return _copy(self._migrated_sqlite, directory)

    async def demo(self, backend: str, directory: Path) -> str:
        """A migrated database holding the demo catalogue as it was loaded when the session
        began (its dates are whole days apart, a session lasts minutes)."""
        if backend == "postgresql":
            return await self._demo_postgres_database()
        if self._demo_sqlite is None:
            demo_directory = self._directory / "demo"
            demo_directory.mkdir()
            await _load_demo(await self.migrated("sqlite", demo_directory))
            self._demo_sqlite = demo_directory / "kengo.db"
        return _copy(self._demo_sqlite, directory)

    async def _demo_postgres_database(self) -> str:
        url = await migrated_postgres()
        engine = create_engine(url)
        try:
            if not self._demo_postgres:
                await _load_demo(url)
                async with engine.begin() as connection:
                    await _keep_demo_rows(connection)
                self._demo_postgres = True
            else:
                async with engine.begin() as connection:
                    await _copy_demo_rows(connection)
        finally:
            await engine.dispose()
        return url


def _copy(prepared: Path, directory: Path) -> str:
    shutil.copyfile(prepared, directory / "kengo.db")
    return sqlite_url(directory / "kengo.db")


async def _load_demo(url: str) -> None:
    engine = create_engine(url)
    try:
        await load_demo_data(create_session_factory(engine))
    finally:
        await engine.dispose()


async def _keep_demo_rows(connection: AsyncConnection) -> None:
    await connection.execute(text(f"DROP SCHEMA IF EXISTS {DEMO_SCHEMA} CASCADE"))
    await connection.execute(text(f"CREATE SCHEMA {DEMO_SCHEMA}"))
    for table in Base.metadata.sorted_tables:
        await connection.execute(
            text(f"CREATE TABLE {DEMO_SCHEMA}.{table.name} AS TABLE public.{table.name}")
        )


async def _copy_demo_rows(connection: AsyncConnection) -> None:
    kept = MetaData()
    for table in Base.metadata.sorted_tables:
        source = table.to_metadata(kept, schema=DEMO_SCHEMA)
        await connection.execute(insert(table).from_select(list(table.c.keys()), select(source)))
    # The rows came with their ids: the next id must come after them.
    for table in Base.metadata.sorted_tables:
        if "id" in table.c:
            last = func.max(table.c.id)
            sequence = cast(func.pg_get_serial_sequence(table.name, "id"), REGCLASS)
            setval = func.setval(sequence, cast(last, BigInteger))
            await connection.execute(select(setval).select_from(table).having(last.is_not(None)))


@functools.cache
def _latest_migration() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def _empty_if_at_latest_migration(connection: AsyncConnection) -> bool:
    """Delete every row and restart the ids, if the database holds exactly the tables of the
    latest migration (another test may have left it empty, half migrated or at an older
    revision). Faster than TRUNCATE on tables this small."""
    expected = {table.name for table in Base.metadata.sorted_tables} | {"alembic_version"}
    tables = set(await connection.scalars(_PUBLIC_TABLES))
    if tables != expected:
        return False
    version = await connection.scalar(text("SELECT version_num FROM alembic_version"))
    if version != _latest_migration():
        return False
    for table in reversed(Base.metadata.sorted_tables):
        await connection.execute(table.delete())
    await connection.execute(_RESTART_SEQUENCES)
    return True


_PUBLIC_TABLES = text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
_RESTART_SEQUENCES = text(
    "SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE c.relkind = 'S' AND n.nspname = 'public'"
)
