"""Projects stored before the gazetteer are re-indexed by migration 0019: found by their
commune's Breton name and by Breton spellings (c'h as ch, zh as z)."""

from __future__ import annotations

from sqlalchemy import update

from bot.catalogue.service import CatalogueService
from bot.domain import Departement, ListView
from bot.storage.engine import create_engine, create_session_factory, upgrade_schema
from bot.storage.models import Project
from tests.factories import add_project, add_user


async def test_the_migration_reindexes_projects_with_the_gazetteer_and_breton_spellings(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    try:
        await upgrade_schema(engine, "0018_tier_messages")  # the revision before
        sessions = create_session_factory(engine)
        owner = await add_user(sessions)
        project = await add_project(
            sessions, owner, title="C'hoari e brezhoneg", summary="Skol vrezhonek.",
            commune="Pleyben", departement=Departement.FINISTERE,
        )  # fmt: skip
        # As the revision before wrote it: c'h kept whole, no Breton name for Pleyben (the old
        # short list of communes did not hold it).
        async with sessions.begin() as session:
            await session.execute(
                update(Project)
                .where(Project.id == project.id)
                .values(
                    search_title=" c'hoari e brezhoneg ",
                    search_text=" c'hoari e brezhoneg pleyben finistere penn ar bed skol "
                    "vrezhonek ",
                )
            )
        catalogue = CatalogueService(sessions)
        assert (await catalogue.search(owner.id, "Pleiben", ListView())).items == []

        await upgrade_schema(engine)
        for typed in ("Pleiben", "Pleyben", "choari", "c'hoari", "brezoneg", "Penn-ar-Bed"):
            page = await catalogue.search(owner.id, typed, ListView())
            assert [item.title for item in page.items] == ["C'hoari e brezhoneg"], typed
    finally:
        await engine.dispose()
