"""How contributors appear on a project's card: chosen on the recap, shown once paid."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.domain import SupporterDisplay
from bot.storage.models import Pledge, Project
from tests.bot_database import db_scalar, project_id
from tests.dialogue import answer_to, buttons, press_label, text_of
from tests.fakes.bot_api import ApiCall, BotApiEmulator, FakeUser
from tests.fakes.stripe_api import StripeStandIn
from tests.journeys.harness import KengoInProcess
from tests.journeys.test_pledge import open_card, session_of, wait_text

pytestmark = pytest.mark.journey


async def _pay(
    emulator: BotApiEmulator, stripe_stand_in: StripeStandIn, user: FakeUser, recap: ApiCall,
    continue_label: str, thanks: str,
) -> None:  # fmt: skip
    payment = await press_label(emulator, user, recap, continue_label)
    pay_url = next(url for label, url in buttons(payment).items() if label.startswith("💳"))
    mark = emulator.mark()
    await stripe_stand_in.pay(session_of(stripe_stand_in, pay_url))
    await wait_text(emulator, user.chat_id, thanks, mark)


async def _contributors(database_url: str, project: int) -> int:
    count = await db_scalar(
        database_url, select(Project.contributors_count).where(Project.id == project)
    )
    return int(count)  # type: ignore[call-overload]


async def test_a_nickname_is_shown_on_the_card_and_an_anonymous_contributor_only_counted(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, stripe_stand_in: StripeStandIn,
    database_url: str,
) -> None:  # fmt: skip
    podcast = await project_id(database_url, "podcast-klevet-rennes")
    mona = emulator.user(421, "Mona")
    card = await open_card(emulator, mona, podcast)
    options = await press_label(emulator, mona, card, "Soutenir", method="sendMessage")
    amounts = await press_label(emulator, mona, options, "Don libre")
    recap = await press_label(emulator, mona, amounts, "10 €")
    assert "Sur la fiche du projet : 🕶 anonyme" in text_of(recap)  # private by default
    choices = await press_label(emulator, mona, recap, "Changer mon affichage")
    assert "Comment souhaitez-vous y apparaître ?" in text_of(choices)
    assert "🙂 Mon prénom (Mona)" in buttons(choices)
    prompt = await press_label(emulator, mona, choices, "Un pseudo")
    assert "de 2 à 32 caractères" in text_of(prompt)
    refused = await answer_to(emulator, mona, "www.spam.bzh")
    assert "Ce pseudo ne convient pas" in text_of(refused)
    assert "Retour" in "".join(buttons(refused))
    back = await answer_to(emulator, mona, "/annuler")  # the pledge goes on: its recap again
    assert "Récapitulatif" in text_of(back)
    assert "🕶 anonyme" in text_of(back)
    choices = await press_label(emulator, mona, back, "Changer mon affichage")
    await press_label(emulator, mona, choices, "Un pseudo")
    recap = await answer_to(emulator, mona, "  Mona <3  ")
    assert "Sur la fiche du projet : 🎭 Mona &lt;3" in text_of(recap)
    assert "Montant : <b>10 €</b>" in text_of(recap)
    await _pay(emulator, stripe_stand_in, mona, recap, "Continuer vers le paiement",
               "Merci pour votre soutien")  # fmt: skip

    paol = emulator.user(422, "Paol")
    card = await open_card(emulator, paol, podcast)
    options = await press_label(emulator, paol, card, "Soutenir", method="sendMessage")
    amounts = await press_label(emulator, paol, options, "Don libre")
    recap = await press_label(emulator, paol, amounts, "5 €")
    await _pay(emulator, stripe_stand_in, paol, recap, "Continuer vers le paiement",
               "Merci pour votre soutien")  # fmt: skip

    others = await _contributors(database_url, podcast) - 1
    card = await answer_to(emulator, paol, f"/start p{podcast}")
    assert f"👥 Mona &lt;3 et {others} autres contributeurs" in text_of(card)
    assert "Paol" not in text_of(card)
    shown = await db_scalar(database_url, select(Pledge.supporter_display).where(
        Pledge.user_id == 421, Pledge.status == "paid"))  # fmt: skip
    assert shown == SupporterDisplay.NICKNAME

    # Her next pledge starts from her last choice.
    options = await press_label(emulator, mona, card, "Soutenir", method="sendMessage")
    amounts = await press_label(emulator, mona, options, "Don libre")
    recap = await press_label(emulator, mona, amounts, "20 €")
    assert "Sur la fiche du projet : 🎭 Mona &lt;3" in text_of(recap)


async def test_a_first_name_is_shown_on_the_card_in_breton(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, stripe_stand_in: StripeStandIn,
    database_url: str,
) -> None:  # fmt: skip
    fest_noz = await project_id(database_url, "fest-noz-tregor-lannion")
    tangi = emulator.user(432, "Tangi", language_code="br")
    card = await open_card(emulator, tangi, fest_noz)
    options = await press_label(emulator, tangi, card, "Skoazellañ", method="sendMessage")
    amounts = await press_label(emulator, tangi, options, "Donezon dieub")
    recap = await press_label(emulator, tangi, amounts, "5 €")
    assert "War fichenn ar raktres : 🕶 dizanv" in text_of(recap)
    await _pay(emulator, stripe_stand_in, tangi, recap, "Kenderc'hel",
               "Trugarez deoc'h evit ho skoazell")  # fmt: skip

    klervi = emulator.user(431, "Klervi & Co", language_code="br")
    card = await open_card(emulator, klervi, fest_noz)
    options = await press_label(emulator, klervi, card, "Skoazellañ", method="sendMessage")
    amounts = await press_label(emulator, klervi, options, "Donezon dieub")
    recap = await press_label(emulator, klervi, amounts, "10 €")
    choices = await press_label(emulator, klervi, recap, "Kemmañ ma anv diskouezet")
    assert "Penaos e fell deoc'h bezañ diskouezet ?" in text_of(choices)
    recap = await press_label(emulator, klervi, choices, "Ma anv-bihan (Klervi & Co)")
    assert "War fichenn ar raktres : 🙂 Klervi &amp; Co" in text_of(recap)
    await _pay(emulator, stripe_stand_in, klervi, recap, "Kenderc'hel",
               "Trugarez deoc'h evit ho skoazell")  # fmt: skip

    others = await _contributors(database_url, fest_noz) - 1
    card = await answer_to(emulator, tangi, f"/start p{fest_noz}")
    assert f"👥 Klervi &amp; Co ha {others} roer all" in text_of(card)
    assert "Tangi" not in text_of(card)
