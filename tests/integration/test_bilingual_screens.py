"""Screens that load a project whole (not through the catalogue's statements) still title a
bilingual project in their reader's language: the owner's dashboard, the moderators' list of
live projects for partner matches."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.matching import MatchService
from bot.services.owner import OwnerService
from bot.storage.models import Project, ProjectTranslation, User
from tests.factories import add_project, add_user

Sessions = async_sessionmaker[AsyncSession]
FRENCH, BRETON = "Fest-noz d'été", "Fest-noz hañv"


async def _bilingual(sessions: Sessions) -> tuple[User, Project]:
    owner = await add_user(sessions)
    project = await add_project(sessions, owner, title=FRENCH)
    async with sessions.begin() as session:
        breton = {"title": BRETON, "summary": "Un nozvezh dañs."}
        session.add(ProjectTranslation(project_id=project.id, locale="br", **breton))
    return owner, project


async def test_the_owners_dashboard_is_titled_in_the_owners_language(sessions: Sessions) -> None:
    owner, project = await _bilingual(sessions)
    for locale, title in (("fr", FRENCH), ("br", BRETON)):
        async with sessions.begin() as session:
            await session.execute(update(User).where(User.id == owner.id).values(locale=locale))
        board = await OwnerService(sessions).dashboard(owner.id, project.id)
        assert board is not None
        assert board.project.title == title
        listed = await OwnerService(sessions).projects(owner.id)
        assert [summary.title for summary in listed] == [title]  # as the list titles it


async def test_moderators_read_a_bilingual_project_in_their_language(sessions: Sessions) -> None:
    _, project = await _bilingual(sessions)
    matches = MatchService(sessions)
    for locale, title in (("br", BRETON), ("fr", FRENCH)):
        items, _ = await matches.live_projects(0, locale)
        assert [summary.title for summary, _ in items] == [title]
        found = await matches.project(project.id, locale)
        assert found is not None
        assert found[0].title == title
