"""A conversation that never strands anyone: words typed outside any flow, a shared location,
stickers and emoji, on the demo catalogue, in French and in Breton."""

from __future__ import annotations

import itertools
import re
import time
from typing import Any

import pytest

from tests.dialogue import (
    WAIT,
    answer_to,
    button_texts,
    expect,
    press_label,
    shown,
    text_of,
)
from tests.fakes.bot_api import ApiCall, BotApiEmulator, FakeUser
from tests.journeys.harness import KengoInProcess

pytestmark = pytest.mark.journey


@pytest.fixture
def backend() -> str:
    """SQLite only: what is said and offered here does not depend on the database engine (the
    journeys of test_pledge, test_propose and test_discover, and the search compared query by
    query in tests/integration/test_search_engines.py, cover PostgreSQL)."""
    return "sqlite"


_message_ids = itertools.count(50_000)

# What each language shows, so that one test plays both.
WORDS = {
    "fr": {
        "hello": "Bonjour {name} !",
        "help": "Ce que Kengo sait faire",
        "menu": "Que souhaitez-vous faire ?",
        "discover": "🔎 Découvrir les projets",
        "home": "🏠 Menu",
        "empty": "Aucun projet n'est en campagne en ce moment",
        "search": "Recherche : « {query} »",
        "nothing": "Aucun projet ne correspond à « {query} »",
        "remove filters": "retirez les filtres",
        "not understood": "Je n'ai pas compris ce message.",
        "too long": "trop long pour une recherche",
        "no words": "Il n'y a aucun mot à chercher dans « {text} »",
        "back": "↩ Retour à la liste",
        "located": "D'après votre position, votre département est <b>{departement}</b>",
        "far": "Vous semblez loin de la Bretagne",
        "yours": "📍 Votre département : <b>{departement}</b>",
        "question": "Dans quel département habitez-vous ?",
        "change": "Changer de département",
        "forget": "Oublier mon département",
        "forgotten": "Votre département est oublié",
        "near me": "Près de chez moi",
        "everything": "Tous les projets",
        "unfilter": "Retirer les filtres",
        "category": "Catégorie",
        "breton": "Langue bretonne",
        "sort": "Tri",
        "most backed": "Les plus soutenus",
        "29": "Finistère",
        "22": "Côtes-d'Armor",
        "35": "Ille-et-Vilaine",
        "44": "Loire-Atlantique",
        "56": "Morbihan",
    },
    "br": {
        "hello": "Demat {name} !",
        "help": "Ar pezh a c'hall Kengo ober",
        "menu": "Petra a fell deoc'h ober ?",
        "discover": "🔎 Dizoleiñ ar raktresoù",
        "home": "🏠 Lañser",
        "empty": "Raktres ebet o tastum arc'hant evit ar mare",
        "search": "Klask : « {query} »",
        "nothing": "N'eus raktres ebet o klotañ gant « {query} »",
        "remove filters": "lamit ar siloù",
        "not understood": "N'em eus ket komprenet ar gemennadenn-se.",
        "too long": "Re hir eo ar gemennadenn-se evit ur c'hlask",
        "no words": "N'eus ger ebet da glask e « {text} »",
        "back": "↩ Distreiñ d'ar roll",
        "located": "Diouzh ho lec'hiadur, ho tepartamant eo <b>{departement}</b>",
        "far": "Pell diouzh Breizh e seblantit bezañ",
        "yours": "📍 Ho tepartamant : <b>{departement}</b>",
        "question": "E peseurt departamant emaoc'h o chom ?",
        "change": "Kemmañ an departamant",
        "forget": "Ankouaat ma departamant",
        "forgotten": "Ankouaet eo ho tepartamant",
        "near me": "E-tost din",
        "everything": "An holl raktresoù",
        "unfilter": "Lemel ar siloù",
        "category": "Rummad",
        "breton": "Brezhoneg",
        "sort": "Urzh",
        "most backed": "Ar re skoazellet ar muiañ",
        "29": "Penn-ar-Bed",
        "22": "Aodoù-an-Arvor",
        "35": "Il-ha-Gwilen",
        "44": "Liger-Atlantel",
        "56": "Mor-Bihan",
    },
}
LANGUAGES = pytest.mark.parametrize("language", ["fr", "br"])


def _raw_message(user: FakeUser, **content: Any) -> dict[str, Any]:
    return {
        "message": {
            "message_id": next(_message_ids),
            "date": int(time.time()),
            "chat": {"id": user.id, "type": "private", "first_name": user.user["first_name"]},
            "from": user.user,
            **content,
        }
    }


async def send_location(
    emulator: BotApiEmulator, user: FakeUser, latitude: float, longitude: float
) -> ApiCall:
    """Share a location (📎 → Position) and return the bot's reply."""
    mark = emulator.mark()
    location = {"latitude": latitude, "longitude": longitude}
    await emulator.inject_raw(_raw_message(user, location=location))
    return await emulator.wait_for("sendMessage", chat_id=user.chat_id, since=mark, timeout=WAIT)


