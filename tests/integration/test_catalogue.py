"""The catalogue: live projects only, filters, sorts, pages, search, cards, follows, visits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.catalogue import queries
from bot.catalogue.service import CatalogueService, StaleList, query_hash
from bot.domain import PAGE_SIZE, Category, Departement, ListView, Order, ProjectStatus, utcnow
from bot.search.sqlite_fts import matching_ids
from bot.search.text import search_terms
from bot.services.follows import FollowService
from bot.services.sharing import SharingService
from bot.storage.models import Follow, NewsPost, Project, ReferralVisit, User
from tests.factories import add_project, add_user

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
def catalogue(sessions: Sessions) -> CatalogueService:
    return CatalogueService(sessions)


@pytest.fixture
async def viewer(sessions: Sessions) -> User:
    return await add_user(sessions, first_name="Yann")


async def _titles(catalogue: CatalogueService, viewer: User, view: ListView) -> list[str]:
    return [item.title for item in (await catalogue.browse(viewer.id, view)).items]


async def test_only_live_campaigns_are_listed(
    sessions: Sessions, catalogue: CatalogueService, viewer: User
) -> None:
    owner = await add_user(sessions)
    await add_project(sessions, owner, title="En campagne")
    await add_project(sessions, owner, title="Brouillon", status=ProjectStatus.DRAFT)
    await add_project(sessions, owner, title="Réussi", status=ProjectStatus.SUCCEEDED)
    await add_project(sessions, owner, title="Échu", ends_at=utcnow() - timedelta(hours=1))
    assert await _titles(catalogue, viewer, ListView()) == ["En campagne"]


async def test_filters_and_sorts(
    sessions: Sessions, catalogue: CatalogueService, viewer: User
) -> None:
    owner = await add_user(sessions)
    now = utcnow()
    await add_project(sessions, owner, title="A", category=Category.SPORT,
                      departement=Departement.MORBIHAN, ends_at=now + timedelta(days=3),
                      starts_at=now - timedelta(days=20), raised_cents=450_000,
                      contributors_count=10)  # fmt: skip
    await add_project(sessions, owner, title="B", category=Category.CULTURE,
                      departement=Departement.MORBIHAN, ends_at=now + timedelta(days=9),
                      starts_at=now - timedelta(days=1), raised_cents=100_000,
                      contributors_count=90)  # fmt: skip
    await add_project(sessions, owner, title="C", category=Category.CULTURE,
                      departement=Departement.FINISTERE, ends_at=now + timedelta(days=6),
                      starts_at=now - timedelta(days=9), raised_cents=600_000,
                      contributors_count=50)  # fmt: skip
    assert await _titles(catalogue, viewer, ListView()) == ["A", "C", "B"]
    assert await _titles(catalogue, viewer, ListView(sort=Order.NEWEST)) == ["B", "C", "A"]
    # Already funded projects are not "almost funded".
    assert await _titles(catalogue, viewer, ListView(sort=Order.ALMOST_FUNDED)) == ["A", "B"]
    assert await _titles(catalogue, viewer, ListView(sort=Order.MOST_BACKED)) == ["B", "C", "A"]
    assert await _titles(catalogue, viewer, ListView(category=Category.CULTURE)) == ["C", "B"]
    morbihan = ListView(departement=Departement.MORBIHAN)
    assert await _titles(catalogue, viewer, morbihan) == ["A", "B"]
    both = ListView(category=Category.CULTURE, departement=Departement.MORBIHAN)
    assert await _titles(catalogue, viewer, both) == ["B"]
    assert await _titles(catalogue, viewer, ListView(category=Category.HERITAGE)) == []


async def test_pages_and_out_of_range_pages(
    sessions: Sessions, catalogue: CatalogueService, viewer: User
) -> None:
    owner = await add_user(sessions)
    for number in range(12):
        await add_project(sessions, owner, title=f"P{number:02d}",
                          ends_at=utcnow() + timedelta(days=number + 1))  # fmt: skip
    first = await catalogue.browse(viewer.id, ListView())
    assert (first.total, first.pages, len(first.items)) == (12, 3, PAGE_SIZE)
    last = await catalogue.browse(viewer.id, ListView(page=2))
    assert [item.title for item in last.items] == ["P10", "P11"]
    beyond = await catalogue.browse(viewer.id, ListView(page=40))
    assert (beyond.view.page, [item.title for item in beyond.items]) == (2, ["P10", "P11"])


async def test_deep_pages_list_the_same_projects(
    sessions: Sessions, catalogue: CatalogueService, viewer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Far down the list a page takes its ids first, then loads them: same rows, same order.
    owner = await add_user(sessions)
    for number in range(12):
        await add_project(sessions, owner, title=f"P{number:02d}", contributors_count=number % 4,
                          ends_at=utcnow() + timedelta(days=number + 1))  # fmt: skip
    views = [ListView(page=page, sort=order) for page in (1, 2) for order in Order]
    shallow = [await _titles(catalogue, viewer, view) for view in views]
    monkeypatch.setattr(queries, "_DEEP_OFFSET", PAGE_SIZE)
    assert [await _titles(catalogue, viewer, view) for view in views] == shallow
    assert shallow[0] == ["P05", "P06", "P07", "P08", "P09"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("crepes", ["Crêpes pour tous"]),
        ("CRÊPES", ["Crêpes pour tous"]),
        ("fest noz", ["Fest-noz de Kemper", "Un été de danse"]),
        ("kemper", ["Fest-noz de Kemper", "Crêpes pour tous"]),
        ("quimper", ["Crêpes pour tous", "Fest-noz de Kemper"]),
        ("naoned", ["Un été de danse"]),
        ("zzz introuvable", []),
    ],
)
async def test_search_is_accent_and_case_insensitive_and_knows_breton_names(
    sessions: Sessions, catalogue: CatalogueService, viewer: User, query: str,
    expected: list[str],
) -> None:  # fmt: skip
    owner = await add_user(sessions)
    now = utcnow()
    await add_project(sessions, owner, title="Crêpes pour tous", commune="Quimper",
                      summary="Une crêperie.", ends_at=now + timedelta(days=5))  # fmt: skip
    await add_project(sessions, owner, title="Fest-noz de Kemper", commune="Quimper",
                      summary="Danser ensemble.", ends_at=now + timedelta(days=9))  # fmt: skip
    await add_project(sessions, owner, title="Un été de danse", commune="Nantes",
                      summary="Un grand fest-noz au bord de l'eau.",
                      ends_at=now + timedelta(days=2))  # fmt: skip
    page = await catalogue.search(viewer.id, query, ListView())
    assert [item.title for item in page.items] == expected
    assert page.view.query_hash == query_hash(" ".join(query.split()))


async def test_list_buttons_of_an_older_search_are_stale(
    sessions: Sessions, catalogue: CatalogueService, viewer: User
) -> None:
    first = await catalogue.search(viewer.id, "crepes", ListView())
    await catalogue.search(viewer.id, "fest noz", ListView())
    with pytest.raises(StaleList):
        await catalogue.browse(viewer.id, first.view)
    with pytest.raises(StaleList):
        await catalogue.browse(viewer.id, ListView(query_hash="abcdef"))


async def test_card_of_a_public_project(
    sessions: Sessions, catalogue: CatalogueService, viewer: User
) -> None:
    owner = await add_user(sessions)
    tiers = [
        {"title": "Carte postale", "min_amount_cents": 1000},
        {"title": "Affiche", "min_amount_cents": 3000, "quantity_limit": 10, "claimed_count": 7,
         "reserved_count": 1},
        {"title": "Concert privé", "min_amount_cents": 50000, "quantity_limit": 2,
         "claimed_count": 2},
    ]  # fmt: skip
    project = await add_project(sessions, owner, tiers=tiers)
    async with sessions.begin() as session:
        session.add(
            NewsPost(
                project_id=project.id, author_id=owner.id, text="Merci !", published_at=utcnow()
            )
        )
    card = await catalogue.card(project.id, viewer.id)
    assert card is not None
    assert [(t.title, t.remaining) for t in card.tiers] == [
        ("Carte postale", None),
        ("Affiche", 2),
        ("Concert privé", 0),
    ]
    assert (card.following, card.news_count) == (False, 1)
    assert [item.text for item in await catalogue.news(project.id)] == ["Merci !"]


async def test_unpublished_projects_are_shown_to_their_owner_only(
    sessions: Sessions, catalogue: CatalogueService, viewer: User
) -> None:
    owner = await add_user(sessions)
    draft = await add_project(sessions, owner, status=ProjectStatus.IN_REVIEW)
    assert await catalogue.card(draft.id, viewer.id) is None
    assert await catalogue.card(draft.id, owner.id) is not None
    assert await catalogue.card(999_999, viewer.id) is None


async def test_follow_toggles_and_counts(
    sessions: Sessions, catalogue: CatalogueService, viewer: User
) -> None:
    follows = FollowService(sessions)
    owner = await add_user(sessions)
    project = await add_project(sessions, owner)
    assert await follows.toggle(viewer.id, project.id) is True
    card = await catalogue.card(project.id, viewer.id)
    assert card is not None
    assert card.following
    assert await follows.toggle(viewer.id, project.id) is False
    async with sessions() as session:
        assert (await session.get(Project, project.id)).followers_count == 0  # type: ignore[union-attr]
        assert (await session.scalars(select(Follow))).all() == []
    draft = await add_project(sessions, owner, status=ProjectStatus.DRAFT)
    assert await follows.toggle(viewer.id, draft.id) is None


async def test_share_visits_are_counted_once_per_visitor(sessions: Sessions, viewer: User) -> None:
    sharing = SharingService(sessions)
    owner = await add_user(sessions)
    project = await add_project(sessions, owner)
    assert await sharing.record_visit(project.id, owner.id, viewer.id) is True
    assert await sharing.record_visit(project.id, owner.id, viewer.id) is False
    assert await sharing.record_visit(project.id, viewer.id, viewer.id) is False
    assert await sharing.record_visit(123_456, owner.id, viewer.id) is False
    async with sessions() as session:
        assert len((await session.scalars(select(ReferralVisit))).all()) == 1


async def test_home_departement_is_remembered(
    sessions: Sessions, catalogue: CatalogueService, viewer: User
) -> None:
    assert await catalogue.home_of(viewer.id) is None
    await catalogue.set_home(viewer.id, Departement.LOIRE_ATLANTIQUE)
    assert await catalogue.home_of(viewer.id) is Departement.LOIRE_ATLANTIQUE


async def test_inline_results_match_or_end_soonest(
    sessions: Sessions, catalogue: CatalogueService
) -> None:
    owner = await add_user(sessions)
    for number in range(60):
        await add_project(sessions, owner, title=f"Projet {number}",
                          ends_at=utcnow() + timedelta(days=number + 1))  # fmt: skip
    await add_project(
        sessions, owner, title="Chapelle de Baud", ends_at=utcnow() + timedelta(days=90)
    )
    assert len(await catalogue.inline("")) == 50
    assert [p.title for p in await catalogue.inline("chapelle")] == ["Chapelle de Baud"]


async def test_search_follows_edits_and_deletions(
    sessions: Sessions, catalogue: CatalogueService, viewer: User
) -> None:
    # On SQLite, searches go through the FTS5 index: its triggers must follow every write.
    owner = await add_user(sessions)
    await add_project(sessions, owner, title="Moulin à eau", commune="Brest")
    project = await add_project(sessions, owner, title="Chapelle de Baud", commune="Quimper")

    async def found(query: str) -> list[str]:
        return [item.title for item in (await catalogue.search(viewer.id, query, ListView())).items]

    assert await found("chapelle") == ["Chapelle de Baud"]
    async with sessions.begin() as session:
        edited = await session.get(Project, project.id)
        assert edited is not None
        edited.title, edited.commune = "Moulin de Baud", "Vannes"
    assert await found("chapelle") == []
    assert await found("kemper") == []
    assert await found("gwened baud") == ["Moulin de Baud"]
    assert await found("moulin") == ["Moulin à eau", "Moulin de Baud"]
    async with sessions.begin() as session:
        await session.delete(await session.get(Project, project.id))
    assert await found("moulin") == ["Moulin à eau"]
    # SQLite gives the next project the deleted one's id: a stale index entry would show it.
    await add_project(sessions, owner, title="Four à pain", commune="Rennes")
    assert await found("baud") == []
    assert await found("four") == ["Four à pain"]


SEARCHED = [
    ("Fest-noz de la Saint-Jean", "Danser jusqu'au bout de la nuit.", "Quimper"),
    ("Crêpes et c'hoari", "Un c’hoari brezhoneg pour l'école Diwan.", "Lannion"),
    ("Récolte d'algues", "2 000 kg d'algues séchées au soleil.", "Brest"),
    ("Chapelle de Locronan", "Sauver les vitraux de la chapelle.", "Locronan"),
    ("Festival des chapelles", "Une fête pour toutes et tous.", None),
    ("L'île aux crêperies", "Des crêpes à 50% du prix, _vraiment_.", "Nantes"),
    ("Kan ha diskan", "Chanteurs et sonneurs du pays.", "Vannes"),
    ("École Diwan de Plouzévédé", "Une classe de plus en breton.", "Plouzévédé"),
]


async def test_full_text_index_finds_what_like_finds(sessions: Sessions) -> None:
    owner = await add_user(sessions)
    async with sessions() as session:
        if session.get_bind().dialect.name != "sqlite":
            pytest.skip("the FTS5 index is SQLite's; PostgreSQL searches with LIKE")
    for title, summary, commune in SEARCHED:
        await add_project(sessions, owner, title=title, summary=summary, commune=commune)

    async def ids(conditions: list[ColumnElement[bool]]) -> set[int]:
        async with sessions() as session:
            return set(await session.scalars(select(Project.id).where(*conditions)))

    queries = ["fest noz", "fest", "crepe", "crêpes", "c'hoari", "C’H", "ch", "hoari",
               "l'école diwan", "d'algues", "2 000", "kemper", "saint-jean", "chapelle", "ile",
               "50%", "_vraiment_", "naoned", "gwened", "kan ha diskan", "zz"]  # fmt: skip
    matched = 0
    for query in queries:
        terms = search_terms(query)
        like = await ids([Project.search_text.like(f"% {term}%") for term in terms])
        assert await ids([Project.id.in_(matching_ids(terms))]) == like, query
        matched += bool(like)
    assert matched >= len(queries) - 3  # most queries find something: the check means something
