"""The settings say what each switch does, and /aide and the command menus say what exists."""

from __future__ import annotations

import pytest

from tests.bot_database import project_id
from tests.dialogue import (
    MODERATOR_ID,
    WAIT,
    answer_to,
    buttons,
    menus_published,
    plain,
    press,
    shown,
)
from tests.fakes.bot_api import BotApiEmulator
from tests.journeys.harness import KengoInProcess
from tests.journeys.test_ways_on import labels, see, user_in

pytestmark = pytest.mark.journey


@pytest.fixture
def backend() -> str:
    """SQLite only: what is said and offered here does not depend on the database engine (the
    journeys of test_pledge, test_propose and test_discover, and the search compared query by
    query in tests/integration/test_search_engines.py, cover PostgreSQL)."""
    return "sqlite"


async def test_each_settings_line_has_its_own_switch_in_french(
    running: KengoInProcess, emulator: BotApiEmulator
) -> None:
    anna = await user_in(emulator, 821, "fr", "Anna")
    screen = await see(emulator, anna, "/reglages", "Réglages")
    assert "Nouvelles des projets suivis : activées" in shown(screen)
    assert "Rappels de fin de campagne : activés" in shown(screen)

    news_off = await see(emulator, anna, press(screen, "Couper les nouvelles"), "coupées")
    assert "Nouvelles des projets suivis : coupées" in shown(news_off)
    assert "Rappels de fin de campagne : activés" in shown(news_off)  # untouched
    both_off = await see(emulator, anna, press(news_off, "Couper les rappels"), "coupés")
    assert "Nouvelles des projets suivis : coupées" in shown(both_off)
    assert "Rappels de fin de campagne : coupés" in shown(both_off)
    assert "🔔 Réactiver les nouvelles" in labels(both_off)
    assert "⏰ Réactiver les rappels" in labels(both_off)
    news_on = await see(emulator, anna, press(both_off, "Réactiver les nouvelles"), "activées")
    assert "Nouvelles des projets suivis : activées" in shown(news_on)
    assert "Rappels de fin de campagne : coupés" in shown(news_on)
    assert "🔕 Couper les nouvelles" in labels(news_on)

    home = await see(emulator, anna, press(news_on, "🏠 Menu"), "Que souhaitez-vous faire ?")
    assert "⚙️ Réglages" in labels(home)
    again = await see(emulator, anna, press(home, "⚙️ Réglages"), "Réglages")
    assert "Rappels de fin de campagne : coupés" in shown(again)  # the choice was kept


async def test_each_settings_line_has_its_own_switch_in_breton_from_the_menu(
    running: KengoInProcess, emulator: BotApiEmulator
) -> None:
    goulven = await user_in(emulator, 822, "br", "Goulven")
    home = await see(emulator, goulven, "/start", "Donemat")
    screen = await see(emulator, goulven, press(home, "⚙️ Arventennoù"), "Arventennoù")
    assert screen.method == "editMessageText"
    reminders_off = await see(
        emulator, goulven, press(screen, "Diweredekaat ar kemennoù"), "diweredekaet"
    )
    assert "Kemennoù a-raok fin an dastumadeg : diweredekaet" in shown(reminders_off)
    assert "Keleier ar raktresoù heuliet : gweredekaet" in shown(reminders_off)
    assert "⏰ Gweredekaat ar kemennoù en-dro" in labels(reminders_off)
    assert "🔕 Diweredekaat ar keleier" in labels(reminders_off)
    await see(emulator, goulven, press(reminders_off, "🏠 Lañser"), "Petra a fell deoc'h ober ?")


