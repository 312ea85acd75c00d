"""Partner matches as people meet them: a moderator attaches one step by step (typed answers,
refusals, buttons), contributors read it on the card in French and Breton, the owner sees the
partner's share apart, and moderators export the partners' report."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from typing import Any

import pytest

from bot.domain import (
    Category,
    Departement,
    FundingModel,
    MatchRule,
    PledgeStatus,
    ProjectStatus,
    utcnow,
)
from bot.storage.models import PartnerMatch, Pledge, Project, User
from tests.bot_database import db_add
from tests.dialogue import (
    MODERATOR_ID,
    WAIT,
    answer_to,
    answer_to_press,
    button_texts,
    expect,
    my_projects,
    plain,
    press,
    press_label,
    shown,
)
from tests.fakes.bot_api import BotApiEmulator
from tests.journeys.harness import KengoInProcess

pytestmark = pytest.mark.journey
OWNER, BACKER, BRETON_READER, STRANGER = 801, 802, 803, 804


def _project(**fields: Any) -> Project:
    now = utcnow()
    values: dict[str, Any] = {
        "owner_id": OWNER, "slug": "sonerien-kemper", "status": ProjectStatus.LIVE,
        "title": "Sonerien Kemper", "summary": "Des binious neufs.", "description": "Binious.",
        "breton_connection": "Kemper", "category": Category.CULTURE,
        "departement": Departement.FINISTERE, "commune": "Quimper", "goal_cents": 500_000,
        "funding_model": FundingModel.ALL_OR_NOTHING, "duration_days": 30,
        "starts_at": now - timedelta(days=5), "ends_at": now + timedelta(days=25),
        "raised_cents": 350_000, "contributors_count": 1,
    }  # fmt: skip
    values.update(fields)
    return Project(**values)


async def _people(database_url: str, emulator: BotApiEmulator) -> None:
    people = ((MODERATOR_ID, "Morgane", "fr"), (OWNER, "Katell", "fr"), (BACKER, "Anna", "fr"),
              (BRETON_READER, "Erwan", "br"), (STRANGER, "Youenn", "fr"))  # fmt: skip
    for user_id, name, locale in people:
        emulator.user(user_id, name, language_code=locale)
    await db_add(database_url, *(User(id=u, first_name=n, locale=loc, locale_chosen=True)
                                 for u, n, loc in people))  # fmt: skip


async def test_a_moderator_attaches_a_threshold_match_that_the_card_shows(
    running: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    await _people(database_url, emulator)
    (project,) = await db_add(database_url, _project())
    await db_add(database_url, Pledge(user_id=BACKER, project_id=project, amount_cents=350_000,
                                      status=PledgeStatus.PAID, paid_at=utcnow()))  # fmt: skip
    moderator = emulator.user(MODERATOR_ID, "Morgane")

    queue = await answer_to(emulator, moderator, "/moderation")
    listing = await press_label(emulator, moderator, queue, "Abondements")
    assert "1. Sonerien Kemper — 70 % financé" in shown(listing)
    screen = await press_label(emulator, moderator, listing, "Sonerien Kemper")
    assert "Pas d'abondement sur ce projet." in shown(screen)
    prompt = await press_label(emulator, moderator, screen, "Attacher un abondement")
    assert "Quel est le nom du partenaire" in shown(prompt)

    rules = await answer_to(emulator, moderator, "Région Bretagne")
    assert "Comment Région Bretagne abonde-t-il « Sonerien Kemper » ?" in shown(rules)
    value = await press_label(emulator, moderator, rules, "Complète le reste dès un seuil")
    assert "À partir de quel pourcentage de l'objectif (5 000 €)" in shown(value)
    refused = await answer_to(emulator, moderator, "cent")
    assert "Écrivez seulement un nombre entier, de 1 à 99" in shown(refused)
    assert any("Abandonner" in label for label in button_texts(refused))
    refused = await answer_to(emulator, moderator, "120 %")
    assert "Le seuil doit être entre 1 % et 99 % de l'objectif." in shown(refused)
    end = await answer_to(emulator, moderator, "80 %")
    assert "Jusqu'à quand l'abondement vaut-il ?" in shown(end)
    refused = await answer_to(emulator, moderator, "31/02/2027")
    assert "Ce n'est pas une date" in shown(refused)
    # The example either message gives is a day the moderator may type: before the campaign
    # ends (in 25 days), so typing it is taken.
    example = re.search(r"\(ex\. : (\d\d/\d\d/\d{4})\)", shown(end))
    assert example is not None
    assert f"par exemple {example[1]}." in shown(refused)
    typed = await answer_to(emulator, moderator, example[1])
    assert "Récapitulatif" in shown(typed)
    recap = await press_label(emulator, moderator, end, "Fin de la campagne")
    assert "Partenaire : Région Bretagne" in shown(recap)
    assert "Région Bretagne complète le reste dès 80 % de l'objectif" in shown(recap)
    assert "aucun paiement Stripe" in shown(recap)
    done = await press_label(emulator, moderator, recap, "Confirmer")
    assert "Abondement de Région Bretagne attaché à « Sonerien Kemper »." in shown(done)

    # The project now offers to withdraw it; a second match (an old button) is refused.
    screen = await press_label(emulator, moderator, done, "Le projet")
    assert "Retirer l'abondement" in plain(str(button_texts(screen)))
    again = await answer_to_press(emulator, moderator, press(prompt, "Abandonner")[6:],
                                  "sendMessage")  # fmt: skip
    assert "n'est plus en cours de saisie" in shown(again)
    second = await answer_to_press(emulator, moderator, f"pm:n:{project}:-", "sendMessage")
    assert "Ce projet a déjà un abondement" in shown(second)
    assert "Projets en campagne" in plain(str(button_texts(second)))

    # The card says the rule and what is left to give, in each reader's language.
    card = await answer_to(emulator, emulator.user(STRANGER, "Youenn"), f"/start p{project}")
    assert "Région Bretagne complète le reste dès 80 % de l'objectif" in shown(card)
    assert "Encore 500 € et Région Bretagne complète le reste !" in shown(card)
    breton = await answer_to(emulator, emulator.user(BRETON_READER, "Erwan"), f"/start p{project}")
    assert "Région Bretagne a glokaio ar peurrest pa vo tizhet 80 % eus ar pal" in shown(breton)
    assert "500 € c'hoazh ha Région Bretagne a glokaio ar peurrest !" in shown(breton)


async def test_a_triggered_match_counts_on_the_card_the_list_and_the_owners_dashboard(
    running: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    await _people(database_url, emulator)
    (project,) = await db_add(database_url, _project(raised_cents=340_000))
    now = utcnow()
    (match,) = await db_add(database_url, PartnerMatch(
        project_id=project, partner_name="Région Bretagne", rule=MatchRule.THRESHOLD,
        threshold_percent=60, starts_at=now, ends_at=now + timedelta(days=25),
        matched_cents=160_000, created_by=MODERATOR_ID, confirmed_at=now))  # fmt: skip

    card = await answer_to(emulator, emulator.user(STRANGER, "Youenn"), f"/start p{project}")
    assert "100 %" in shown(card)
    assert "<b>5 000 €</b> collectés sur 5 000 €" in shown(card)
    assert "dont 1 600 € apportés par Région Bretagne" in shown(card)
    assert "Encore" not in shown(card)  # reached: no call to action left
    listing = await answer_to(emulator, emulator.user(STRANGER, "Youenn"), "/projets")
    assert "100 % financé" in shown(listing)

    owner = emulator.user(OWNER, "Katell")
    board = await press_label(emulator, owner, await my_projects(emulator, owner),
                              "Sonerien Kemper")  # fmt: skip
    assert "Contributeurs : 3 400 € · Région Bretagne : 1 600 €" in shown(board)

    # Someone else pressing a moderator's button, or forged data, changes nothing.
    stranger = emulator.user(STRANGER, "Youenn")
    alert = await answer_to_press(emulator, stranger, f"pm:k:{match}:-", "answerCallbackQuery")
    assert "réservée à l'équipe de modération" in shown(alert)
    moderator = emulator.user(MODERATOR_ID, "Morgane")
    for forged in ("pm:r:1:z", "pm:k:0:-", f"pm:p:{project}:x", "pm:l:99999:-"):
        stale = await answer_to_press(emulator, moderator, forged, "answerCallbackQuery")
        assert "plus valable" in shown(stale)

    # Moderators export the partners' report, then withdraw the match: it stops counting.
    screen = await expect(emulator, moderator, f"press:pm:p:{project}:-", "Sonerien Kemper")
    listing = await expect(emulator, moderator, press(screen, "Projets en campagne"),
                           "Abondements des partenaires", "editMessageText")  # fmt: skip
    mark = emulator.mark()
    await moderator.press(press(listing, "Exporter").removeprefix("press:"))
    sent = await emulator.wait_for("sendDocument", chat_id=MODERATOR_ID, since=mark, timeout=WAIT)
    document = sent.params["document"]
    rows = list(csv.reader(io.StringIO(document.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][:2] == ["Sonerien Kemper", "Région Bretagne"]
    assert rows[1][8:11] == ["5000,00", "3400,00", "1600,00"]
    assert "1 abondement, un par ligne" in shown(sent)

    ask = await expect(emulator, moderator, f"press:pm:w:{match}:-", "Retirer l'abondement")
    assert "(1 600 €) ne comptera plus" in shown(ask)
    gone = await press_label(emulator, moderator, ask, "Oui, retirer")
    assert "L'abondement de Région Bretagne est retiré" in shown(gone)
    again = await answer_to_press(emulator, moderator, f"pm:k:{match}:-", "sendMessage")
    assert "déjà été retiré" in shown(again)
    card = await answer_to(emulator, stranger, f"/start p{project}")
    assert "<b>3 400 €</b> collectés sur 5 000 €" in shown(card)
    assert "Région" not in shown(card)


@pytest.mark.parametrize(
    ("locale", "warning"),
    [
        ("fr", "Les contributeurs ont déjà atteint 50 % de l'objectif : dès la confirmation, "
               "Région Bretagne apporte 1 500 €, tout ce qui manque pour l'atteindre."),
        ("br", "Tizhet eo bet 50 % eus ar pal gant ar roerien dija : Région Bretagne a ouzhpenno "
               "1 500 € kerkent ha ma vo kadarnaet, ar pezh a vank c'hoazh evit tizhout ar pal."),
    ],
)  # fmt: skip
async def test_a_threshold_passed_already_is_told_before_the_moderator_confirms(
    running: KengoInProcess, emulator: BotApiEmulator, database_url: str, locale: str,
    warning: str,
) -> None:  # fmt: skip
    # At 70 %, a match from 50 % makes the partner owe the rest of the goal at once.
    await db_add(
        database_url,
        User(id=MODERATOR_ID, first_name="Morgane", locale=locale, locale_chosen=True),
        *(User(id=user, first_name="Anna", locale="fr") for user in (OWNER, BACKER)),
    )
    (project,) = await db_add(database_url, _project())
    await db_add(database_url, Pledge(user_id=BACKER, project_id=project, amount_cents=350_000,
                                      status=PledgeStatus.PAID, paid_at=utcnow()))  # fmt: skip
    moderator = emulator.user(MODERATOR_ID, "Morgane", language_code=locale)
    await expect(emulator, moderator, f"press:pm:n:{project}:-", "Sonerien Kemper")
    rules = await answer_to(emulator, moderator, "Région Bretagne")
    await answer_to_press(emulator, moderator, press(rules, "🎯")[6:])
    end = await answer_to(emulator, moderator, "50")
    recap = await answer_to_press(emulator, moderator, press(end, "⏳")[6:])
    assert warning in shown(recap)
    done = await answer_to_press(emulator, moderator, press(recap, "✅")[6:])
    assert "1 500 €" in shown(done)


async def test_cancelling_a_match_being_written_forgets_it(
    running: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    await db_add(
        database_url,
        User(id=MODERATOR_ID, first_name="Morgane", locale="fr", locale_chosen=True),
        User(id=OWNER, first_name="Anna", locale="fr"),
    )
    (project,) = await db_add(database_url, _project())
    moderator = emulator.user(MODERATOR_ID, "Morgane")
    await expect(emulator, moderator, f"press:pm:n:{project}:-", "Sonerien Kemper")
    rules = await answer_to(emulator, moderator, "Région Bretagne")
    cancelled = await answer_to(emulator, moderator, "/annuler")
    assert "C'est annulé" in shown(cancelled)
    # The rule's buttons of the draft, pressed afterwards, find nothing to go on with.
    late = await answer_to_press(emulator, moderator, press(rules, "🎯")[6:], "sendMessage")
    assert "Cet abondement n'est plus en cours de saisie" in shown(late)
