"""Launch alerts at scale: how long approving a project takes when many people watch for it.

Approving a project queues, in the approval's own transaction, one outbox row per subscriber
whose alert matches it (bot/services/alerts.py, `queue_launch_alerts`). This bench builds a
fresh database with the real migrations (SQLite, and PostgreSQL with --database-url), gives
--users people --alerts-per-user alerts each over categories, départements, communes and
owners, then times `queue_launch_alerts` for projects that match few, some and many of them,
each in a transaction rolled back afterwards (the outbox stays empty between runs).

    .venv/bin/python bench/launch_alerts.py [--users N] [--alerts-per-user N] [--runs N]
        [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/kengo_bench]

Target: an approval whose alerts reach 10,000 people still answers the moderator within a
second (the moderator waits for it; Telegram shows a spinner for up to 15 s).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from random import Random

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from bench.databases import empty_postgres
from bot.domain import AlertTarget, Category, Departement, ProjectStatus, utcnow
from bot.services.alerts import queue_launch_alerts
from bot.storage.engine import create_engine, create_session_factory, upgrade_schema
from bot.storage.models import LaunchAlert, Project, User

TARGET_MS = 1000.0
COMMUNES = {
    Departement.FINISTERE: ["Quimper", "Brest", "Morlaix", "Pleyben"],
    Departement.MORBIHAN: ["Vannes", "Lorient", "Pontivy"],
    Departement.ILLE_ET_VILAINE: ["Rennes", "Saint-Malo", "Redon"],
    Departement.COTES_DARMOR: ["Saint-Brieuc", "Lannion", "Guingamp"],
    Departement.LOIRE_ATLANTIQUE: ["Nantes", "Saint-Nazaire", "Clisson"],
}
OWNERS = 200  # people who already ran a campaign, some of whose backers watch them


def _alert(rng: Random, user_id: int) -> AlertTarget:
    """One alert as people set them: mostly a département, often with a category, sometimes a
    commune or an owner they backed."""
    roll = rng.random()
    if roll < 0.15:
        return AlertTarget(owner_id=1 + rng.randrange(OWNERS))
    departement = rng.choice(list(COMMUNES))
    if roll < 0.35:
        return AlertTarget(departement=departement, commune=rng.choice(COMMUNES[departement]))
    category = rng.choice(list(Category)) if roll < 0.7 else None
    return AlertTarget(category=category, departement=departement)


async def _fill(engine: AsyncEngine, users: int, per_user: int) -> int:
    rng = Random(29)
    people = [{"id": n, "first_name": f"Contributeur {n}", "locale": "fr"}
              for n in range(1, users + OWNERS + 1)]  # fmt: skip
    alerts = []
    for user_id in range(OWNERS + 1, OWNERS + users + 1):
        targets = {_alert(rng, user_id) for _ in range(per_user)}
        alerts += [
            {"user_id": user_id, "category": t.category, "departement": t.departement,
             "commune": t.commune, "owner_id": t.owner_id, "target_key": t.key}
            for t in targets
        ]  # fmt: skip
    async with engine.begin() as connection:
        for start in range(0, len(people), 5000):
            await connection.execute(insert(User), people[start : start + 5000])
        for start in range(0, len(alerts), 5000):
            await connection.execute(insert(LaunchAlert), alerts[start : start + 5000])
    return len(alerts)


async def _time(
    engine: AsyncEngine, make: Callable[[], Project], runs: int
) -> tuple[list[float], int]:
    """Time `queue_launch_alerts` for a project just put live, in a transaction rolled back."""
    sessions = create_session_factory(engine)
    timings, queued = [], 0
    for _ in range(runs):
        async with sessions() as session:
            transaction = await session.begin()
            project = make()
            session.add(project)
            await session.flush()
            started = time.perf_counter()
            queued = await queue_launch_alerts(session, project)
            await session.flush()
            timings.append((time.perf_counter() - started) * 1000)
            await transaction.rollback()
    return timings, queued


def _project(
    owner_id: int, category: Category, departement: Departement, commune: str
) -> Callable[[], Project]:
    def make() -> Project:
        return Project(owner_id=owner_id, status=ProjectStatus.LIVE, title="Fest-noz",
                       category=category, departement=departement, commune=commune,
                       starts_at=utcnow())  # fmt: skip

    return make


async def _bench(url: str, users: int, per_user: int, runs: int) -> None:
    engine = create_engine(url)
    try:
        await upgrade_schema(engine)
        count = await _fill(engine, users, per_user)
        async with engine.connect() as connection:
            stored = await connection.scalar(select(func.count()).select_from(LaunchAlert))
        print(f"{engine.dialect.name}: {users:,} people, {stored:,} alerts ({count:,} set)")
        cases = [
            ("sport in Clisson, by a past owner", _project(OWNERS, Category.SPORT,
                                                          Departement.LOIRE_ATLANTIQUE, "Clisson")),
            ("culture in Quimper", _project(1, Category.CULTURE, Departement.FINISTERE, "Quimper")),
        ]  # fmt: skip
        for label, project in cases:
            timings, queued = await _time(engine, project, runs)
            median, worst = statistics.median(timings), max(timings)
            verdict = "OK" if worst < TARGET_MS else "OVER TARGET"
            print(f"  {label}: {queued:,} messages queued, median {median:.0f} ms, "
                  f"worst {worst:.0f} ms (target {TARGET_MS:.0f} ms): {verdict}")  # fmt: skip
    finally:
        await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50_000)
    parser.add_argument("--alerts-per-user", type=int, default=2)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", help="also on this PostgreSQL database (emptied)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'alerts.db'}"
        await _bench(url, args.users, args.alerts_per_user, args.runs)
    if args.database_url:
        await empty_postgres(args.database_url)
        await _bench(args.database_url, args.users, args.alerts_per_user, args.runs)


if __name__ == "__main__":
    asyncio.run(main())
