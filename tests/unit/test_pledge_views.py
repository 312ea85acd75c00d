"""The pledging screens' keyboards: every refusal and every last message has a way on."""

from __future__ import annotations

import pytest

from bot.conversation import callbacks
from bot.conversation.callbacks import PledgeChoice, PledgeStep
from bot.domain import Reason
from bot.i18n.translator import Catalogs, Translator
from bot.views import my_pledges, pledge_refusals


@pytest.fixture(scope="module", params=["fr", "br"])
def t(request: pytest.FixtureRequest) -> Translator:
    return Catalogs.load().translator(request.param)


def datas(markup: object) -> list[str]:
    rows = getattr(markup, "inline_keyboard", ())
    return [button.callback_data or button.url or "" for row in rows for button in row]


@pytest.mark.parametrize("reason", list(Reason))
def test_every_refusal_offers_ways_on(t: Translator, reason: Reason) -> None:
    choice = PledgeChoice(PledgeStep.CONFIRM, 7, 3, 3000)
    data = datas(pledge_refusals.refusal_keyboard(t, choice, reason, 5000))
    assert len(data) >= 2
    assert all(len(d.encode()) <= callbacks.MAX_BYTES for d in data)


def test_a_checkout_being_prepared_can_be_tried_again(t: Translator) -> None:
    choice = PledgeChoice(PledgeStep.CONFIRM, 7, 3, 3000)
    data = datas(pledge_refusals.refusal_keyboard(t, choice, Reason.CHECKOUT_OPEN, None))
    assert callbacks.pledge(choice) in data  # "Réessayer" presses "Continuer" again
    assert callbacks.pledge(PledgeChoice(PledgeStep.CHANGE, 7, 3)) in data


def test_a_reward_too_dear_offers_its_price_and_a_free_gift(t: Translator) -> None:
    choice = PledgeChoice(PledgeStep.AMOUNT, 7, 3, 3000)
    data = datas(pledge_refusals.refusal_keyboard(t, choice, Reason.BELOW_TIER, 5000))
    assert callbacks.pledge(PledgeChoice(PledgeStep.AMOUNT, 7, 3, 5000)) in data
    assert callbacks.pledge(PledgeChoice(PledgeStep.GIFT, 7)) in data


def test_an_empty_list_of_pledges_leads_to_the_catalogue(t: Translator) -> None:
    assert callbacks.menu(callbacks.MenuItem.DISCOVER) in datas(
        my_pledges.my_pledges_keyboard(t, [])
    )
