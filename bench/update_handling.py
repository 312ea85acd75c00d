"""Update handling end to end: the real bot against the Bot API emulator, next to a bare echo bot.

For each database (a temporary SQLite file, and PostgreSQL when `--database-url` is given) and
each way of receiving updates (long polling, webhook), it starts `python -m bot run` on freshly
loaded demo data, makes N new users each send `/start`, then press "Découvrir" (a catalogue
page), then open a project's card, and measures updates per second and the p50/p99 time from an
update's arrival at the emulator to the bot's first reply to that chat. The same workload then
goes, on the same emulator, to `bench/echo_bot.py`, a bare python-telegram-bot bot that only
echoes: the baseline. Target: the Kengo bot reaches half the echo bot's throughput and its peak
resident memory stays under 150 MB.

    .venv/bin/python bench/update_handling.py [--users N] [--latency S] [--modes polling,webhook]
        [--wave N] [--webhook-connections N] [--database-url postgresql+asyncpg://.../kengo_bench]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import resource
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import make_url, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from bench.databases import empty_postgres
from bot.domain import ProjectStatus, utcnow
from bot.storage.engine import create_engine
from bot.storage.models import Project
from tests.e2e.harness import KengoProcess, free_port
from tests.fakes.bot_api import ApiCall, BotApiEmulator, FakeUser

TOKEN = "123456:TEST-token-for-the-kengo-bot-suite"  # noqa: S105 - the emulator's fake token
SECRET = "update-bench-secret"  # noqa: S105 - the webhook secret of both bots, local only
FIRST_USER_ID = 500_000
WARM_UP_FIRST_USER_ID = 900_000_000  # far from the measured users' ranges
ECHO_BOT = Path(__file__).resolve().parent / "echo_bot.py"
# What counts as "the bot replied": a new message or the pressed message edited.
REPLIES = frozenset({"sendMessage", "editMessageText", "sendPhoto"})
QUIET = 0.3  # seconds without any call: the bot has finished the phase (second messages too)
GIVE_UP = 10.0  # seconds without any call while replies are missing: they will not come
# The Kengo bot's error handler apologises (handlers/errors.py): a failed update, not a reply.
APOLOGY = "quelque chose s'est mal passé"
TARGET_RATIO = 0.5
MEMORY_LIMIT_MB = 150.0  # MB = 10^6 bytes, the stricter reading of the "150 MB"

Action = Callable[[FakeUser, int], Awaitable[int]]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=1000, help="distinct users, all new")
    parser.add_argument(
        "--warm-up",
        type=int,
        default=200,
        help="users who go through the phases first, not measured (pools fill, code warms up)",
    )
    parser.add_argument("--latency", type=float, default=0.0, help="emulator seconds per call")
    parser.add_argument("--modes", default="polling,webhook", help="polling, webhook or both")
    parser.add_argument(
        "--wave", type=int, default=0, help="updates injected at once (0: a whole phase)"
    )
    parser.add_argument(
        "--webhook-connections", type=int, default=40, help="webhook POSTs in flight (Telegram: 40)"
    )
    parser.add_argument(
        "--database-url",
        "--db",
        dest="database_url",
        help="also run on this PostgreSQL database; it is emptied first, so its name must "
        "contain 'bench'",
    )
    parser.add_argument("--timeout", type=float, default=300.0, help="per phase, seconds")
    return parser.parse_args()


# --- The emulator: reply clock and Telegram-like webhook delivery ------------------------------


class BenchEmulator(BotApiEmulator):
    """Times each chat's first reply after its update was queued, as the calls are answered."""

    def __init__(self, latency: float, webhook_connections: int) -> None:
        super().__init__(token=TOKEN, latency=latency)
        # Telegram keeps up to max_connections POSTs in flight: serial delivery would measure
        # round trips, not the bot.
        self.webhook_connections = webhook_connections
        self.waiting: dict[int, float] = {}  # chat id -> when its update was queued
        self.latencies: list[float] = []
        self.failed = 0  # updates answered with the error handler's apology
        self.last_reply = 0.0
        self.all_replied = asyncio.Event()
        self.activity = 0  # calls other than getUpdates: tells when the bot has gone quiet

    def _record(self, call: ApiCall) -> None:
        super()._record(call)
        if call.method != "getUpdates":
            self.activity += 1
        if call.ok and call.method in REPLIES:
            queued = self.waiting.pop(call.params.get("chat_id", 0), None)
            if queued is not None:
                if APOLOGY in str(call.params.get("text", "")):
                    self.failed += 1
                else:
                    self.latencies.append(call.at - queued)
                    self.last_reply = call.at
                if not self.waiting:
                    self.all_replied.set()


