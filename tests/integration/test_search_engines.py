"""Searches find the same projects, in the same order, on SQLite (FTS5) and PostgreSQL (LIKE
served by a trigram index): accents and case, Breton c'h and zh, communes and départements
named in French or in Breton, former communes merged into a commune nouvelle, and a project's
title and summary in its other language."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.catalogue.service import CatalogueService
from bot.domain import Category, Departement, ListView, Order, utcnow
from bot.storage.engine import create_engine, create_session_factory
from bot.storage.models import ProjectTranslation
from tests.databases import PreparedDatabases
from tests.factories import add_project, add_user

Sessions = async_sessionmaker[AsyncSession]
_22, _29, _35, _44 = (Departement(number) for number in ("22", "29", "35", "44"))
# title, summary, commune, département, category; they end one day apart, in this order.
PROJECTS = [
    ("Fest-noz de Kemper", "Danser jusqu'au bout de la nuit.", "Quimper", _29, Category.CULTURE),
    ("C'hoari e brezhoneg", "Un c’hoari evit ar vugale, skol Diwan.", "Lannion", _22,
     Category.BRETON_LANGUAGE),
    ("Crêperie de Roazhon", "Des crêpes et du cidre, place des Lices.", "Rennes", _35,
     Category.SOLIDARITY),
    ("Moulin de Moñforzh", "Restaurer la roue à aubes.", "Montfort-sur-Meu", _35,
     Category.HERITAGE),
    ("Breizh a-bezh", "Une fresque pour toute la Bretagne.", None, _44, Category.CULTURE),
    ("Régate à Naoned", "Des vieux gréements sur la Loire, fest-noz le soir.", "Nantes", _44,
     Category.SPORT),
    ("L'école Diwan de Quimper", "Une classe de plus, en breton.", "Quimper", _29,
     Category.BRETON_LANGUAGE),
    ("Chorale du Penthièvre", "Chanter ensemble.", "Lamballe-Armor", _22, Category.CULTURE),
]  # fmt: skip
# Typed as people type them -> the titles found, in the catalogue's order for a search.
EXPECTED = {
    "fest noz": ["Fest-noz de Kemper", "Régate à Naoned"],
    "FEST-NOZ": ["Fest-noz de Kemper", "Régate à Naoned"],
    "crêpes": ["Crêperie de Roazhon"],
    "CREPE": ["Crêperie de Roazhon"],
    "c'hoari": ["C'hoari e brezhoneg"],
    "C’HOARI": ["C'hoari e brezhoneg"],
    "hoari": [],  # c'h is one letter: "hoari" is not a word here
    "choari": ["C'hoari e brezhoneg"],  # c'h written ch
    "c hoari": ["C'hoari e brezhoneg"],  # or with a space for its apostrophe
    "avec huile": [],  # which never joins two French words
    "brezhoneg": ["C'hoari e brezhoneg"],
    "brezoneg": ["C'hoari e brezhoneg"],  # zh written z
    "roazhon": ["Crêperie de Roazhon"],
    "roazon": ["Crêperie de Roazhon"],
    "montfort": ["Moulin de Moñforzh"],  # the commune, from the gazetteer
    "lambal": ["Chorale du Penthièvre"],  # a former commune's Breton name, now Lamballe-Armor
    "morieux": ["Chorale du Penthièvre"],  # another commune merged into Lamballe-Armor
    "rennes": ["Crêperie de Roazhon"],
    "monforzh": ["Moulin de Moñforzh"],
    "breizh": ["Breizh a-bezh"],
    "kemper": ["Fest-noz de Kemper", "L'école Diwan de Quimper"],
    "quimper": ["L'école Diwan de Quimper", "Fest-noz de Kemper"],  # the title's hit comes first
    "quimper diwan": ["L'école Diwan de Quimper"],
    "ecole": ["L'école Diwan de Quimper"],
    "l'école": ["L'école Diwan de Quimper"],
    "finistère": ["Fest-noz de Kemper", "L'école Diwan de Quimper"],
    "penn-ar-bed": ["Fest-noz de Kemper", "L'école Diwan de Quimper"],
    "Il-ha-Gwilen": ["Crêperie de Roazhon", "Moulin de Moñforzh"],
    "loire atlantique": ["Breizh a-bezh", "Régate à Naoned"],
    "liger atlantel": ["Breizh a-bezh", "Régate à Naoned"],
    "aodoù an arvor": ["C'hoari e brezhoneg", "Chorale du Penthièvre"],
    "lannuon": ["C'hoari e brezhoneg"],
    "nantes": ["Régate à Naoned"],
    "krampouezh": ["Crêperie de Roazhon"],  # only in its Breton version
    "ti krampouezh": ["Crêperie de Roazhon"],
    "zzz": [],
}
# The Breton version of one project (its title and summary in the other language).
TRANSLATED = ("Crêperie de Roazhon", "Ti-krampouezh Roazhon", "Krampouezh ha chistr.")


async def _load(sessions: Sessions) -> int:
    owner = await add_user(sessions)
    for days, (title, summary, commune, departement, category) in enumerate(PROJECTS, 1):
        project = await add_project(sessions, owner, title=title, summary=summary,
                                    commune=commune, departement=departement, category=category,
                                    ends_at=utcnow() + timedelta(days=days))  # fmt: skip
        if title == TRANSLATED[0]:
            breton = {"title": TRANSLATED[1], "summary": TRANSLATED[2]}
            async with sessions.begin() as session:  # after its project, as the wizard writes it
                session.add(ProjectTranslation(project_id=project.id, locale="br", **breton))
    return owner.id


async def _found(sessions: Sessions, user_id: int, query: str, view: ListView) -> list[str]:
    page = await CatalogueService(sessions).search(user_id, query, view)
    return [item.title for item in page.items]


async def test_searches_find_what_people_mean(sessions: Sessions) -> None:
    """On each engine in turn (see tests/conftest.py): the same expectations for both."""
    user_id = await _load(sessions)
    found = {query: await _found(sessions, user_id, query, ListView()) for query in EXPECTED}
    assert found == EXPECTED


# Filters, orders and inline mode around the searches, for the side-by-side comparison.
VIEWS = [
    ListView(),
    ListView(category=Category.BRETON_LANGUAGE),
    ListView(departement=_35, sort=Order.NEWEST),
    ListView(sort=Order.MOST_BACKED),
    ListView(sort=Order.ALMOST_FUNDED),
]


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL")
async def test_both_engines_give_the_same_results(
    tmp_path: Path, prepared_databases: PreparedDatabases
) -> None:
    results = []
    for backend in ("sqlite", "postgresql"):
        engine = create_engine(await prepared_databases.migrated(backend, tmp_path))
        try:
            sessions = create_session_factory(engine)
            user_id = await _load(sessions)
            catalogue = CatalogueService(sessions)
            searches = [
                await _found(sessions, user_id, query, view) for query in EXPECTED for view in VIEWS
            ]
            inline = [[p.title for p in await catalogue.inline(query)] for query in EXPECTED]
            results.append((searches, inline))
        finally:
            await engine.dispose()
    sqlite, postgresql = results
    assert postgresql == sqlite
    assert sum(bool(titles) for titles in sqlite[0]) > len(sqlite[0]) / 3  # they find things
