"""The whole conversation, crawled in French and in Breton on the demo catalogue.

Every screen reached is written to `build/conversation/fr.md` and `br.md` under the repository
(or the folder `KENGO_CRAWL_DIR` names), findings included: read them to review the bot's
words. The test fails with every finding, grouped by check, each with the path of actions that
leads to it (see `tests/crawler/explorer.py` for the walk, `checks.py` for the rules).
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from datetime import timedelta

import pytest
from sqlalchemy import delete, insert, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.demo.catalogue import load_catalogue
from bot.domain import ProjectStatus, utcnow
from bot.storage.engine import create_engine, create_session_factory
from bot.storage.models import Project, User
from tests.bot_database import project_id
from tests.crawler import transcript
from tests.crawler.checks import Finding, check
from tests.crawler.explorer import Crawler, FinishedUpdates, Start
from tests.crawler.screens import Action
from tests.dialogue import MODERATOR_ID
from tests.factories import add_project
from tests.fakes.bot_api import BotApiEmulator
from tests.journeys.harness import KengoInProcess

pytestmark = pytest.mark.journey

# Two live projects of one demo owner (the first with rewards, opened through a share link).
OWNED = ("fest-noz-tregor-lannion", "album-heron-vilaine-redon")


async def _starts(engine: AsyncEngine, database_url: str, locale: str) -> list[Start]:
    """The ways into the conversation: commands of a newcomer, a share link, an owner's
    dashboard (a new person given two demo projects at each playing), the moderator's queue
    (one submission, put back in review before each playing)."""
    owners = {p.owner.number: p.owner for p in load_catalogue().projects}
    owned = [await project_id(database_url, slug) for slug in OWNED]
    sharer = owners[1].user_id
    async with create_session_factory(engine)() as session:
        submitter = await session.get(User, owners[1].user_id)
    assert submitter is not None
    submitted = await add_project(
        create_session_factory(engine), submitter, status=ProjectStatus.IN_REVIEW,
        title="Veillée contée à Pontivy", submitted_at=utcnow() - timedelta(hours=2),
        starts_at=None, ends_at=None,
        tiers=[{"title": "Affiche", "description": "Signée.", "min_amount_cents": 1500}],
    )  # fmt: skip

    async def new_owner(user_id: int) -> None:
        async with engine.begin() as connection:
            await connection.execute(insert(User).values(
                id=user_id, first_name="Nolwenn", locale=locale, locale_chosen=True))  # fmt: skip
            await connection.execute(update(Project).where(Project.id.in_(owned))
                                     .values(owner_id=user_id))  # fmt: skip

    async def back_in_review(user_id: int) -> None:
        async with engine.begin() as connection:
            await connection.execute(update(Project).where(Project.id == submitted.id).values(
                status=ProjectStatus.IN_REVIEW, starts_at=None, ends_at=None))  # fmt: skip
            # What a moderator may have started elsewhere (a draft, a reason to type).
            await connection.execute(delete(Project).where(Project.owner_id == user_id))
            await connection.execute(update(User).where(User.id == user_id)
                                     .values(input_mode=None))  # fmt: skip

    # Actions each start may spend (25 to 50 ms each). The starts that lead somewhere specific
    # go first: a screen is expanded once, by the first start that reaches it.
    return [
        Start("/proposer", Action("send", "/proposer"), budget=240),
        Start("share link", Action("send", f"/start p{owned[0]}-{sharer}"), budget=50),
        Start("/mes_projets (owner)", Action("send", "/mes_projets"), reset=new_owner,
              budget=50),
        Start("/moderation (moderator)", Action("send", "/moderation"), MODERATOR_ID, "Mona",
              back_in_review, budget=50),
        *(Start(text, Action("send", text), budget=budget) for text, budget in (
            ("/start", 50), ("/projets", 30), ("/aide", 10), ("/suivis", 10),
            ("/mes_soutiens", 10), ("/langue", 10), ("/annuler", 5))),
    ]  # fmt: skip


@pytest.mark.parametrize("locale", ["fr", "br"])
async def test_no_screen_strands_anyone(
    demo_bot: KengoInProcess,
    emulator: BotApiEmulator,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    locale: str,
) -> None:
    """Crawl from every start; write the transcript; fail with every finding, by check."""
    finished = FinishedUpdates()
    finished.install(monkeypatch.setattr)
    engine = create_engine(database_url)
    began = time.monotonic()
    try:
        starts = await _starts(engine, database_url, locale)
        scale = float(os.environ.get("KENGO_CRAWL_SCALE") or 1)
        # Each language its own users, whatever the database kept from the other's crawl.
        first_user_id = 7_000_000 if locale == "fr" else 8_000_000
        crawler = Crawler(emulator, engine, finished, locale, scale=scale,
                          first_user_id=first_user_id)  # fmt: skip
        screens = await crawler.crawl(starts)
    finally:
        await engine.dispose()
    seconds = time.monotonic() - began
    findings = {index: check(screen) for index, screen in enumerate(screens)}
    header = [
        f"{len(screens)} screens from {len(starts)} starts in {seconds:.1f} s "
        f"({crawler.plays} playings, {crawler.actions_played} actions, "
        f"depth ≤ {crawler.max_depth}).",
        *(f"Stopped at its budget: {name}" for name in crawler.budget_spent),
        *(f"Could not be played again: {path}" for path in crawler.unreproducible),
    ]
    path = transcript.write(locale, screens, findings, header)
    assert len(screens) > 50, f"the crawl reached too little; see {path}"
    assert not crawler.unreproducible, crawler.unreproducible
    assert demo_bot.log.count("Traceback") == 0, demo_bot.log
    report = _grouped([f for found in findings.values() for f in found])
    assert not report, f"{len(report)} findings (transcript: {path}):\n" + "\n".join(report)


def _grouped(findings: list[Finding]) -> list[str]:
    """One line per distinct finding, by check, with the first path that shows it."""
    first: dict[tuple[str, str], Finding] = {}
    count: dict[tuple[str, str], int] = defaultdict(int)
    for finding in findings:
        key = (finding.check, finding.detail)
        first.setdefault(key, finding)
        count[key] += 1
    return [
        f"{first[key]}" + (f"  (×{count[key]})" if count[key] > 1 else "") for key in sorted(first)
    ]