def departements_listed(call: ApiCall) -> set[str]:
    """The département of every project line of a list: "1. <b>…</b> — Brest (Finistère)"."""
    return set(re.findall(r"^\d+\. <b>.*\((.+)\)$", shown(call), flags=re.MULTILINE))


@LANGUAGES
async def test_greetings_help_and_menu_are_understood_whatever_the_language(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, language: str
) -> None:
    words = WORDS[language]
    anna = emulator.user(1001 if language == "fr" else 1002, "Anna", language_code=language)
    # Greetings in both languages, any case, with punctuation and emoji.
    for hello in ("Bonjour !", "DEMAT", "degemer mat 👋", "Salut à tous", "Coucou", "Salud"):
        greeting = await expect(emulator, anna, hello, words["hello"].format(name="Anna"))
        assert "14" in shown(greeting), hello  # how many projects are in campaign
        assert words["discover"] in button_texts(greeting), hello
    for help_word in ("aide", "Skoazell ?", "HELP", "À l'aide !"):
        help_text = await expect(emulator, anna, help_word, words["help"])
        assert words["discover"] in button_texts(help_text), help_word
    for menu_word in ("menu", "Meuz", "MENU !"):
        menu = await expect(emulator, anna, menu_word, words["menu"])
        assert words["discover"] in button_texts(menu), menu_word


@LANGUAGES
async def test_words_outside_a_flow_search_the_catalogue(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, language: str
) -> None:
    words = WORDS[language]
    yann = emulator.user(1011 if language == "fr" else 1012, "Yann", language_code=language)
    # No /projets first: words typed in a new conversation are a search.
    results = await expect(emulator, yann, "fest-noz", words["search"].format(query="fest-noz"))
    # The fest-noz is bilingual: each reader reads its title in their language.
    title = "Fest-noz d'été du Trégor" if language == "fr" else "Fest-noz hañv Bro-Dreger"
    assert title in shown(results)
    assert words["home"] in button_texts(results)  # a single page: its end offers the menu
    # A greeting and a request around the words: what is asked for is still found.
    request = {"fr": "Bonjour, je cherche un fest-noz", "br": "Demat, klask a ran ur fest-noz"}
    asked = await answer_to(emulator, yann, request[language])
    assert title in shown(asked)
    nothing = await expect(emulator, yann, "zzzz", words["nothing"].format(query="zzzz"))
    # No filter is set: none is suggested for removal; the buttons still lead on.
    assert words["remove filters"] not in shown(nothing)
    assert words["unfilter"] not in " ".join(button_texts(nothing))
    assert words["home"] in button_texts(nothing)
    everything = await press_label(emulator, yann, nothing, "✖")
    assert "14" in shown(everything)
    assert words["home"] not in button_texts(everything)  # page 1 of 3: "Suivant" leads on


# Every spelling in one bot run per language (starting a bot is what a journey costs); the
# search itself is compared across engines, query by query, in tests/integration.
SPELLINGS = [
    ("Finistère", "29"), ("finistere", "29"), ("Penn-ar-Bed", "29"),
    ("Morbihan", "56"), ("Mor-Bihan", "56"),
    ("Aodoù-an-Arvor", "22"), ("cotes d armor", "22"), ("Côtes-d'Armor", "22"),
    ("Il-ha-Gwilen", "35"), ("ille et vilaine", "35"),
    ("Liger-Atlantel", "44"), ("LOIRE-ATLANTIQUE", "44"),
]  # fmt: skip


@LANGUAGES
async def test_a_departement_typed_in_either_language_finds_its_projects(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, language: str
) -> None:
    words = WORDS[language]
    base = 1100 if language == "fr" else 1300
    # How many projects each département's filter lists.
    counted: dict[str, str] = {}
    for departement in sorted({code for _, code in SPELLINGS}):
        browser = emulator.user(base + int(departement), "Gwen", language_code=language)
        listing = await answer_to(emulator, browser, "/projets")
        choices = await press_label(emulator, browser, listing, "🗺")
        filtered = await press_label(emulator, browser, choices, words[departement])
        count = re.search(r"\n(\d+) [^\n]+ — ", shown(filtered))
        assert count is not None
        counted[departement] = count[1]
    for n, (typed, departement) in enumerate(SPELLINGS):
        user = emulator.user(base + 100 + n, "Gwen", language_code=language)
        results = await expect(emulator, user, typed, words["search"].format(query=typed))
        assert departements_listed(results) == {words[departement]}, (typed, shown(results))
        assert re.search(rf"\n{counted[departement]} [^\n]+ — ", shown(results)), typed


