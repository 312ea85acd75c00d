"""Input modes: what the user's next typed message means, encoded and decoded only here.

Stored in `users.input_mode` (24 characters at most). The strings are those the bot has always
written, so rows saved by earlier versions keep their meaning. Anything that does not decode
(unknown, malformed, forged, too long) is no mode at all: the message gets the ordinary reply.

| stored                    | mode               | the next message is                        |
|---------------------------|--------------------|--------------------------------------------|
| `search[:<filters>]`      | `Search`           | words to search the catalogue (filters: the |
|                           |                    | list's category, département and sort)     |
| `wizard:<project>`        | `WizardAnswer`     | the answer a draft waits for (text, photo) |
| `amount:<project>:<tier>` | `Amount`           | a pledge in euros (tier 0: a free gift)    |
| `nick:<project>:<tier>`   | `Nickname`         | the nickname to appear by on the card      |
| `reason:<c/r>:<project>`  | `ModerationReason` | why changes are asked (c), or refused (r)  |
| `news:<project>[:<tier>]` | `NewsPost`         | a news post (a text, or a photo's caption); |
|                           |                    | with a tier: a message to its contributors |
| `match:<n/v/d>:<draft>`   | `MatchAnswer`      | a partner match's partner name (n), its     |
|                           |                    | threshold or cap (v), or its end date (d)  |

Ids are written in decimal without leading zeros and have at most eight digits, so that the
longest mode, `amount:` with two ids, fits the column.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeAlias, assert_never

from bot.conversation.callbacks import decode_view, encode_view
from bot.domain import Decision, ListView

MAX_LENGTH = 24  # the width of users.input_mode
MAX_ID = 99_999_999
_ID = re.compile(r"[1-9][0-9]{0,7}")


def _check_id(value: int) -> None:
    if not 0 < value <= MAX_ID:
        raise ValueError(f"id {value} cannot be stored in an input mode")


def _check_pledge(project_id: int, tier_id: int | None) -> None:
    _check_id(project_id)
    if tier_id is not None:
        _check_id(tier_id)


@dataclass(frozen=True)
class Search:
    """Typed words search the catalogue (set while the user browses it), within the category,
    département and sort of the list being browsed (`view`: page 0, no query)."""

    view: ListView = field(default_factory=ListView)

    def __post_init__(self) -> None:
        if self.view.page or self.view.query_hash:
            raise ValueError("a search keeps only the filters and the sort of a list")

    @classmethod
    def within(cls, view: ListView) -> Search:
        """Typed words search within the filters and the sort of `view`."""
        return cls(ListView(view.category, view.departement, view.sort))


@dataclass(frozen=True)
class WizardAnswer:
    project_id: int

    def __post_init__(self) -> None:
        _check_id(self.project_id)


@dataclass(frozen=True)
class Amount:
    project_id: int
    tier_id: int | None  # None: a free gift

    def __post_init__(self) -> None:
        _check_pledge(self.project_id, self.tier_id)


@dataclass(frozen=True)
class Nickname:
    """The nickname a contributor types to appear by on the card (the pledge's recap waits)."""

    project_id: int
    tier_id: int | None  # None: a free gift

    def __post_init__(self) -> None:
        _check_pledge(self.project_id, self.tier_id)


_DECISION_CODES = {Decision.REQUEST_CHANGES: "c", Decision.REJECT: "r"}
_DECISIONS_BY_CODE = {code: decision for decision, code in _DECISION_CODES.items()}


@dataclass(frozen=True)
class ModerationReason:
    decision: Decision  # only the decisions that need a reason
    project_id: int

    def __post_init__(self) -> None:
        if self.decision not in _DECISION_CODES:
            raise ValueError(f"{self.decision} takes no reason")
        _check_id(self.project_id)


@dataclass(frozen=True)
class NewsPost:
    project_id: int
    tier_id: int | None = None  # a message to the contributors of this reward only

    def __post_init__(self) -> None:
        _check_id(self.project_id)
        if self.tier_id is not None:
            _check_id(self.tier_id)


class MatchStep(enum.StrEnum):
    """What a moderator attaching a partner match types next."""

    NAME = "n"
    VALUE = "v"  # the threshold percentage, or the cap in euros
    END = "d"


@dataclass(frozen=True)
class MatchAnswer:
    step: MatchStep
    draft_id: int

    def __post_init__(self) -> None:
        _check_id(self.draft_id)


InputMode: TypeAlias = (
    Search | WizardAnswer | Amount | Nickname | ModerationReason | NewsPost | MatchAnswer
)


def encode(mode: InputMode) -> str:
    match mode:
        case Search(view):
            # "search" alone, as earlier versions wrote it, when no filter is set.
            return "search" if view == ListView() else f"search:{encode_view(view)}"
        case WizardAnswer(project_id):
            return f"wizard:{project_id}"
        case Amount(project_id, tier_id):
            return f"amount:{project_id}:{tier_id or 0}"
        case Nickname(project_id, tier_id):
            return f"nick:{project_id}:{tier_id or 0}"
        case ModerationReason(decision, project_id):
            return f"reason:{_DECISION_CODES[decision]}:{project_id}"
        case NewsPost(project_id, None):
            return f"news:{project_id}"
        case NewsPost(project_id, tier_id):
            return f"news:{project_id}:{tier_id}"
        case MatchAnswer(step, draft_id):
            return f"match:{step.value}:{draft_id}"
        case _:
            assert_never(mode)


def decode(text: str | None) -> InputMode | None:
    """The mode stored as `text`, or None when there is none we understand."""
    if not text or len(text) > MAX_LENGTH:
        return None
    name, *parts = text.split(":")
    decoder = _DECODERS.get(name)
    if decoder is None:
        return None
    try:
        return decoder(parts)
    except (ValueError, KeyError):  # a wrong number of parts, or a part that is not ours
        return None


def _id(text: str) -> int:
    if not _ID.fullmatch(text):
        raise ValueError(text)
    return int(text)


def _search(parts: list[str]) -> Search:
    if not parts:
        return Search()
    (filters,) = parts
    view = decode_view(filters)
    if view is None:
        raise ValueError(filters)
    return Search(view)


def _wizard(parts: list[str]) -> WizardAnswer:
    (project,) = parts
    return WizardAnswer(_id(project))


def _amount(parts: list[str]) -> Amount:
    project, tier = parts
    return Amount(_id(project), None if tier == "0" else _id(tier))


def _nickname(parts: list[str]) -> Nickname:
    project, tier = parts
    return Nickname(_id(project), None if tier == "0" else _id(tier))


def _reason(parts: list[str]) -> ModerationReason:
    code, project = parts
    return ModerationReason(_DECISIONS_BY_CODE[code], _id(project))


def _news(parts: list[str]) -> NewsPost:
    project, *tier = parts
    if len(tier) > 1:
        raise ValueError(parts)
    return NewsPost(_id(project), _id(tier[0]) if tier else None)


def _match(parts: list[str]) -> MatchAnswer:
    step, draft = parts
    return MatchAnswer(MatchStep(step), _id(draft))


_DECODERS: dict[str, Callable[[list[str]], InputMode]] = {
    "search": _search,
    "wizard": _wizard,
    "amount": _amount,
    "nick": _nickname,
    "reason": _reason,
    "news": _news,
    "match": _match,
}
