"""Notification delivery at scale: the real `OutboxSender` against the Bot API emulator.

Seeds N followers with one milestone notification each, makes `--blocked` of them block the bot
in the emulator (it answers 403), then runs the real `OutboxSender` in a child process at
`--rate` messages/s against the emulator (`--latency` s per call). A burst of 429s is injected at
25 % of the deliveries; at 50 % the sender is killed with SIGKILL and a fresh one started. Once
the outbox holds no pending row, it prints the achieved rate, duplicates (against the documented
bound, `bot.notifications.sender.crash_bound`: sends in flight plus outcomes not yet written),
losses, final row statuses and peak memory.

    .venv/bin/python bench/outbox_delivery.py [--followers N] [--rate R] [--latency S]
        [--blocked SHARE] [--concurrency C] [--db sqlite|URL] [--lease S] [--timeout S]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import logging
import os
import re
import resource
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from random import Random

from sqlalchemy import func, insert, make_url, select
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from bench.databases import empty_postgres
from bot.catalogue.service import CatalogueService
from bot.config import load_settings
from bot.domain import OutboxStatus
from bot.i18n.translator import Catalogs
from bot.notifications import sender as outbox
from bot.notifications.kinds import Kind, row
from bot.notifications.queue import OutboxQueue
from bot.storage.engine import create_engine, create_session_factory, upgrade_schema
from bot.storage.models import OutboxMessage, User
from bot.telegram.client import make_bot
from tests.fakes.bot_api import ApiCall, BotApiEmulator

TOKEN = "123456:TEST-token-for-the-kengo-bot-suite"  # noqa: S105 - the emulator's fake token
FIRST_USER_ID = 100_000
CHUNK = 500  # rows per INSERT: far below SQLite's bound on parameters per statement
BURST_AT, KILL_AT = 0.25, 0.50  # share of the expected deliveries
BURST_COUNT, BURST_RETRY_AFTER = 20, 1
POLL = 0.01  # seconds between progress checks: the kill lands within ~10 deliveries of 50 %
DB_POLL = 0.5  # seconds between "any pending row left?" queries
SAMPLE_EVERY = 0.1  # seconds between two looks at a sender's /proc files
# A pause between two successful sends longer than this is listed with its cause; the adjusted
# rate leaves out those the scenario causes (429 pause, restart, waiting for a lease).
GAP = 0.5
# After the restart, a pause this long is the wait for the killed sender's leases (30 s by
# default); shorter ones are the sender's own stalls.
LEASE_PAUSE = 5.0
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
    parser.add_argument(
        "--concurrency", type=int, default=None, help="sends in flight (default: the sender's)"
    )
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


def concurrency_for(args: argparse.Namespace) -> int:
    """The sender's sends in flight: its own default for the rate unless --concurrency."""
    return int(args.concurrency or outbox.default_concurrency(args.rate))


def database_url(option: str, directory: str) -> str:
    if option == "sqlite":
        return f"sqlite+aiosqlite:///{Path(directory) / 'outbox.db'}"
    if "://" not in option:
        if Path(option).exists():
            raise SystemExit(f"{option} exists: give a new file, the bench fills it from scratch")
        return f"sqlite+aiosqlite:///{Path(option).resolve()}"
    return option


# --- The sender, in a child process -----------------------------------------------------------


async def worker_main(args: argparse.Namespace) -> None:
    """Run the real sender until SIGTERM (a graceful stop) or SIGKILL (a crash)."""
    logging.basicConfig(level=logging.ERROR, format=LOG_PREFIX + "%(message)s")
    # `_env_file=None`: a developer's .env must not change what is measured.
    settings = load_settings(
        telegram_bot_token=TOKEN,
        telegram_api_url=args.api_url,
        database_url=args.db,
        _env_file=None,
    )
    engine = create_engine(settings.database_url)
    # As `bot.notifications.workers` builds it: one connection per send in flight, one for
    # progress.
    concurrency = concurrency_for(args)
    bot = make_bot(settings, rate_limited=False, pool_size=concurrency + 1)
    await bot.initialize()
    timings = outbox.OutboxTimings()
    if args.lease is not None:
        timings = outbox.OutboxTimings(lease=timedelta(seconds=args.lease))
    sessions = create_session_factory(engine)
    sender = outbox.OutboxSender(
        sessions, bot, Catalogs.load(), args.rate, concurrency,
        cards=CatalogueService(sessions), timings=timings,
        # As the bot must above Telegram's free 30 messages/s (PAID_BROADCAST).
        paid_broadcast=args.rate > 30,
    )  # fmt: skip
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
    if args.concurrency is not None:
        command += ["--concurrency", str(args.concurrency)]
    if args.lease is not None:
        command += ["--lease", str(args.lease)]
    return await asyncio.create_subprocess_exec(*command, stderr=asyncio.subprocess.PIPE)


