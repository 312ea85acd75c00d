"""Run the real `kengo-bot` entry point in a child process, pointed at the fakes."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.conftest import TEST_TOKEN
from tests.serving import free_port, wait_until_healthy


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
        process = self.process
        await wait_until_healthy(
            self.url("/healthz"), lambda: process.returncode is not None, lambda: self.log, timeout
        )

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
