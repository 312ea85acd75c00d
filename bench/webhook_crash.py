"""A webhook worker killed (`kill -9`) during a burst of updates: how many are lost or doubled.

For each database (a temporary SQLite file, and PostgreSQL when `--database-url` is given) it
starts `python -m bot run` in webhook mode against a Bot API emulator that, like Telegram, keeps
up to 40 POSTs in flight and resends an update until a 2xx answers it. N new users each send
`/aide` at once; once half the updates are acknowledged the worker gets SIGKILL and is started
again. Every update must be answered; only those whose handlers were running at the kill may be
answered twice. Target: none lost, on both engines.

    .venv/bin/python bench/webhook_crash.py [--updates N] [--kill-at SHARE] [--lease S]
        [--database-url postgresql+asyncpg://.../kengo_bench]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from bench.databases import empty_postgres
from tests.e2e.harness import KengoProcess
from tests.e2e.webhook_burst import BurstReport, TelegramLikeWebhooks, crash_during_burst

TOKEN = "123456:TEST-token-for-the-kengo-bot-suite"  # noqa: S105 - the emulator's fake token
SECRET = "crash-bench-secret"  # noqa: S105 - local only


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=1000, help="one per new user")
    parser.add_argument(
        "--kill-at", type=float, default=0.5, help="share of updates acknowledged at the kill"
    )
    parser.add_argument("--lease", type=float, default=2.0, help="INBOX_LEASE_SECONDS")
    parser.add_argument("--connections", type=int, default=40, help="POSTs in flight")
    parser.add_argument(
        "--database-url",
        "--db",
        dest="database_url",
        help="also run on this PostgreSQL database; it is emptied first, so its name must "
        "contain 'bench'",
    )
    return parser.parse_args()


async def run_once(url: str, workdir: Path, args: argparse.Namespace) -> BurstReport:
    async with TelegramLikeWebhooks(TOKEN, args.connections) as emulator:
        kengo = KengoProcess.configure(
            workdir, emulator.base_url, url, TELEGRAM_WEBHOOK_SECRET=SECRET, REPLY_RATE="0",
            INBOX_LEASE_SECONDS=str(args.lease),
        )  # fmt: skip
        kengo.env["WEBHOOK_URL"] = f"http://127.0.0.1:{kengo.port}"
        try:
            return await crash_during_burst(
                emulator, kengo, url, updates=args.updates,
                kill_after=int(args.updates * args.kill_at), first_user_id=700_000,
                timeout=300,
            )  # fmt: skip
        finally:
            if kengo.process is not None and kengo.process.returncode is None:
                kengo.process.kill()
                await kengo.process.wait()


def report(database: str, result: BurstReport) -> None:
    verdict = "PASS" if result.lost == 0 and result.finished_then_again == 0 else "FAIL"
    print(
        f"{database:<11}{result.updates:>8}{result.acknowledged_at_kill:>10}"
        f"{result.handled_at_kill:>9}{result.in_flight_at_kill:>11}{result.lost:>6}"
        f"{result.answered_twice:>7}{result.finished_then_again:>16}"
        f"{result.recovery_seconds:>10.1f}{result.unhandled_rows:>11}   {verdict}"
    )


async def bench(args: argparse.Namespace) -> None:
    print(
        f"{args.updates:,} updates (one /aide per new user), SIGKILL once "
        f"{args.kill_at:.0%} are acknowledged, {args.connections} POSTs in flight, "
        f"lease {args.lease:g} s"
    )
    results = []
    with tempfile.TemporaryDirectory(prefix="webhook-crash-") as directory:
        workdir = Path(directory)
        databases = [("SQLite", f"sqlite+aiosqlite:///{workdir / 'kengo.db'}")]
        if args.database_url:
            databases.append(("PostgreSQL", args.database_url))
        for database, url in databases:
            if database == "PostgreSQL":
                await empty_postgres(url)
            print(f"{database} ...", flush=True)
            results.append((database, await run_once(url, workdir, args)))
    print(
        f"\n{'database':<11}{'updates':>8}{'acked':>10}{'handled':>9}{'in flight':>11}"
        f"{'lost':>6}{'twice':>7}{'handled, twice':>16}{'recovery':>10}{'unhandled':>11}"
    )
    for database, result in results:
        report(database, result)
    print(
        "\nacked / handled / in flight: at the kill, acknowledged to the emulator / marked "
        "handled / the difference.\ntwice: answered twice (handled again after the crash); "
        "'handled, twice': of those, marked handled before the kill (must be 0).\nrecovery: "
        "seconds from the restart to the last update's first answer (the dead worker's leases "
        "lapse first).\nunhandled: inbox rows not marked handled after the final clean stop."
    )


if __name__ == "__main__":
    asyncio.run(bench(parse_args()))