async def collect(process: asyncio.subprocess.Process, lines: list[str]) -> None:
    """Keep what the sender logs (errors only) for the report instead of flooding the console."""
    assert process.stderr is not None
    async for line in process.stderr:
        lines.append(line.decode(errors="replace").rstrip())


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
                await OutboxQueue(session).enqueue(rows)
    finally:
        await engine.dispose()
    return Followers(ids, blocked)


def reader(url: str) -> AsyncEngine:
    # Not `bot.storage.engine.create_engine`: its SQLite BEGIN IMMEDIATE would make every progress
    # query take the write lock and compete with the sender being measured.
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

    def __init__(self, token: str, latency: float) -> None:
        super().__init__(token=token, latency=latency)
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
    last: float = 0.0

    def sample(self, pid: int, *, force: bool = False) -> None:
        # VmHWM is a high-water mark: sampling it 10 times a second, and once more right before
        # a signal, misses nothing, and leaves the CPU to the sender being measured.
        if not force and time.monotonic() - self.last < SAMPLE_EVERY:
            return
        self.last = time.monotonic()
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
    killed: float = 0.0
    restarted: float = 0.0
    finished: float = 0.0
    delivered_at_kill: int = 0
    timed_out: bool = False
    pids: list[int] = field(default_factory=list)
    parent_cpu: float = 0.0  # CPU seconds of this process (emulator) while the senders ran
    logs: list[str] = field(default_factory=list)  # what the senders wrote to stderr


async def wait_until(
    done: Callable[[], bool], process: asyncio.subprocess.Process, stats: ProcStats, deadline: float
) -> bool:
    """Poll `done`, sampling the sender meanwhile; False on deadline or if the sender died."""
    while not done():
        stats.sample(process.pid)
        if time.monotonic() > deadline or process.returncode is not None:
            return False
        await asyncio.sleep(POLL)
    stats.sample(process.pid, force=True)
    return True


async def drive(
    emu: CountingEmulator, args: argparse.Namespace, url: str, expected: int, stats: ProcStats
) -> Timeline:
    """Start the sender, inject the 429 burst, kill and restart it, wait for an empty outbox."""
    clock, cpu = Timeline(started=time.monotonic()), time.process_time()
    deadline = clock.started + args.timeout
    first = await spawn_worker(args, url, emu.base_url)
    clock.pids.append(first.pid)
    readers = [asyncio.create_task(collect(first, clock.logs))]
    if await wait_until(lambda: emu.delivered >= expected * BURST_AT, first, stats, deadline):
        emu.fail_next("sendMessage", count=BURST_COUNT, retry_after=BURST_RETRY_AFTER)
    await wait_until(lambda: emu.delivered >= expected * KILL_AT, first, stats, deadline)
    with contextlib.suppress(ProcessLookupError):  # unless it already died on its own
        first.send_signal(signal.SIGKILL)  # a crash: no chance to finish the messages in flight
    clock.killed, clock.delivered_at_kill = time.monotonic(), emu.delivered
    await first.wait()
    second = await spawn_worker(args, url, emu.base_url)
    clock.restarted = time.monotonic()
    clock.pids.append(second.pid)
    readers.append(asyncio.create_task(collect(second, clock.logs)))
    clock.timed_out = not await wait_for_empty_outbox(url, second, stats, deadline)
    clock.finished, clock.parent_cpu = time.monotonic(), time.process_time() - cpu
    with contextlib.suppress(ProcessLookupError):
        second.send_signal(signal.SIGTERM)
    await second.wait()
    await asyncio.gather(*readers)
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
class Pause:
    start: float
    end: float
    cause: str
    external: bool  # caused by the scenario (429, kill): left out of the adjusted rate

    @property
    def length(self) -> float:
        return self.end - self.start


