"""Buttons of partner matches, which moderators attach to live projects.

| data                      | button                                                     |
|---------------------------|------------------------------------------------------------|
| `pm:l:<page>:-`           | the live projects, a page of them, and the CSV export      |
| `pm:p:<project>:-`        | a project's match (or the way to attach one)               |
| `pm:n:<project>:-`        | attach a match: a draft is started, its partner typed next |
| `pm:r:<draft>:<t/e>`      | the draft's rule: threshold (t) or euro for euro (e)       |
| `pm:e:<draft>:-`          | the draft ends with the campaign (a date can be typed)     |
| `pm:y:<draft>:-`          | confirm the draft                                          |
| `pm:x:<draft>:-`          | drop the draft                                             |
| `pm:w:<match>:-`          | withdraw a match: asks first                               |
| `pm:k:<match>:-`          | withdraw it, confirmed                                     |
| `pm:c:0:-`                | the partners' report (CSV)                                 |
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from bot.conversation.callbacks.scheme import Namespace, build, is_id, parts_of
from bot.domain import MatchRule

MAX_MATCH_PAGE = 9999


class MatchAction(enum.StrEnum):
    LIST = "l"
    PROJECT = "p"
    NEW = "n"
    RULE = "r"
    CAMPAIGN_END = "e"
    CONFIRM = "y"
    DROP = "x"
    WITHDRAW = "w"
    WITHDRAW_CONFIRMED = "k"
    EXPORT = "c"


_RULE_CODES = {MatchRule.THRESHOLD: "t", MatchRule.EURO_FOR_EURO: "e"}
_RULES_BY_CODE = {code: rule for rule, code in _RULE_CODES.items()}


@dataclass(frozen=True)
class MatchButton:
    action: MatchAction
    target_id: int = 0  # a page, a project, a draft or a match, by action
    rule: MatchRule | None = None  # RULE only


def match_button(button: MatchButton) -> str:
    value = _RULE_CODES[button.rule] if button.rule is not None else "-"
    return build(Namespace.MATCH, button.action.value, str(button.target_id), value)


def parse_match(data: str | None) -> MatchButton | None:
    parts = parts_of(data, Namespace.MATCH, 3)
    if not parts or parts[0] not in MatchAction.__members__.values() or not is_id(parts[1]):
        return None
    action, target, value = MatchAction(parts[0]), int(parts[1]), parts[2]
    if action is MatchAction.LIST:
        return MatchButton(action, target) if target <= MAX_MATCH_PAGE and value == "-" else None
    if action is MatchAction.RULE:
        rule = _RULES_BY_CODE.get(value)
        return MatchButton(action, target, rule) if rule is not None and target else None
    if value != "-" or (target == 0) != (action is MatchAction.EXPORT):
        return None
    return MatchButton(action, target)
