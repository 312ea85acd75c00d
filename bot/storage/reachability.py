"""Reaching the database at start: wait for it for a bounded time, or say in one line why not.

A database container started beside the bot (compose, Kubernetes) may take a few seconds to
accept connections: the commands try again with backoff for `DATABASE_WAIT_SECONDS` before
giving up. What retrying cannot fix (a wrong password, a missing database, an SQLite file that
cannot be created) is reported at once.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3

from sqlalchemy import make_url, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from bot.storage.engine import create_engine

log = logging.getLogger(__name__)

# One try gives up after this long (a host that drops packets would otherwise hold asyncpg for
# its own 60 s).
ATTEMPT_TIMEOUT_S = 10.0
FIRST_DELAY_S = 0.5
MAX_DELAY_S = 5.0
# SQLSTATEs worth another try: connection exceptions (class 08) and "the database system is
# starting up" (57P03).
_TRANSIENT_SQLSTATES = ("08", "57P03")


class DatabaseUnavailable(Exception):
    """The database cannot be used; the message fits on one line and holds no password."""


async def wait_for_database(url: str, wait_seconds: float) -> None:
    """Return once the database answers; raise `DatabaseUnavailable` when it does not within
    `wait_seconds` (or at once when trying again cannot help)."""
    where = _where(url)
    if make_url(url).get_backend_name() == "sqlite":
        _open_sqlite(url, where)
        return
    engine = create_engine(url, poolclass=NullPool)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_seconds
    delay = FIRST_DELAY_S
    try:
        while True:
            try:
                async with asyncio.timeout(ATTEMPT_TIMEOUT_S), engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
                return
            except Exception as error:
                reason = _reason(error)
                if not _transient(error):
                    raise DatabaseUnavailable(
                        f"cannot use the database at {where}: {reason}"
                    ) from None
                left = deadline - loop.time()
                if left <= 0:
                    raise DatabaseUnavailable(
                        f"cannot reach the database at {where} "
                        f"(waited DATABASE_WAIT_SECONDS={wait_seconds:g}): {reason}"
                    ) from None
                pause = min(delay, left)
                log.warning(
                    "database at %s unreachable (%s): next try in %.1f s", where, reason, pause
                )
                await asyncio.sleep(pause)
                delay = min(delay * 2, MAX_DELAY_S)
    finally:
        await engine.dispose()


def _open_sqlite(url: str, where: str) -> None:
    """SQLite has nothing to wait for: the file opens now or never. The standard library's
    driver answers at once and leaves no worker thread behind: aiosqlite's, after a failed
    connect, could still report to the event loop after the command had closed it and exited,
    printing a traceback under the one line."""
    database = make_url(url).database
    if not database or database == ":memory:":
        return
    try:
        sqlite3.connect(database).close()
    except sqlite3.Error as error:
        reason = _first_line(error) or type(error).__name__
        raise DatabaseUnavailable(f"cannot use the database at {where}: {reason}") from None


def _where(url: str) -> str:
    """host:port for a server, the file for SQLite; never the password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"{parsed.database or ':memory:'} (SQLite)"
    return f"{parsed.host or 'localhost'}:{parsed.port or 5432}"


def _transient(error: Exception) -> bool:
    if isinstance(error, DBAPIError):
        sqlstate = getattr(error.orig, "sqlstate", None)
        return isinstance(sqlstate, str) and sqlstate.startswith(_TRANSIENT_SQLSTATES)
    # Refused, reset, unknown host (its name may not be in the DNS yet), timed out.
    return isinstance(error, OSError | TimeoutError)


def _reason(error: Exception) -> str:
    # The server's own words for a refusal; the exception's name for a network failure.
    if isinstance(error, DBAPIError) and error.orig is not None:
        return _first_line(error.orig) or type(error.orig).__name__
    message = _first_line(error)
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else ""
