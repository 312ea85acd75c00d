"""The live progress message of a connected chat: edited at most once a minute, never
unchanged, posted anew when deleted; a chat the bot can no longer post in is disconnected."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.catalogue.service import CatalogueService
from bot.domain import ChatType, MatchRule, ProjectStatus, utcnow
from bot.i18n.translator import Catalogs
from bot.notifications.chat_queue import queue_for_chats
from bot.notifications.chats import ChatPoster
from bot.notifications.kinds import Kind
from bot.services.community import CommunityService
from bot.services.matching import MatchService
from bot.storage.models import ConnectedChat, Project, ProjectTranslation
from bot.telegram.intake import KengoBot
from tests.dialogue import plain
from tests.factories import add_project, add_user
from tests.fakes.bot_api import BotApiEmulator, FakeGroup

Sessions = async_sessionmaker[AsyncSession]
GROUP = -1001234


class Clock:
    """The poster's clock, moved by the test: a minute passes in no time."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


async def _connected(
    sessions: Sessions, emulator: BotApiEmulator, *, language: str = "fr"
) -> tuple[FakeGroup, int, int]:
    """A project connected to a group where the bot is an administrator."""
    owner_user = await add_user(sessions, id=701, first_name="Katell", locale=language)
    project = await add_project(sessions, owner_user, title="Fest-noz <Kemper>")
    owner = emulator.user(701, "Katell")
    group = emulator.group(GROUP, "Kemper & co", [owner])
    await group.add_bot(owner, admin=True, rights=frozenset({"can_pin_messages"}))
    community = CommunityService(sessions)
    screen = await community.screen(701, project.id)
    assert screen is not None
    connection = await community.connect(
        screen.invite_token, 701, GROUP, ChatType.SUPERGROUP, "Kemper & co", is_admin=True
    )
    assert connection.chat is not None
    async with sessions.begin() as session:
        row = await session.get(ConnectedChat, connection.chat.id)
        assert row is not None
        row.language = language
    return group, project.id, connection.chat.id


def _poster(sessions: Sessions, bot: KengoBot, clock: Clock) -> ChatPoster:
    """The poster as the sender builds it, with the catalogue's cards and the test's clock."""
    return ChatPoster(
        sessions, bot, Catalogs.load(), cards=CatalogueService(sessions), every=60, clock=clock
    )


async def _raise(sessions: Sessions, project_id: int, cents: int, contributors: int) -> None:
    async with sessions.begin() as session:
        await session.execute(
            update(Project)
            .where(Project.id == project_id)
            .values(raised_cents=cents, contributors_count=contributors)
        )


async def test_progress_is_coalesced_to_one_edit_a_minute_and_never_unchanged(
    sessions: Sessions, emulator: BotApiEmulator, outbox_bot: KengoBot
) -> None:
    group, project_id, _ = await _connected(sessions, emulator)
    clock = Clock()
    poster = _poster(sessions, outbox_bot, clock)
    await poster.round()  # the card, then the progress message, pinned
    card, progress = group.messages()
    assert "Fest-noz &lt;Kemper&gt;" in (card.raw_text or "")
    assert card.button("Soutenir")["url"].endswith(f"?start=p{project_id}-c1")
    assert "0 €" in plain(progress.text or "")
    assert group.pinned_message_id == progress.message_id

    await _raise(sessions, project_id, 10_000, 1)  # paid within the minute: not shown yet
    clock.advance(30)
    await poster.round()
    await _raise(sessions, project_id, 25_000, 2)
    clock.advance(20)
    await poster.round()
    assert emulator.calls("editMessageText", chat_id=GROUP) == []

    clock.advance(11)  # a minute since the progress was posted: the latest state wins
    await poster.round()
    edits = emulator.calls("editMessageText", chat_id=GROUP)
    assert len(edits) == 1
    assert "250 €" in plain(edits[0].params["text"])
    assert "2 contributeurs" in plain(edits[0].params["text"])

    clock.advance(61)  # nothing changed: no edit (Telegram would refuse it)
    await poster.round()
    assert len(emulator.calls("editMessageText", chat_id=GROUP, include_failed=True)) == 1


async def test_a_deleted_progress_message_is_posted_again_in_the_chat_language(
    sessions: Sessions, emulator: BotApiEmulator, outbox_bot: KengoBot
) -> None:
    group, project_id, _ = await _connected(sessions, emulator, language="br")
    clock = Clock()
    poster = _poster(sessions, outbox_bot, clock)
    await poster.round()
    progress = group.messages()[-1]
    await outbox_bot.delete_message(GROUP, progress.message_id)
    await _raise(sessions, project_id, 5_000, 1)
    clock.advance(61)
    await poster.round()
    newer = group.messages()[-1]
    assert newer.message_id > progress.message_id
    assert "50 €" in plain(newer.text or "")
    assert "1 roer" in plain(newer.text or "")  # in Breton, the chat's language


