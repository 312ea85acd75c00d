"""Buttons of pledging, and of a contributor's answer once their reward sold out.

| data                         | button                                              |
|------------------------------|-----------------------------------------------------|
| `pl:<step>:<id>:<tier>:<ct>` | pledging: tier, gift, amount, other amount, confirm  |
| `so:<choice>:<pledge>`       | after a sell-out: keep the pledge as a gift, or refund |

A pledge's button carries the whole choice so far (tier 0: a free gift), so no state is kept
between two screens.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from bot.conversation.callbacks.scheme import Namespace, build, is_id, parts_of
from bot.domain import SoldOutChoice


class PledgeStep(enum.StrEnum):
    TIER = "t"  # a reward was chosen: offer to add a little extra
    GIFT = "g"  # a free gift: offer preset amounts
    AMOUNT = "a"  # an amount was chosen: confirm
    OTHER = "o"  # the user will type the amount
    CONFIRM = "ok"  # go to the payment page
    CANCEL = "x"
    CHANGE = "c"  # the amounts again, even with a pledge open for this reward
    DISPLAY = "d"  # how to appear on the project's card: the choices
    SHOW_NAME = "dn"  # appear by one's first name
    SHOW_NICKNAME = "dk"  # appear by a nickname, typed next
    SHOW_NOTHING = "da"  # appear anonymously


# The steps about how a contributor appears on the card: their own journey (handlers/supporters).
DISPLAY_STEPS = (
    PledgeStep.DISPLAY, PledgeStep.SHOW_NAME, PledgeStep.SHOW_NICKNAME, PledgeStep.SHOW_NOTHING,
)  # fmt: skip


def display_pattern() -> str:
    """Regex for the CallbackQueryHandler of `DISPLAY_STEPS`, registered before the one of the
    whole namespace (`pattern(Namespace.PLEDGE)`), which then gets every other step."""
    steps = "|".join(step.value for step in DISPLAY_STEPS)
    return rf"^{Namespace.PLEDGE.value}:({steps}):"


@dataclass(frozen=True)
class PledgeChoice:
    step: PledgeStep
    project_id: int
    tier_id: int | None = None
    amount_cents: int = 0


def pledge(choice: PledgeChoice) -> str:
    parts = (choice.step.value, str(choice.project_id), str(choice.tier_id or 0),
             str(choice.amount_cents))  # fmt: skip
    return build(Namespace.PLEDGE, *parts)


def parse_pledge(data: str | None) -> PledgeChoice | None:
    parts = parts_of(data, Namespace.PLEDGE, 4)
    if not parts or parts[0] not in PledgeStep.__members__.values():
        return None
    if not (is_id(parts[1]) and is_id(parts[2]) and parts[3].isdigit() and len(parts[3]) <= 12):
        return None
    project_id, tier_id, cents = (int(part) for part in parts[1:])
    return PledgeChoice(PledgeStep(parts[0]), project_id, tier_id or None, cents)


def sold_out(choice: SoldOutChoice, pledge_id: int) -> str:
    """A contributor's answer after their reward sold out: keep as a gift, or be refunded."""
    return build(Namespace.SOLD_OUT, choice.value, str(pledge_id))


def parse_sold_out(data: str | None) -> tuple[SoldOutChoice, int] | None:
    parts = parts_of(data, Namespace.SOLD_OUT, 2)
    if not parts or parts[0] not in SoldOutChoice.__members__.values():
        return None
    if not is_id(parts[1]):
        return None
    return SoldOutChoice(parts[0]), int(parts[1])