@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [
        (
            "fr",
            [
                "/settings ou /reglages — vos réglages : langue, nouvelles des projets suivis",
                "/langue — choisir entre le français et le breton",
                "tapez @kengo_test_bot suivi de quelques mots",
                "« Voir le projet »",
                "Chercher sans commande</b> : tapez simplement des mots",
            ],
            "/yezh",
        ),
        (
            "br",
            [
                "/settings pe /reglages — hoc'h arventennoù : yezh, keleier",
                "/yezh — dibab etre ar galleg hag ar brezhoneg",
                "skrivit @kengo_test_bot hag un nebeud gerioù",
                "« Gwelet ar raktres »",
                "Klask hep urzhiad</b> : skrivit gerioù hepken",
            ],
            "/langue",
        ),
    ],
)
async def test_help_names_the_settings_the_language_command_and_inline_sharing(
    running: KengoInProcess,
    emulator: BotApiEmulator,
    language: str,
    expected: list[str],
    absent: str,
) -> None:
    erwan = await user_in(emulator, 823, language, "Erwan")
    help_text = shown(await see(emulator, erwan, "/aide", "/proposer"))
    for line in expected:
        assert line in help_text
    assert absent not in help_text
    assert "/moderation" not in help_text  # moderators only

    moderator = await user_in(emulator, MODERATOR_ID, language, "Soazig")
    for_moderator = shown(await see(emulator, moderator, "/aide", "/moderation —"))
    assert all(line in for_moderator for line in expected)


async def test_command_menus_list_settings_and_each_languages_own_language_command(
    running: KengoInProcess, emulator: BotApiEmulator
) -> None:
    await menus_published(emulator)
    default = [c["command"] for c in emulator.commands_for(None)]
    french = [c["command"] for c in emulator.commands_for(None, "fr")]
    breton = {
        c["command"]: c["description"].replace("\u00a0", " ")
        for c in emulator.commands_for(None, "br")
    }
    for menu in (default, french):
        assert {"settings", "langue"} <= set(menu)
        assert "yezh" not in menu
    assert breton["yezh"] == "Kemmañ ar yezh"
    assert breton["settings"] == "Arventennoù : yezh, keleier, kemennoù"
    assert "langue" not in breton

    # Telegram has no Breton interface: who chooses Breton gets the Breton menu in their chat.
    mark = emulator.mark()
    await user_in(emulator, 824, "br", "Tanguy")
    scoped = await emulator.wait_for(
        "setMyCommands",
        lambda c: c.params.get("scope", {}).get("chat_id") == 824,
        since=mark,
        timeout=WAIT,
    )
    names = [c["command"] for c in scoped.params["commands"]]
    assert {"settings", "yezh"} <= set(names)
    assert "langue" not in names


async def test_the_bot_profile_is_published_in_french_by_default_and_in_breton(
    running: KengoInProcess, emulator: BotApiEmulator
) -> None:
    await menus_published(emulator)  # the profile is set before the menus, the Breton one last
    for language in ("", "fr"):
        description = plain(emulator.bot_text("description", language) or "")
        assert description.startswith("Kengo, c'est le financement participatif de la Bretagne")
        assert "proposez votre propre projet" in description
        assert plain(emulator.bot_text("short_description", language) or "").startswith(
            "Financement participatif de la Bretagne : "
        )
    breton = plain(emulator.bot_text("description", "br") or "")
    assert breton.startswith("Gant Kengo e c'hall an holl arc'hantaouiñ raktresoù Breizh")
    assert "kinnig ho raktres" in breton
    assert plain(emulator.bot_text("short_description", "br") or "").startswith(
        "Arc'hantaouiñ raktresoù Breizh gant an holl : "
    )


@pytest.mark.parametrize(("language", "support"), [("fr", "💶 Soutenir"), ("br", "💶")])
async def test_a_long_reward_title_is_cut_between_words_and_keeps_its_price(
    demo_bot: KengoInProcess,
    emulator: BotApiEmulator,
    database_url: str,
    language: str,
    support: str,
) -> None:
    bleuenn = await user_in(emulator, 825, language, "Bleuenn")
    bezhin = await project_id(database_url, "bezhin-mor-algues-lanildut")
    card = await answer_to(emulator, bleuenn, f"/start p{bezhin}")
    options = await see(emulator, bleuenn, press(card, support), "Coffret trois tartares")
    rewards = [label for label in buttons(options) if label.startswith("🎁")]
    # "Coffret découverte et sortie sur l'estran" is longer than a button's room.
    cut = next(label for label in rewards if label.startswith("🎁 Coffret découverte"))
    assert cut.startswith("🎁 Coffret découverte et sortie sur… (")
    assert cut.endswith("€)")
