"""Who backs and follows each demo project, and when: drawn from seeds, the same on every load.

Every figure comes from a random generator seeded with the project's slug, so loading the demo
anywhere, on any day, gives the same pledges and amounts; only the dates move with `now`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from bot.demo.catalogue import (
    DEMO_PROJECTS,
    EUR,
    DemoPerson,
    DemoProject,
    load_catalogue,
)
from bot.domain import Departement

_CONTRIBUTOR_OFFSET = 1000  # user id offsets below belong to the owners
_CONTRIBUTOR_COUNT = 420

_MAX_PLEDGES = 280  # per project: keeps loading fast
# Everyday gifts (cents, weight), and the larger gifts of patrons and local businesses, drawn
# while what is left to raise is more than everyday gifts could plausibly cover.
_EVERYDAY_GIFTS = (
    (5 * EUR, 2),
    (10 * EUR, 16),
    (15 * EUR, 5),
    (20 * EUR, 22),
    (25 * EUR, 12),
    (30 * EUR, 9),
    (40 * EUR, 4),
    (50 * EUR, 20),
    (100 * EUR, 10),
    (150 * EUR, 2),
    (200 * EUR, 2),
    (500 * EUR, 1),
)
_PATRON_GIFTS = (
    (200 * EUR, 20),
    (300 * EUR, 15),
    (500 * EUR, 30),
    (1000 * EUR, 20),
    (1500 * EUR, 5),
    (2000 * EUR, 7),
    (3000 * EUR, 3),
)
_EVERYDAY_MEAN = 40 * EUR
_TIPS = (0, 0, 0, 0, 0, 5 * EUR, 5 * EUR, 10 * EUR)  # added to a reward's minimum now and then


@dataclass(frozen=True)
class Timeline:
    starts_at: datetime
    ends_at: datetime
    closed_at: datetime | None

    @staticmethod
    def of(project: DemoProject, now: datetime) -> Timeline:
        starts_at = (now - timedelta(days=project.starts_days_ago)).replace(microsecond=0)
        ends_at = starts_at + timedelta(days=project.duration_days)
        closed_at = ends_at + timedelta(minutes=7) if ends_at < now else None
        return Timeline(starts_at, ends_at, closed_at)


@dataclass(frozen=True)
class PlannedPledge:
    user_id: int
    amount_cents: int
    tier_position: int | None
    paid_at: datetime


@dataclass(frozen=True)
class Backing:
    """Who gave what and when to one project, and who follows it since when."""

    pledges: tuple[PlannedPledge, ...]
    followers: tuple[tuple[int, datetime], ...]


def _seeded(seed: str) -> random.Random:
    return random.Random(seed)  # noqa: S311 - reproducible demo figures, nothing secret


@cache
def demo_contributors() -> tuple[DemoPerson, ...]:
    catalogue = load_catalogue()
    rng = _seeded("kengo-demo-contributors")
    return tuple(
        DemoPerson(
            number=_CONTRIBUTOR_OFFSET + index,
            first_name=rng.choice(catalogue.first_names),
            last_name=rng.choice(catalogue.last_names),
            locale="br" if rng.random() < 0.2 else "fr",
            home=rng.choice(list(Departement)),
        )
        for index in range(_CONTRIBUTOR_COUNT)
    )


def demo_users() -> tuple[DemoPerson, ...]:
    """The owners of the demo projects, then the contributors."""
    owners = {project.owner.number: project.owner for project in DEMO_PROJECTS}
    return tuple(owners.values()) + demo_contributors()


def plan_backing(project: DemoProject, now: datetime) -> Backing:
    """The pledges and follows of `project`, the same on every load (up to `now`)."""
    rng = _seeded(project.slug)
    amounts = _reward_amounts(project, rng)
    amounts += _gift_amounts(project, rng, amounts)
    rng.shuffle(amounts)
    times = _pledge_times(project, now, rng, len(amounts))
    contributors = [person.user_id for person in demo_contributors()]
    backers = _backers(rng, contributors, len(amounts))
    pledges = tuple(
        PlannedPledge(user_id, amount, position, paid_at)
        for user_id, (amount, position), paid_at in zip(backers, amounts, times, strict=True)
    )
    return Backing(pledges, _followers(project, now, rng, pledges, contributors))


def _backers(rng: random.Random, contributors: list[int], count: int) -> list[int]:
    """Who made each pledge: mostly different people, a few coming back to give again."""
    newcomers = rng.sample(contributors, len(contributors))
    backers: list[int] = []
    for _ in range(count):
        returning = backers and (rng.random() < 0.05 or not newcomers)
        backers.append(rng.choice(backers) if returning else newcomers.pop())
    return backers


def _reward_amounts(project: DemoProject, rng: random.Random) -> list[tuple[int, int | None]]:
    """(amount, tier position) of the pledges that chose a reward; some add a little more."""
    amounts: list[tuple[int, int | None]] = [
        (tier.min_amount_cents + rng.choice(_TIPS), position)
        for position, tier in enumerate(project.tiers)
        for _ in range(tier.backers)
    ]
    # The catalogue checks the minimums; the tips drawn on top can still overshoot.
    if sum(amount for amount, _ in amounts) > project.raised_target_cents:
        raise ValueError(f"{project.slug}: the rewards alone exceed the amount raised")
    return amounts


def _gift_amounts(
    project: DemoProject, rng: random.Random, rewards: list[tuple[int, int | None]]
) -> list[tuple[int, int | None]]:
    """Pledges without reward, up to the exact amount raised: mostly small, a few patrons."""
    remaining = project.raised_target_cents - sum(amount for amount, _ in rewards)
    gifts: list[tuple[int, int | None]] = []
    while remaining > 0:
        room = _MAX_PLEDGES - len(rewards) - len(gifts)
        table = _PATRON_GIFTS if remaining > room * _EVERYDAY_MEAN else _EVERYDAY_GIFTS
        amount = rng.choices([a for a, _ in table], [w for _, w in table])[0]
        if amount > remaining:  # the last gifts: the largest usual amount that still fits
            amount = max(a for a, _ in _EVERYDAY_GIFTS + _PATRON_GIFTS if a <= remaining)
        gifts.append((amount, None))
        remaining -= amount
    return gifts


def _pledge_times(
    project: DemoProject, now: datetime, rng: random.Random, count: int
) -> list[datetime]:
    """Payment times, crowded at the start and the end of the campaign as usual."""
    timeline = Timeline.of(project, now)
    last = min(timeline.ends_at, now) - timedelta(minutes=5)
    span = (last - timeline.starts_at).total_seconds()
    offsets = sorted(rng.betavariate(0.6, 0.8) * span for _ in range(count))
    return [timeline.starts_at + timedelta(seconds=round(offset)) for offset in offsets]


def _followers(
    project: DemoProject,
    now: datetime,
    rng: random.Random,
    pledges: tuple[PlannedPledge, ...],
    contributors: list[int],
) -> tuple[tuple[int, datetime], ...]:
    """Contributors follow from their first pledge on; a few others follow without paying."""
    since: dict[int, datetime] = {}
    for pledge in sorted(pledges, key=lambda pledge: pledge.paid_at):
        since.setdefault(pledge.user_id, pledge.paid_at)
    onlookers = [user_id for user_id in contributors if user_id not in since]
    timeline = Timeline.of(project, now)
    window = (min(now, timeline.ends_at) - timeline.starts_at).total_seconds()
    for user_id in rng.sample(onlookers, project.extra_followers):
        since[user_id] = timeline.starts_at + timedelta(seconds=round(rng.random() * window))
    return tuple(since.items())
