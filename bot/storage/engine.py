"""Database engine, sessions and schema upgrades (SQLite by default, PostgreSQL in production)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, event, text
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# How long a writer waits for SQLite's write lock. A write transaction holds the lock across
# event-loop turns, which stretch under a burst (bench/update_handling.py: 1,000 new users at
# once); at 5 s a few of them failed with "database is locked". Waiting longer is better than
# an apology; PostgreSQL has no such lock.
SQLITE_BUSY_TIMEOUT_MS = 15_000
# SQLite's page cache, per connection (its default is 2 MiB). With 32 MiB the catalogue's
# indexes and the rows a search reads stay in it from one session to the next; without, they
# are read again from the OS at every query (bench/browse_db.py: a search's statements take
# 3-4x longer). A ceiling, filled as pages are read: at most 32 MiB per pooled connection.
SQLITE_CACHE_KIB = 32 * 1024
# A pooled PostgreSQL connection idle for longer than this is checked before use
# (`_ping_idle_connections`).
PING_AFTER_IDLE_S = 10.0
_IDLE_SINCE = "kengo_idle_since"
# PostgreSQL advisory lock keys (one 64-bit namespace per database): schema migrations, and the
# notification sender's leadership (`bot.storage.leadership`).
MIGRATION_LOCK = 0x4B454E474F_01
SENDER_LOCK = 0x4B454E474F_02


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """Create the engine; SQLite gets WAL, a busy timeout, foreign keys and write-ahead BEGINs."""
    engine = create_async_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        _tune_sqlite(engine)
    else:
        _ping_idle_connections(engine)
    return engine


def _ping_idle_connections(engine: AsyncEngine) -> None:
    """Check a pooled connection that sat idle before handing it out again.

    SQLAlchemy's `pool_pre_ping` checks every connection at every checkout: on asyncpg a
    transaction begun and rolled back, 0.26 ms of CPU, an eighth of what an update costs
    (bench/update_handling.py). A connection that served a moment ago is alive; one idle for a
    while may have been dropped (a server restart, a proxy's idle timeout). If a check fails,
    SQLAlchemy replaces that connection and every one pooled before it; if a connection dies
    between two quick uses, the statement fails once and the pool is renewed the same way.
    """

    @event.listens_for(engine.sync_engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get(_IDLE_SINCE)
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_S:
            return  # new, or used a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            # Likely a server restart: every connection pooled before now goes too.
            raise InvalidatePoolError(f"idle connection is gone: {error}") from error


def _tune_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver so that `_on_begin` decides how to begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get(_NO_TRANSACTION, False):
            # `Sessions.autocommit`: each statement is its own transaction.
            return
        # A deferred transaction that reads and then writes fails at once with SQLITE_BUSY when
        # another connection wrote in between (the busy timeout does not apply). Taking the
        # write lock up front makes concurrent writers wait their turn instead. Reading
        # transactions take no lock at all (WAL gives them a snapshot): taking it for them too
        # queued every update behind every write, and some waited past the busy timeout.
        writes = connection.get_execution_options().get(WRITES, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


WRITES = "kengo_writes"
_NO_TRANSACTION = "kengo_no_transaction"


class Sessions(async_sessionmaker[AsyncSession]):
    """`sessions()` for reading, `sessions.begin()` for a transaction that writes and commits,
    `sessions.autocommit()` for statements that need no transaction around them.

    The first two differ on SQLite only: a writing transaction takes the write lock when it
    begins.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        # Objects stay usable after commit: services return them to handlers for rendering.
        super().__init__(engine, expire_on_commit=False)
        self._writers = async_sessionmaker(
            engine, expire_on_commit=False, execution_options={WRITES: True}
        )
        self._autocommit = engine.execution_options(**_autocommit_options(engine))

    def begin(self) -> Any:
        return self._writers.begin()

    def autocommit(self) -> AsyncConnection:
        """A connection (`async with`) on which every statement is its own transaction.

        For the reads and one-statement writes that every update makes (who the user is, a
        catalogue page, a card): Core statements on a connection, without an ORM session, a
        BEGIN and a ROLLBACK around them, cost a third to a half of the CPU
        (bench/update_handling.py). Statements see what is committed when each one starts;
        anything that must read and write consistently uses `begin()`.
        """
        return self._autocommit.connect()


def _autocommit_options(engine: AsyncEngine) -> dict[str, Any]:
    if engine.dialect.name == "sqlite":
        # SQLite runs a statement outside BEGIN as its own transaction; `_on_begin` skips the
        # BEGIN, and the pool's rollback finds no transaction to roll back.
        # SQLAlchemy's AUTOCOMMIT level would instead reset the driver's transaction handling
        # when the connection goes back to the pool.
        return {_NO_TRANSACTION: True}
    return {"isolation_level": "AUTOCOMMIT"}


def create_session_factory(engine: AsyncEngine) -> Sessions:
    return Sessions(engine)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


async def upgrade_schema(engine: AsyncEngine, revision: str = "head") -> None:
    """Create or upgrade the schema to `revision` with the Alembic migrations."""
    await _run_alembic(engine, lambda config: command.upgrade(config, revision))


async def downgrade_schema(engine: AsyncEngine, revision: str = "base") -> None:
    await _run_alembic(engine, lambda config: command.downgrade(config, revision))


async def _run_alembic(engine: AsyncEngine, action: Any) -> None:
    def run(connection: Connection) -> None:
        config = alembic_config()
        # env.py migrates this connection instead of opening its own (see migrations/env.py).
        config.attributes["connection"] = connection
        action(config)

    async with engine.connect() as connection, _migrating_alone(connection), connection.begin():
        await connection.run_sync(run)


@contextlib.asynccontextmanager
async def _migrating_alone(connection: AsyncConnection) -> AsyncIterator[None]:
    """One migration at a time per database: several workers (or a migration job and a
    worker) starting at once would otherwise all create the first tables, and all but one
    fail. The others wait here, then find the schema at head and do nothing.

    PostgreSQL: a session-level advisory lock on the migration connection, so that a
    revision which commits part-way (an autocommit block) stays covered; the server drops it
    if the process dies. SQLite: the migration's transaction takes the write lock up front
    (`BEGIN IMMEDIATE`), and the others wait for it within the busy timeout.
    """
    if connection.dialect.name != "postgresql":
        await connection.execution_options(**{WRITES: True})
        yield
        return
    await connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
    await connection.commit()  # the lock outlives transactions; the migration begins its own
    try:
        yield
    finally:
        await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
        await connection.commit()


async def ping(engine: AsyncEngine) -> bool:
    """True when the database answers a trivial query."""
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception:
        return False
    return True
