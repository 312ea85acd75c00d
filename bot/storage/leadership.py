"""One leader among the processes of a deployment, held through the database or beside it.

- **PostgreSQL**: a session-level advisory lock (`pg_try_advisory_lock`) held on a connection
  of its own. The server releases it the moment that connection ends, also when the process
  is killed (`kill -9`) or its host disappears (once TCP gives up), so a standby that tries
  every second takes over within about a second. The connection runs in autocommit: an open
  transaction held for days would keep the server from cleaning up.
- **SQLite** (one host): an exclusive `flock` on a file beside the database, which the kernel
  releases when the process dies. An in-memory database is private to its process, and
  without `fcntl` (Windows) one process per database is assumed: that process leads.

The holder asks `still_held()` regularly: a PostgreSQL connection that broke has lost the lock
(the server released it), and whoever holds it next may be sending already.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

# Seconds the leader waits for its check: a leader that cannot reach the database cannot
# record what it sends either, so it steps down rather than wait on a silent connection.
CHECK_TIMEOUT = 5.0


class Leadership(Protocol):
    async def try_acquire(self) -> bool:
        """Become the leader if nobody is; True when this process leads (now or already)."""
        ...

    async def still_held(self) -> bool:
        """False when the leadership was lost (the lock's connection broke)."""
        ...

    async def release(self) -> None:
        """Step down (a graceful stop): a standby takes over at its next try."""
        ...


def leadership(engine: AsyncEngine, key: int) -> Leadership:
    """The leadership named `key` among the processes serving this engine's database."""
    if engine.dialect.name == "postgresql":
        return AdvisoryLockLeadership(engine, key)
    database = engine.url.database
    if not database or database == ":memory:" or fcntl is None:
        return SoleProcess()
    return FileLockLeadership(f"{database}.{key:x}.lock")


class AdvisoryLockLeadership:
    def __init__(self, engine: AsyncEngine, key: int) -> None:
        self._engine = engine
        self._key = key
        self._connection: AsyncConnection | None = None

    async def try_acquire(self) -> bool:
        if self._connection is not None:
            return True
        connection = await self._engine.connect()
        try:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            locked = await connection.scalar(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key}
            )
        except BaseException:
            await connection.close()
            raise
        if not locked:
            await connection.close()
            return False
        self._connection = connection
        return True

    async def still_held(self) -> bool:
        if self._connection is None:
            return False
        try:
            async with asyncio.timeout(CHECK_TIMEOUT):
                await self._connection.execute(text("SELECT 1"))
        except Exception as error:
            log.warning("the leadership's database connection broke: %s", error)
            await self._forget_connection()
            return False
        return True

    async def release(self) -> None:
        if self._connection is None:
            return
        try:
            await self._connection.execute(
                text("SELECT pg_advisory_unlock(:key)"), {"key": self._key}
            )
        except Exception as error:
            log.warning("could not release the leadership cleanly: %s", error)
            await self._forget_connection()
            return
        await self._connection.close()
        self._connection = None

    async def _forget_connection(self) -> None:
        # Closed, not pooled: a session that may still hold the lock must not serve again.
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                await connection.invalidate()
            except Exception:  # already gone
                log.debug("invalidating the leadership connection failed", exc_info=True)


class FileLockLeadership:
    """`flock` locks belong to an open file: two of these conflict even in one process, and
    the kernel drops the lock with the process. The file is kept: removing it would let a
    waiter lock the old file while a newcomer locks a new one at the same path."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._fd: int | None = None

    async def try_acquire(self) -> bool:
        if self._fd is not None:
            return True
        if fcntl is None:  # `leadership` does not choose this class then
            raise RuntimeError("file locks need fcntl")
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # returns at once
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    async def still_held(self) -> bool:
        return self._fd is not None

    async def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)  # closing the only descriptor of the file releases the lock


class SoleProcess:
    """An in-memory database: no other process can share it."""

    def __init__(self) -> None:
        self._held = False

    async def try_acquire(self) -> bool:
        self._held = True
        return True

    async def still_held(self) -> bool:
        return self._held

    async def release(self) -> None:
        self._held = False
