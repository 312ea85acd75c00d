"""The crawl runs on the journeys' bot: the same fixtures, the demo catalogue.

On SQLite only: the conversation does not depend on the database engine, and the journeys cover
PostgreSQL.
"""

import pytest

from tests.journeys.conftest import database_url, demo_bot, kengo

__all__ = ["backend", "database_url", "demo_bot", "kengo"]


@pytest.fixture
def backend() -> str:
    return "sqlite"
