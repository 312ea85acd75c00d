"""Discover and share, on the demo catalogue (14 live projects)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from bot.storage.models import Project, ReferralVisit
from tests.bot_database import db_execute, db_scalar, project_id
from tests.dialogue import (
    WAIT,
    answer_to,
    answer_to_press,
    button_texts,
    buttons,
    press_label,
    text_of,
)
from tests.fakes.bot_api import BotApiEmulator
from tests.fakes.bot_api_html import parse_html, utf16_len
from tests.journeys.harness import KengoInProcess

pytestmark = pytest.mark.journey


async def test_browse_filters_sorts_and_pages_in_one_edited_message(
    demo_bot: KengoInProcess, emulator: BotApiEmulator
) -> None:
    anna = emulator.user(301, "Anna")
    listing = await answer_to(emulator, anna, "/projets")
    assert "14 projets — page 1/3" in text_of(listing)
    # Lines say "72 % financé", the percentage first: a bar would be read as ten symbols.
    assert "▰" not in text_of(listing)
    assert "% financé · " in text_of(listing)
    message_id = listing.result["message_id"]  # type: ignore[index]
    sends = len(emulator.calls("sendMessage", chat_id=301))

    page2 = await press_label(emulator, anna, listing, "Suivant")
    assert "page 2/3" in text_of(page2)
    back = await press_label(emulator, anna, page2, "Précédent")
    assert "page 1/3" in text_of(back)
    choices = await press_label(emulator, anna, back, "Catégorie")
    assert "Quelle catégorie" in text_of(choices)
    breton = await press_label(emulator, anna, choices, "Langue bretonne")
    assert "Langue bretonne" in text_of(breton)
    assert "3 projets — page 1/1" in text_of(breton)
    departements = await press_label(emulator, anna, breton, "Département")
    morbihan = await press_label(emulator, anna, departements, "Morbihan")
    assert "1 projet — page 1/1" in text_of(morbihan)
    assert "Skol Diwan Gwened" in text_of(morbihan)
    departements = await press_label(emulator, anna, morbihan, "Département")
    anywhere = await press_label(emulator, anna, departements, "Toute la Bretagne")
    assert "3 projets" in text_of(anywhere)
    for order, first_title in [
        ("Fin proche", "« Klevet »"),
        ("Nouveautés", None),
        ("Presque financés", None),
        ("Les plus soutenus", None),
    ]:
        sorts = await press_label(emulator, anna, anywhere, "Tri")
        sorted_page = await press_label(emulator, anna, sorts, order)
        assert f"tri : {order.lower()}" in text_of(sorted_page)
        if first_title:
            assert text_of(sorted_page).split("1. ", 1)[1].startswith(f"<b>{first_title}")
    everything = await press_label(emulator, anna, anywhere, "Tout afficher")
    assert "14 projets" in text_of(everything)
    edits = emulator.calls("editMessageText", chat_id=301)
    assert {call.params["message_id"] for call in edits} == {message_id}
    assert len(emulator.calls("sendMessage", chat_id=301)) == sends


async def test_search_ignores_accents_and_knows_breton_place_names(
    demo_bot: KengoInProcess, emulator: BotApiEmulator
) -> None:
    yann = emulator.user(302, "Yann")
    await answer_to(emulator, yann, "/projets")
    for query, expected in [
        ("meriadec", "chapelle Saint-Mériadec"),
        ("CHÂPELLE", "chapelle Saint-Mériadec"),
        ("naoned", "Lanterne"),
        ("felger", "pressoir mobile"),
        ("roazhon", "Klevet"),
    ]:
        results = await answer_to(emulator, yann, query)
        assert expected in text_of(results), query
        assert f"Recherche : « {query} »" in text_of(results)
    nothing = await answer_to(emulator, yann, "zzzz")
    assert "Aucun projet ne correspond à « zzzz »" in text_of(nothing)
    command = await answer_to(emulator, yann, "/projets fest-noz")
    assert "Fest-noz d'été du Trégor" in text_of(command)


async def test_card_follow_share_news_and_back(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    gwen = emulator.user(303, "Gwen")
    listing = await answer_to(emulator, gwen, "/projets fest noz")
    card = await press_label(emulator, gwen, listing, "1. Fest-noz")
    text = text_of(card)
    for expected in ["Fest-noz d'été du Trégor", "Lannion · Côtes-d'Armor", "🏷 Culture",
                     "collectés sur", "contributeurs", "jours restants", "Tout ou rien",
                     "🎁 <b>Contreparties</b>", "épuisé", "dès"]:  # fmt: skip
        assert expected in text, expected
    assert "💶 Soutenir" in buttons(card)

    mark = emulator.mark()
    follow_data = next(v for k, v in buttons(card).items() if "Suivre" in k)
    await gwen.press(follow_data)
    toast = await emulator.wait_for("answerCallbackQuery", since=mark, timeout=WAIT)
    assert "Vous suivez ce projet" in str(toast.params.get("text"))
    markup = await emulator.wait_for("editMessageReplyMarkup", since=mark, timeout=WAIT)
    assert any("✓ Suivi" in text for text in button_texts(markup))

    shared = await press_label(emulator, gwen, card, "Partager", method="sendMessage")
    fest_noz = await project_id(database_url, "fest-noz-tregor-lannion")
    link = f"https://t.me/kengo_test_bot?start=p{fest_noz}-303"
    assert link in text_of(shared)
    assert buttons(shared)["📤 Partager dans Telegram"].startswith("https://t.me/share/url?url=")

    news = await press_label(emulator, gwen, card, "Actualités")
    assert "Pas encore d'actualité" in text_of(news)
    again = await press_label(emulator, gwen, news, "Retour au projet")
    assert "Fest-noz d'été du Trégor" in text_of(again)
    back = await press_label(emulator, gwen, again, "Retour à la liste")
    assert "Recherche : « fest noz »" in text_of(back)
    support = await press_label(emulator, gwen, card, "Soutenir", method="sendMessage")
    assert "Choisissez une contrepartie" in text_of(support)


@pytest.mark.parametrize(
    ("language", "welcome", "days"),
    [("fr", "Voici le projet que l'on vous a partagé", "jours restants"),
     ("br", "Setu ar raktres a zo bet kaset deoc'h", "a chom")],
)  # fmt: skip
async def test_share_link_opens_the_card_for_a_new_user(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, database_url: str,
    language: str, welcome: str, days: str,
) -> None:  # fmt: skip
    chapelle = await project_id(database_url, "chapelle-saint-meriadec-baud")
    newcomer = emulator.user(304, "Klervi", language_code=language)
    mark = emulator.mark()
    await newcomer.send(f"/start p{chapelle}-303")
    greeting = await emulator.wait_for("sendMessage", chat_id=304, since=mark, timeout=WAIT)
    assert welcome in text_of(greeting)
    card = await emulator.wait_for(
        "sendMessage", lambda c: "Saint-Mériadec" in text_of(c), chat_id=304, since=mark
    )
    assert days in text_of(card)
    visits = (
        select(func.count())
        .select_from(ReferralVisit)
        .where(ReferralVisit.project_id == chapelle, ReferralVisit.referrer_id == 303)
    )
    assert await db_scalar(database_url, visits) == 1


async def test_finished_projects_show_their_outcome_and_bad_links_fall_back(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    erwan = emulator.user(305, "Erwan")
    succeeded = await project_id(database_url, "bagad-guerande-instruments")
    failed = await project_id(database_url, "surf-club-guidel-minibus")

    async def reply_with(text: str, needle: str) -> None:
        mark = emulator.mark()
        await erwan.send(text)
        await emulator.wait_for(
            "sendMessage", lambda c: needle in text_of(c), chat_id=305, since=mark, timeout=WAIT
        )

    await reply_with(f"/start p{succeeded}", "✅ Campagne réussie")
    await reply_with(f"/start p{failed}", "les contributions ont été remboursées")
    for payload in ("p999999", "p0", "hello", "p12-x"):
        await reply_with(f"/start {payload}", "Bienvenue sur Kengo, Erwan !")


async def test_inline_mode_lists_matching_projects(
    demo_bot: KengoInProcess, emulator: BotApiEmulator
) -> None:
    loic = emulator.user(306, "Loïc")
    mark = emulator.mark()
    await loic.inline("chapelle")
    answer = await emulator.wait_for("answerInlineQuery", since=mark, timeout=WAIT)
    results = answer.params["results"]
    assert [r["title"] for r in results] == [
        "Sauver les vitraux de la chapelle Saint-Mériadec, à Baud"
    ]
    assert results[0]["reply_markup"]["inline_keyboard"][0][0]["url"].startswith(
        "https://t.me/kengo_test_bot?start=p"
    )
    assert "collectés sur" in results[0]["input_message_content"]["message_text"]
    assert results[0]["description"].endswith("% financé · Baud")  # a list line: no bar
    mark = emulator.mark()
    await loic.inline("")
    everything = await emulator.wait_for("answerInlineQuery", since=mark, timeout=WAIT)
    assert len(everything.params["results"]) == 14


async def test_near_me_asks_once_then_remembers(
    demo_bot: KengoInProcess, emulator: BotApiEmulator
) -> None:
    soazig = emulator.user(307, "Soazig")
    listing = await answer_to(emulator, soazig, "/projets")
    question = await press_label(emulator, soazig, listing, "Près de chez moi")
    assert "Dans quel département habitez-vous ?" in text_of(question)
    finistere = await press_label(emulator, soazig, question, "Finistère")
    assert "Finistère" in text_of(finistere)
    assert "Lanildut" in text_of(finistere)
    listing = await answer_to(emulator, soazig, "/projets")
    direct = await press_label(emulator, soazig, listing, "Près de chez moi")
    assert "Finistère" in text_of(direct)


async def test_forged_and_stale_buttons_get_a_polite_answer(
    demo_bot: KengoInProcess, emulator: BotApiEmulator
) -> None:
    nolwenn = emulator.user(308, "Nolwenn", language_code="br")
    first = await answer_to(emulator, nolwenn, "/projets")
    old_search = await answer_to(emulator, nolwenn, "kan")
    await answer_to(emulator, nolwenn, "algues")
    stale_data = next(v for k, v in buttons(old_search).items() if "Rummad" in k)
    stale_data = stale_data.replace("lf:c:", "ls:")
    mark = emulator.mark()
    await nolwenn.press(stale_data)
    toast = await emulator.wait_for("answerCallbackQuery", since=mark, timeout=WAIT)
    assert "Kemmet eo bet ar roll" in str(toast.params.get("text"))
    for forged in ("ls:zz.99.x.1.-", "pj:999999:-", "pa:f:999999:-", "hd:75:-.-.e.0.-", "lf:q:-"):
        mark = emulator.mark()
        await nolwenn.press(forged, message_id=first.result["message_id"])  # type: ignore[index]
        answer = await emulator.wait_for("answerCallbackQuery", since=mark, timeout=WAIT)
        assert answer.params.get("text"), forged
    assert "Donemat" in text_of(await answer_to(emulator, nolwenn, "/start"))


async def test_photo_card_keeps_the_caption_short_and_the_rest_behind_read_more(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    chaloupe = await project_id(database_url, "chaloupe-santez-anna-douarnenez")
    emulator.register_file("AgADchaloupe")
    with_photo = update(Project).where(Project.id == chaloupe).values(photo_file_id="AgADchaloupe")
    await db_execute(database_url, with_photo)
    tanguy = emulator.user(309, "Tanguy")
    await answer_to(emulator, tanguy, "/langue")
    await answer_to_press(emulator, tanguy, "lang:fr")  # no language prompt after the card
    photo = await answer_to(emulator, tanguy, f"/start p{chaloupe}", method="sendPhoto")
    caption = str(photo.params["caption"])
    assert "Santez Anna" in caption
    assert utf16_len(parse_html(caption).text) <= 1024  # as Telegram counts: after parsing
    assert caption.endswith("…")
    more = await press_label(emulator, tanguy, photo, "Lire la suite", method="sendMessage")
    shown_end = caption.rstrip("…").rsplit("\n", 1)[-1][-40:]
    full = text_of(more)
    assert shown_end in full
    assert len(full.split(shown_end, 1)[1]) > 20  # the rest of the description is there
    # "Lire la suite" sent the card again as a text: the photo's own button is pressed.
    back = next(data for label, data in buttons(photo).items() if "Tous les projets" in label)
    mark = emulator.mark()
    await tanguy.press(back, message_id=photo.result["message_id"])
    listing = await emulator.wait_for("sendMessage", chat_id=tanguy.chat_id, since=mark)
    assert "14 projets" in text_of(listing)