# --- Workload -----------------------------------------------------------------------------------


@dataclass
class Phase:
    name: str
    updates: int
    latencies: list[float]  # of the updates answered (not with an apology)
    span: float  # first update queued -> last first reply
    failed: int  # answered with an apology
    calls: int  # Bot API calls other than getUpdates, the phase's trailing messages included
    cpu: float = 0.0  # the bot's CPU seconds during the phase (trailing messages included)

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.span if self.span > 0 else 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def workload(live_ids: list[int]) -> list[tuple[str, Action]]:
    """Three phases, one update per user each. The press lands on the latest bot message offering
    that data (the welcome message's menu), else on the latest bot message (`pj:<id>:-`)."""
    return [
        ("/start (new user)", lambda user, i: user.send("/start")),
        ("browse (menu:discover)", lambda user, i: user.press("menu:discover")),
        ("card (pj:<id>:-)", lambda user, i: user.press(f"pj:{live_ids[i % len(live_ids)]}:-")),
    ]


async def run_phase(
    emu: BenchEmulator, name: str, users: list[FakeUser], act: Action, args: argparse.Namespace
) -> Phase:
    """Queue every user's update (in waves if asked), wait for every first reply."""
    emu.latencies, emu.waiting, emu.failed = [], {}, 0
    activity = emu.activity
    wave = args.wave or len(users)
    first = time.monotonic()
    deadline = first + args.timeout
    for start in range(0, len(users), wave):
        emu.all_replied.clear()
        for index in range(start, min(start + wave, len(users))):
            # Queuing never yields to the event loop: a wave is queued before the bot sees any.
            emu.waiting[users[index].id] = time.monotonic()
            await act(users[index], index)
        await until_replied(emu, deadline)
    phase = Phase(name, len(users), list(emu.latencies), emu.last_reply - first, emu.failed, 0)
    emu.waiting = {}
    await until_quiet(emu)  # e.g. the language choice sent after the welcome
    phase.calls = emu.activity - activity
    return phase


async def until_replied(emu: BenchEmulator, deadline: float) -> None:
    """Until every queued update has its reply, or the bot has stopped calling (failed updates
    that did not even apologise), or the deadline."""
    activity, idle_since = emu.activity, time.monotonic()
    while not emu.all_replied.is_set() and time.monotonic() < deadline:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(emu.all_replied.wait(), 1.0)
        if emu.activity != activity:
            activity, idle_since = emu.activity, time.monotonic()
        elif time.monotonic() - idle_since > GIVE_UP:
            return


async def until_quiet(emu: BenchEmulator) -> None:
    while True:
        before = emu.activity
        await asyncio.sleep(QUIET)
        if emu.activity == before:
            return


async def wait_until_receiving(
    emu: BenchEmulator, webhook: str | None, log: Callable[[], str]
) -> None:
    """The bot is polling, or has registered its webhook: updates reach it from now on."""
    deadline = time.monotonic() + 60
    while not (emu.webhook_url == webhook if webhook else emu.is_polling):
        if time.monotonic() > deadline:
            raise SystemExit(f"the bot did not start receiving updates:\n{log()[-3000:]}")
        await asyncio.sleep(0.05)


# --- The bots, in child processes ---------------------------------------------------------------


@dataclass
class BotRun:
    phases: list[Phase]
    peak_rss_kib: int = 0
    rss_kib: int = 0
    cpu_seconds: float = 0.0  # the bot's, during the measured phases
    bench_cpu: float = 0.0  # this process (mostly the emulator) while the phases ran
    errors: list[str] = field(default_factory=list)


def memory_figures(pid: int, run: BotRun) -> None:
    """Peak (VmHWM, a high-water mark: one look before stopping sees the peak) and current RSS."""
    with contextlib.suppress(OSError, ValueError):
        status = dict(
            line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
        )
        run.peak_rss_kib = int(status["VmHWM"].split()[0])
        run.rss_kib = int(status["VmRSS"].split()[0])


