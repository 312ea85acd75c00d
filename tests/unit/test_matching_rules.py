"""Partner matching arithmetic (bot/matching/rules.py), in integer cents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain import MatchRule, PartnerMatch
from bot.matching.rules import (
    Contributions,
    as_shown,
    cap_left,
    in_force,
    matched_cents,
    still_to_raise,
    threshold_cents,
)

START = datetime(2027, 1, 1, tzinfo=UTC)
END = START + timedelta(days=20)
GOAL = 500_000  # 5 000 €


def _threshold(percent: int = 80, **fields: object) -> PartnerMatch:
    values: dict[str, object] = dict(
        match_id=1, project_id=1, partner="Région Bretagne", rule=MatchRule.THRESHOLD,
        threshold_percent=percent, cap_cents=None, starts_at=START, ends_at=END,
    )  # fmt: skip
    values.update(fields)
    return PartnerMatch(**values)  # type: ignore[arg-type]


def _euro(cap: int = 200_000, matched: int = 0) -> PartnerMatch:
    return PartnerMatch(
        match_id=2, project_id=1, partner="Crédit X", rule=MatchRule.EURO_FOR_EURO,
        threshold_percent=None, cap_cents=cap, starts_at=START, ends_at=END,
        matched_cents=matched,
    )  # fmt: skip


def _paid(total: int, before_end: int | None = None, during: int | None = None) -> Contributions:
    return Contributions(
        total, total if before_end is None else before_end, total if during is None else during
    )


@pytest.mark.parametrize(
    ("goal", "percent", "expected"),
    [(500_000, 80, 400_000), (333, 50, 167), (100_001, 99, 99_001), (1, 1, 1), (999, 33, 330)],
)
def test_the_threshold_is_rounded_up_to_the_cent(goal: int, percent: int, expected: int) -> None:
    assert threshold_cents(goal, percent) == expected


def test_a_threshold_match_adds_nothing_below_its_threshold() -> None:
    assert matched_cents(_threshold(), GOAL, _paid(399_999)) == 0
    assert still_to_raise(_threshold(), GOAL, 380_000, START + timedelta(days=1)) == 20_000


def test_a_threshold_match_completes_the_rest_from_its_threshold_on() -> None:
    assert matched_cents(_threshold(), GOAL, _paid(400_000)) == 100_000
    assert matched_cents(_threshold(), GOAL, _paid(470_050)) == 29_950
    assert still_to_raise(_threshold(), GOAL, 400_000, START + timedelta(days=1)) == 0


def test_a_threshold_match_adds_nothing_once_the_goal_is_reached() -> None:
    assert matched_cents(_threshold(), GOAL, _paid(GOAL)) == 0
    assert matched_cents(_threshold(), GOAL, _paid(GOAL + 12_345)) == 0


def test_a_threshold_reached_after_the_end_does_not_count() -> None:
    # 3 900 € before the end, 4 200 € in all: too late.
    assert matched_cents(_threshold(), GOAL, _paid(420_000, before_end=390_000)) == 0
    # Reached before the end: the partner completes what is still missing after it.
    assert matched_cents(_threshold(), GOAL, _paid(450_000, before_end=400_000)) == 50_000
    assert still_to_raise(_threshold(), GOAL, 300_000, END) == 0  # ended: no call to action


def test_money_given_before_a_threshold_match_counts_towards_it() -> None:
    assert matched_cents(_threshold(), GOAL, _paid(420_000, during=0)) == 80_000


def test_euro_for_euro_matches_what_was_given_while_in_force_up_to_its_cap() -> None:
    match = _euro(cap=200_000)
    assert matched_cents(match, GOAL, _paid(150_000, during=0)) == 0  # given before it
    assert matched_cents(match, GOAL, _paid(150_000, during=50_000)) == 50_000
    assert matched_cents(match, GOAL, _paid(400_000, during=199_999)) == 199_999
    assert matched_cents(match, GOAL, _paid(480_000, during=300_000)) == 200_000


def test_euro_for_euro_is_frozen_after_its_end() -> None:
    # `during` counts money paid before the end only: more given later changes nothing.
    before = matched_cents(_euro(), GOAL, _paid(120_000, during=120_000))
    after = matched_cents(_euro(), GOAL, _paid(300_000, during=120_000))
    assert before == after == 120_000
    assert cap_left(_euro(matched=120_000), END) == 0
    assert cap_left(_euro(matched=120_000), END - timedelta(seconds=1)) == 80_000


def test_the_call_to_action_holds_only_while_the_match_is_in_force() -> None:
    before_start = START - timedelta(seconds=1)
    assert not in_force(_threshold(), before_start)
    assert in_force(_threshold(), START)
    assert not in_force(_threshold(), END)
    shown = as_shown(_threshold(), GOAL, 280_000, START + timedelta(hours=1))
    assert (shown.to_trigger_cents, shown.cap_left_cents) == (120_000, 0)
    shown = as_shown(_euro(matched=50_000), GOAL, 280_000, START + timedelta(hours=1))
    assert (shown.to_trigger_cents, shown.cap_left_cents) == (0, 150_000)
