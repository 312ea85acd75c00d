"""Notification delivery at scale: the real `OutboxSender` against the Bot API emulator.

Seeds N followers with one milestone notification each, makes `--blocked` of them block the bot
in the emulator (it answers 403), then runs the real `OutboxSender` in a child process at
`--rate` messages/s against the emulator (`--latency` s per call). A burst of 429s is injected at
25 % of the deliveries; at 50 % the sender is killed with SIGKILL and a fresh one started. Once
the outbox holds no pending row, it prints the achieved rate, duplicates (against the documented
bound: the `concurrency` messages in flight), losses, final row statuses and peak memory.

    .venv/bin/python bench/outbox_delivery.py [--followers N] [--rate R] [--latency S]
        [--blocked SHARE] [--concurrency C] [--db sqlite|URL] [--lease S] [--timeout S]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import resource
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

from sqlalchemy import func, insert, make_url, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from bot.db import create_engine, create_session_factory, upgrade_schema
from bot.models import OutboxMessage, OutboxStatus, User
from bot.notifications import Kind, row
from bot.repositories.outbox import OutboxRepository
from tests.fakes.bot_api import ApiCall, BotApiEmulator

TOKEN = "123456:TEST-token-for-the-kengo-bot-suite"  # noqa: S105 - the emulator's fake token
FIRST_USER_ID = 100_000
CHUNK = 500  # rows per INSERT: far below SQLite's bound on parameters per statement
BURST_AT, KILL_AT = 0.25, 0.50  # share of the expected deliveries
BURST_COUNT, BURST_RETRY_AFTER = 20, 1
POLL = 0.01  # seconds between progress checks: the kill lands within ~10 deliveries of 50 %
DB_POLL = 0.5  # seconds between "any pending row left?" queries
# A pause between two successful sends longer than this is not sending time (429 pause,
# restart, waiting for a lease): the adjusted rate leaves it out and the report lists it.
GAP = 0.5
TARGET_SHARE = 0.95
LOCALES = ["fr", "fr", "br"]  # two French readers for one Breton one
SCRIPT = Path(__file__).resolve()
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# --- Options ----------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--followers", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=1000.0, help="messages per second")
    parser.add_argument("--latency", type=float, default=0.02, help="emulator seconds per call")
    parser.add_argument("--blocked", type=float, default=0.02, help="share answering 403")
    parser.add_argument("--concurrency", type=int, default=48, help="sends in flight")
    parser.add_argument(
        "--db",
        "--database-url",
        dest="db",
        default="sqlite",
        help="'sqlite' (a temporary file), a SQLite file path, or a database URL; a PostgreSQL "
        "database is emptied first, so its name must contain 'bench'",
    )
    parser.add_argument(
        "--lease", type=float, default=None, help="override bot.outbox.LEASE (seconds)"
    )
    parser.add_argument("--timeout", type=float, default=600.0, help="hard limit, seconds")
    # Internal: how the parent starts the sender in a child process.
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    return parser.parse_args()


def database_url(option: str, directory: str) -> str:
    if option == "sqlite":
        return f"sqlite+aiosqlite:///{Path(directory) / 'outbox.db'}"
    if "://" not in option:
        return f"sqlite+aiosqlite:///{Path(option).resolve()}"
    return option


# --- The sender, in a child process -----------------------------------------------------------


async def worker_main(args: argparse.Namespace) -> None:
    """Run the real sender until SIGTERM (a graceful stop) or SIGKILL (a crash)."""
    import logging
    from datetime import timedelta

    from bot import outbox
    from bot.app import make_bot
    from bot.config import load_settings
    from bot.i18n import Catalogs

    logging.basicConfig(level=logging.ERROR, format="[sender %(process)d] %(message)s")
    if args.lease is not None:
        outbox.LEASE = timedelta(seconds=args.lease)
    settings = load_settings(
        telegram_bot_token=TOKEN, telegram_api_url=args.api_url, database_url=args.db
    )
    engine = create_engine(settings.database_url)
    # As `bot.workers.Workers` builds it, with an HTTP pool large enough for `concurrency`.
    bot = make_bot(settings, rate_limited=False, pool_size=max(32, args.concurrency))
    await bot.initialize()
    sender = outbox.OutboxSender(
        create_session_factory(engine), bot, Catalogs.load(), args.rate, args.concurrency
    )
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await sender.run(stop)
    await bot.shutdown()
    await engine.dispose()


async def spawn_worker(
    args: argparse.Namespace, url: str, api_url: str
) -> asyncio.subprocess.Process:
    command = [sys.executable, str(SCRIPT), "--worker", "--db", url]
    command += ["--api-url", api_url, "--rate", str(args.rate)]
    command += ["--concurrency", str(args.concurrency)]
    if args.lease is not None:
        command += ["--lease", str(args.lease)]
    return await asyncio.create_subprocess_exec(*command)


# --- Database -----------------------------------------------------------------------------------


@dataclass
class Followers:
    ids: list[int]
    blocked: set[int]


async def seed(url: str, args: argparse.Namespace) -> Followers:
    """A fresh schema, N users (fr/br) and one milestone notification queued for each."""
    if make_url(url).get_backend_name() == "postgresql":
        await empty_postgres(url)
    rng = Random(42)
    ids = list(range(FIRST_USER_ID, FIRST_USER_ID + args.followers))
    blocked = set(rng.sample(ids, round(args.followers * args.blocked)))
    engine = create_engine(url)
    try:
        await upgrade_schema(engine)
        sessions = create_session_factory(engine)
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            users = [{"id": i, "first_name": "Anna", "locale": rng.choice(LOCALES)} for i in chunk]
            rows = [
                row(i, Kind.MILESTONE, f"milestone:1:50:user:{i}", None, title="Bagad", percent=50)
                for i in chunk
            ]
            async with sessions.begin() as session:
                await session.execute(insert(User), users)
                await OutboxRepository(session).enqueue(rows)
    finally:
        await engine.dispose()
    return Followers(ids, blocked)


async def empty_postgres(url: str) -> None:
    name = make_url(url).database or ""
    if "bench" not in name:
        raise SystemExit(f"refusing to empty the database {name!r}: its name lacks 'bench'")
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


def reader(url: str) -> AsyncEngine:
    # Not `bot.db.create_engine`: its SQLite BEGIN IMMEDIATE would make every progress query
    # take the write lock and compete with the sender being measured.
    return create_async_engine(url)


async def pending_rows(engine: AsyncEngine) -> int:
    statement = select(func.count()).where(OutboxMessage.status == OutboxStatus.PENDING)
    async with engine.connect() as connection:
        return int((await connection.execute(statement)).scalar_one())


async def final_rows(engine: AsyncEngine) -> tuple[dict[int, str], int]:
    """Each recipient's row status, and how many users the database now has as blocked."""
    async with engine.connect() as connection:
        rows = await connection.execute(select(OutboxMessage.user_id, OutboxMessage.status))
        statuses = {user_id: str(status) for user_id, status in rows.all()}
        blocked = await connection.execute(select(func.count()).where(User.blocked.is_(True)))
        return statuses, int(blocked.scalar_one())


