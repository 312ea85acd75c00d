"""aiosqlite connections that cross to their thread once per statement.

aiosqlite runs each call on the connection's own thread, and SQLAlchemy's adapter makes four
calls per statement (open a cursor, execute, fetch the rows, close the cursor). Each crossing
costs about 70 µs of CPU (a queue, waking the thread, the GIL changing hands, waking the event
loop), more than a catalogue query itself: a statement cost 0.46 ms of CPU against 0.22 ms on
asyncpg. This connection runs the four steps in one crossing and hands SQLAlchemy the buffered
result, and skips the crossing of a rollback when no transaction is open (the pool rolls back
every connection it gets back, also after a commit). Everything else is aiosqlite's:
the thread, the queue, closing, `create_function`.

It leans on two private members of `aiosqlite.Connection`, `_execute` (run a function on the
connection's thread) and `_conn` (the `sqlite3.Connection`), which SQLAlchemy's own adapter also
uses; `tests/integration/test_sqlite_driver.py` fails if a new aiosqlite release changes them.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import aiosqlite
from sqlalchemy import make_url

ITER_CHUNK_SIZE = 64  # aiosqlite's default; only its own cursors' iteration reads it


class _BufferedCursor:
    """A cursor whose statement ran, and whose rows were fetched, in one crossing."""

    def __init__(self, connection: OneCrossingConnection) -> None:
        self._connection = connection
        self._rows: deque[Any] = deque()
        self.description: Sequence[Any] | None = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1

    async def __aenter__(self) -> _BufferedCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def execute(self, sql: str, parameters: Any = ()) -> _BufferedCursor:
        await self._connection.run(lambda db: self._drain(db.execute(sql, parameters)))
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> _BufferedCursor:
        await self._connection.run(lambda db: self._drain(db.executemany(sql, parameters)))
        return self

    def _drain(self, cursor: sqlite3.Cursor) -> None:
        # Runs on the connection's thread: the sqlite3 cursor never leaves it.
        try:
            self.description = cursor.description
            self._rows = deque(cursor.fetchall() if cursor.description else ())
            self.rowcount, self.lastrowid = cursor.rowcount, cursor.lastrowid
        finally:
            cursor.close()

    async def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        count = min(size or self.arraysize, len(self._rows))
        return [self._rows.popleft() for _ in range(count)]

    async def fetchall(self) -> list[Any]:
        rows = list(self._rows)
        self._rows.clear()
        return rows

    async def close(self) -> None:
        self._rows.clear()


class OneCrossingConnection(aiosqlite.Connection):
    """An aiosqlite connection whose cursors cross to the thread once per statement."""

    def cursor(self) -> Any:  # aiosqlite's returns an awaitable context manager; so does this
        return _BufferedCursor(self)

    async def run(self, work: Callable[[sqlite3.Connection], Any]) -> Any:
        """Run `work` with the sqlite3 connection, on the connection's thread."""
        return await self._execute(lambda: work(self._conn))  # type: ignore[no-untyped-call]

    async def rollback(self) -> None:
        # `in_transaction` is a plain read of SQLite's autocommit flag, safe from this thread.
        if self._connection is not None and not self._connection.in_transaction:
            return
        await super().rollback()


def connector(url: str) -> Callable[[], OneCrossingConnection]:
    """SQLAlchemy's `async_creator` for a SQLite URL, with the arguments its dialect derives."""
    parsed = make_url(url)
    args, options = parsed.get_dialect()().create_connect_args(parsed)
    arguments: list[Any] = list(args)
    settings: dict[str, Any] = dict(options)

    def connect() -> OneCrossingConnection:
        connection = OneCrossingConnection(
            lambda: sqlite3.connect(*arguments, **settings), ITER_CHUNK_SIZE
        )
        # As SQLAlchemy does for aiosqlite: a connection never closed must not keep the
        # process alive at exit.
        connection._thread.daemon = True
        return connection

    return connect