def find_pauses(
    times: list[float], clock: Timeline, burst: tuple[float, float] | None
) -> list[Pause]:
    """Every pause longer than GAP between two successful sends, with its likely cause."""
    found, restarted = [], False
    for start, end in itertools.pairwise(times):
        if end - start <= GAP:
            continue
        # Sends already in flight when the 429s came back still land after them, and the burst
        # can come back in two waves (sends in flight, then the first sends after the pause).
        if burst is not None and burst[0] - GAP <= start <= burst[1] + BURST_RETRY_AFTER:
            found.append(Pause(start, end, "429 burst: the sender pauses for retry_after", True))
        elif end > clock.killed and not restarted:
            restarted = True
            cause = "SIGKILL, then the new sender starts (imports, getMe, first claim)"
            found.append(Pause(start, end, cause, True))
        elif end > clock.killed and end - start >= LEASE_PAUSE:
            cause = "rows claimed by the killed sender wait for their lease to lapse"
            found.append(Pause(start, end, cause, True))
        else:
            found.append(Pause(start, end, "stall inside the sender (see bench/README.md)", False))
    return found


def rate_without(times: list[float], pauses: list[Pause]) -> float:
    """Sends per second once the given pauses are taken out of both time and interval count."""
    span = times[-1] - times[0] - sum(p.length for p in pauses)
    # n sends span n - 1 intervals; each pause taken out is one of them.
    return (len(times) - 1 - len(pauses)) / span if span > 0 else 0.0


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


def show(label: str, value: object) -> None:
    print(f"  {label:<38}{value}")


def report_delivery(result: Outcome, followers: Followers, clock: Timeline, bound: int) -> None:
    expected = len(followers.ids) - len(followers.blocked)
    dupes = sum(n - 1 for n in result.duplicated.values())
    verdict = "within" if dupes <= bound else "BEYOND"
    print("\nDelivery")
    show(
        "followers / blocked in the emulator",
        f"{len(followers.ids):,} / {len(followers.blocked):,}",
    )
    show("successful sendMessage calls", f"{sum(result.per_user.values()):,}")
    show("distinct recipients reached", f"{len(result.per_user):,} of {expected:,} expected")
    show("failed calls by error code", dict(sorted(result.failed_codes.items())))
    show("lost: row SENT, nothing came", len(result.lost_silently))
    show("lost: nothing came, row not SENT", len(result.lost_unsent))
    show(
        "duplicates (extra messages)",
        f"{dupes} to {len(result.duplicated)} recipient(s): {verdict} the bound of {bound} "
        "(sends in flight + outcomes not yet written)",
    )
    show("delivered when the sender was killed", f"{clock.delivered_at_kill:,}")
    show(
        "rows by final status", ", ".join(f"{k} {v:,}" for k, v in sorted(result.statuses.items()))
    )
    show("users marked blocked in the database", f"{result.db_blocked:,}")
    if clock.timed_out:
        print("  TIMED OUT: some rows were still pending at the hard limit (--timeout)")


def report_rate(calls: list[ApiCall], clock: Timeline, rate: float) -> None:
    times = sorted(c.at for c in calls if c.ok)
    if len(times) < 2:
        print("\nRate: fewer than two deliveries")
        return
    limited = [c.at for c in calls if c.error_code == 429]
    pauses = find_pauses(times, clock, (min(limited), max(limited)) if limited else None)
    adjusted = rate_without(times, [p for p in pauses if p.external])
    verdict = "PASS" if adjusted >= TARGET_SHARE * rate else "FAIL"
    print("\nRate (from the emulator's answer times of successful sendMessage calls)")
    show("raw: first to last delivery", f"{rate_without(times, []):7.1f}/s")
    show(
        "adjusted: without 429, restart, lease",
        f"{adjusted:7.1f}/s = {adjusted / rate:.1%} of {rate:g}/s -> {verdict} "
        f"(target {TARGET_SHARE:.0%})",
    )
    show(f"between stalls: no pause > {GAP} s", f"{rate_without(times, pauses):7.1f}/s")
    show("outbox empty after", f"{clock.finished - clock.started:7.1f} s")
    for pause in pauses:
        offset = pause.start - clock.started
        print(f"    pause at t+{offset:6.2f} s for {pause.length:6.2f} s: {pause.cause}")
    spacing = [b - a for a, b in itertools.pairwise(times) if b - a <= GAP]
    show(
        "spacing between deliveries",
        f"p50 {percentile(spacing, 0.5) * 1000:.2f} ms, p99 {percentile(spacing, 0.99) * 1000:.2f}"
        f" ms, max {max(spacing) * 1000:.1f} ms (configured {1000 / rate:.2f} ms)",
    )
    show("sends per second", per_second(times, clock.started))


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


