"""Issue 15: forged input is refused politely (the moderators are not told), one error is
reported once per interval, and replies survive a passing Telegram server error."""

from __future__ import annotations

import pytest

from tests.dialogue import MODERATION_CHAT, WAIT, answer_to, text_of
from tests.fakes.bot_api import BotApiEmulator
from tests.journeys.harness import KengoInProcess

pytestmark = pytest.mark.journey


def error_reports(emulator: BotApiEmulator) -> list[str]:
    return [
        text_of(call)
        for call in emulator.calls("sendMessage", chat_id=MODERATION_CHAT)
        if "Erreur du bot" in text_of(call)
    ]


async def test_forged_ids_get_a_stale_button_answer_and_no_error_report(
    running: KengoInProcess, emulator: BotApiEmulator
) -> None:
    mallory = emulator.user(4101, "Mallory")
    await answer_to(emulator, mallory, "/aide")
    for forged in ("pj:999999999999:-", "pa:n:999999999999:-", "ow:p:999999999999",
                   "md:v:999999999999", "sb:open:999999999999:-", "nw:999999999999",
                   "uf:999999999999", "pl:t:999999999999:0:0"):  # fmt: skip
        mark = emulator.mark()
        await mallory.press(forged)
        answer = await emulator.wait_for("answerCallbackQuery", since=mark, timeout=WAIT)
        assert answer.params.get("text"), forged
    for typed in ("/start p999999999999", "kan\x00 ha diskan"):
        await answer_to(emulator, mallory, typed)
    assert error_reports(emulator) == []
    assert "Désolé" not in " ".join(text_of(c) for c in emulator.calls("sendMessage", 4101))


async def test_replies_survive_one_server_error(
    running: KengoInProcess, emulator: BotApiEmulator
) -> None:
    yann = emulator.user(4102, "Yann")
    await answer_to(emulator, yann, "/aide")
    emulator.fail_next("sendMessage", error_code=500, chat_id=yann.chat_id)
    assert "/projets" in text_of(await answer_to(emulator, yann, "/aide"))
    menu = await answer_to(emulator, yann, "/langue")
    emulator.fail_next("editMessageText", error_code=502, chat_id=yann.chat_id)
    emulator.fail_next("answerCallbackQuery", error_code=502)
    mark = emulator.mark()
    await yann.press("lang:br", message_id=menu.result["message_id"])
    await emulator.wait_for("editMessageText", chat_id=yann.chat_id, since=mark, timeout=WAIT)
    await emulator.wait_for("answerCallbackQuery", since=mark, timeout=WAIT)
    assert not any("Désolé" in text_of(c) for c in emulator.calls("sendMessage", yann.chat_id))
    assert error_reports(emulator) == []
