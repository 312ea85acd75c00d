"""The whole bot (`bot.server.serve`) as a task of the test's event loop, pointed at the fakes.

It has the interface of `tests.e2e.harness.KengoProcess` that journeys use (`start`, `stop`,
`url`, `log`), without the child process: no interpreter to start, no imports to repeat, and
the log is kept in memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator

from bot.config import Settings, load_settings
from bot.monitoring.logs import RedactingFormatter
from bot.server import serve
from tests.conftest import TEST_TOKEN
from tests.serving import free_port, wait_until_healthy

# Library loggers that `bot.monitoring.logs.configure_logging` quietens in production too.
_QUIET = ("httpx", "aiohttp.access", "alembic.runtime.plugins")


class LogCapture(logging.Handler):
    """Every record at INFO and above, formatted as the bot's text log (secrets blanked)."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__(logging.INFO)
        self.setFormatter(RedactingFormatter(secrets))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        """Capture while the block runs, with the levels `LOG_LEVEL=INFO` sets in production."""
        root = logging.getLogger()
        levels = {name: logging.getLogger(name).level for name in ("", *_QUIET)}
        root.addHandler(self)
        root.setLevel(logging.INFO)
        for name in _QUIET:
            logging.getLogger(name).setLevel(logging.WARNING)
        try:
            yield
        finally:
            root.removeHandler(self)
            for name, level in levels.items():
                logging.getLogger(name).setLevel(level)


class KengoInProcess:
    """`serve(settings, stop)` run until `stop()`; may be started again (a restart)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.port = settings.http_port
        secrets = [settings.telegram_bot_token.get_secret_value()]
        for secret in (settings.stripe_secret_key, settings.stripe_webhook_secret):
            if secret is not None:
                secrets.append(secret.get_secret_value())
        self._capture = LogCapture(secrets)
        self._logging = contextlib.ExitStack()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @classmethod
    def configure(cls, api_url: str, database_url: str, **settings: object) -> KengoInProcess:
        """Settings as `KengoProcess.configure` gives them, as keyword arguments
        (`outbox_rate=200`); a developer's `.env` is not read."""
        return cls(
            load_settings(
                _env_file=None,
                telegram_bot_token=TEST_TOKEN,
                telegram_api_url=api_url,
                database_url=database_url,
                http_host="127.0.0.1",
                http_port=free_port(),
                **settings,
            )
        )

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    @property
    def log(self) -> str:
        return "\n".join(self._capture.lines)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def start(self, timeout: float = 15) -> None:
        """Start serving and wait until /healthz says the bot and the database are up."""
        self._logging = contextlib.ExitStack()
        self._logging.enter_context(self._capture.installed())
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(serve(self.settings, self._stop), name="kengo")
        try:
            await wait_until_healthy(
                self.url("/healthz"), lambda: not self.running, lambda: self.log, timeout
            )
        except AssertionError:
            await self.stop()  # raises what `serve` ended with, if it ended
            raise

    async def stop(self, timeout: float = 15) -> int:
        """Stop as SIGTERM would, and wait for it: 0, like the process's exit code, or the
        exception `serve` ended with. Nothing to do when not started."""
        if self._task is None:
            return 0
        self._stop.set()
        try:
            await asyncio.wait_for(self._task, timeout)
        finally:
            self._task = None
            self._logging.close()
        return 0