# --- The emulator and the child processes -----------------------------------------------------


class CountingEmulator(BotApiEmulator):
    """Counts successful sendMessage calls as they are answered, so progress checks are O(1)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.delivered = 0

    def _record(self, call: ApiCall) -> None:
        super()._record(call)
        if call.ok and call.method == "sendMessage":
            self.delivered += 1


@dataclass
class ProcStats:
    """Peak RSS (VmHWM) and CPU time of each sender, sampled from /proc while it lives."""

    peak_kib: dict[int, int] = field(default_factory=dict)
    cpu_seconds: dict[int, float] = field(default_factory=dict)

    def sample(self, pid: int) -> None:
        with contextlib.suppress(OSError, ValueError):
            status = Path(f"/proc/{pid}/status").read_text()
            line = next(x for x in status.splitlines() if x.startswith("VmHWM:"))
            self.peak_kib[pid] = max(self.peak_kib.get(pid, 0), int(line.split()[1]))
            # Fields 14 and 15 of /proc/<pid>/stat (after the ")" of the name): utime, stime.
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            self.cpu_seconds[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


@dataclass
class Timeline:
    """When the parent did what (time.monotonic(), the clock of the emulator's ApiCall.at)."""

    started: float = 0.0
    burst: float = 0.0
    killed: float = 0.0
    restarted: float = 0.0
    finished: float = 0.0
    delivered_at_kill: int = 0
    timed_out: bool = False
    pids: list[int] = field(default_factory=list)


async def wait_until(
    done: Callable[[], bool], process: asyncio.subprocess.Process, stats: ProcStats, deadline: float
) -> bool:
    """Poll `done`, sampling the sender meanwhile; False on deadline or if the sender died."""
    while not done():
        stats.sample(process.pid)
        if time.monotonic() > deadline or process.returncode is not None:
            return False
        await asyncio.sleep(POLL)
    stats.sample(process.pid)
    return True


async def drive(
    emu: CountingEmulator, args: argparse.Namespace, url: str, expected: int, stats: ProcStats
) -> Timeline:
    """Start the sender, inject the 429 burst, kill and restart it, wait for an empty outbox."""
    clock = Timeline(started=time.monotonic())
    deadline = clock.started + args.timeout
    first = await spawn_worker(args, url, emu.base_url)
    clock.pids.append(first.pid)
    if await wait_until(lambda: emu.delivered >= expected * BURST_AT, first, stats, deadline):
        emu.fail_next("sendMessage", count=BURST_COUNT, retry_after=BURST_RETRY_AFTER)
        clock.burst = time.monotonic()
    await wait_until(lambda: emu.delivered >= expected * KILL_AT, first, stats, deadline)
    first.send_signal(signal.SIGKILL)  # a crash: no chance to finish the messages in flight
    clock.killed, clock.delivered_at_kill = time.monotonic(), emu.delivered
    await first.wait()
    second = await spawn_worker(args, url, emu.base_url)
    clock.restarted = time.monotonic()
    clock.pids.append(second.pid)
    clock.timed_out = not await wait_for_empty_outbox(url, second, stats, deadline)
    clock.finished = time.monotonic()
    second.send_signal(signal.SIGTERM)
    await second.wait()
    return clock


async def wait_for_empty_outbox(
    url: str, process: asyncio.subprocess.Process, stats: ProcStats, deadline: float
) -> bool:
    engine = reader(url)
    try:
        while await pending_rows(engine):
            if not await wait_until(_after(DB_POLL), process, stats, deadline):
                return False
        return True
    finally:
        await engine.dispose()


def _after(seconds: float) -> Callable[[], bool]:
    moment = time.monotonic() + seconds
    return lambda: time.monotonic() >= moment


# --- Analysis -----------------------------------------------------------------------------------


@dataclass
class Segment:
    first: float
    last: float
    sends: int


def segments(times: list[float]) -> tuple[list[Segment], list[tuple[float, float]]]:
    """Split the sorted send times at every pause longer than GAP; also return the pauses."""
    parts, pauses = [Segment(times[0], times[0], 1)], []
    for before, after in itertools.pairwise(times):
        if after - before > GAP:
            pauses.append((before, after))
            parts.append(Segment(after, after, 1))
        else:
            parts[-1].last, parts[-1].sends = after, parts[-1].sends + 1
    return parts, pauses


def pause_cause(pause: tuple[float, float], clock: Timeline, first_429: float | None) -> str:
    start, end = pause
    if first_429 is not None and start <= first_429 + 0.1 and end >= first_429:
        return "429 pause (retry_after)"
    if start <= clock.killed <= end:
        return "SIGKILL, then the new sender starts (process start, imports, getMe, claim)"
    if start >= clock.killed:
        return "rows the killed sender had claimed wait for their lease to lapse"
    return "stall (no known cause)"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


@dataclass
class Outcome:
    per_user: Counter[int]
    lost_silently: list[int]  # row SENT, yet no successful sendMessage
    lost_unsent: list[int]  # expected recipient, nothing delivered, row not SENT
    duplicated: dict[int, int]
    statuses: Counter[str]
    db_blocked: int
    failed_codes: Counter[int]


def outcome(
    calls: list[ApiCall], followers: Followers, statuses: dict[int, str], db_blocked: int
) -> Outcome:
    per_user = Counter(c.params["chat_id"] for c in calls if c.ok)
    expected = [i for i in followers.ids if i not in followers.blocked]
    return Outcome(
        per_user=per_user,
        lost_silently=[i for i in expected if statuses.get(i) == "sent" and not per_user[i]],
        lost_unsent=[i for i in expected if statuses.get(i) != "sent" and not per_user[i]],
        duplicated={i: n for i, n in per_user.items() if n > 1},
        statuses=Counter(statuses.values()),
        db_blocked=db_blocked,
        failed_codes=Counter(c.error_code for c in calls if not c.ok and c.error_code),
    )


# --- Report -------------------------------------------------------------------------------------


def report_delivery(result: Outcome, followers: Followers, clock: Timeline, bound: int) -> None:
    expected = len(followers.ids) - len(followers.blocked)
    total = sum(result.per_user.values())
    dupes = sum(n - 1 for n in result.duplicated.values())
    print("\nDelivery")
    print(f"  followers {len(followers.ids):,}, blocked in the emulator {len(followers.blocked):,}")
    print(f"  successful sendMessage calls   {total:,}")
    print(f"  distinct recipients reached    {len(result.per_user):,} of {expected:,} expected")
    print(f"  failed calls by code           {dict(sorted(result.failed_codes.items()))}")
    print(f"  lost (row SENT, nothing came)  {len(result.lost_silently)}")
    print(f"  lost (nothing came, row not SENT) {len(result.lost_unsent)}")
    verdict = "within" if dupes <= bound else "BEYOND"
    print(
        f"  duplicates                     {dupes} extra message(s) to "
        f"{len(result.duplicated)} recipient(s): {verdict} the bound of {bound} in flight"
    )
    print(f"  delivered when killed          {clock.delivered_at_kill:,}")
    statuses = ", ".join(f"{k} {v:,}" for k, v in sorted(result.statuses.items()))
    print(f"  rows by final status           {statuses}")
    print(f"  users marked blocked in the DB {result.db_blocked:,}")
    if clock.timed_out:
        print("  TIMED OUT: some rows were still pending at the hard limit (--timeout)")


def report_rate(calls: list[ApiCall], clock: Timeline, rate: float) -> None:
    times = sorted(c.at for c in calls if c.ok)
    if len(times) < 2:
        print("\nRate: fewer than two deliveries")
        return
    first_429 = min((c.at for c in calls if c.error_code == 429), default=None)
    parts, pauses = segments(times)
    active = sum(p.last - p.first for p in parts)
    # n sends in a segment span n - 1 intervals: count intervals, not sends.
    adjusted = sum(p.sends - 1 for p in parts) / active if active else 0.0
    raw = (len(times) - 1) / (times[-1] - times[0])
    print("\nRate (from the emulator's answer times of successful sendMessage calls)")
    print(f"  raw, first to last delivery    {raw:8.1f}/s  ({times[-1] - times[0]:.1f} s)")
    print(
        f"  adjusted, pauses > {GAP} s left out {adjusted:8.1f}/s  = {adjusted / rate:.1%} of "
        f"{rate:g}/s -> {'PASS' if adjusted >= TARGET_SHARE * rate else 'FAIL'} "
        f"(target {TARGET_SHARE:.0%}); {active:.2f} s of sending"
    )
    for part in parts:
        span = part.last - part.first
        speed = (part.sends - 1) / span if span else 0.0
        offset = part.first - clock.started
        print(
            f"    segment t+{offset:6.2f} s {part.sends:6,} sends in {span:6.2f} s = {speed:.0f}/s"
        )
    for pause in pauses:
        cause = pause_cause(pause, clock, first_429)
        offset, length = pause[0] - clock.started, pause[1] - pause[0]
        print(f"    pause   t+{offset:6.2f} s {length:6.2f} s: {cause}")
    spacing = [b - a for a, b in itertools.pairwise(times) if b - a <= GAP]
    print(
        f"  spacing between deliveries     p50 {percentile(spacing, 0.5) * 1000:.2f} ms, "
        f"p99 {percentile(spacing, 0.99) * 1000:.2f} ms, max {max(spacing) * 1000:.1f} ms "
        f"(configured {1000 / rate:.2f} ms)"
    )
    print(f"  sends per second               {per_second(times, clock.started)}")


def per_second(times: list[float], origin: float) -> str:
    """Deliveries in each whole second since the start; runs of empty seconds are collapsed."""
    bins = Counter(int(t - origin) for t in times)
    out, empty = [], 0
    for second in range(max(bins) + 1):
        if bins[second]:
            if empty:
                out.append(f"[{empty} s idle]")
            out.append(str(bins[second]))
            empty = 0
        else:
            empty += 1
    return " ".join(out)


def report_processes(stats: ProcStats, clock: Timeline) -> None:
    print("\nProcesses")
    names = ["sender 1 (killed)", "sender 2 (restarted)"]
    windows = [clock.killed - clock.started, clock.finished - clock.restarted]
    for name, pid, wall in zip(names, clock.pids, windows, strict=False):
        peak = stats.peak_kib.get(pid, 0) / 1024
        cpu = stats.cpu_seconds.get(pid, 0.0)
        print(
            f"  {name:22} pid {pid}: peak RSS {peak:6.1f} MiB, CPU {cpu:5.2f} s "
            f"in {wall:6.2f} s alive ({cpu / wall:.0%} of a core)"
        )
    parent = resource.getrusage(resource.RUSAGE_SELF)
    print(
        f"  {'bench + emulator':22} pid {os.getpid()}: peak RSS {parent.ru_maxrss / 1024:6.1f} MiB,"
        f" CPU {parent.ru_utime + parent.ru_stime:5.2f} s (seeding included)"
    )


# --- Main ---------------------------------------------------------------------------------------


async def bench(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="outbox-bench-") as directory:
        url = database_url(args.db, directory)
        started = time.perf_counter()
        followers = await seed(url, args)
        backend = make_url(url).get_backend_name()
        print(f"Seeded {len(followers.ids):,} followers and their rows on {backend}")
        print(
            f"  in {time.perf_counter() - started:.1f} s; rate {args.rate:g}/s, latency "
            f"{args.latency * 1000:g} ms, concurrency {args.concurrency}, "
            f"{BURST_COUNT} x 429 at {BURST_AT:.0%}, SIGKILL at {KILL_AT:.0%}"
        )
        async with CountingEmulator(token=TOKEN, latency=args.latency) as emu:
            for user_id in followers.ids:
                user = emu.user(user_id, "Anna")
                if user_id in followers.blocked:
                    await user.block()
            stats = ProcStats()
            expected = len(followers.ids) - len(followers.blocked)
            clock = await drive(emu, args, url, expected, stats)
            calls = emu.calls("sendMessage", include_failed=True)
        engine = reader(url)
        try:
            statuses, db_blocked = await final_rows(engine)
        finally:
            await engine.dispose()
    result = outcome(calls, followers, statuses, db_blocked)
    report_delivery(result, followers, clock, args.concurrency)
    report_rate(calls, clock, args.rate)
    report_processes(stats, clock)


def main() -> None:
    args = parse_args()
    if args.worker:
        asyncio.run(worker_main(args))
    else:
        asyncio.run(bench(args))


if __name__ == "__main__":
    main()
