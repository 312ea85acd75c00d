"""`kengo-bot demo-data`: a varied, consistent catalogue that loads once, however often it runs.

The catalogue is loaded once per engine for this module (`demo`), into a temporary SQLite file
and also the PostgreSQL database named by TEST_DATABASE_URL when it is set: the tests that use
it read it, and the last one loads it a second time.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import String, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.demo import (
    DEMO_PROJECTS,
    DEMO_USER_ID_BASE,
    DemoReport,
    load_demo_data,
    plan_backing,
)
from bot.domain import Category, Departement, FundingModel, PledgeStatus, ProjectStatus, utcnow
from bot.search.text import fold
from bot.storage.engine import create_engine, create_session_factory, upgrade_schema
from bot.storage.models import Base, Follow, Pledge, Project, ProjectTranslation, RewardTier, User
from tests.databases import BACKENDS, fresh_database

NOW = utcnow().replace(microsecond=0)
Sessions = async_sessionmaker[AsyncSession]


# The tests reading the module's demo database run in its event loop (its connections are
# bound to it).
reading = pytest.mark.asyncio(loop_scope="module")


@dataclass(frozen=True)
class Loaded:
    report: DemoReport
    sessions: Sessions


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=BACKENDS)
async def demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Loaded]:
    url = await fresh_database(request.param, tmp_path_factory.mktemp("demo"))
    engine = create_engine(url)
    await upgrade_schema(engine)
    sessions = create_session_factory(engine)
    yield Loaded(await load_demo_data(sessions, now=NOW), sessions)
    await engine.dispose()


async def _all(sessions: Sessions, model: type[Base]) -> list[Any]:
    async with sessions() as session:
        return list(await session.scalars(select(model)))


async def _counts(sessions: Sessions) -> dict[str, int]:
    async with sessions() as session:
        return {
            model.__tablename__: (
                await session.execute(select(func.count()).select_from(model))
            ).scalar_one()
            for model in (Project, RewardTier, Pledge, User, Follow)
        }


@reading
async def test_catalogue_covers_brittany_and_every_category(demo: Loaded) -> None:
    projects = await _all(demo.sessions, Project)
    assert len(projects) >= 12
    assert demo.report == DemoReport(
        len(DEMO_PROJECTS), 0, (await _counts(demo.sessions))["pledges"]
    )
    assert {project.departement for project in projects} == set(Departement)
    assert {project.category for project in projects} == set(Category)
    statuses = Counter(project.status for project in projects)
    assert statuses[ProjectStatus.SUCCEEDED] >= 1
    assert statuses[ProjectStatus.FAILED] >= 1
    assert statuses[ProjectStatus.LIVE] > len(projects) / 2
    assert {project.funding_model for project in projects} == set(FundingModel)
    assert len({project.owner_id for project in projects}) >= len(projects) - 3


@reading
async def test_cached_figures_match_the_pledges(demo: Loaded) -> None:
    pledges = await _all(demo.sessions, Pledge)
    follows = {(follow.user_id, follow.project_id) for follow in await _all(demo.sessions, Follow)}
    paid: dict[int, list[Pledge]] = defaultdict(list)
    for pledge in pledges:
        if pledge.status is PledgeStatus.PAID:
            paid[pledge.project_id].append(pledge)
    for project in await _all(demo.sessions, Project):
        mine = paid[project.id]
        assert project.raised_cents == sum(pledge.amount_cents for pledge in mine), project.slug
        assert project.contributors_count == len({pledge.user_id for pledge in mine})
        assert project.followers_count == sum(1 for _, pid in follows if pid == project.id)
        assert project.followers_count > project.contributors_count
        assert all((pledge.user_id, project.id) in follows for pledge in mine)
        percent = project.raised_cents * 100 / project.goal_cents
        assert project.milestone_notified <= percent


@reading
async def test_funding_levels_and_amounts_look_real(demo: Loaded) -> None:
    projects = await _all(demo.sessions, Project)
    live = [project for project in projects if project.status is ProjectStatus.LIVE]
    levels = [project.raised_cents * 100 / project.goal_cents for project in live]
    assert min(levels) <= 10
    assert max(levels) >= 120
    assert all(2_000 * 100 <= project.goal_cents <= 60_000 * 100 for project in projects)
    pledges = await _all(demo.sessions, Pledge)
    assert all(pledge.amount_cents % 500 == 0 for pledge in pledges)  # whole 5 € steps
    per_project = Counter(pledge.project_id for pledge in pledges)
    assert max(per_project.values()) <= 300
    repeat_backers = Counter((pledge.user_id, pledge.project_id) for pledge in pledges)
    several_projects = Counter(user_id for user_id, _ in repeat_backers)
    assert max(several_projects.values()) > 1  # some contributors back several projects


@reading
async def test_rewards_are_consistent_and_never_oversold(demo: Loaded) -> None:
    tiers = {tier.id: tier for tier in await _all(demo.sessions, RewardTier)}
    claimed = Counter(
        pledge.reward_tier_id
        for pledge in await _all(demo.sessions, Pledge)
        if pledge.reward_tier_id is not None and pledge.status is PledgeStatus.PAID
    )
    for pledge in await _all(demo.sessions, Pledge):
        if pledge.reward_tier_id is not None:
            tier = tiers[pledge.reward_tier_id]
            assert pledge.project_id == tier.project_id
            assert pledge.amount_cents >= tier.min_amount_cents
    for tier in tiers.values():
        assert tier.claimed_count == claimed[tier.id], tier.title
        assert tier.quantity_limit is None or tier.claimed_count <= tier.quantity_limit
        assert tier.reserved_count == 0
    limited = [tier for tier in tiers.values() if tier.quantity_limit is not None]
    assert any(tier.claimed_count == tier.quantity_limit for tier in limited)  # sold out
    assert any(tier.claimed_count < tier.quantity_limit for tier in limited)  # units left
    tiers_per_project = Counter(tier.project_id for tier in tiers.values())
    projects = await _all(demo.sessions, Project)
    assert len(tiers_per_project) >= len(projects) / 2
    assert all(2 <= count <= 4 for count in tiers_per_project.values())
    assert any(project.id not in tiers_per_project for project in projects)  # free gifts only


@reading
async def test_failed_all_or_nothing_project_refunded_everyone(demo: Loaded) -> None:
    failed = [p for p in await _all(demo.sessions, Project) if p.status is ProjectStatus.FAILED]
    pledges = await _all(demo.sessions, Pledge)
    for project in failed:
        assert project.funding_model is FundingModel.ALL_OR_NOTHING
        assert (project.raised_cents, project.contributors_count) == (0, 0)
        refunded = [pledge for pledge in pledges if pledge.project_id == project.id]
        assert refunded
        assert {pledge.status for pledge in refunded} == {PledgeStatus.REFUNDED}
        assert all(pledge.refunded_at > project.closed_at for pledge in refunded)


@reading
async def test_dates_follow_each_stage(demo: Loaded) -> None:
    for project in await _all(demo.sessions, Project):
        assert project.starts_at.tzinfo is not None
        assert project.ends_at.utcoffset() == timedelta(0)
        assert project.ends_at - project.starts_at == timedelta(days=project.duration_days)
        assert 30 <= project.duration_days <= 60
        if project.status is ProjectStatus.LIVE:
            assert project.closed_at is None
            assert timedelta(days=2) <= project.ends_at - NOW <= timedelta(days=55)
            assert project.starts_at < NOW
        else:
            assert project.ends_at < project.closed_at < NOW
    for pledge in await _all(demo.sessions, Pledge):
        assert pledge.paid_at is not None
        assert pledge.paid_at < NOW


@reading
async def test_texts_fit_their_columns(demo: Loaded) -> None:
    for model in (Project, RewardTier, User):
        for row in await _all(demo.sessions, model):
            for column in model.__table__.columns:
                value = getattr(row, column.key)
                if isinstance(column.type, String) and column.type.length and value:
                    assert len(value) <= column.type.length, (model.__name__, column.key, value)
    for project in await _all(demo.sessions, Project):
        assert len(project.title) <= 80
        assert 20 <= len(project.summary) <= 280
        assert 300 <= len(project.description) <= 1500
        assert "\n\n" in project.description
        assert project.breton_connection
        assert project.commune
        # The title first, then its translation's where there is one (bilingual projects).
        assert project.search_title.strip().startswith(fold(project.title))
        assert fold(project.commune) in project.search_text
    for tier in await _all(demo.sessions, RewardTier):
        assert tier.title
        assert tier.description


@reading
async def test_demo_users_are_never_messaged(demo: Loaded) -> None:
    users = await _all(demo.sessions, User)
    assert users
    for user in users:
        assert user.id > max(DEMO_USER_ID_BASE, 2**52)  # above any id Telegram can assign
        assert user.blocked
        assert user.locale in {"fr", "br"}
        assert user.locale_chosen
    assert {user.locale for user in users} == {"fr", "br"}


@reading
async def test_some_projects_are_bilingual_and_found_by_their_breton_words(demo: Loaded) -> None:
    translations = {t.project_id: t for t in await _all(demo.sessions, ProjectTranslation)}
    by_slug = {p.slug: p for p in await _all(demo.sessions, Project)}
    bilingual = {slug for slug, p in by_slug.items() if p.id in translations}
    assert len(bilingual) >= 3
    assert "diwan-gwened-troisieme-classe" in bilingual
    diwan = by_slug["diwan-gwened-troisieme-classe"]
    breton = translations[diwan.id]
    assert (breton.locale, breton.title) == (
        "br", "Skol Diwan Gwened : ur c'hlas nevez evit an distro-skol",
    )  # fmt: skip
    for slug in bilingual:
        project, text = by_slug[slug], translations[by_slug[slug].id]
        assert len(text.title) <= 80
        assert 20 <= len(text.summary) <= 280
        assert text.title != project.title
        assert text.summary != project.summary
        # Both versions are searched: the Breton words are in the project's search text.
        assert f" {fold(text.title)} " in project.search_text
        assert f" {fold(text.summary)} " in project.search_text


async def test_a_project_loaded_before_its_translation_gets_it_on_the_next_load(
    tmp_path: Path,
) -> None:
    url = await fresh_database("sqlite", tmp_path)
    engine = create_engine(url)
    try:
        await upgrade_schema(engine)
        sessions = create_session_factory(engine)
        await load_demo_data(sessions, now=NOW)
        async with sessions.begin() as session:  # as a catalogue loaded before the translations
            await session.execute(delete(ProjectTranslation))
            await session.execute(update(Project).values(search_title="", search_text=""))
        again = await load_demo_data(sessions, now=NOW)
        assert again.created == 0
        translated = sum(1 for project in DEMO_PROJECTS if project.translation is not None)
        assert len(await _all(sessions, ProjectTranslation)) == translated
        twice = len(await _all(sessions, ProjectTranslation))
        await load_demo_data(sessions, now=NOW)
        assert len(await _all(sessions, ProjectTranslation)) == twice
        projects = {p.slug: p for p in await _all(sessions, Project)}
        # Indexed again, with the translation: its words, and the project's own.
        assert " grennarded " in projects["podcast-klevet-rennes"].search_text
        assert " podcast " in projects["podcast-klevet-rennes"].search_text
    finally:
        await engine.dispose()


def test_figures_do_not_depend_on_the_day_of_loading() -> None:
    assert len({project.slug for project in DEMO_PROJECTS}) == len(DEMO_PROJECTS)
    later = datetime(2031, 5, 17, 9, 30, tzinfo=UTC)
    for project in DEMO_PROJECTS:
        today, then = plan_backing(project, NOW), plan_backing(project, later)
        assert [(p.user_id, p.amount_cents, p.tier_position) for p in today.pledges] == [
            (p.user_id, p.amount_cents, p.tier_position) for p in then.pledges
        ]
        assert sum(p.amount_cents for p in today.pledges) == project.raised_target_cents


@reading
async def test_loading_twice_adds_nothing(demo: Loaded) -> None:
    """Last: it loads into the database the tests above read (adding nothing, if it passes)."""
    before = await _counts(demo.sessions)
    again = await load_demo_data(demo.sessions, now=NOW + timedelta(days=3))
    assert again == DemoReport(created=0, already_present=len(DEMO_PROJECTS), pledges=0)
    assert await _counts(demo.sessions) == before
