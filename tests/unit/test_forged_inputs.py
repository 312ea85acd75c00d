"""What ordinary users could type or forge to raise an internal error, refused politely, and
the moderators' chat told of one error at most once per interval."""

from __future__ import annotations

from datetime import date

import pytest
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.conversation import callbacks
from bot.i18n.text import without_controls
from bot.monitoring.error_reports import ErrorReports
from bot.submission.months import parse_month
from bot.submission.rules import Problem, Refusal
from bot.telegram.deeplinks import parse_payload, parse_return
from bot.telegram.retries import worth_retrying

# Twelve digits: more than PostgreSQL's INTEGER columns hold (2,147,483,647).
TOO_BIG = "999999999999"


@pytest.mark.parametrize(
    ("parse", "data"),
    [
        (callbacks.parse_project, f"pj:{TOO_BIG}:-"),
        (callbacks.parse_project_action, f"pa:f:{TOO_BIG}:-"),
        (callbacks.parse_pledge, f"pl:t:{TOO_BIG}:0:0"),
        (callbacks.parse_pledge, f"pl:t:1:{TOO_BIG}:0"),
        (callbacks.parse_unfollow, f"uf:{TOO_BIG}"),
        (callbacks.parse_owner, f"ow:p:{TOO_BIG}"),
        (callbacks.parse_wizard, f"sb:open:{TOO_BIG}:-"),
        (callbacks.parse_moderation, f"md:v:{TOO_BIG}"),
        (callbacks.parse_moderation, "md:v:2147483648"),
        (callbacks.parse_news_post, f"nw:{TOO_BIG}"),
    ],
)
def test_ids_beyond_the_database_are_stale_buttons(parse: object, data: str) -> None:
    assert callable(parse)
    assert parse(data) is None


def test_the_largest_key_still_parses() -> None:
    assert callbacks.parse_project("pj:2147483647:-") == (2_147_483_647, None)
    assert callbacks.parse_news_post(callbacks.news_post(42)) == 42


def test_forged_deep_links_are_no_project() -> None:
    assert parse_payload(f"p{TOO_BIG}") is None
    assert parse_return(f"paid-{TOO_BIG}") is None
    assert parse_payload("p12-123456789012") is not None  # user ids are larger: kept


@pytest.mark.parametrize("typed", ["06/0000", "0000-06", "12/9999"])
def test_impossible_delivery_years_are_a_refusal(typed: str) -> None:
    with pytest.raises(Refusal) as refusal:
        parse_month(typed, date(2026, 3, 10))
    assert refusal.value.problem is Problem.MONTH_RANGE


def test_control_characters_are_dropped() -> None:
    assert without_controls("kan\x00 ha\x07 diskan\n\tfest") == "kan ha diskan\n\tfest"


def _raise_here() -> ValueError:
    try:
        raise ValueError("user 42 paid 10 €")
    except ValueError as error:
        return error


def test_one_error_is_reported_once_per_interval_with_a_count() -> None:
    now = [0.0]
    reports = ErrorReports(interval=600, clock=lambda: now[0])
    errors = [_raise_here() for _ in range(5)]
    assert reports.admit(errors[0]) == 0
    assert [reports.admit(error) for error in errors[1:4]] == [None, None, None]
    assert reports.admit(KeyError("other")) == 0  # another error is reported at once
    now[0] = 601
    assert reports.admit(errors[4]) == 3  # three went unreported meanwhile


def test_only_passing_server_errors_are_retried() -> None:
    assert worth_retrying("sendMessage", NetworkError("Internal Server Error (500)"))
    assert not worth_retrying("sendMessage", TimedOut())  # perhaps delivered: not twice
    assert worth_retrying("editMessageText", TimedOut())  # the same edit twice is harmless
    assert not worth_retrying("editMessageText", BadRequest("message is not modified"))
