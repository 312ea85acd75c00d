"""Launch alerts: what a catalogue list stands for, and the buttons' data."""

from __future__ import annotations

import pytest

from bot.conversation import callbacks
from bot.conversation.callbacks import AlertAction, AlertButton
from bot.domain import AlertTarget, Category, Departement, ListView
from bot.services.alerts import target_of

FINISTERE = Departement.FINISTERE


def test_a_whole_catalogue_or_a_search_for_other_words_offers_nothing() -> None:
    assert target_of(ListView(), None) is None
    assert target_of(ListView(category=Category.CULTURE), "fest-noz") is None


def test_a_list_stands_for_all_its_filters_and_a_commune_for_its_departement() -> None:
    view = ListView(category=Category.CULTURE, departement=FINISTERE)
    assert target_of(view, None) == AlertTarget(Category.CULTURE, FINISTERE)
    assert target_of(view, "Kemper") == AlertTarget(Category.CULTURE, None, "Quimper")
    assert target_of(ListView(), "Penn-ar-Bed") == AlertTarget(departement=FINISTERE)


def test_one_key_per_target() -> None:
    keys = {
        AlertTarget(Category.CULTURE).key,
        AlertTarget(departement=FINISTERE).key,
        AlertTarget(Category.CULTURE, FINISTERE).key,
        AlertTarget(commune="Quimper").key,
        AlertTarget(owner_id=42, owner_name="Gwen").key,
    }
    assert len(keys) == 5
    assert AlertTarget(owner_id=42).key == AlertTarget(owner_id=42, owner_name="Gwen").key


def test_buttons_parse_back() -> None:
    view = ListView(category=Category.SPORT, departement=FINISTERE, page=2)
    assert callbacks.parse_alert(callbacks.watch_list(view, on=True)) == AlertButton(
        AlertAction.WATCH_LIST, view=view
    )
    assert callbacks.parse_alert(callbacks.watch_owner(7_000_000_001, on=False)) == AlertButton(
        AlertAction.UNWATCH_OWNER, number=7_000_000_001
    )
    assert callbacks.parse_alert(callbacks.remove_alert(12, 3)) == AlertButton(
        AlertAction.REMOVE, number=12, page=3
    )
    assert callbacks.parse_alert(callbacks.alert_list(1)) == AlertButton(AlertAction.LIST, page=1)


@pytest.mark.parametrize(
    "data",
    ["al", "al:", "al:q:1", "al:s:zz.29.e.0.-", "al:s", "al:d:x:0", "al:d:1", "al:d:1:99999",
     "al:l:-1", "al:o:", "al:o:1:2", "al:o:12345678901234567", "ls:al:1"],
)  # fmt: skip
def test_forged_data_is_refused(data: str) -> None:
    assert callbacks.parse_alert(data) is None
