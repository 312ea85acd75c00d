"""A bad setting stops `kengo-bot` with one line naming it, never a traceback; a database that
cannot be reached stops it after DATABASE_WAIT_SECONDS of tries."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.harness import KengoProcess
from tests.serving import free_port

pytestmark = pytest.mark.e2e

UNUSED_API = "http://127.0.0.1:9/bot"  # never called: the bot stops before reaching Telegram


def configured(tmp_path: Path, **settings: str) -> KengoProcess:
    return KengoProcess.configure(
        tmp_path, UNUSED_API, f"sqlite+aiosqlite:///{tmp_path / 'kengo.db'}", **settings
    )


@pytest.mark.parametrize(
    ("name", "value", "line"),
    [
        ("DATABASE_URL", "nonsense", "DATABASE_URL is not a database URL: use sqlite+aiosqlite:"),
        (
            "DATABASE_URL",
            "sqlite:///kengo.db",
            "DATABASE_URL needs the async driver: sqlite+aiosqlite://… instead of sqlite://…",
        ),
        (
            "DATABASE_URL",
            "postgresql://kengo:hunter2@db/kengo",
            "DATABASE_URL needs the async driver: postgresql+asyncpg://… instead of postgresql://…",
        ),
        ("LOG_LEVEL", "verbose", "LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL"),
        ("DATABASE_WAIT_SECONDS", "soon", "DATABASE_WAIT_SECONDS "),
    ],
)
async def test_a_bad_setting_is_one_line_and_exit_code_2(
    tmp_path: Path, name: str, value: str, line: str
) -> None:
    code, output = await configured(tmp_path, **{name: value}).run_command("run")
    assert code == 2, output
    assert len(output.strip().splitlines()) == 1, output
    assert output.startswith(f"kengo-bot: {line}")
    assert "hunter2" not in output


async def test_an_unreachable_database_is_tried_again_then_named_with_exit_code_1(
    tmp_path: Path,
) -> None:
    port = free_port()  # nothing listens there
    url = f"postgresql+asyncpg://kengo:hunter2@127.0.0.1:{port}/kengo"
    kengo = configured(tmp_path, DATABASE_URL=url, DATABASE_WAIT_SECONDS="1")
    code, output = await kengo.run_command("run")
    assert code == 1, output
    lines = output.strip().splitlines()
    assert lines[-1].startswith(f"kengo-bot: cannot reach the database at 127.0.0.1:{port} ")
    assert "next try in" in output  # it was tried more than once
    assert "Traceback" not in output
    assert "hunter2" not in output

    # Without waiting, and for the migration command too: the one line alone.
    kengo.env["DATABASE_WAIT_SECONDS"] = "0"
    code, output = await kengo.run_command("db", "upgrade")
    assert code == 1, output
    assert output.strip().splitlines() == [lines[-1].replace("=1)", "=0)")]


async def test_a_database_that_retrying_cannot_fix_is_reported_at_once(tmp_path: Path) -> None:
    # The default DATABASE_WAIT_SECONDS (30) does not apply: no try could succeed.
    missing = tmp_path / "no-such-directory" / "kengo.db"
    kengo = configured(tmp_path, DATABASE_URL=f"sqlite+aiosqlite:///{missing}")
    code, output = await kengo.run_command("run")
    assert code == 1, output
    assert output.strip().splitlines() == [
        f"kengo-bot: cannot use the database at {missing} (SQLite): unable to open database file"
    ]
