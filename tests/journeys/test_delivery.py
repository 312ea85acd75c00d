"""Rewards say how they reach their contributors, and Checkout asks what delivering them needs:
a shipped reward's address (in the owner's countries), every contributor's name and email."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.engine import create_engine
from bot.storage.models import Pledge
from tests.bot_database import project_id
from tests.dialogue import buttons, press_label, text_of
from tests.fakes.bot_api import BotApiEmulator
from tests.fakes.stripe_api import StripeStandIn
from tests.journeys.harness import KengoInProcess
from tests.journeys.test_pledge import open_card, session_of, wait_text

pytestmark = pytest.mark.journey

ADDRESS = {"line1": "3 straed ar Mor", "postal_code": "22300", "city": "Lannion", "country": "FR"}


async def _stored(database_url: str, session_id: str) -> Pledge:
    """The pledge of a session as the database holds it."""
    engine = create_engine(database_url)
    try:
        async with AsyncSession(engine) as session:
            pledge = await session.scalar(
                select(Pledge).where(Pledge.stripe_checkout_session_id == session_id)
            )
    finally:
        await engine.dispose()
    assert pledge is not None
    return pledge


async def test_a_shipped_reward_asks_the_address_in_the_owners_countries_and_keeps_it(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, stripe_stand_in: StripeStandIn,
    database_url: str,
) -> None:  # fmt: skip
    fest_noz = await project_id(database_url, "fest-noz-tregor-lannion")
    anna = emulator.user(431, "Anna")
    card = await open_card(emulator, anna, fest_noz)
    assert "📦 envoi postal (France)" in text_of(card)  # the badge
    assert "🤝 en main propre" in text_of(card)  # the tee-shirt, at the festival
    options = await press_label(emulator, anna, card, "Soutenir", method="sendMessage")
    assert "Badge de soutien</b> — dès 15 € · 📦 envoi postal (France)" in text_of(options)
    amounts = await press_label(emulator, anna, options, "Badge")
    confirmation = await press_label(emulator, anna, amounts, "15 €")
    assert "Badge de soutien · 📦 envoi postal (France)" in text_of(confirmation)
    assert "Stripe vous demandera l'adresse où envoyer la contrepartie." in text_of(confirmation)
    payment = await press_label(emulator, anna, confirmation, "Continuer vers le paiement")
    pay_url = next(url for label, url in buttons(payment).items() if label.startswith("💳"))
    session = stripe_stand_in.sessions[session_of(stripe_stand_in, pay_url)]
    assert session["shipping_address_collection"] == {"allowed_countries": ["FR"]}
    assert session["name_collection"]["individual"] == {"enabled": True, "optional": False}

    with pytest.raises(ValueError, match="no BE address"):  # the page offers France only
        await stripe_stand_in.pay(session["id"], address={**ADDRESS, "country": "BE"})
    mark = emulator.mark()
    await stripe_stand_in.pay(
        session["id"], email="anna@example.org", name="Anna Le Gall", address=ADDRESS
    )
    await wait_text(emulator, 431, "Merci pour votre soutien", mark)
    pledge = await _stored(database_url, session["id"])
    assert (pledge.contact_email, pledge.contact_name) == ("anna@example.org", "Anna Le Gall")
    assert pledge.shipping_name == "Anna Le Gall"
    assert pledge.shipping_address == {**ADDRESS, "line2": None, "state": None}


async def test_a_reward_handed_over_asks_no_address_but_the_name_and_email_in_breton(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, stripe_stand_in: StripeStandIn,
    database_url: str,
) -> None:  # fmt: skip
    fest_noz = await project_id(database_url, "fest-noz-tregor-lannion")
    klervi = emulator.user(432, "Klervi", language_code="br")
    card = await open_card(emulator, klervi, fest_noz)
    assert "📦 kaset dre ar post (Frañs)" in text_of(card)
    options = await press_label(emulator, klervi, card, "Skoazellañ", method="sendMessage")
    assert "🤝 roet dorn ouzh dorn" in text_of(options)
    amounts = await press_label(emulator, klervi, options, "Tee-shirt")
    confirmation = await press_label(emulator, klervi, amounts, "40 €")
    assert "🤝 roet dorn ouzh dorn" in text_of(confirmation)
    assert "pelec'h kas" not in text_of(confirmation)  # no address will be asked
    payment = await press_label(emulator, klervi, confirmation, "Kenderc'hel")
    pay_url = next(url for label, url in buttons(payment).items() if label.startswith("💳"))
    session = stripe_stand_in.sessions[session_of(stripe_stand_in, pay_url)]
    assert session["shipping_address_collection"] is None
    assert session["name_collection"]["individual"]["enabled"] is True

    mark = emulator.mark()
    await stripe_stand_in.pay(session["id"], email="klervi@example.org", name="Klervi Kerbrat")
    await wait_text(emulator, 432, "Trugarez deoc'h evit ho skoazell", mark)
    pledge = await _stored(database_url, session["id"])
    assert (pledge.contact_email, pledge.contact_name) == ("klervi@example.org", "Klervi Kerbrat")
    assert (pledge.shipping_name, pledge.shipping_address) == (None, None)