def report_processes(stats: ProcStats, clock: Timeline, calls: list[ApiCall]) -> None:
    print(f"\nProcesses (CPU from /proc, start-up included; 100 % = 1 of {os.cpu_count()} cores)")
    # Calls answered before the restart are the first sender's, even those it never read.
    before = sum(1 for c in calls if c.at < clock.restarted)
    names = ["sender 1 (killed)", "sender 2 (restarted)"]
    windows = [clock.killed - clock.started, clock.finished - clock.restarted]
    for name, pid, wall, count in zip(
        names, clock.pids, windows, [before, len(calls) - before], strict=False
    ):
        peak = stats.peak_kib.get(pid, 0) / 1024
        cpu = stats.cpu_seconds.get(pid, 0.0)
        print(
            f"  {name:20} peak RSS {peak:6.1f} MiB, CPU {cpu:6.2f} s in {wall:6.1f} s "
            f"({cpu / wall:4.0%}), {cpu / max(count, 1) * 1000:5.2f} ms per sendMessage call"
        )
    parent = resource.getrusage(resource.RUSAGE_SELF)
    wall = clock.finished - clock.started
    print(
        f"  {'bench + emulator':20} peak RSS {parent.ru_maxrss / 1024:6.1f} MiB, "
        f"CPU {clock.parent_cpu:6.2f} s in {wall:6.1f} s ({clock.parent_cpu / wall:4.0%}), "
        f"{clock.parent_cpu / max(len(calls), 1) * 1000:5.2f} ms per call (with progress polls)"
    )


LOG_PREFIX = "[sender] "
EXCEPTION_LINE = re.compile(r"^[\w.]*(Error|Exception)\b")  # the last line of a traceback


def report_logs(lines: list[str]) -> None:
    """The senders' errors, grouped; a traceback is summed up by its last line."""
    messages = Counter(
        line.removeprefix(LOG_PREFIX) for line in lines if line.startswith(LOG_PREFIX)
    )
    causes = Counter(line for line in lines if EXCEPTION_LINE.match(line))
    print(f"\nSender errors logged: {messages.total()}")
    for line, count in (messages + causes).most_common(8):
        print(f"  {count:5} x {line[:150]}")


# --- Main ---------------------------------------------------------------------------------------


async def bench(args: argparse.Namespace) -> None:
    # The killed sender's requests break off mid-body: aiohttp logs each with a traceback.
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    with tempfile.TemporaryDirectory(prefix="outbox-bench-") as directory:
        url = database_url(args.db, directory)
        started = time.perf_counter()
        followers = await seed(url, args)
        backend = make_url(url).get_backend_name()
        print(f"Seeded {len(followers.ids):,} followers and their rows on {backend}")
        print(
            f"  in {time.perf_counter() - started:.1f} s; rate {args.rate:g}/s, latency "
            f"{args.latency * 1000:g} ms, concurrency {concurrency_for(args)}, "
            f"{BURST_COUNT} x 429 at {BURST_AT:.0%}, SIGKILL at {KILL_AT:.0%}"
        )
        emu = CountingEmulator(TOKEN, args.latency)
        async with emu:
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
    report_delivery(result, followers, clock, outbox.crash_bound(concurrency_for(args)))
    report_rate(calls, clock, args.rate)
    report_processes(stats, clock, calls)
    report_logs(clock.logs)


def main() -> None:
    args = parse_args()
    if args.worker:
        asyncio.run(worker_main(args))
    else:
        asyncio.run(bench(args))


if __name__ == "__main__":
    main()
