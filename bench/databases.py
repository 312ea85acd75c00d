"""What the benches share about their databases."""

from __future__ import annotations

from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine


async def empty_postgres(url: str) -> None:
    """Drop everything in a PostgreSQL database kept for benches (its name must say 'bench')."""
    name = make_url(url).database or ""
    if "bench" not in name:
        raise SystemExit(f"refusing to empty the database {name!r}: its name lacks 'bench'")
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()