@LANGUAGES
async def test_a_search_keeps_the_filters_and_sort_and_only_suggests_removing_those_set(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, language: str
) -> None:
    words = WORDS[language]
    user = emulator.user(1031 if language == "fr" else 1032, "Katell", language_code=language)
    listing = await answer_to(emulator, user, "/projets")
    sorts = await press_label(emulator, user, listing, words["sort"])
    by_backers = await press_label(emulator, user, sorts, words["most backed"])
    categories = await press_label(emulator, user, by_backers, words["category"])
    breton = await press_label(emulator, user, categories, words["breton"])
    criteria = f"{words['breton']} · {words['sort'].lower()} : {words['most backed'].lower()}"
    assert criteria in shown(breton)

    # The list invites typing words: what holds none is refused, and the list is one tap away.
    refused = await expect(emulator, user, "-5", words["no words"].format(text="-5"))
    assert words["home"] in button_texts(refused)
    again = await press_label(emulator, user, refused, words["back"])
    assert criteria in shown(again)

    found = await expect(emulator, user, "roazhon", words["search"].format(query="roazhon"))
    assert criteria in shown(found)  # the filter and the sort are kept
    assert "Klevet" in shown(found)
    assert departements_listed(found) == {words["35"]}

    nothing = await expect(emulator, user, "Finistère", words["nothing"].format(query="Finistère"))
    assert criteria in shown(nothing)
    assert words["remove filters"] in shown(nothing)  # a filter is set: its removal is offered
    unfiltered = await press_label(emulator, user, nothing, words["unfilter"])
    assert words["search"].format(query="Finistère") in shown(unfiltered)
    assert f"{words['everything']} · {words['sort'].lower()}" in shown(unfiltered)
    assert departements_listed(unfiltered) == {words["29"]}


@LANGUAGES
async def test_a_shared_location_picks_the_nearest_departement_which_can_be_changed_and_cleared(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, language: str
) -> None:
    words = WORDS[language]
    user = emulator.user(1041 if language == "fr" else 1042, "Soazig", language_code=language)
    brest = await send_location(emulator, user, 48.39, -4.49)
    assert words["located"].format(departement=words["29"]) in shown(brest)
    assert departements_listed(brest) == {words["29"]}
    assert any(words["change"] in label for label in button_texts(brest))

    # Remembered: "près de chez moi" opens the Finistère list and says so.
    listing = await answer_to(emulator, user, "/projets")
    near = await press_label(emulator, user, listing, words["near me"])
    assert words["yours"].format(departement=words["29"]) in shown(near)
    assert departements_listed(near) == {words["29"]}

    # Changed: the choice shows the current one, ticked.
    choice = await press_label(emulator, user, near, words["change"])
    assert words["question"] in shown(choice)
    assert words["yours"].format(departement=words["29"]) in shown(choice)
    assert f"✓ {words['29']}" in button_texts(choice)
    morbihan = await press_label(emulator, user, choice, words["56"])
    assert words["yours"].format(departement=words["56"]) in shown(morbihan)
    assert departements_listed(morbihan) == {words["56"]}

    # Cleared: the whole catalogue, and the next "près de chez moi" asks again.
    choice = await press_label(emulator, user, morbihan, words["change"])
    forgotten = await press_label(emulator, user, choice, words["forget"])
    assert words["forgotten"] in shown(forgotten)
    assert words["everything"] in shown(forgotten)
    asked = await press_label(emulator, user, forgotten, words["near me"])
    assert words["question"] in shown(asked)
    assert not any(label.startswith("✓") for label in button_texts(asked))

    # Far from Brittany: the nearest département still, and the user is told.
    paris = await send_location(emulator, user, 48.86, 2.35)
    assert words["far"] in shown(paris)
    assert departements_listed(paris) == {words["35"]}


@LANGUAGES
async def test_stickers_emoji_and_long_texts_get_a_clear_reply_with_the_menu(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, language: str
) -> None:
    words = WORDS[language]
    user = emulator.user(1051 if language == "fr" else 1052, "Tanguy", language_code=language)
    mark = emulator.mark()
    sticker = {"file_id": "s", "file_unique_id": "s", "width": 1, "height": 1,
               "is_animated": False, "is_video": False, "type": "regular"}  # fmt: skip
    await emulator.inject_raw(_raw_message(user, sticker=sticker))
    replies = [await emulator.wait_for("sendMessage", chat_id=user.chat_id, since=mark)]
    replies.append(await expect(emulator, user, "👍👍🎉", words["not understood"]))
    replies.append(await expect(emulator, user, "?!", words["not understood"]))
    long_text = "Je voudrais savoir comment soutenir plusieurs projets à la fois. " * 5
    replies.append(await expect(emulator, user, long_text, words["too long"]))
    assert words["not understood"] in shown(replies[0])
    for reply in replies:
        assert words["discover"] in button_texts(reply), text_of(reply)


@LANGUAGES
async def test_an_empty_catalogue_says_so_and_leads_to_the_menu(
    running: KengoInProcess, emulator: BotApiEmulator, language: str
) -> None:
    words = WORDS[language]
    user = emulator.user(1061 if language == "fr" else 1062, "Erwan", language_code=language)
    empty = await answer_to(emulator, user, "/projets")
    assert words["empty"] in shown(empty)
    assert words["home"] in button_texts(empty)
    menu = await press_label(emulator, user, empty, words["home"])
    assert words["menu"] in shown(menu)
    assert words["discover"] in button_texts(menu)
