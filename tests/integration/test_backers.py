"""The owner's backer list, messages to one reward's contributors, and the erasure of a
contributor's personal data (by them after the campaign, or by the sweep a year later)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.catalogue.queries import ProjectQueries
from bot.domain import DeliveryMode, ProjectStatus, SupporterDisplay, utcnow
from bot.notifications.kinds import Kind
from bot.services.backers import BackersService, purge_expired
from bot.services.news import NewsService
from bot.storage.models import Follow, OutboxMessage, Pledge
from tests.factories import add_paid_pledge, add_project, add_user

Sessions = async_sessionmaker[AsyncSession]
ADDRESS = {"line1": "3 straed an Iliz", "postal_code": "29200", "city": "Brest", "country": "FR"}


async def test_the_owner_pages_backers_per_reward_and_nobody_else_sees_them(
    sessions: Sessions,
) -> None:
    backers = BackersService(sessions)
    owner, stranger = await add_user(sessions), await add_user(sessions)
    project = await add_project(sessions, owner, tiers=[
        {"title": "Pins", "min_amount_cents": 1_500, "delivery_mode": DeliveryMode.SHIPPED},
        {"title": "Atelier", "min_amount_cents": 3_000},
    ])  # fmt: skip
    pins, workshop = project.reward_tiers
    anna = await add_user(sessions, first_name="Anna")
    hidden = SupporterDisplay.ANONYMOUS
    await add_paid_pledge(sessions, anna, project, pins, shipping_name="Anna Kerleau",
                          shipping_address=ADDRESS, supporter_display=hidden)  # fmt: skip
    for _ in range(11):
        await add_paid_pledge(sessions, await add_user(sessions), project, workshop)
    await add_paid_pledge(sessions, anna, project, None, status="refunded")  # not paid

    first = await backers.page(owner.id, project.id, None, 0)
    assert first is not None
    assert (first.total, first.pages, len(first.backers)) == (12, 2, 10)
    assert {(t.title, t.backers) for t in first.tiers} == {("Pins", 1), ("Atelier", 11)}
    last = await backers.page(owner.id, project.id, None, 99)  # past the end: the last page
    assert last is not None
    assert (last.page, len(last.backers)) == (1, 2)
    only_pins = await backers.page(owner.id, project.id, pins.id, 0)
    assert only_pins is not None
    assert [b.name for b in only_pins.backers] == ["Anna Kerleau"]
    assert only_pins.backers[0].address == ADDRESS
    assert await backers.page(stranger.id, project.id, None, 0) is None
    assert await backers.export(stranger.id, project.id) is None
    other = await add_project(sessions, owner, tiers=[{"title": "x", "min_amount_cents": 100}])
    assert await backers.page(owner.id, project.id, other.reward_tiers[0].id, 0) is None
    export = await backers.export(owner.id, project.id)
    assert export is not None
    assert len(export[1]) == 12


async def test_a_reward_message_reaches_its_contributors_only_and_stays_out_of_the_news(
    sessions: Sessions,
) -> None:
    news = NewsService(sessions)
    owner = await add_user(sessions)
    project = await add_project(sessions, owner, status=ProjectStatus.SUCCEEDED, tiers=[
        {"title": "Pins", "min_amount_cents": 1_500},
        {"title": "Atelier", "min_amount_cents": 3_000},
    ])  # fmt: skip
    pins, workshop = project.reward_tiers
    a1, a2 = await add_user(sessions), await add_user(sessions)
    b1, follower = await add_user(sessions), await add_user(sessions)
    blocked_user = await add_user(sessions, blocked=True)
    for user in (a1, a2):
        await add_paid_pledge(sessions, user, project, pins)
    await add_paid_pledge(sessions, a1, project, pins)  # twice: one message
    await add_paid_pledge(sessions, blocked_user, project, pins)
    await add_paid_pledge(sessions, b1, project, workshop)
    async with sessions.begin() as session:
        session.add(Follow(user_id=follower.id, project_id=project.id))

    draft = await news.draft(owner.id, project.id, "Vos pins partent lundi", tier_id=pins.id)
    assert draft.recipients == 2
    sent = await news.publish(owner.id, draft.post_id)
    assert (sent.tier_id, sent.reward) == (pins.id, "Pins")
    async with sessions() as session:
        rows = (await session.execute(
            select(OutboxMessage.user_id, OutboxMessage.kind, OutboxMessage.payload)
        )).all()  # fmt: skip
    assert sorted(r.user_id for r in rows) == sorted([a1.id, a2.id])
    assert {r.kind for r in rows} == {Kind.TIER_MESSAGE.value}
    assert rows[0].payload["reward"] == "Pins"
    async with sessions() as session:  # not among the project's news
        assert list(await ProjectQueries(await session.connection()).news(project.id, 10)) == []
    assert await news.read(b1.id, draft.post_id) is None  # nobody else reads it by its id
    assert await news.read(a1.id, draft.post_id) is not None


async def test_erasure_after_the_campaign_and_the_purge_a_year_later(sessions: Sessions) -> None:
    backers = BackersService(sessions)
    owner, anna = await add_user(sessions), await add_user(sessions)
    live = await add_project(sessions, owner)
    over = await add_project(sessions, owner, status=ProjectStatus.SUCCEEDED,
                             ends_at=utcnow() - timedelta(days=3))  # fmt: skip
    kept = await add_paid_pledge(sessions, anna, live, shipping_address=ADDRESS)
    erasable = await add_paid_pledge(sessions, anna, over, shipping_address=ADDRESS,
                                     supporter_nickname="Annig")  # fmt: skip
    data = await backers.my_data(anna.id)
    assert data is not None
    assert sorted(p.erasable for p in data.pledges) == [False, True]
    assert await backers.erase(anna.id) == 1
    async with sessions() as session:
        gone = await session.get(Pledge, erasable.id)
        still = await session.get(Pledge, kept.id)
    assert gone is not None
    assert still is not None
    assert (gone.contact_email, gone.contact_name, gone.shipping_address,
            gone.supporter_nickname) == (None, None, None, None)  # fmt: skip
    assert gone.personal_data_erased_at is not None
    assert (gone.amount_cents, gone.status) == (erasable.amount_cents, erasable.status)
    assert still.contact_email
    assert still.shipping_address == ADDRESS
    listing = await backers.page(owner.id, over.id, None, 0)
    assert listing is not None
    assert listing.backers[0].erased

    # The sweep erases what nobody asked to erase, a year after the campaign ended.
    old = await add_project(sessions, owner, status=ProjectStatus.FAILED,
                            ends_at=utcnow() - timedelta(days=400))  # fmt: skip
    forgotten = await add_paid_pledge(sessions, anna, old)
    assert await purge_expired(sessions, utcnow()) == 1
    async with sessions() as session:
        purged = await session.get(Pledge, forgotten.id)
    assert purged is not None
    assert purged.contact_email is None
    assert purged.personal_data_erased_at is not None
