"""The built image, run for real: healthy, answering through the Bot API emulator, quick to stop.

    docker build -t kengo-bot . && .venv/bin/python bench/image_smoke.py [--image kengo-bot]

Starts the Bot API emulator on this machine, runs the image with `--network host` pointed at it
(SQLite in a throw-away volume), waits for Docker's HEALTHCHECK to say "healthy", sends /start
from a user and waits for the welcome, then stops the container (SIGTERM) and prints the image
size, the user the process runs as, the time to healthy and the time to stop.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from tests.conftest import TEST_TOKEN
from tests.e2e.harness import free_port
from tests.fakes.bot_api import BotApiEmulator

DOCKER = shutil.which("docker") or "docker"


def docker(*args: str) -> str:
    command = [DOCKER, *args]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603


async def smoke(image: str) -> None:
    port = free_port()
    async with BotApiEmulator(token=TEST_TOKEN) as emulator:
        started = time.monotonic()
        container = docker(
            "run", "--detach", "--rm", "--network", "host",
            "--env", f"TELEGRAM_BOT_TOKEN={TEST_TOKEN}",
            "--env", f"TELEGRAM_API_URL={emulator.base_url}", "--env", f"HTTP_PORT={port}",
            image,
        ).strip()  # fmt: skip
        try:
            health = ""
            while health != "healthy" and time.monotonic() - started < 120:
                await asyncio.sleep(1)
                state = json.loads(docker("inspect", "--format", "{{json .State}}", container))
                health = state.get("Health", {}).get("Status", "")
            if health != "healthy":
                raise SystemExit(f"not healthy after 120 s: {health!r}")
            healthy_after = time.monotonic() - started
            mark = emulator.mark()
            await emulator.user(4242, "Anna").send("/start")
            welcome = await emulator.wait_for("sendMessage", chat_id=4242, since=mark, timeout=10)
            user = docker("exec", container, "id").strip()
        finally:
            stopping = time.monotonic()
            # Not subprocess.run: the emulator must keep answering while the bot shuts down.
            stop = await asyncio.create_subprocess_exec(
                DOCKER, "stop", "--time", "15", container, stdout=subprocess.DEVNULL
            )
            await stop.wait()
            stopped_after = time.monotonic() - stopping
    size = int(docker("image", "inspect", "--format", "{{.Size}}", image))
    print(f"image {image}: {size / 1e6:.0f} MB")
    print(f"runs as: {user}")
    print(f"healthy after {healthy_after:.1f} s; welcome: {str(welcome.params['text'])[:40]!r}")
    print(f"stopped by SIGTERM in {stopped_after:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--image", default="kengo-bot")
    asyncio.run(smoke(parser.parse_args().image))


if __name__ == "__main__":
    main()
