"""Partner matches' buttons and typed-input mode: what is built parses back, nothing forged does."""

from __future__ import annotations

import pytest

from bot.conversation import inputs
from bot.conversation.callbacks import MatchAction, MatchButton, match_button, parse_match
from bot.domain import MatchRule


@pytest.mark.parametrize(
    "button",
    [
        MatchButton(MatchAction.LIST),
        MatchButton(MatchAction.LIST, 12),
        MatchButton(MatchAction.PROJECT, 7),
        MatchButton(MatchAction.RULE, 3, MatchRule.THRESHOLD),
        MatchButton(MatchAction.RULE, 3, MatchRule.EURO_FOR_EURO),
        MatchButton(MatchAction.WITHDRAW_CONFIRMED, 2_147_483_647),
        MatchButton(MatchAction.EXPORT),
    ],
)
def test_a_match_button_parses_back(button: MatchButton) -> None:
    assert parse_match(match_button(button)) == button


@pytest.mark.parametrize(
    "data",
    ["pm:r:3:z", "pm:r:3:-", "pm:r:0:t", "pm:p:0:-", "pm:c:1:-", "pm:l:10000:-", "pm:y:3:t",
     "pm:q:1:-", "pm:p:1", "pm:p:2147483648:-", "pm:p:-1:-", "md:p:1:-", "", None],
)  # fmt: skip
def test_forged_match_buttons_are_refused(data: str | None) -> None:
    assert parse_match(data) is None


def test_the_match_input_mode_round_trips_and_rejects_forgeries() -> None:
    for step in inputs.MatchStep:
        mode = inputs.MatchAnswer(step, 99_999_999)
        assert inputs.decode(inputs.encode(mode)) == mode
        assert len(inputs.encode(mode)) <= inputs.MAX_LENGTH
    for text in ("match:x:1", "match:n:0", "match:n", "match:n:1:2", "match:v:007"):
        assert inputs.decode(text) is None
