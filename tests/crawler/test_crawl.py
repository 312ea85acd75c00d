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

import pytest

from bot.storage.engine import create_engine
from tests.crawler import transcript
from tests.crawler.checks import Finding, check
from tests.crawler.explorer import Crawler
from tests.crawler.playing import FinishedUpdates
from tests.crawler.starts import starts as crawl_starts
from tests.fakes.bot_api import BotApiEmulator
from tests.journeys.harness import KengoInProcess

pytestmark = [
    pytest.mark.journey,
    # Replies unpaced: Telegram's 30 calls/s overall, which the bot keeps to, would make the
    # crawl (some 50 calls/s) wait a third of its time.
    pytest.mark.kengo_settings(reply_rate=0),
]


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
        # Each language its own users, whatever the database kept from the other's crawl.
        first_user_id = 7_000_000 if locale == "fr" else 8_000_000
        starts = await crawl_starts(engine, database_url, locale, first_user_id - 1)
        scale = float(os.environ.get("KENGO_CRAWL_SCALE") or 1)
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
