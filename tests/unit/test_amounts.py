"""Typed amounts: what is certain is read, what reads two ways is asked, money never guessed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.i18n.amounts import Euros, parse_euros, read_euros


@pytest.mark.parametrize(
    ("typed", "cents"),
    [("15", 1500), ("15€", 1500), ("15 €", 1500), ("2500", 250_000), ("2 500", 250_000),
     ("2\u202f500\u00a0€", 250_000), ("2,50", 250), ("2,5", 250), ("2.50 €", 250),
     ("12,05", 1205), ("EUR 20", 2000), ("20 euros", 2000), ("1.500.000", 150_000_000),
     ("1 500,00 €", 150_000), ("1,500.50", 150_050), ("0,500", 50), ("12345,500", 1_234_550)],
)  # fmt: skip
def test_what_reads_one_way_is_read(typed: str, cents: int) -> None:
    assert read_euros(typed) == Euros((cents,))


@pytest.mark.parametrize(
    ("typed", "readings"),
    [("2,500", (250, 250_000)), ("2.500", (250, 250_000)), ("1,000 €", (100, 100_000)),
     ("999,990", (99_999, 99_999_000)), ("12,555", (1_255_500,)), ("1.001", (100_100,))],
)  # fmt: skip
def test_a_separator_before_three_digits_is_asked_about(
    typed: str, readings: tuple[int, ...]
) -> None:
    euros = read_euros(typed)
    assert euros == Euros(readings, ambiguous=True)
    assert euros.cents is None  # never taken as certain, least of all the larger reading


@pytest.mark.parametrize(
    "typed", ["", "beaucoup", "15 balles", "-5", "1,2,3", ".5", "5.", "12345,555", "1" * 16]
)
def test_what_is_not_an_amount(typed: str) -> None:
    assert read_euros(typed) is None


@given(st.integers(min_value=0, max_value=10**9))
def test_whole_euros_read_back(euros: int) -> None:
    assert read_euros(str(euros)) == Euros((euros * 100,))
    assert read_euros(f"{euros:,}".replace(",", " ")) == Euros((euros * 100,))


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=99))
def test_euros_and_cents_read_back(euros: int, cents: int) -> None:
    for separator in ",.":
        assert read_euros(f"{euros}{separator}{cents:02d} €") == Euros((euros * 100 + cents,))


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=999))
def test_three_digits_after_one_separator_are_never_certain(whole: int, three: int) -> None:
    euros = read_euros(f"{whole},{three:03d}")
    assert euros is not None
    assert euros.ambiguous
    assert whole * 100_000 + three * 100 in euros.readings
    if three % 10 == 0:
        assert whole * 100 + three // 10 in euros.readings
    assert list(euros.readings) == sorted(euros.readings)


@given(st.text(max_size=20))
def test_any_text_is_read_or_refused_without_error(text: str) -> None:
    euros = read_euros(text)
    assert euros is None or all(cents >= 0 for cents in euros.readings)


def test_a_goal_reads_a_lone_separator_as_thousands() -> None:
    assert parse_euros("1.500") == 150_000  # a project's goal is never 1,50 €
    assert parse_euros("2,50") == 250
    assert parse_euros("rien") is None
