"""Projects written before their search text held their département are found by its names."""

from __future__ import annotations

from sqlalchemy import update

from bot.catalogue.service import CatalogueService
from bot.domain import Departement, ListView
from bot.search.text import project_search_fields
from bot.storage.engine import create_engine, create_session_factory, upgrade_schema
from bot.storage.models import Project
from tests.factories import add_project, add_user


async def test_the_migration_indexes_the_departement_of_projects_already_there(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    try:
        await upgrade_schema(engine, "0012_wizard_live_messages")  # the revision before
        sessions = create_session_factory(engine)
        owner = await add_user(sessions)
        project = await add_project(
            sessions, owner, title="Fest-noz", commune="Douarnenez",
            departement=Departement.FINISTERE,
        )  # fmt: skip
        # As the revision before wrote it: the commune's names, not the département's.
        _, old_text = project_search_fields("Fest-noz", project.summary, "Douarnenez")
        async with sessions.begin() as session:
            await session.execute(
                update(Project).where(Project.id == project.id).values(search_text=old_text)
            )
        catalogue = CatalogueService(sessions)
        assert (await catalogue.search(owner.id, "Penn-ar-Bed", ListView())).items == []

        await upgrade_schema(engine)
        for typed in ("Penn-ar-Bed", "finistère", "fest-noz douarnenez"):
            page = await catalogue.search(owner.id, typed, ListView())
            assert [item.title for item in page.items] == ["Fest-noz"], typed
    finally:
        await engine.dispose()
