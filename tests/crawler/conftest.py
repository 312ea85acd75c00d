"""The crawl runs on the journeys' bot: the same fixtures, the demo catalogue."""

from tests.journeys.conftest import database_url, demo_bot, kengo

__all__ = ["database_url", "demo_bot", "kengo"]
