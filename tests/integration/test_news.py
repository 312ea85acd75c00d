"""A news post reaches each follower and contributor once, and the owner sees the count."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain import PledgeStatus, ProjectStatus
from bot.notifications.sender import OutboxSender
from bot.services.news import NewsRefused, NewsService
from bot.storage.models import Follow, Pledge
from bot.telegram.intake import KengoBot
from tests.dialogue import text_of
from tests.factories import add_project, add_user
from tests.fakes.bot_api import BotApiEmulator

Sessions = async_sessionmaker[AsyncSession]


async def test_only_the_owner_of_a_live_project_may_post(sessions: Sessions) -> None:
    news = NewsService(sessions)
    owner, other = await add_user(sessions), await add_user(sessions)
    live = await add_project(sessions, owner)
    draft = await add_project(sessions, owner, status=ProjectStatus.DRAFT)
    with pytest.raises(NewsRefused):
        await news.draft(other.id, live.id, "Coucou")
    with pytest.raises(NewsRefused):
        await news.draft(owner.id, draft.id, "Coucou")
    with pytest.raises(NewsRefused):
        await news.draft(owner.id, live.id, "   ")
    post = await news.draft(owner.id, live.id, "Coucou")
    with pytest.raises(NewsRefused):
        await news.publish(other.id, post.post_id)
    await news.publish(owner.id, post.post_id)
    with pytest.raises(NewsRefused):
        await news.publish(owner.id, post.post_id)  # a double tap sends nothing twice


async def test_a_post_reaches_everyone_once_in_their_language_with_progress(
    sessions: Sessions,
    emulator: BotApiEmulator,
    sender: OutboxSender,
    outbox_bot: KengoBot,
) -> None:
    news = NewsService(sessions)
    owner = await add_user(sessions, locale="br")
    fan_fr = await add_user(sessions, locale="fr")
    fan_br = await add_user(sessions, locale="br")
    backer = await add_user(sessions, locale="fr")
    project = await add_project(sessions, owner, title="Bagad <Gwenrann>")
    async with sessions.begin() as session:
        for user in (fan_fr, fan_br, backer):
            session.add(Follow(user_id=user.id, project_id=project.id))
        session.add(Follow(user_id=owner.id, project_id=project.id))
        session.add(Pledge(user_id=backer.id, project_id=project.id, amount_cents=2000,
                           status=PledgeStatus.PAID))  # fmt: skip
    for user in (owner, fan_fr, fan_br, backer):
        emulator.user(user.id, user.first_name)
    draft = await news.draft(owner.id, project.id, "Ar c'hornioù nevez a zo erru & prest !")
    publication = await news.publish(owner.id, draft.post_id)
    assert publication.recipients == 3
    progress = await outbox_bot.send_message(owner.id, "…")
    await news.attach_progress(publication.post_id, owner.id, progress.message_id)
    while await sender.deliver_due():
        pass
    french = emulator.calls("sendMessage", chat_id=fan_fr.id)
    breton = emulator.calls("sendMessage", chat_id=fan_br.id)
    assert len(french) == len(breton) == len(emulator.calls("sendMessage", chat_id=backer.id)) == 1
    assert "📰 <b>Nouvelles de « Bagad &lt;Gwenrann&gt; »</b>" in text_of(french[0])
    assert "📰 <b>Keleier « Bagad &lt;Gwenrann&gt; »</b>" in text_of(breton[0])
    assert "a zo erru &amp; prest" in text_of(breton[0])
    edits = emulator.calls("editMessageText", chat_id=owner.id)
    assert "resevet : 3 · bot stanket : 0" in text_of(edits[-1])
    assert (await news.delivery(publication.post_id)).done  # type: ignore[union-attr]
