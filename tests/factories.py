"""Build users and projects for tests, with sensible defaults and any field overridden."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain import (
    Category,
    Departement,
    FundingModel,
    PledgeStatus,
    ProjectStatus,
    utcnow,
)
from bot.storage.models import Pledge, Project, RewardTier, User

_ids = itertools.count(1)


async def add_user(sessions: async_sessionmaker[AsyncSession], **fields: Any) -> User:
    values: dict[str, Any] = {
        "id": 10_000 + next(_ids),
        "first_name": "Anna",
        "locale": "fr",
        "locale_chosen": True,
    }
    values.update(fields)
    async with sessions.begin() as session:
        user = User(**values)
        session.add(user)
    return user


async def add_project(
    sessions: async_sessionmaker[AsyncSession],
    owner: User,
    tiers: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> Project:
    now = utcnow()
    values: dict[str, Any] = {
        "owner_id": owner.id,
        "status": ProjectStatus.LIVE,
        "title": "Un projet breton",
        "summary": "Un résumé assez long pour être crédible.",
        "description": "Une description du projet.",
        "breton_connection": "Porté en Bretagne.",
        "category": Category.CULTURE,
        "departement": Departement.FINISTERE,
        "commune": "Brest",
        "goal_cents": 500_000,
        "funding_model": FundingModel.ALL_OR_NOTHING,
        "duration_days": 30,
        "starts_at": now - timedelta(days=5),
        "ends_at": now + timedelta(days=25),
    }
    values.update(fields)
    async with sessions.begin() as session:
        project = Project(**values)
        for position, tier in enumerate(tiers or []):
            project.reward_tiers.append(RewardTier(position=position, **tier))
        session.add(project)
    return project


async def add_paid_pledge(
    sessions: async_sessionmaker[AsyncSession],
    user: User,
    project: Project,
    tier: RewardTier | None = None,
    **fields: Any,
) -> Pledge:
    """A paid pledge with what Stripe Checkout would have filled (contact, shipping address)."""
    values: dict[str, Any] = {
        "user_id": user.id,
        "project_id": project.id,
        "reward_tier_id": tier.id if tier else None,
        "amount_cents": tier.min_amount_cents if tier else 1_000,
        "status": PledgeStatus.PAID,
        "paid_at": utcnow(),
        "contact_email": f"{user.first_name.lower()}@example.org",
        "contact_name": f"{user.first_name} Le Gall",
    }
    values.update(fields)
    async with sessions.begin() as session:
        pledge = Pledge(**values)
        session.add(pledge)
    return pledge
