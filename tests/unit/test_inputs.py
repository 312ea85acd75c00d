"""Input modes: the strings stored in users.input_mode, and anything else meaning no mode."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.conversation import inputs
from bot.conversation.inputs import (
    MAX_ID,
    Amount,
    InputMode,
    ModerationReason,
    NewsPost,
    Nickname,
    Search,
    WizardAnswer,
)
from bot.domain import Category, Decision, Departement, ListView, Order
from bot.storage.models import User

# The strings earlier versions stored: rows already in databases keep their meaning.
STORED = [
    (Search(), "search"),
    # Typed words search within the list's filters and sort (page and query are not kept).
    (Search(ListView(Category.CULTURE, Departement.FINISTERE, Order.NEWEST)), "search:cu.29.n.0.-"),
    (Search(ListView(sort=Order.MOST_BACKED)), "search:-.-.b.0.-"),
    (WizardAnswer(7), "wizard:7"),
    (Amount(12, 3), "amount:12:3"),
    (Amount(12, None), "amount:12:0"),
    (Nickname(12, 3), "nick:12:3"),
    (Nickname(12, None), "nick:12:0"),
    (ModerationReason(Decision.REQUEST_CHANGES, 5), "reason:c:5"),
    (ModerationReason(Decision.REJECT, 5), "reason:r:5"),
    (NewsPost(42), "news:42"),
    (NewsPost(42, 7), "news:42:7"),  # a message to the contributors of reward 7
]

LARGEST: list[InputMode] = [
    Search(ListView(Category.BRETON_LANGUAGE, Departement.LOIRE_ATLANTIQUE, Order.ALMOST_FUNDED)),
    WizardAnswer(MAX_ID),
    Amount(MAX_ID, MAX_ID),
    Nickname(MAX_ID, MAX_ID),
    ModerationReason(Decision.REQUEST_CHANGES, MAX_ID),
    ModerationReason(Decision.REJECT, MAX_ID),
    NewsPost(MAX_ID),
    NewsPost(MAX_ID, MAX_ID),
]


@pytest.mark.parametrize(("mode", "stored"), STORED)
def test_every_mode_keeps_the_string_earlier_versions_stored(mode: InputMode, stored: str) -> None:
    assert inputs.encode(mode) == stored
    assert inputs.decode(stored) == mode


@pytest.mark.parametrize("mode", LARGEST)
def test_the_largest_ids_fit_the_column(mode: InputMode) -> None:
    width = User.__table__.c.input_mode.type.length
    assert width == inputs.MAX_LENGTH
    assert len(inputs.encode(mode)) <= width
    assert inputs.decode(inputs.encode(mode)) == mode


@pytest.mark.parametrize(
    "build",
    [
        lambda: WizardAnswer(MAX_ID + 1),
        lambda: WizardAnswer(0),
        lambda: WizardAnswer(-3),
        lambda: Amount(MAX_ID + 1, None),
        lambda: Amount(1, MAX_ID + 1),
        lambda: Amount(1, 0),
        lambda: NewsPost(10**12),
        lambda: ModerationReason(Decision.APPROVE, 1),
        lambda: ModerationReason(Decision.REJECT, 0),
    ],
)
def test_a_mode_that_could_not_be_stored_cannot_be_made(build: Callable[[], object]) -> None:
    with pytest.raises(ValueError, match=r"input mode|takes no reason"):
        build()


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "search:",
        "search:1",
        "search:-.-.e.3.-",  # a page: a search starts on the first
        "search:-.-.e.0.abcdef",  # a query: the words typed are the query
        "search:zz.29.e.0.-",
        "Search",
        "wizard",
        "wizard:",
        "wizard:x",
        "wizard:0",
        "wizard:007",
        "wizard:-1",
        "wizard:1:2",
        "wizard: 1",
        "wizard:1\n",
        "wizard:٣",  # an Arabic-Indic digit: str.isdigit() says yes, we say no
        "wizard:²",
        "wizard:123456789",  # nine digits: more than any id we store
        "amount:1",
        "amount:1:2:3",
        "amount:0:0",
        "amount:1:-1",
        "amount:1:01",
        "amount::1",
        "reason:a:1",
        "reason:c",
        "reason:C:1",
        "reason:c:1:2",
        "news:1:2:3",
        "news:1:0",
        "news:",
        "pledge:1",
        "amount:99999999:99999999x",
        "x" * 25,
        "wizard:" + "1" * 100,
        ":",
        "::",
    ],
)
def test_anything_else_is_no_mode(text: str | None) -> None:
    assert inputs.decode(text) is None