async def test_a_chat_the_bot_was_removed_from_is_disconnected_and_its_owner_told(
    sessions: Sessions, emulator: BotApiEmulator, outbox_bot: KengoBot
) -> None:
    group, project_id, chat_row = await _connected(sessions, emulator)
    clock = Clock()
    poster = _poster(sessions, outbox_bot, clock)
    await poster.round()
    await group.remove_bot(group.creator, tell_bot=False)  # an update the bot never got
    await _raise(sessions, project_id, 5_000, 1)
    clock.advance(61)
    await poster.round()
    async with sessions() as session:
        row = await session.scalar(select(ConnectedChat).where(ConnectedChat.id == chat_row))
    assert row is not None
    assert row.disconnected_at is not None
    told = emulator.calls("sendMessage", chat_id=701)
    assert len(told) == 1
    assert "ne peut plus publier" in plain(told[0].params["text"])
    clock.advance(61)
    await poster.round()  # disconnected: nothing more is tried there
    assert len(emulator.calls("editMessageText", chat_id=GROUP, include_failed=True)) == 1


async def test_a_finished_campaign_is_shown_once_more_then_left_alone(
    sessions: Sessions, emulator: BotApiEmulator, outbox_bot: KengoBot
) -> None:
    _, project_id, _ = await _connected(sessions, emulator)
    clock = Clock()
    poster = _poster(sessions, outbox_bot, clock)
    await poster.round()
    clock.advance(30)
    async with sessions.begin() as session:  # the campaign ends between two looks
        await session.execute(
            update(Project)
            .where(Project.id == project_id)
            .values(status=ProjectStatus.SUCCEEDED, closed_at=clock.now, raised_cents=90_000)
        )
    clock.advance(31)
    await poster.round()
    assert len(emulator.calls("editMessageText", chat_id=GROUP)) == 1  # the outcome shown

    await _raise(sessions, project_id, 80_000, 3)  # a late refund: not worth a look a minute
    for _ in range(3):
        clock.advance(61)
        await poster.round()
    assert len(emulator.calls("editMessageText", chat_id=GROUP)) == 1


async def test_the_progress_message_shows_a_partners_match_and_what_triggers_it(
    sessions: Sessions, emulator: BotApiEmulator, outbox_bot: KengoBot
) -> None:
    group, project_id, _ = await _connected(sessions, emulator)
    matches = MatchService(sessions)
    draft = await matches.start(900_001, project_id)
    await matches.name(900_001, draft.draft_id, "Région Bretagne")
    await matches.rule(900_001, draft.draft_id, MatchRule.THRESHOLD)
    await matches.value(900_001, draft.draft_id, "80")
    await matches.end(900_001, draft.draft_id, None)
    await matches.confirm(900_001, draft.draft_id)
    poster = _poster(sessions, outbox_bot, Clock())
    await poster.round()
    progress = plain(group.messages()[-1].text or "")
    assert "Région Bretagne complète le reste dès 80 % de l'objectif" in progress
    assert "👉 Encore" in progress
    assert "et Région Bretagne complète le reste !" in progress


async def test_a_bilingual_project_is_shown_in_the_chat_language(
    sessions: Sessions, emulator: BotApiEmulator, outbox_bot: KengoBot
) -> None:
    group, project_id, _ = await _connected(sessions, emulator, language="br")
    async with sessions.begin() as session:
        breton = {"title": "Fest-noz Kemper", "summary": "Un nozvezh dañs."}
        session.add(ProjectTranslation(project_id=project_id, locale="br", **breton))
    await _poster(sessions, outbox_bot, Clock()).round()
    card, progress = group.messages()
    assert "Fest-noz Kemper" in (card.raw_text or "")
    assert "e brezhoneg" in plain(card.raw_text or "")
    assert "Fest-noz Kemper" in (progress.text or "")


async def test_a_milestone_names_a_bilingual_project_in_the_chat_language(
    sessions: Sessions, emulator: BotApiEmulator, outbox_bot: KengoBot
) -> None:
    group, project_id, _ = await _connected(sessions, emulator, language="br")
    poster = _poster(sessions, outbox_bot, Clock())
    await poster.round()  # the card and the progress message
    async with sessions.begin() as session:
        breton = {"title": "Fest-noz Kemper", "summary": "Un nozvezh dañs."}
        session.add(ProjectTranslation(project_id=project_id, locale="br", **breton))
        payload = {"title": "Fest-noz <Kemper>", "percent": 50}
        await queue_for_chats(session, project_id, Kind.MILESTONE, "milestone:50", payload)
    await poster.round()
    milestone = group.messages()[-1]
    assert "Fest-noz Kemper" in (milestone.text or "")
    assert "Fest-noz &lt;Kemper&gt;" not in (milestone.raw_text or "")
