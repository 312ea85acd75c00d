"""First contact: welcome, language, help, command menus, bad input, errors, blocking."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import select

from bot.storage.engine import create_engine
from bot.storage.models import User
from tests.dialogue import (
    MODERATION_CHAT,
    MODERATOR_ID,
    WAIT,
    answer_to,
    answer_to_press,
    button_texts,
    menus_published,
    text_of,
)
from tests.fakes.bot_api import BotApiEmulator
from tests.journeys.harness import KengoInProcess

pytestmark = pytest.mark.journey


async def test_french_user_is_welcomed_by_name_with_menu_and_language_choice(
    running: KengoInProcess, emulator: BotApiEmulator
) -> None:
    anna = emulator.user(101, "Anna", language_code="fr")
    mark = emulator.mark()
    welcome = await answer_to(emulator, anna, "/start")
    assert "Bienvenue sur Kengo, Anna !" in text_of(welcome)
    assert "financement participatif de la Bretagne" in text_of(welcome)
    assert "Aucun projet n'est en campagne" in text_of(welcome)
    assert button_texts(welcome) == [
        "🔎 Découvrir les projets",
        "💡 Proposer un projet",
        "💶 Mes soutiens",
        "⭐ Mes suivis",
        "🌐 Langue",
        "⚙️ Réglages",
    ]
    choice = await emulator.wait_for(
        "sendMessage", lambda c: "Dibabit ho yezh" in text_of(c), chat_id=101, since=mark
    )
    assert "Choisissez votre langue :" in text_of(choice)
    assert button_texts(choice) == ["Français", "Brezhoneg"]


async def test_breton_user_is_welcomed_in_breton(
    running: KengoInProcess, emulator: BotApiEmulator
) -> None:
    welcome = await answer_to(emulator, emulator.user(102, "Maïwenn", language_code="br"), "/start")
    assert "Donemat war Kengo, Maïwenn !" in text_of(welcome)
    assert "🔎 Dizoleiñ ar raktresoù" in button_texts(welcome)


async def test_language_switch_sticks_across_a_restart(
    kengo: KengoInProcess, emulator: BotApiEmulator
) -> None:
    yann = emulator.user(103, "Yann", language_code="fr")
    await kengo.start()
    await answer_to(emulator, yann, "/start")
    mark = emulator.mark()
    edited = await answer_to_press(emulator, yann, "lang:br")
    assert "Kengo a gomzo brezhoneg ouzhoc'h" in text_of(edited)
    assert "🌐 Yezh" in button_texts(edited)
    scoped = await emulator.wait_for(
        "setMyCommands", lambda c: c.params.get("scope", {}).get("chat_id") == 103, since=mark
    )
    descriptions = {c["command"]: c["description"] for c in scoped.params["commands"]}
    assert descriptions["proposer"] == "Kinnig ur raktres"
    assert await kengo.stop() == 0

    await kengo.start()
    assert "Ar pezh a c'hall Kengo ober" in text_of(await answer_to(emulator, yann, "/aide"))
    mark = emulator.mark()
    back = await answer_to_press(emulator, yann, "lang:fr")
    assert "Kengo vous parlera désormais en français" in text_of(back)
    await emulator.wait_for("deleteMyCommands", since=mark)
    assert await kengo.stop() == 0


async def test_command_menus_are_published_in_french_and_breton(
    running: KengoInProcess, emulator: BotApiEmulator
) -> None:
    await menus_published(emulator)
    default = emulator.commands_for(None)
    breton = emulator.commands_for(None, "br")
    assert [c["command"] for c in default][:3] == ["start", "projets", "proposer"]
    assert {c["command"]: c["description"] for c in default}["langue"] == "Changer de langue"
    assert {c["command"]: c["description"] for c in breton}["yezh"] == "Kemmañ ar yezh"
    assert "moderation" not in {c["command"] for c in default}


async def test_help_commands_and_cancel_answer_in_the_users_language(
    running: KengoInProcess, emulator: BotApiEmulator
) -> None:
    erwan = emulator.user(104, "Erwan", language_code="br")
    for command, expected in [
        ("/help", "/proposer — kinnig ho raktres"),
        ("/annuler", "N'eus netra da nullañ"),  # nothing in progress yet
        ("/projets", "<b>🔎 Raktresoù o tastum arc'hant</b>"),
        ("/mes_soutiens", "N'hoc'h eus skoazellet raktres ebet c'hoazh"),
        ("/suivis", "Ne heuliit raktres ebet evit ar mare"),
        ("/annuler", "Nullet eo"),  # it stops the search /projets started
        ("/proposer", "<b>Kinnig ur raktres</b>"),
        ("/annuler", "Lakaet eo ho prouilhed a-gostez"),  # the draft waits for /proposer
        ("/moderation", "evit ar skipailh a wir ar raktresoù hepken"),
    ]:
        assert expected in text_of(await answer_to(emulator, erwan, command)), command
    offer = await answer_to_press(emulator, erwan, "menu:propose")
    assert "paouezet er bazenn 1/13" in text_of(offer)


async def test_moderators_get_their_command_and_the_queue_answer(
    running: KengoInProcess, emulator: BotApiEmulator
) -> None:
    moderator = emulator.user(MODERATOR_ID, "Soazig", language_code="fr")
    mark = emulator.mark()
    await moderator.send("/start")
    scoped = await emulator.wait_for(
        "setMyCommands",
        lambda c: c.params.get("scope", {}).get("chat_id") == MODERATOR_ID,
        since=mark,
        timeout=WAIT,
    )
    assert "moderation" in {c["command"] for c in scoped.params["commands"]}
    queue = await answer_to(emulator, moderator, "/moderation")
    assert "Aucun projet n'attend de décision" in text_of(queue)


async def test_malformed_updates_and_forged_buttons_leave_the_bot_working(
    running: KengoInProcess, emulator: BotApiEmulator
) -> None:
    gwen = emulator.user(105, "Gwen", language_code="fr")
    # Unreadable for python-telegram-bot (no date, no chat): must be skipped, not spun on.
    await emulator.inject_raw({"message": {"text": "no chat, no date, no sender"}})
    await emulator.inject_raw({"unknown_update_kind": {"x": 1}})
    # Readable but unusual: a sticker, a channel post, a button of an inline message.
    chat = {"id": 105, "type": "private", "first_name": "Gwen"}
    sender = {"id": 105, "is_bot": False, "first_name": "Gwen"}
    sticker = {"file_id": "s", "file_unique_id": "s", "width": 1, "height": 1,
               "is_animated": False, "is_video": False, "type": "regular"}  # fmt: skip
    await emulator.inject_raw(
        {
            "message": {
                "message_id": 900,
                "date": 0,
                "chat": chat,
                "from": sender,
                "sticker": sticker,
            }
        }
    )
    channel = {"id": -100, "type": "channel"}
    await emulator.inject_raw(
        {"channel_post": {"message_id": 1, "date": 0, "chat": channel, "text": "/start"}}
    )
    inline_button = {"id": "q1", "from": sender, "chat_instance": "c", "inline_message_id": "i1",
                     "data": "menu:discover"}  # fmt: skip
    await emulator.inject_raw({"callback_query": inline_button})
    for forged in ("menu:../../etc/passwd", "lang:en"):
        answer = await answer_to_press(emulator, gwen, forged, method="answerCallbackQuery")
        assert "Ce bouton n'est plus valable" in text_of(answer)
    assert "Bienvenue sur Kengo, Gwen !" in text_of(await answer_to(emulator, gwen, "/start"))


async def test_very_long_messages_and_html_in_names_are_handled(
    running: KengoInProcess, emulator: BotApiEmulator
) -> None:
    tricky = emulator.user(106, "<b>Ann & Co</b>", language_code="fr")
    too_long = await answer_to(emulator, tricky, "a" * 4096)
    assert "trop long pour une recherche" in text_of(too_long)
    assert "🔎 Découvrir les projets" in button_texts(too_long)
    welcome = await answer_to(emulator, tricky, "/start")
    assert "Bienvenue sur Kengo, &lt;b&gt;Ann &amp; Co&lt;/b&gt; !" in text_of(welcome)


async def test_a_failure_is_logged_reported_and_apologised_for(
    running: KengoInProcess, emulator: BotApiEmulator
) -> None:
    emulator.user(MODERATION_CHAT, "Soazig")
    klervi = emulator.user(107, "Klervi", language_code="br")
    await answer_to(emulator, klervi, "/aide")
    emulator.fail_next("sendMessage", error_code=400, description="Bad Request: boom", chat_id=107)
    mark = emulator.mark()
    await klervi.send("/aide")
    report = await emulator.wait_for(
        "sendMessage", chat_id=MODERATION_CHAT, since=mark, timeout=WAIT
    )
    assert "BadRequest" in text_of(report)
    apology = await emulator.wait_for("sendMessage", chat_id=107, since=mark, timeout=WAIT)
    assert "Digarezit" in text_of(apology)
    assert "BadRequest: Boom" in running.log
    assert "Traceback" in running.log


async def test_blocking_the_bot_is_remembered_and_writing_again_undoes_it(
    running: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    tanguy = emulator.user(108, "Tanguy")
    await answer_to(emulator, tanguy, "/start")
    engine = create_engine(database_url)

    async def blocked() -> bool | None:
        async with engine.connect() as connection:
            return (await connection.execute(select(User.blocked).where(User.id == 108))).scalar()

    try:
        await tanguy.block()
        await _eventually(blocked, True)
        await tanguy.unblock()
        await _eventually(blocked, False)
    finally:
        await engine.dispose()


async def _eventually(probe: Callable[[], Awaitable[object]], expected: object) -> None:
    for _ in range(100):
        if await probe() == expected:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"never became {expected!r}")
