"""The owner's dashboard and news posts."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from bot.storage.models import Project
from tests.bot_database import db_execute, project_id
from tests.dialogue import (
    WAIT,
    answer_to,
    buttons,
    follow_through_link,
    my_projects,
    press_label,
    text_of,
)
from tests.fakes.bot_api import BotApiEmulator
from tests.journeys.harness import KengoInProcess

pytestmark = pytest.mark.journey


async def test_owner_sees_figures_and_news_reaches_each_follower_once_in_their_language(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    repair = await project_id(database_url, "repair-cafe-saint-brieuc")
    owner = emulator.user(601, "Katell")
    fans = [emulator.user(602, "Yann", language_code="fr"),
            emulator.user(603, "Erwan", language_code="br")]  # fmt: skip
    await answer_to(emulator, owner, "/aide")
    await db_execute(database_url, update(Project).where(Project.id == repair).values(owner_id=601))
    for fan in fans:
        await follow_through_link(emulator, fan, repair, sharer=601)  # Katell's share link

    mine = await my_projects(emulator, owner)
    assert "📂 <b>Mes projets</b>" in text_of(mine)
    assert "en campagne" in text_of(mine)
    board = await press_label(emulator, owner, mine, "Repair")
    assert "<b>Liens de partage</b>" in text_of(board)
    assert "Katell : 2 visites · 0 soutien" in text_of(board)
    prompt = await press_label(
        emulator, owner, board, "Publier une actualité", method="sendMessage"
    )
    assert "Écrivez votre actualité" in text_of(prompt)
    mark = emulator.mark()
    await owner.send("L'atelier ouvre samedi <enfin> & on vous attend !")
    preview = await emulator.wait_for(
        "sendMessage",
        lambda c: "Envoyer à" in str(c.params.get("reply_markup")),
        chat_id=601,
        since=mark,
        timeout=WAIT,
    )
    assert "samedi &lt;enfin&gt; &amp; on vous attend" in text_of(preview)
    assert emulator.calls("sendMessage", chat_id=602)[-1].params["text"] != text_of(preview)
    send = next(data for label, data in buttons(preview).items() if "Envoyer" in label)
    mark = emulator.mark()
    await owner.press(send)
    await owner.press(send)  # a double tap sends nothing twice
    french = await emulator.wait_for("sendMessage", lambda c: "Nouvelles de" in text_of(c),
                                     chat_id=602, since=mark, timeout=WAIT)  # fmt: skip
    breton = await emulator.wait_for("sendMessage", lambda c: "Keleier" in text_of(c),
                                     chat_id=603, since=mark, timeout=WAIT)  # fmt: skip
    assert "samedi &lt;enfin&gt;" in text_of(french)
    assert "samedi &lt;enfin&gt;" in text_of(breton)
    final = await emulator.wait_for("editMessageText", lambda c: "reçue : 2" in text_of(c),
                                    chat_id=601, since=mark, timeout=WAIT)  # fmt: skip
    assert "✅ Actualité envoyée" in text_of(final)
    since_send = emulator.calls(include_failed=True)[mark:]
    news_to = [c.params["chat_id"] for c in since_send if c.ok and c.method == "sendMessage"
               and ("Nouvelles de" in text_of(c) or "Keleier «" in text_of(c))]  # fmt: skip
    assert sorted(news_to) == [602, 603]
