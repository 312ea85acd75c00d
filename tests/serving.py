"""What both harnesses do around a bot they start: pick its port, wait for its health check."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable

import aiohttp


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def wait_until_healthy(
    healthz_url: str, stopped: Callable[[], bool], log: Callable[[], str], timeout: float
) -> None:
    """Poll `healthz_url` until it answers 200; fail with the bot's log if it stopped first."""
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            if stopped():
                raise AssertionError(f"the bot stopped before it was healthy:\n{log()}")
            try:
                async with http.get(healthz_url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
    raise AssertionError(f"the bot was not healthy within {timeout} s:\n{log()}")
