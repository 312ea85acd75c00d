"""Query plans of the statements bench/browse_db.py captured, with a verdict in words.

SQLite: `EXPLAIN QUERY PLAN` (what it would do). PostgreSQL: `EXPLAIN (ANALYZE, BUFFERS)` (what
it did, with the rows each step read).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import make_url

Explain = Callable[[str, Any], Awaitable[list[str]]]


def sqlite_explainer(path: Path) -> Explain:
    async def explain(statement: str, parameters: Any) -> list[str]:
        """EXPLAIN QUERY PLAN on a plain sqlite3 connection, as an indented tree."""
        db = sqlite3.connect(path)
        try:
            rows = db.execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
        finally:
            db.close()
        depth: dict[int, int] = {0: 0}
        lines = []
        for node, parent, _unused, detail in rows:
            depth[node] = depth.get(parent, 0) + 1
            lines.append("  " * depth[node] + detail)
        return lines

    return explain


def postgres_explainer(url: str) -> Explain:
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)

    async def explain(statement: str, parameters: Any) -> list[str]:
        """EXPLAIN ANALYZE of the statement as SQLAlchemy sent it ($1... and its values)."""
        db = await asyncpg.connect(dsn)
        try:
            rows = await db.fetch(
                f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY OFF) {statement}", *parameters
            )
        finally:
            await db.close()
        return [row[0] for row in rows]

    return explain


def verdict(plan: list[str]) -> str:
    """How the plan reaches its rows, in words that say what it costs."""
    if any("(actual" in line for line in plan):  # EXPLAIN ANALYZE: PostgreSQL's
        return _postgres_verdict(plan)
    return _sqlite_verdict(plan)


def _sqlite_verdict(plan: list[str]) -> str:
    notes = []
    for line in (step.strip() for step in plan):
        index = re.search(r"USING (?:COVERING )?INDEX (\S+)", line)
        table = line.split()[1] if line.startswith(("SCAN", "SEARCH")) else ""
        if line.startswith("SCAN") and not index:
            notes.append(f"FULL SCAN {table}" if "VIRTUAL" not in line else f"{table} virtual")
        elif line.startswith("SCAN") and index:
            notes.append(f"whole index walked in order {table} ({index.group(1)})")
        elif line.startswith("SEARCH") and "PRIMARY KEY" in line:
            notes.append(f"rowid lookup {table}")
        elif line.startswith("SEARCH") and index and "COVERING" in line:
            notes.append(f"covering index seek {table} ({index.group(1)}), index only")
        elif line.startswith("SEARCH") and index:
            notes.append(f"index seek {table} ({index.group(1)}) + one row read per match")
        elif "TEMP B-TREE FOR ORDER BY" in line:
            notes.append("every match sorted before LIMIT")
        elif "TEMP B-TREE FOR RIGHT PART" in line:
            notes.append("ties sorted (cheap)")
    return "; ".join(notes)


_PG_NODE = re.compile(
    r"(?:-> )?(?P<node>Seq Scan|Index Only Scan|Index Scan|Bitmap Index Scan|Bitmap Heap Scan|"
    r"Sort|Incremental Sort)(?: Backward)?(?: using (?P<index>\S+))?(?: on (?P<table>\S+))?"
    r".*?actual(?: time=\S+)? rows=(?P<rows>\d+) loops=(?P<loops>\d+)"
)


def _postgres_verdict(plan: list[str]) -> str:
    notes = []
    for line in plan:
        found = _PG_NODE.search(line)
        if not found:
            continue
        rows = int(found["rows"]) * int(found["loops"])
        node, where = found["node"], found["table"] or found["index"] or ""
        if found["index"] and found["table"]:
            where = f"{found['table']} ({found['index']})"
        if node == "Seq Scan":
            notes.append(f"FULL SCAN {where}, {rows} rows kept")
        elif node in ("Sort", "Incremental Sort"):
            notes.append(f"{node.lower()} of {rows} rows")
        else:
            notes.append(f"{node.lower()} {where}, {rows} rows")
    return "; ".join(notes)


def short(statement: str) -> str:
    """The SQL on one line, with the projects' long column lists abbreviated."""
    one_line = " ".join(statement.split())
    return re.sub(r"SELECT (\w+)\.\w+(?:, \1\.\w+){4,} FROM", r"SELECT \1.* FROM", one_line)


@dataclass
class Statement:
    number: int
    sql: str
    parameters: Any
    plan: list[str]
    plan_without_stats: list[str] | None = None
    ops: list[str] = field(default_factory=list)


async def plan_statements(
    explain: Explain,
    captured: Sequence[tuple[str, list[tuple[str, Any]]]],
    before: dict[str, Statement] | None = None,
) -> dict[str, Statement]:
    """Each distinct statement once (first parameters seen), with the plan the database picks
    now; `captured` holds (operation, its statements)."""
    statements: dict[str, Statement] = {}
    for name, emitted in captured:
        for sql, parameters in emitted:
            if sql not in statements:
                plan = await explain(sql, parameters)
                old = before[sql].plan if before and sql in before else None
                old = old if plan_shape(old) != plan_shape(plan) else None  # None: unchanged
                statements[sql] = Statement(len(statements) + 1, sql, parameters, plan, old)
            if name not in statements[sql].ops:
                statements[sql].ops.append(name)
    return statements


def plan_shape(plan: list[str] | None) -> list[str] | None:
    """The plan without what changes from one run to the next (times, rows, buffers)."""
    if plan is None:
        return None
    skipped = ("Buffers:", "Planning", "Heap Fetches", "Rows Removed", "Heap Blocks", "Sort Method")
    return [
        re.sub(r"\s*\(actual[^)]*\)", "", line)
        for line in plan
        if not line.strip().startswith(skipped)
    ]
