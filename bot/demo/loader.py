"""Writing the demo catalogue to the database: projects keyed by slug, so reloading adds nothing.

Each missing project is inserted with its rewards, pledges and follows as the real flows would
have left them (cached counters, claimed rewards, refunds), in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.demo.backing import Backing, PlannedPledge, Timeline, demo_users, plan_backing
from bot.demo.catalogue import (
    DEMO_PROJECTS,
    DEMO_USER_ID_BASE,
    DEMO_USER_ID_SPAN,
    DemoPerson,
    DemoProject,
    DemoTier,
    DemoTranslation,
)
from bot.domain import PledgeStatus, utcnow
from bot.storage.models import Follow, Pledge, Project, ProjectTranslation, RewardTier, User


@dataclass(frozen=True)
class DemoReport:
    created: int
    already_present: int
    pledges: int


async def load_demo_data(
    sessions: async_sessionmaker[AsyncSession], now: datetime | None = None
) -> DemoReport:
    """Add the demo projects missing from the database, with their owners, pledges and follows."""
    now = now or utcnow()
    created = already_present = pledges = 0
    async with sessions.begin() as session:
        await _add_missing_users(session, now)
        existing = set(await session.scalars(select(Project.slug).where(Project.slug.is_not(None))))
        for project in DEMO_PROJECTS:
            if project.slug in existing:
                already_present += 1
                await _add_missing_translation(session, project)
                continue
            pledges += await _add_project(session, project, now)
            created += 1
    return DemoReport(created=created, already_present=already_present, pledges=pledges)


async def _add_missing_users(session: AsyncSession, now: datetime) -> None:
    in_range = User.id.between(DEMO_USER_ID_BASE, DEMO_USER_ID_BASE + DEMO_USER_ID_SPAN - 1)
    present = set(await session.scalars(select(User.id).where(in_range)))
    session.add_all(
        _demo_user(person, now) for person in demo_users() if person.user_id not in present
    )
    await session.flush()


def _demo_user(person: DemoPerson, now: datetime) -> User:
    return User(
        id=person.user_id,
        first_name=person.first_name,
        last_name=person.last_name,
        telegram_language="fr",
        locale=person.locale,
        locale_chosen=True,
        home_departement=person.home,
        # Nobody is behind these ids: marked as having blocked the bot, they are skipped by
        # every notification, news post and reminder, so no message is ever attempted to them.
        blocked=True,
        blocked_at=now,
        created_at=now,
        updated_at=now,
        last_seen_at=now,
    )


async def _add_project(session: AsyncSession, demo: DemoProject, now: datetime) -> int:
    """Insert one project with its rewards, pledges and follows; returns the pledges added."""
    backing = plan_backing(demo, now)
    project = _new_project(demo, now)
    project.reward_tiers = [
        _new_tier(demo, position, tier, now) for position, tier in enumerate(demo.tiers)
    ]
    _cache_counters(demo, project, backing)
    session.add(project)
    await session.flush()  # the ids of the project and its rewards
    tier_ids = [tier.id for tier in project.reward_tiers]
    refunded_at = _refund_time(demo, now)
    # Bulk inserts: thousands of rows, no need for an object each.
    await session.execute(
        insert(Pledge),
        [_pledge_row(pledge, project.id, tier_ids, refunded_at) for pledge in backing.pledges],
    )
    await session.execute(
        insert(Follow),
        [
            {"user_id": user_id, "project_id": project.id, "created_at": since}
            for user_id, since in backing.followers
        ],
    )
    return len(backing.pledges)


async def _add_missing_translation(session: AsyncSession, demo: DemoProject) -> None:
    """A project loaded before the catalogue gave it a translation gets it (once: a project
    that has one keeps it)."""
    if demo.translation is None:
        return
    found = await session.execute(
        select(Project.id, ProjectTranslation.project_id)
        .outerjoin(ProjectTranslation, ProjectTranslation.project_id == Project.id)
        .where(Project.slug == demo.slug)
    )
    project_id, translated = found.one()
    if translated is None:
        session.add(_new_translation(demo.translation, project_id))


def _new_translation(
    translation: DemoTranslation, project_id: int | None = None
) -> ProjectTranslation:
    return ProjectTranslation(
        project_id=project_id,
        locale=translation.locale,
        title=translation.title,
        summary=translation.summary,
    )


def _new_project(demo: DemoProject, now: datetime) -> Project:
    timeline = Timeline.of(demo, now)
    translation = _new_translation(demo.translation) if demo.translation else None
    return Project(
        translation=translation,
        owner_id=demo.owner.user_id,
        status=demo.stage,
        slug=demo.slug,
        title=demo.title,
        summary=demo.summary,
        description=demo.description,
        breton_connection=demo.breton_connection,
        category=demo.category,
        departement=demo.departement,
        commune=demo.commune,
        goal_cents=demo.goal_cents,
        funding_model=demo.funding_model,
        duration_days=demo.duration_days,
        starts_at=timeline.starts_at,
        ends_at=timeline.ends_at,
        photo_file_id=demo.photo_file_id,
        submitted_at=timeline.starts_at - timedelta(days=4, hours=3),
        closed_at=timeline.closed_at,
        created_at=timeline.starts_at - timedelta(days=12),
        updated_at=timeline.closed_at or timeline.starts_at,
    )


def _new_tier(demo: DemoProject, position: int, tier: DemoTier, now: datetime) -> RewardTier:
    delivery = None
    if tier.delivery_days_after_end is not None:
        ends_at = Timeline.of(demo, now).ends_at
        delivery = (ends_at + timedelta(days=tier.delivery_days_after_end)).date()
    return RewardTier(
        position=position,
        title=tier.title,
        description=tier.description,
        min_amount_cents=tier.min_amount_cents,
        quantity_limit=tier.quantity_limit,
        claimed_count=0 if demo.refunded else tier.backers,
        estimated_delivery=delivery,
        delivery_mode=tier.delivery_mode,
        shipping_countries=tier.shipping_countries,
    )


def _refund_time(demo: DemoProject, now: datetime) -> datetime | None:
    closed_at = Timeline.of(demo, now).closed_at
    return closed_at + timedelta(hours=2) if demo.refunded and closed_at else None


def _pledge_row(
    pledge: PlannedPledge, project_id: int, tier_ids: list[int], refunded_at: datetime | None
) -> dict[str, Any]:
    return {
        "user_id": pledge.user_id,
        "project_id": project_id,
        "reward_tier_id": None if pledge.tier_position is None else tier_ids[pledge.tier_position],
        "amount_cents": pledge.amount_cents,
        "status": PledgeStatus.PAID if refunded_at is None else PledgeStatus.REFUNDED,
        "paid_at": pledge.paid_at,
        "refunded_at": refunded_at,
        "created_at": pledge.paid_at - timedelta(minutes=3),
        "updated_at": refunded_at or pledge.paid_at,
    }


def _cache_counters(demo: DemoProject, project: Project, backing: Backing) -> None:
    """The cached figures, as the payment flow would have left them: only paid pledges count."""
    paid = [] if demo.refunded else backing.pledges
    project.raised_cents = sum(pledge.amount_cents for pledge in paid)
    project.contributors_count = len({pledge.user_id for pledge in paid})
    project.followers_count = len(backing.followers)
    percent = project.raised_cents * 100 // project.goal_cents
    # Milestones already passed are marked announced: no follower alert for old news.
    project.milestone_notified = 100 if percent >= 100 else 50 if percent >= 50 else 0