def cpu_seconds(pid: int) -> float:
    """CPU time of a process so far (utime + stime, fields 14 and 15 of /proc/<pid>/stat)."""
    with contextlib.suppress(OSError, ValueError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return 0.0


@dataclass
class Users:
    measured: list[FakeUser]
    warm_up: list[FakeUser]


async def drive(
    emu: BenchEmulator, pid: int, users: Users, live_ids: list[int], args: argparse.Namespace
) -> BotRun:
    # A first burst opens the bot's HTTP and database connections: the echo bot's httpx pool,
    # filling up under 64 concurrent sends, ran its first phase at a third of its later pace.
    for name, act in workload(live_ids) if users.warm_up else ():
        await run_phase(emu, name, users.warm_up, act, args)
    cpu, bot_cpu = time.process_time(), cpu_seconds(pid)
    phases = []
    for name, act in workload(live_ids):
        before = cpu_seconds(pid)
        phases.append(await run_phase(emu, name, users.measured, act, args))
        phases[-1].cpu = cpu_seconds(pid) - before
    run = BotRun(phases, cpu_seconds=cpu_seconds(pid) - bot_cpu)
    run.bench_cpu = time.process_time() - cpu
    memory_figures(pid, run)
    return run


async def run_kengo(
    emu: BenchEmulator, url: str, webhook: bool, users: Users, args: argparse.Namespace,
    workdir: Path,
) -> BotRun:  # fmt: skip
    """`python -m bot demo-data`, then `python -m bot run`, as production starts it."""
    if make_url(url).get_backend_name() == "postgresql":
        await empty_postgres(url)
    # REPLY_RATE=0: no AIORateLimiter (Telegram's ~30 messages/s overall), which the echo bot
    # does not have either; both are measured without the cap.
    kengo = KengoProcess.configure(workdir, emu.base_url, url, REPLY_RATE="0")
    if webhook:
        kengo.env.update(
            WEBHOOK_URL=f"http://127.0.0.1:{kengo.port}", TELEGRAM_WEBHOOK_SECRET=SECRET
        )
    code, output = await kengo.run_command("demo-data", timeout=300)
    if code:
        raise SystemExit(f"demo-data failed:\n{output}")
    live_ids = await live_project_ids(url)
    await kengo.start(timeout=60)
    assert kengo.process is not None
    try:
        await wait_until_receiving(
            emu, kengo.url("/telegram") if webhook else None, lambda: kengo.log
        )
        run = await drive(emu, kengo.process.pid, users, live_ids, args)
    finally:
        await kengo.stop()
    run.errors = [line for line in kengo.log.splitlines() if " ERROR " in line]
    return run


async def run_echo(
    emu: BenchEmulator, webhook: bool, users: Users, live_ids: list[int],
    args: argparse.Namespace, workdir: Path,
) -> BotRun:  # fmt: skip
    port = free_port()
    command = [sys.executable, str(ECHO_BOT), "--token", TOKEN, "--api-url", emu.base_url]
    if webhook:
        command += ["--webhook-port", str(port), "--secret", SECRET]
    log_path = workdir / f"echo-{port}.log"
    with log_path.open("wb") as log_file:
        process = await asyncio.create_subprocess_exec(*command, stdout=log_file, stderr=log_file)
    try:
        hook = f"http://127.0.0.1:{port}/telegram" if webhook else None
        await wait_until_receiving(emu, hook, log_path.read_text)
        run = await drive(emu, process.pid, users, live_ids, args)
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        await process.wait()
    run.errors = [line for line in log_path.read_text().splitlines() if "Error" in line]
    return run


# --- Databases -----------------------------------------------------------------------------------


async def live_project_ids(url: str) -> list[int]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            statement = select(Project.id).where(
                Project.status == ProjectStatus.LIVE, Project.ends_at > utcnow()
            )
            ids = sorted((await connection.scalars(statement)).all())
    finally:
        await engine.dispose()
    if not ids:
        raise SystemExit("the demo data has no live project")
    return ids


# --- Report -------------------------------------------------------------------------------------


def mb(kib: int) -> float:
    return kib * 1024 / 1e6


def cpu_ms(phase: Phase) -> str:
    return f"{phase.cpu / phase.updates * 1000:5.2f}"


def unanswered(mine: Phase, base: Phase) -> str:
    kengo, echo = mine.updates - len(mine.latencies), base.updates - len(base.latencies)
    text = f"  Kengo: {mine.failed} apologies, {kengo - mine.failed} no reply" if kengo else ""
    return text + (f"  echo: {echo} no reply" if echo else "")


def report(results: list[tuple[str, str, BotRun, BotRun]]) -> None:
    print("\nUpdates per second and latency (queued at the emulator -> first reply), ms")
    print(f"{'database':<11}{'mode':<9}{'phase':<24}{'Kengo upd/s':>12}{'p50':>8}{'p99':>8}"
          f"{'echo upd/s':>12}{'p50':>8}{'p99':>8}   Kengo/echo  calls/update"
          "  CPU ms/update")  # fmt: skip
    for database, mode, kengo, echo in results:
        for mine, base in zip(kengo.phases, echo.phases, strict=True):
            ratio = mine.rate / base.rate if base.rate else 0.0
            verdict = "PASS" if ratio >= TARGET_RATIO else "FAIL"
            print(
                f"{database:<11}{mode:<9}{mine.name:<24}{mine.rate:12.1f}"
                f"{mine.percentile(0.5) * 1000:8.0f}{mine.percentile(0.99) * 1000:8.0f}"
                f"{base.rate:12.1f}{base.percentile(0.5) * 1000:8.0f}"
                f"{base.percentile(0.99) * 1000:8.0f}   {ratio:5.2f} {verdict}"
                f"   {mine.calls / mine.updates:.1f} / {base.calls / base.updates:.1f}"
                f"     {cpu_ms(mine)} / {cpu_ms(base)}" + unanswered(mine, base)
            )
    print(
        "\nProcesses (peak RSS = VmHWM; CPU from /proc during the measured phases; "
        f"{os.cpu_count()} cores)"
    )
    for database, mode, kengo, echo in results:
        for name, run in (("Kengo", kengo), ("echo", echo)):
            updates = sum(p.updates for p in run.phases)
            verdict = ""
            if name == "Kengo":
                ok = mb(run.peak_rss_kib) < MEMORY_LIMIT_MB
                verdict = f" -> {'PASS' if ok else 'FAIL'} (< {MEMORY_LIMIT_MB:g} MB)"
            print(
                f"  {database:<11}{mode:<9}{name:<6} peak RSS {mb(run.peak_rss_kib):6.1f} MB "
                f"(now {mb(run.rss_kib):6.1f}){verdict}; CPU {run.cpu_seconds:5.1f} s, "
                f"{run.cpu_seconds / updates * 1000:5.2f} ms per update; bench+emulator CPU "
                f"{run.bench_cpu:5.1f} s"
            )
            for line in run.errors[:3]:
                print(f"      error logged: {line[:140]}")
    parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"  bench + emulator peak RSS {mb(parent):.1f} MB")


