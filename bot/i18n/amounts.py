"""Amounts typed by people, read into integer cents.

"20", "20,50", "20.5", "2 500", "1 500,00 €", "EUR 20": spaces of any kind and the currency are
ignored. A comma or a point followed by one or two digits marks the cents. Several separators
followed by three digits each group thousands ("1.500.000", "1,500.50"). One separator followed
by exactly three digits, and nothing else ("2,500"), reads both ways in French: 2,50 € written
with a trailing zero, or 2 500 € with a thousands separator. Money is never guessed, so that text
reads as `Euros(readings=(250, 250_000), ambiguous=True)` and the caller asks which was meant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MAX_LENGTH = 15  # once spaces and the currency are gone; more is not an amount anyone means
_NOISE = re.compile(r"[\s\u00a0\u202f€]|eur(?:os?)?")
_GROUPED = re.compile(r"^(\d{1,3}(?:[.,]\d{3})+|\d+)(?:[.,](\d{1,2}))?$")
_ONE_SEPARATOR_THREE_DIGITS = re.compile(r"^(\d+)[.,](\d{3})$")
_THOUSANDS_GROUP = re.compile(r"[1-9]\d{0,2}")  # what may stand before a thousands separator


@dataclass(frozen=True)
class Euros:
    """What a typed text can mean, in cents, smallest first."""

    readings: tuple[int, ...]
    # True when the person must say which reading they meant, even if only one is possible.
    ambiguous: bool = False

    @property
    def cents(self) -> int | None:
        """The amount when the text can mean only that, else None."""
        return None if self.ambiguous else self.readings[0]


def read_euros(text: str) -> Euros | None:
    """What a typed amount of euros can mean, or None when it is not an amount."""
    compact = _NOISE.sub("", text.strip().lower())
    if len(compact) > _MAX_LENGTH:
        return None
    both = _ONE_SEPARATOR_THREE_DIGITS.match(compact)
    if both is not None:
        whole, decimals = both.groups()
        readings = []
        if decimals.endswith("0"):  # "2,500": 2,50 € written with a trailing zero
            readings.append(int(whole) * 100 + int(decimals) // 10)
        if _THOUSANDS_GROUP.fullmatch(whole):  # not "0,500" nor "12345,500"
            readings.append(int(whole) * 100_000 + int(decimals) * 100)
        if not readings:
            return None
        # One reading left is still asked about when it is the thousands one: "12,555" can
        # only be 12 555 €, yet was most likely meant as cents.
        return Euros(tuple(readings), ambiguous=len(readings) > 1 or decimals[-1] != "0")
    match = _GROUPED.match(compact)
    if match is None:
        return None
    whole = int(re.sub(r"[.,]", "", match.group(1)))
    cents = int((match.group(2) or "0").ljust(2, "0"))
    return Euros((whole * 100 + cents,))


def parse_euros(text: str) -> int | None:
    """Cents for a typed amount, a lone separator before three digits grouping thousands
    ("1.500" is fifteen hundred): for sums that are never small, like a project's goal."""
    euros = read_euros(text)
    return None if euros is None else euros.readings[-1]
