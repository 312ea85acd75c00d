"""The pledging conversation never strands anyone: typing works wherever it is invited, a
refusal keeps the user in the flow, an ambiguous amount is asked about, /annuler cancels the
pledge in progress, and the user's open pledge for a reward is found again."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select

from bot.domain import PledgeStatus
from bot.storage.models import Pledge
from tests.bot_database import db_execute, db_scalar, project_id
from tests.dialogue import answer_to, buttons, expect, shown
from tests.fakes.bot_api import ApiCall, BotApiEmulator, FakeUser
from tests.fakes.stripe_api import StripeStandIn
from tests.journeys.harness import KengoInProcess
from tests.journeys.test_pledge import open_card, session_of

pytestmark = pytest.mark.journey

EDIT = "editMessageText"


def plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def labels(call: ApiCall) -> list[str]:
    return [plain(label) for label in buttons(call)]


def press(call: ApiCall, label: str) -> str:
    """`press:<data>` for the button of `call` whose label, spaces folded, holds `label`."""
    return "press:" + next(data for text, data in buttons(call).items() if label in plain(text))


def has_button(call: ApiCall, label: str) -> bool:
    return any(label in text for text in labels(call))


async def pledge_screen(
    emulator: BotApiEmulator, user: FakeUser, project: int, support: str, choice: str
) -> ApiCall:
    """Card → "Soutenir" → a reward or the free gift: the amounts screen."""
    card = await open_card(emulator, user, project)
    options = await expect(emulator, user, press(card, support), "💶")
    return await expect(emulator, user, press(options, choice), "", method=EDIT)


@pytest.mark.parametrize(
    ("locale", "support", "gift", "summary", "understood"),
    [
        ("fr", "Soutenir", "Don libre", "Récapitulatif", "Je n'ai pas compris ce montant"),
        ("br", "Skoazellañ", "Donezon dieub", "Diverradenn", "N'em eus ket komprenet ar sammad"),
    ],
)
async def test_an_amount_typed_where_the_bot_asks_for_one_is_read(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, database_url: str, locale: str,
    support: str, gift: str, summary: str, understood: str,
) -> None:  # fmt: skip
    podcast = await project_id(database_url, "podcast-klevet-rennes")
    user = emulator.user(1101 if locale == "fr" else 1102, "Anna", language_code=locale)
    amounts = await pledge_screen(emulator, user, podcast, support, gift)
    assert "Autre montant" in "".join(labels(amounts)) or "Sammad all" in "".join(labels(amounts))
    recap = await expect(emulator, user, "15", summary)  # no "Autre montant" pressed
    assert "15 €" in shown(recap)
    again = await expect(emulator, user, "20 €", summary)  # typed on the summary: changed
    assert "20 €" in shown(again)
    retry = await expect(emulator, user, "beaucoup", understood)
    assert len(labels(retry)) == 2  # back to the amounts, or cancel

    fest_noz = await project_id(database_url, "fest-noz-tregor-lannion")
    await pledge_screen(emulator, user, fest_noz, support, "Tee-shirt")
    priced = await expect(emulator, user, "40 €", summary)  # the price of its first button
    assert "Tee-shirt" in shown(priced)
    assert "40 €" in shown(priced)


@pytest.mark.parametrize(
    ("locale", "support", "below", "gift", "back", "summary", "maximum"),
    [
        ("fr", "Soutenir", "demande au moins 50 €", "Don libre", "Retour", "Récapitulatif",
         "Le montant maximum est de 10 000 €"),
        ("br", "Skoazellañ", "50 € da vihanañ", "Donezon dieub", "Distreiñ", "Diverradenn",
         "10 000 € eo ar sammad uhelañ"),
    ],
)  # fmt: skip
async def test_a_refused_amount_keeps_the_user_in_the_flow(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, database_url: str, locale: str,
    support: str, below: str, gift: str, back: str, summary: str, maximum: str,
) -> None:  # fmt: skip
    bistrot = await project_id(database_url, "bistrot-cooperatif-lanvellec")
    user = emulator.user(1111 if locale == "fr" else 1112, "Yann", language_code=locale)
    await pledge_screen(emulator, user, bistrot, support, "Carte de cinq")
    refused = await expect(emulator, user, "30", below)
    assert all(has_button(refused, label) for label in ("50 €", gift, back))
    recap = await expect(emulator, user, "60", summary)  # still pledging: understood
    assert "60 €" in shown(recap)
    await expect(emulator, user, "30", below)
    fifty = await expect(emulator, user, press(refused, "50 €"), summary, method=EDIT)
    assert "50 €" in shown(fifty)
    back_to_amounts = await expect(emulator, user, press(refused, back), "50 €", method=EDIT)
    assert has_button(back_to_amounts, "70 €")  # the reward's amounts again

    podcast = await project_id(database_url, "podcast-klevet-rennes")
    await pledge_screen(emulator, user, podcast, support, gift)
    too_high = await expect(emulator, user, "20000", maximum)
    assert has_button(too_high, "10 000 €")
    assert has_button(too_high, back)


@pytest.mark.parametrize(
    ("locale", "support", "gift", "summary"),
    [("fr", "Soutenir", "Don libre", "Récapitulatif"),
     ("br", "Skoazellañ", "Donezon dieub", "Diverradenn")],
)  # fmt: skip
async def test_an_amount_that_reads_two_ways_is_asked_about(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, database_url: str, locale: str,
    support: str, gift: str, summary: str,
) -> None:  # fmt: skip
    podcast = await project_id(database_url, "podcast-klevet-rennes")
    user = emulator.user(1121 if locale == "fr" else 1122, "Soizic", language_code=locale)
    await pledge_screen(emulator, user, podcast, support, gift)
    question = await expect(emulator, user, "2,500", "2,50 €")
    assert "2 500 €" in shown(question)
    assert "Récapitulatif" not in shown(question)
    assert {"2,50 €", "2 500 €"} <= set(labels(question))
    chosen = await expect(emulator, user, press(question, "2 500"), summary, method=EDIT)
    assert "2 500 €" in shown(chosen)
    small = await expect(emulator, user, press(question, "2,50"), summary, method=EDIT)
    assert "2,50 €" in shown(small)
    odd = await expect(emulator, user, "12,555", "12 555 €")
    assert "Récapitulatif" not in shown(odd)
    assert "12,50" in shown(odd)
    for typed, amount in (("2 500", "2 500 €"), ("2,5", "2,50 €"), ("2.50 €", "2,50 €"),
                          ("15€", "15 €")):  # fmt: skip
        recap = await expect(emulator, user, typed, summary)
        assert amount in shown(recap), typed


@pytest.mark.parametrize(
    ("locale", "support", "gift", "cancelled", "refused", "mine", "status"),
    [
        ("fr", "Soutenir", "Don libre", "est annulé : rien n'a été débité",
         "Vous avez annulé ce soutien", "Mes soutiens", "annulé"),
        ("br", "Skoazellañ", "Donezon dieub", "Nullet eo ho tonezon a 15 €",
         "Nullet hoc'h eus an donezon-mañ", "Ma donezonoù", "nullet"),
    ],
)  # fmt: skip
async def test_annuler_cancels_the_pledge_in_progress(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, stripe_stand_in: StripeStandIn,
    database_url: str, locale: str, support: str, gift: str, cancelled: str, refused: str,
    mine: str, status: str,
) -> None:  # fmt: skip
    podcast = await project_id(database_url, "podcast-klevet-rennes")
    user = emulator.user(1131 if locale == "fr" else 1132, "Klervi", language_code=locale)
    await pledge_screen(emulator, user, podcast, support, gift)
    recap = await expect(emulator, user, "15", "15 €")
    done = await expect(emulator, user, "/annuler", cancelled)
    assert "Klevet" in shown(done)
    assert "15 €" in shown(done)
    assert len(buttons(done)) >= 3  # the project, the catalogue, the menu
    sessions_before = len(stripe_stand_in.sessions)
    late = await expect(emulator, user, press(recap, "✅"), refused, method=EDIT)
    assert len(buttons(late)) >= 2
    assert len(stripe_stand_in.sessions) == sessions_before  # no payment page was opened

    # On the payment page: its Stripe session is closed, the pledge can never be paid.
    await pledge_screen(emulator, user, podcast, support, gift)
    recap = await expect(emulator, user, "25", "25 €")
    payment = await expect(emulator, user, press(recap, "✅"), "Stripe", method=EDIT)
    pay_url = next(url for label, url in buttons(payment).items() if label.startswith("💳"))
    session_id = session_of(stripe_stand_in, pay_url)
    await expect(emulator, user, "/annuler", "25 €")
    assert stripe_stand_in.sessions[session_id]["status"] == "expired"
    pledge_status = select(Pledge.status).where(Pledge.stripe_checkout_session_id == session_id)
    assert await db_scalar(database_url, pledge_status) == PledgeStatus.CANCELLED.value
    listing = await expect(emulator, user, "/mes_soutiens", mine)
    assert status in shown(listing)
    assert not any(label.startswith("💳") for label in buttons(listing))
    await expect(emulator, user, "/annuler", "")  # nothing left in progress: no error


@pytest.mark.parametrize(
    ("locale", "support", "change", "unfinished"),
    [("fr", "Soutenir", "Changer le montant", "non finalisé"),
     ("br", "Skoazellañ", "Kemmañ ar sammad", "diechu")],
)  # fmt: skip
async def test_one_open_pledge_per_reward_found_again(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, stripe_stand_in: StripeStandIn,
    database_url: str, locale: str, support: str, change: str, unfinished: str,
) -> None:  # fmt: skip
    fest_noz = await project_id(database_url, "fest-noz-tregor-lannion")
    user = emulator.user(1141 if locale == "fr" else 1142, "Erwan", language_code=locale)
    await pledge_screen(emulator, user, fest_noz, support, "Tee-shirt")
    recap = await expect(emulator, user, "45", "45 €")
    payment = await expect(emulator, user, press(recap, "✅"), "Stripe", method=EDIT)
    pay_url = next(url for label, url in buttons(payment).items() if label.startswith("💳"))
    first_session = session_of(stripe_stand_in, pay_url)

    again = await pledge_screen(emulator, user, fest_noz, support, "Tee-shirt")
    assert buttons(again).get(next(iter(buttons(again)))) == pay_url  # the same payment page
    amounts = await expect(emulator, user, press(again, change), "40 €", method=EDIT)
    recap = await expect(emulator, user, press(amounts, "50 €"), "50 €", method=EDIT)
    payment = await expect(emulator, user, press(recap, "✅"), "Stripe", method=EDIT)
    new_url = next(url for label, url in buttons(payment).items() if label.startswith("💳"))
    assert new_url != pay_url
    assert stripe_stand_in.sessions[first_session]["status"] == "expired"
    listing = await answer_to(emulator, user, "/mes_soutiens")
    pay_buttons = {url for label, url in buttons(listing).items() if label.startswith("💳")}
    assert pay_buttons == {new_url}  # one open pledge for the reward, one "Payer"

    # A pledge Stripe never opened a page for (it did not answer) is not "refused".
    failed = {"amount_cents": 1000, "status": PledgeStatus.FAILED}
    await db_execute(database_url, insert(Pledge).values(
        user_id=user.id, project_id=fest_noz, **failed))  # fmt: skip
    listing = await answer_to(emulator, user, "/mes_soutiens")
    assert unfinished in shown(listing)
    assert "paiement refusé" not in shown(listing)
    assert "paeamant nac'het" not in shown(listing)


@pytest.mark.parametrize(
    ("locale", "support", "cancel", "nothing_yet", "stopped_text", "paid_not"),
    [("fr", "Soutenir", "Annuler", "Vous n'avez encore soutenu aucun projet",
      "Soutien annulé", "Paiement annulé"),
     ("br", "Skoazellañ", "Nullañ", "N'hoc'h eus skoazellet raktres ebet",
      "Nullet eo an donezon", "Nullet eo ar paeamant")],
)  # fmt: skip
async def test_the_last_messages_of_a_pledge_offer_a_way_on(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, stripe_stand_in: StripeStandIn,
    database_url: str, locale: str, support: str, cancel: str, nothing_yet: str,
    stopped_text: str, paid_not: str,
) -> None:  # fmt: skip
    podcast = await project_id(database_url, "podcast-klevet-rennes")
    user = emulator.user(1151 if locale == "fr" else 1152, "Gwen", language_code=locale)
    empty = await expect(emulator, user, "/mes_soutiens", nothing_yet)
    assert len(buttons(empty)) >= 2
    card = await open_card(emulator, user, podcast)
    options = await expect(emulator, user, press(card, support), "💶")
    stopped = await expect(emulator, user, press(options, cancel), stopped_text, method=EDIT)
    assert len(buttons(stopped)) >= 3

    amounts = await pledge_screen(emulator, user, podcast, support, "💝")
    recap = await expect(emulator, user, press(amounts, "10 €"), "10 €", method=EDIT)
    payment = await expect(emulator, user, press(recap, "✅"), "Stripe", method=EDIT)
    pay_url = next(url for label, url in buttons(payment).items() if label.startswith("💳"))
    pledge = stripe_stand_in.sessions[session_of(stripe_stand_in, pay_url)]["metadata"]
    back = await expect(emulator, user, f"/start cancel-{pledge['pledge_id']}", paid_not)
    assert len(buttons(back)) >= 3