# --- Main ---------------------------------------------------------------------------------------


async def bench(args: argparse.Namespace) -> None:
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    results: list[tuple[str, str, BotRun, BotRun]] = []
    print(
        f"{args.users:,} new users per run (after {args.warm_up:,} warming up), "
        f"emulator latency {args.latency * 1000:g} ms, "
        f"waves of {args.wave or args.users}, webhook: {args.webhook_connections} POSTs in "
        f"flight, REPLY_RATE=0 (no 30/s limiter), {os.cpu_count()} cores"
    )
    run_number = 0
    with tempfile.TemporaryDirectory(prefix="update-bench-") as directory:
        workdir = Path(directory)
        databases = [("SQLite", "")] + (
            [("PostgreSQL", args.database_url)] if args.database_url else []
        )
        emu = BenchEmulator(args.latency, args.webhook_connections)
        async with emu:
            for database, given in databases:
                for mode in modes:
                    webhook = mode == "webhook"
                    url = given or f"sqlite+aiosqlite:///{workdir / f'kengo-{mode}.db'}"
                    # Users never seen before in each run: /start is every user's first contact.
                    kengo_users = new_users(emu, run_number, args)
                    echo_users = new_users(emu, run_number + 1, args)
                    run_number += 2
                    print(f"{database} / {mode}: Kengo bot ...", flush=True)
                    kengo = await run_kengo(emu, url, webhook, kengo_users, args, workdir)
                    print(f"{database} / {mode}: echo bot ...", flush=True)
                    live_ids = await live_project_ids(url)
                    echo = await run_echo(emu, webhook, echo_users, live_ids, args, workdir)
                    results.append((database, mode, kengo, echo))
    report(results)


def new_users(emu: BenchEmulator, run_number: int, args: argparse.Namespace) -> Users:
    def group(first: int, count: int) -> list[FakeUser]:
        first += run_number * count
        return [emu.user(first + i, "Anna", language_code="fr") for i in range(count)]

    return Users(group(FIRST_USER_ID, args.users), group(WARM_UP_FIRST_USER_ID, args.warm_up))


def main() -> None:
    asyncio.run(bench(parse_args()))


if __name__ == "__main__":
    main()
