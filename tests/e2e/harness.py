"""Run the real `kengo-bot` entry point in a child process, pointed at the emulators."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.engine import create_engine
from bot.storage.models import Project
from tests.conftest import TEST_TOKEN
from tests.fakes.bot_api import ApiCall, BotApiEmulator, FakeUser


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class KengoProcess:
    """`python -m bot <command>` (what the `kengo-bot` console script runs), with its own env."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = env
        self.log_path = log_path
        self.port = int(env["HTTP_PORT"])
        self.process: asyncio.subprocess.Process | None = None

    @classmethod
    def configure(
        cls, workdir: Path, api_url: str, database_url: str, **settings: str
    ) -> KengoProcess:
        env = {key: value for key, value in os.environ.items() if not key.startswith("TEST_")}
        env.update(
            TELEGRAM_BOT_TOKEN=TEST_TOKEN,
            TELEGRAM_API_URL=api_url,
            DATABASE_URL=database_url,
            HTTP_HOST="127.0.0.1",
            HTTP_PORT=str(free_port()),
            LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
        )
        env.update(settings)
        return cls(env, workdir / f"kengo-{env['HTTP_PORT']}.log")

    @property
    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8") if self.log_path.exists() else ""

    async def run_command(self, *args: str, timeout: float = 60) -> tuple[int, str]:
        """Run a one-shot sub-command (`db upgrade`, `demo-data`) and return (code, output)."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            *args,
            env=self.env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await asyncio.wait_for(process.communicate(), timeout)
        return int(process.returncode or 0), output.decode()

    async def start(self, timeout: float = 30) -> None:
        """Start `run` and wait until /healthz says the bot and the database are up."""
        log_file = self.log_path.open("ab")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=self.env, stdout=log_file, stderr=log_file
        )
        log_file.close()
        deadline = time.monotonic() + timeout
        async with aiohttp.ClientSession() as http:
            while time.monotonic() < deadline:
                if self.process.returncode is not None:
                    raise AssertionError(f"kengo-bot exited early:\n{self.log}")
                try:
                    async with http.get(self.url("/healthz")) as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        raise AssertionError(f"kengo-bot was not healthy within {timeout} s:\n{self.log}")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def stop(self, signum: int = signal.SIGTERM, timeout: float = 15) -> int:
        """Signal the process and wait for it to exit; returns its exit code."""
        if self.process is None or self.process.returncode is not None:
            return self.process.returncode if self.process else 0
        self.process.send_signal(signum)
        try:
            return await asyncio.wait_for(self.process.wait(), timeout)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
            raise AssertionError(f"kengo-bot ignored signal {signum}:\n{self.log}") from None


WAIT = 10.0


async def answer_to(
    emulator: BotApiEmulator, user: FakeUser, text: str, method: str = "sendMessage"
) -> ApiCall:
    """Send `text` as `user` and return the bot's first `method` call to that chat after it."""
    mark = emulator.mark()
    await user.send(text)
    return await emulator.wait_for(method, chat_id=user.chat_id, since=mark, timeout=WAIT)


async def answer_to_press(
    emulator: BotApiEmulator, user: FakeUser, data: str, method: str = "editMessageText"
) -> ApiCall:
    """Press the button with callback `data` as `user` and return the bot's `method` call."""
    mark = emulator.mark()
    await user.press(data)
    chat_id = None if method == "answerCallbackQuery" else user.chat_id
    return await emulator.wait_for(method, chat_id=chat_id, since=mark, timeout=WAIT)


def text_of(call: ApiCall) -> str:
    return str(call.params.get("text", ""))


def button_texts(call: ApiCall) -> list[str]:
    markup = call.params.get("reply_markup") or {}
    return [button["text"] for row in markup.get("inline_keyboard", []) for button in row]


def buttons(call: ApiCall) -> dict[str, str]:
    """The buttons of a sent message: label -> callback data or URL."""
    markup = call.params.get("reply_markup") or {}
    return {
        b["text"]: b.get("callback_data") or b.get("url", "")
        for row in markup.get("inline_keyboard", [])
        for b in row
    }


async def press_label(
    emulator: BotApiEmulator, user: FakeUser, call: ApiCall, label: str,
    method: str = "editMessageText",
) -> ApiCall:  # fmt: skip
    """Press the button of `call` whose label contains `label`; the bot's `method` call back."""
    data = next(value for text, value in buttons(call).items() if label in text)
    return await answer_to_press(emulator, user, data, method)


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


async def write_news(emulator: BotApiEmulator, owner: FakeUser, project: str, text: str) -> ApiCall:
    """As an owner: /mes_projets → the project → "Publier" → `text`; returns the preview."""
    board = await answer_to(emulator, owner, "/mes_projets")
    board = await press_label(emulator, owner, board, project)
    await press_label(emulator, owner, board, "Publier", method="sendMessage")
    mark = emulator.mark()
    await owner.send(text)
    return await emulator.wait_for(
        "sendMessage", lambda c: "Envoyer" in str(c.params.get("reply_markup")),
        chat_id=owner.chat_id, since=mark, timeout=WAIT,
    )  # fmt: skip


async def follow_through_link(
    emulator: BotApiEmulator, user: FakeUser, project: int, sharer: int | None = None
) -> None:
    """Set the user's language, open the project's share link, press "⭐ Suivre"."""
    await answer_to(emulator, user, "/langue")
    await answer_to_press(emulator, user, f"lang:{user.user['language_code']}")
    card = await answer_to(emulator, user, f"/start p{project}" + (f"-{sharer}" if sharer else ""))
    data = next(value for label, value in buttons(card).items() if "⭐" in label)
    await answer_to_press(emulator, user, data, method="answerCallbackQuery")


async def expect(
    emulator: BotApiEmulator, user: FakeUser, action: str, contains: str,
    method: str = "sendMessage",
) -> ApiCall:  # fmt: skip
    """Send `action` (a text, or `press:<data>`) and wait for the bot's call holding `contains`."""
    mark = emulator.mark()
    if action.startswith("press:"):
        await user.press(action.removeprefix("press:"))
    else:
        await user.send(action)
    return await emulator.wait_for(
        method, lambda c: contains in shown(c), chat_id=user.chat_id, since=mark, timeout=WAIT
    )


def shown(call: ApiCall) -> str:
    """A message's text or caption, with Babel's no-break spaces as plain ones."""
    text = str(call.params.get("text") or call.params.get("caption") or "")
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def press(call: ApiCall, label: str) -> str:
    """`press:<data>` for the button of `call` whose label contains `label`."""
    return "press:" + next(data for text, data in buttons(call).items() if label in text)


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
