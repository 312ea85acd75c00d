"""What the benches share about their databases."""

from __future__ import annotations

from sqlalchemy import make_url

from tests.databases import reset_database


async def empty_postgres(url: str) -> None:
    """Drop everything in a PostgreSQL database kept for benches (its name must say 'bench')."""
    name = make_url(url).database or ""
    if "bench" not in name:
        raise SystemExit(f"refusing to empty the database {name!r}: its name lacks 'bench'")
    await reset_database(url)
