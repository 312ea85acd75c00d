"""Pledging, through the Bot API emulator and the Stripe stand-in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.domain import PledgeStatus, ProjectStatus, utcnow
from bot.storage.models import Pledge, Project, RewardTier
from tests.bot_database import db_execute, db_scalar, project_id
from tests.dialogue import WAIT, answer_to, answer_to_press, buttons, press_label, text_of
from tests.fakes.bot_api import ApiCall, BotApiEmulator, FakeUser
from tests.fakes.stripe_api import StripeStandIn
from tests.journeys.harness import KengoInProcess

pytestmark = pytest.mark.journey


async def open_card(emulator: BotApiEmulator, user: FakeUser, project: int) -> ApiCall:
    await answer_to(emulator, user, "/langue")
    await answer_to_press(emulator, user, f"lang:{user.user.get('language_code', 'fr')}")
    return await answer_to(emulator, user, f"/start p{project}")


def session_of(stand_in: StripeStandIn, pledge_url: str) -> str:
    return next(s["id"] for s in stand_in.sessions.values() if s["url"] == pledge_url)


async def wait_text(emulator: BotApiEmulator, chat_id: int, needle: str, since: int) -> ApiCall:
    return await emulator.wait_for(
        "sendMessage", lambda c: needle in text_of(c), chat_id=chat_id, since=since, timeout=WAIT
    )


async def test_a_free_amount_pledge_is_paid_end_to_end(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, stripe_stand_in: StripeStandIn,
    database_url: str,
) -> None:  # fmt: skip
    podcast = await project_id(database_url, "podcast-klevet-rennes")
    raised_before = await db_scalar(
        database_url, select(Project.raised_cents).where(Project.id == podcast)
    )
    anna = emulator.user(401, "Anna")
    card = await open_card(emulator, anna, podcast)
    options = await press_label(emulator, anna, card, "Soutenir", method="sendMessage")
    assert "pas de contrepartie" in text_of(options)
    amounts = await press_label(emulator, anna, options, "Don libre")
    confirmation = await press_label(emulator, anna, amounts, "20 €")
    assert "<b>Récapitulatif</b>" in text_of(confirmation)
    assert "Montant : <b>20 €</b>" in text_of(confirmation)
    payment = await press_label(emulator, anna, confirmation, "Continuer vers le paiement")
    assert "60 minutes" in text_of(payment)
    pay_url = buttons(payment)["💳 Payer 20\u00a0€"]
    session = stripe_stand_in.sessions[session_of(stripe_stand_in, pay_url)]
    assert (session["amount_total"], session["locale"]) == (2000, "fr")

    mark = emulator.mark()
    await stripe_stand_in.pay(session["id"])
    assert stripe_stand_in.deliveries[-1].status == 200
    thanks = await wait_text(emulator, 401, "Merci pour votre soutien", mark)
    assert "20 €" in text_of(thanks)
    assert "(don libre)" in text_of(thanks)
    assert f"https://t.me/kengo_test_bot?start=p{podcast}-401" in text_of(thanks)
    raised = await db_scalar(
        database_url, select(Project.raised_cents).where(Project.id == podcast)
    )
    assert raised == int(raised_before) + 2000  # type: ignore[call-overload]

    mine = await answer_to(emulator, anna, "/mes_soutiens")
    assert "Klevet" in text_of(mine)
    assert "payé" in text_of(mine)
    assert "🏠 Menu" in buttons(mine)  # the list ends a journey: a way on
    back = await answer_to(emulator, anna, f"/start paid-{session['metadata']['pledge_id']}")
    assert "est confirmé. Merci !" in text_of(back)


async def test_a_reward_with_a_typed_amount_in_breton(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, stripe_stand_in: StripeStandIn,
    database_url: str,
) -> None:  # fmt: skip
    fest_noz = await project_id(database_url, "fest-noz-tregor-lannion")
    klervi = emulator.user(402, "Klervi", language_code="br")
    card = await open_card(emulator, klervi, fest_noz)
    options = await press_label(emulator, klervi, card, "Skoazellañ", method="sendMessage")
    assert "Badge de soutien" in text_of(options)
    assert "Stage de danse" not in "".join(buttons(options))  # sold out: not offered
    tier = await press_label(emulator, klervi, options, "Tee-shirt")
    assert "da vihanañ" in text_of(tier)
    prompt = await press_label(emulator, klervi, tier, "Sammad all")
    assert "Skrivit sammad ho tonezon" in text_of(prompt)
    retry = await answer_to(emulator, klervi, "kalz")
    assert "N'em eus ket komprenet ar sammad-se" in text_of(retry)
    too_low = await answer_to(emulator, klervi, "1")
    assert "da vihanañ evit kaout an dra-mañ" in text_of(too_low)
    await press_label(emulator, klervi, tier, "Sammad all")
    assert "Nullet eo" in text_of(await answer_to(emulator, klervi, "/annuler"))
    ignored = await answer_to(emulator, klervi, "45")  # no longer read as an amount
    assert "Diverradenn" not in text_of(ignored)
    await press_label(emulator, klervi, tier, "Sammad all")
    confirmation = await answer_to(emulator, klervi, "45,50 €")
    assert "45,50 €" in text_of(confirmation)
    payment = await press_label(emulator, klervi, confirmation, "Kenderc'hel")
    pay_url = next(url for label, url in buttons(payment).items() if label.startswith("💳"))
    mark = emulator.mark()
    await stripe_stand_in.pay(session_of(stripe_stand_in, pay_url))
    thanks = await wait_text(emulator, 402, "Trugarez deoc'h evit ho skoazell", mark)
    assert "(Tee-shirt" in text_of(thanks)
    claimed = await db_scalar(database_url, select(RewardTier.claimed_count).where(
        RewardTier.project_id == fest_noz, RewardTier.title.like("Tee-shirt%")))  # fmt: skip
    assert int(claimed) >= 1  # type: ignore[call-overload]


async def test_forged_or_replayed_webhooks_change_nothing(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, stripe_stand_in: StripeStandIn,
    database_url: str,
) -> None:  # fmt: skip
    podcast = await project_id(database_url, "podcast-klevet-rennes")
    yann = emulator.user(403, "Yann")
    card = await open_card(emulator, yann, podcast)
    options = await press_label(emulator, yann, card, "Soutenir", method="sendMessage")
    amounts = await press_label(emulator, yann, options, "Don libre")
    confirmation = await press_label(emulator, yann, amounts, "50 €")
    payment = await press_label(emulator, yann, confirmation, "Continuer")
    session_id = session_of(stripe_stand_in, buttons(payment)["💳 Payer 50\u00a0€"])
    stripe_stand_in.auto_deliver = False
    await stripe_stand_in.pay(session_id)
    event = stripe_stand_in.pending_events[-1]
    assert await stripe_stand_in.deliver(event, secret="whsec_forged") == [400]
    stale = int((utcnow() - timedelta(hours=1)).timestamp())
    assert await stripe_stand_in.deliver(event, timestamp=stale) == [400]
    status = select(Pledge.status).where(Pledge.stripe_checkout_session_id == session_id)
    assert await db_scalar(database_url, status) == PledgeStatus.PENDING.value
    assert await stripe_stand_in.deliver(event, times=3) == [200, 200, 200]
    assert await db_scalar(database_url, status) == PledgeStatus.PAID.value


# The demo campaign has 138 pledges to refund, 20 a sweep: sweeps come close to each other.
@pytest.mark.kengo_settings(campaign_check_seconds=0.05)
async def test_a_failed_campaign_refunds_its_contributors_and_tells_them(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, stripe_stand_in: StripeStandIn,
    database_url: str,
) -> None:  # fmt: skip
    chapelle = await project_id(database_url, "chapelle-saint-meriadec-baud")
    backers = [emulator.user(404, "Erwan", language_code="br"), emulator.user(405, "Soizic")]
    for backer in backers:
        card = await open_card(emulator, backer, chapelle)
        label = "Skoazellañ" if backer.id == 404 else "Soutenir"
        options = await press_label(emulator, backer, card, label, method="sendMessage")
        amounts = await press_label(
            emulator, backer, options, "Don" if backer.id == 405 else "Donezon"
        )
        confirmation = await press_label(emulator, backer, amounts, "10 €")
        payment = await press_label(emulator, backer, confirmation, "✅")
        pay_url = next(url for label, url in buttons(payment).items() if label.startswith("💳"))
        mark = emulator.mark()
        await stripe_stand_in.pay(session_of(stripe_stand_in, pay_url))
        await emulator.wait_for("sendMessage", chat_id=backer.id, since=mark, timeout=WAIT)
    mark = emulator.mark()
    await db_execute(database_url, update(Project).where(Project.id == chapelle).values(
        ends_at=utcnow() - timedelta(seconds=1)))  # fmt: skip
    await wait_text(emulator, 404, "daskoret e vo deoc'h ho tonezon", mark)
    await wait_text(emulator, 404, "Daskoret eo bet deoc'h ho tonezon a 10 €", mark)
    await wait_text(emulator, 405, "va vous être remboursée", mark)
    await wait_text(emulator, 405, "vous a été remboursée", mark)
    assert len(stripe_stand_in.refunds) == 2
    status = select(Project.status).where(Project.id == chapelle)
    assert await db_scalar(database_url, status) == ProjectStatus.FAILED.value
    raised = select(Project.raised_cents).where(Project.id == chapelle)
    assert await db_scalar(database_url, raised) == 0
