"""Following projects, and the notification settings."""

from __future__ import annotations

import pytest

from tests.dialogue import answer_to, answer_to_press, buttons, press_label, shown, text_of
from tests.fakes.bot_api import BotApiEmulator
from tests.journeys.harness import KengoInProcess

pytestmark = pytest.mark.journey


async def test_follow_from_a_card_then_unfollow_from_the_list(
    demo_bot: KengoInProcess, emulator: BotApiEmulator
) -> None:
    maiwenn = emulator.user(501, "Maïwenn")
    assert "Vous ne suivez aucun projet" in text_of(await answer_to(emulator, maiwenn, "/suivis"))
    listing = await answer_to(emulator, maiwenn, "/projets algues")
    card = await press_label(emulator, maiwenn, listing, "1. Bezhin Mor")
    follow = next(data for label, data in buttons(card).items() if "Suivre" in label)
    await answer_to_press(emulator, maiwenn, follow, method="answerCallbackQuery")
    followed = await answer_to(emulator, maiwenn, "/suivis")
    assert "⭐ <b>Projets suivis</b>" in text_of(followed)
    assert "Bezhin Mor" in text_of(followed)
    emptied = await press_label(emulator, maiwenn, followed, "Ne plus suivre")
    assert "Vous ne suivez aucun projet" in text_of(emptied)


async def test_settings_mute_news_or_reminders_in_breton(
    running: KengoInProcess, emulator: BotApiEmulator
) -> None:
    goulven = emulator.user(502, "Goulven", language_code="br")
    screen = await answer_to(emulator, goulven, "/settings")
    assert "⚙️ <b>Arventennoù</b>" in text_of(screen)
    assert "Yezh : Brezhoneg" in text_of(screen)
    reminders = await press_label(emulator, goulven, screen, "Diweredekaat ar kemennoù")
    assert "Kemennoù a-raok fin an dastumadeg : diweredekaet" in shown(reminders)
    assert "Keleier ar raktresoù heuliet : gweredekaet" in shown(reminders)
    news = await press_label(emulator, goulven, reminders, "Diweredekaat ar keleier")
    assert "Keleier ar raktresoù heuliet : diweredekaet" in shown(news)
    language = await press_label(emulator, goulven, news, "Yezh")
    assert "Dibabit ho yezh" in text_of(language)
