"""No message strands anyone: every last message of a journey offers a way on (both languages)."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import update

from bot.domain import ProjectStatus
from bot.storage.models import Project
from tests.bot_database import db_execute, project_id
from tests.dialogue import MODERATOR_ID, WAIT, buttons, follow_through_link, press, shown
from tests.fakes.bot_api import ApiCall, BotApiEmulator, FakeUser
from tests.journeys.harness import KengoInProcess

pytestmark = pytest.mark.journey


@pytest.fixture
def backend() -> str:
    """SQLite only: what is said and offered here does not depend on the database engine (the
    journeys of test_pledge, test_propose and test_discover, and the search compared query by
    query in tests/integration/test_search_engines.py, cover PostgreSQL)."""
    return "sqlite"


# What each language calls the way on, and what it leads to.
WORDS = {
    "fr": {
        "menu": "🏠 Menu",
        "menu_text": "Que souhaitez-vous faire ?",
        "discover": "🔎 Découvrir les projets",
        "catalogue": "Projets en campagne",
        "no_follow": "Vous ne suivez aucun projet",
        "propose": "💡 Proposer un projet",
        "no_project": "Vous n'avez pas encore de projet sur Kengo",
        "step_one": "Étape 1/13",
        "unfollow": "Ne plus suivre",
        "my_projects": "↩ Mes projets",
        "dropped": "Actualité abandonnée",
        "cancel_news": "Annuler",
        "queue": "🗂 Projets à examiner",
        "empty_queue": "Aucun projet n'attend de décision",
        "reserved": "réservée à l'équipe de modération",
        "changes_done": "Modifications demandées par",
    },
    "br": {
        "menu": "🏠 Lañser",
        "menu_text": "Petra a fell deoc'h ober ?",
        "discover": "🔎 Dizoleiñ ar raktresoù",
        "catalogue": "Raktresoù o tastum arc'hant",
        "no_follow": "Ne heuliit raktres ebet",
        "propose": "💡 Kinnig ur raktres",
        "no_project": "N'hoc'h eus raktres ebet war Kengo c'hoazh",
        "step_one": "Pazenn 1/13",
        "unfollow": "Paouez da heuliañ",
        "my_projects": "↩ Ma raktresoù",
        "dropped": "Dilezet eo ar c'heloù",
        "cancel_news": "Nullañ",
        "queue": "🗂 Raktresoù da wiriañ",
        "empty_queue": "Raktres ebet o c'hortoz un diviz",
        "reserved": "evit ar skipailh a wir ar raktresoù hepken",
        "changes_done": "Kemmoù goulennet gant",
    },
}
LANGUAGES = pytest.mark.parametrize("language", ["fr", "br"])


async def see(emulator: BotApiEmulator, user: FakeUser, action: str, contains: str) -> ApiCall:
    """Send `action` (a text, or `press:<data>`) and return the bot's message, new or edited in
    place, that shows `contains`."""
    mark = emulator.mark()
    if action.startswith("press:"):
        await user.press(action.removeprefix("press:"))
    else:
        await user.send(action)
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        for call in emulator.calls(include_failed=True)[mark:]:
            if (
                call.ok
                and call.params.get("chat_id") == user.chat_id
                and call.method in ("sendMessage", "editMessageText")
                and contains in shown(call)
            ):
                return call
        await asyncio.sleep(0.02)
    sent = [shown(c) for c in emulator.calls(include_failed=True)[mark:]]
    raise AssertionError(f"no message showing {contains!r} after {action!r}: {sent}")


def labels(call: ApiCall) -> list[str]:
    return list(buttons(call))


async def user_in(emulator: BotApiEmulator, user_id: int, language: str, name: str) -> FakeUser:
    """A user who has chosen `language` (the choice made, nothing else on their screen)."""
    user = emulator.user(user_id, name, language_code=language)
    await see(emulator, user, "/langue", "Choisissez" if language == "fr" else "Dibabit")
    await user.press(f"lang:{language}")
    await emulator.wait_for("editMessageText", chat_id=user.chat_id, timeout=WAIT)
    return user


@LANGUAGES
async def test_an_empty_follow_list_leads_to_the_catalogue_and_the_menu(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, database_url: str, language: str
) -> None:
    words = WORDS[language]
    nolwenn = await user_in(emulator, 811, language, "Nolwenn")
    empty = await see(emulator, nolwenn, "/suivis", words["no_follow"])
    assert labels(empty) == [words["discover"], words["menu"]]
    catalogue = await see(emulator, nolwenn, press(empty, words["discover"]), words["catalogue"])
    assert any(label.startswith("1. ") for label in labels(catalogue))

    # Unfollowing the only project followed leaves the same ways on.
    await follow_through_link(
        emulator, nolwenn, await project_id(database_url, "bezhin-mor-algues-lanildut")
    )
    listing = await see(emulator, nolwenn, "/suivis", "Bezhin Mor")
    assert words["menu"] in labels(listing)
    emptied = await see(emulator, nolwenn, press(listing, words["unfollow"]), words["no_follow"])
    home = await see(emulator, nolwenn, press(emptied, words["menu"]), words["menu_text"])
    assert words["discover"] in labels(home)
    assert home.method == "editMessageText"  # the list is replaced, not piled up


@LANGUAGES
async def test_an_owner_without_projects_is_offered_to_propose_one(
    running: KengoInProcess, emulator: BotApiEmulator, language: str
) -> None:
    words = WORDS[language]
    gwenn = await user_in(emulator, 812, language, "Gwenn")
    empty = await see(emulator, gwenn, "/mes_projets", words["no_project"])
    assert labels(empty) == [words["propose"], words["menu"]]
    await see(emulator, gwenn, press(empty, words["propose"]), words["step_one"])


@LANGUAGES
async def test_a_dropped_or_sent_news_post_leaves_the_owner_ways_on(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, database_url: str, language: str
) -> None:
    words = WORDS[language]
    repair = await project_id(database_url, "repair-cafe-saint-brieuc")
    katell = await user_in(emulator, 813, language, "Katell")
    await db_execute(database_url, update(Project).where(Project.id == repair).values(owner_id=813))
    await follow_through_link(emulator, emulator.user(814, "Yann"), repair)

    preview = await write_news(emulator, katell, "L'atelier ouvre samedi.")
    dropped = await see(emulator, katell, press(preview, words["cancel_news"]), words["dropped"])
    assert labels(dropped) == [words["my_projects"], words["menu"]]
    mine = await see(emulator, katell, press(dropped, words["my_projects"]), "Repair")
    assert words["propose"] in labels(mine)

    preview = await write_news(emulator, katell, "L'atelier ouvre dimanche.")
    mark = emulator.mark()
    await katell.press(next(data for label, data in buttons(preview).items() if "✅" in label))
    done = await emulator.wait_for(
        "editMessageText", lambda c: "✅" in shown(c), chat_id=813, since=mark, timeout=WAIT
    )
    # The delivery report is the last message: it keeps its ways on through every edit.
    assert labels(done) == [words["my_projects"], words["menu"]]


async def write_news(emulator: BotApiEmulator, owner: FakeUser, text: str) -> ApiCall:
    """/mes_projets → the project → "📰" → `text`; the preview with its send button."""
    mine = await see(emulator, owner, "/mes_projets", "Repair")
    board = await see(emulator, owner, press(mine, "Repair"), "📂")
    await see(emulator, owner, press(board, "📰"), "")
    mark = emulator.mark()
    await owner.send(text)
    return await emulator.wait_for(
        "sendMessage", lambda c: "✅" in str(c.params.get("reply_markup")),
        chat_id=owner.chat_id, since=mark, timeout=WAIT,
    )  # fmt: skip


@LANGUAGES
async def test_a_moderators_decisions_lead_on_to_the_queue(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, database_url: str, language: str
) -> None:
    words = WORDS[language]
    outsider = await user_in(emulator, 815, language, "Loeiz")
    refused = await see(emulator, outsider, "/moderation", words["reserved"])
    assert words["discover"] in labels(refused)

    waiting = [await project_id(database_url, slug)
               for slug in ("repair-cafe-saint-brieuc", "fest-noz-tregor-lannion")]  # fmt: skip
    await db_execute(
        database_url,
        update(Project).where(Project.id.in_(waiting)).values(status=ProjectStatus.IN_REVIEW),
    )
    soazig = await user_in(emulator, MODERATOR_ID, language, "Soazig")
    queue = await see(emulator, soazig, "/moderation", "Repair")
    assert words["menu"] in labels(queue)
    assert "1. Fest-noz d'été du Trégor : la 10e…" in labels(queue)

    # Asking for changes: the reason is typed, the answer leads on to the queue.
    await soazig.press(f"md:c:{waiting[0]}")
    await emulator.wait_for("sendMessage", chat_id=MODERATOR_ID, timeout=WAIT)
    decided = await see(
        emulator, soazig, "Ajoutez le budget détaillé de l'atelier.", words["changes_done"]
    )
    assert labels(decided) == [words["queue"], words["menu"]]
    queue = await see(emulator, soazig, press(decided, words["queue"]), "Fest-noz")

    # Approving from the panel: the panel closes on the decision and the way to the queue.
    panel = await see(emulator, soazig, press(queue, "Fest-noz"), "Lannion")
    assert panel.method == "sendMessage"
    mark = emulator.mark()
    await soazig.press(f"md:a:{waiting[1]}")
    closed = await emulator.wait_for(
        "editMessageText", chat_id=MODERATOR_ID, since=mark, timeout=WAIT
    )
    assert labels(closed) == [words["queue"], words["menu"]]
    await see(emulator, soazig, press(closed, words["queue"]), words["empty_queue"])
