"""Input modes as users meet them: modes stored by earlier versions, and buttons gone stale."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from bot.storage.models import Project, User
from tests.bot_database import db_execute, db_scalar, project_id
from tests.dialogue import (
    WAIT,
    answer_to,
    answer_to_press,
    buttons,
    expect,
    text_of,
    write_news,
)
from tests.fakes.bot_api import BotApiEmulator, FakeUser
from tests.journeys.harness import KengoInProcess

pytestmark = pytest.mark.journey

STALE = "Ce bouton n'est plus valable"


async def stored_mode(database_url: str, user: FakeUser) -> str | None:
    mode = await db_scalar(database_url, select(User.input_mode).where(User.id == user.id))
    return None if mode is None else str(mode)


async def set_stored_mode(database_url: str, user: FakeUser, mode: str) -> None:
    await db_execute(database_url, update(User).where(User.id == user.id).values(input_mode=mode))


def failed_answers(emulator: BotApiEmulator) -> list[str]:
    calls = emulator.calls("answerCallbackQuery", include_failed=True)
    return [str(call.error) for call in calls if not call.ok]


async def test_a_mode_stored_by_an_earlier_version_still_routes_what_is_typed(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    podcast = await project_id(database_url, "podcast-klevet-rennes")
    anna = emulator.user(701, "Anna")
    await answer_to(emulator, anna, "/aide")
    await set_stored_mode(database_url, anna, f"amount:{podcast}:0")
    await expect(emulator, anna, "15", "Récapitulatif")
    # Still pledging: another amount typed on the summary replaces this one.
    assert await stored_mode(database_url, anna) == f"amount:{podcast}:0"

    await set_stored_mode(database_url, anna, "amount:x:0")  # not a mode of ours: none at all
    await expect(emulator, anna, "15", "Aucun projet ne correspond à « 15 »")  # words: a search
    await set_stored_mode(database_url, anna, "amount:x:0")
    await expect(emulator, anna, "/annuler", "C'est annulé")


async def test_forged_and_gone_pledge_buttons_are_answered_once_as_stale(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    podcast = await project_id(database_url, "podcast-klevet-rennes")
    yann = emulator.user(702, "Yann")
    await answer_to(emulator, yann, "/aide")
    for data in (
        f"pl:o:{10**9}:0:0",  # an id no input mode can hold, so none that exists
        f"pl:t:{podcast}:999999:0",  # a reward that is not (or no longer) there
        "pl:zz:1:0:0",  # a step no button carries
    ):
        answer = await answer_to_press(emulator, yann, data, method="answerCallbackQuery")
        assert STALE in text_of(answer)
        assert answer.params.get("show_alert") is True
    await answer_to(emulator, yann, "/aide")  # by now a second answer would have been tried
    assert failed_answers(emulator) == []
    assert await stored_mode(database_url, yann) is None


async def test_a_news_post_sent_twice_is_answered_once_as_stale_the_second_time(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    repair = await project_id(database_url, "repair-cafe-saint-brieuc")
    katell = emulator.user(703, "Katell")
    await answer_to(emulator, katell, "/aide")
    await db_execute(database_url, update(Project).where(Project.id == repair).values(owner_id=703))
    preview = await write_news(emulator, katell, "Repair", "L'atelier ouvre samedi.")
    send = next(data for label, data in buttons(preview).items() if "Envoyer" in label)
    mark = emulator.mark()
    await katell.press(send)
    await emulator.wait_for(  # the progress message: the post went out
        "sendMessage", lambda c: "ctualité envoyée" in text_of(c) or "Envoi de" in text_of(c),
        chat_id=katell.chat_id, since=mark, timeout=WAIT,
    )  # fmt: skip
    again = await answer_to_press(emulator, katell, send, method="answerCallbackQuery")
    assert STALE in text_of(again)
    forged = await answer_to_press(emulator, katell, f"ow:n:{10**9}", method="answerCallbackQuery")
    assert STALE in text_of(forged)
    await answer_to(emulator, katell, "/aide")
    assert failed_answers(emulator) == []
    assert await stored_mode(database_url, katell) is None
