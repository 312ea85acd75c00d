"""Reading and nudging the bot's database from a test (the bot writes, tests mostly look)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.engine import WRITES, create_engine
from bot.storage.models import Project


async def db_scalar(database_url: str, statement: Any) -> Any:
    """Read one value from the bot's database (tests look, the bot writes)."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return await connection.scalar(statement)
    finally:
        await engine.dispose()


async def db_execute(database_url: str, statement: Any) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(statement)
    finally:
        await engine.dispose()


async def project_id(database_url: str, slug: str) -> int:
    """The id of a demo project."""
    found = await db_scalar(database_url, select(Project.id).where(Project.slug == slug))
    assert found is not None, slug
    return int(found)


async def latest_project(database_url: str, owner_id: int) -> Project:
    """The owner's newest project, read from the bot's database."""
    engine = create_engine(database_url)
    try:
        async with AsyncSession(engine) as session:
            project = await session.scalar(
                select(Project).where(Project.owner_id == owner_id).order_by(Project.id.desc())
            )
    finally:
        await engine.dispose()
    assert project is not None
    return project


async def db_add(database_url: str, *rows: Any) -> list[int]:
    """Add model instances to the bot's database (paid pledges with their contact and
    shipping details, rewards, users…); their ids, in order."""
    engine = create_engine(database_url)
    try:
        # As the bot's writing transactions do: on SQLite, take the write lock up front, or a
        # flush that reads before it writes fails at once when the running bot wrote meanwhile.
        writer = engine.execution_options(**{WRITES: True})
        async with AsyncSession(writer) as session, session.begin():
            for row in rows:
                session.add(row)
                await session.flush()
            return [getattr(row, "id", 0) for row in rows]
    finally:
        await engine.dispose()
