"""Delivery months as owners type them: "juin 2027", "06/27", "Mezheven 2027", "2027-06".

Month names come from Babel (CLDR), in French and in Breton whatever the owner's language, so
that no hand-written table drifts from the months the bot itself writes.
"""

from __future__ import annotations

import re
from datetime import date

from babel.dates import get_month_names

from bot.i18n.text import normalise
from bot.i18n.translator import SUPPORTED_LOCALES
from bot.submission.rules import DELIVERY_YEARS_AHEAD, Problem, Refusal

PAST_YEARS = 10  # how far back a typed year still reads as "a month gone by"
_NUMERIC_MONTH = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{4}|\d{2})$|^(\d{4})\s*[/.-]\s*(\d{1,2})$")
_NAMED_MONTH = re.compile(r"^([^\W\d_][\w']*?)\.?\s+(\d{4}|\d{2})$")


def _month_names() -> dict[str, int]:
    """Month names, wide and abbreviated, in French and in Breton, folded ("mezheven": 6).

    Both languages whatever the owner's: a Breton speaker may well write the month in French.
    Babel writes the Breton c'h with U+02BC, which `normalise` folds to the ASCII apostrophe.
    """
    names: dict[str, int] = {}
    for locale in SUPPORTED_LOCALES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale).items():
                    names[normalise(name).rstrip(".")] = number
    return names


_MONTH_NAMES = _month_names()


def month_number(name: str) -> int | None:
    """The month a French or Breton month name means ("janvier", "Genver", "janv."), else None."""
    return _MONTH_NAMES.get(normalise(name).rstrip("."))


def _read_month(text: str) -> tuple[int, int] | None:
    """(month, year) from "06/2027", "6-27", "2027-06", "juin 2027", "Mezheven 27"..."""
    cleaned = normalise(text).rstrip(".").strip()
    numeric = _NUMERIC_MONTH.match(cleaned)
    if numeric is not None:
        month, year = numeric.group(1, 2) if numeric.group(1) else numeric.group(4, 3)
    else:
        named = _NAMED_MONTH.match(cleaned)
        number = _MONTH_NAMES.get(named.group(1)) if named else None
        if named is None or number is None:
            return None
        month, year = str(number), named.group(2)
    # A two-digit year is this century's: nobody plans a delivery in 1927.
    full_year = int(year) + 2000 if len(year) == 2 else int(year)
    return int(month), full_year


def parse_month(text: str, today: date) -> date:
    """An estimated delivery month, from this month on and for five years."""
    read = _read_month(text)
    if read is None or not 1 <= read[0] <= 12:
        raise _refuse(Problem.NOT_A_MONTH)
    month, year = read
    first = today.replace(day=1)
    last = first.replace(year=first.year + DELIVERY_YEARS_AHEAD)
    # Checked before building the date: year 0 (as in "06/0000") is no date at all.
    if year < first.year - PAST_YEARS:  # no slip of a month: a year that makes no sense here
        raise _refuse(Problem.MONTH_RANGE, first=first, last=last)
    if year < first.year:
        raise _refuse(Problem.MONTH_PAST, first=first)
    if year > last.year:
        raise _refuse(Problem.MONTH_RANGE, first=first, last=last)
    chosen = date(year, month, 1)
    if chosen < first:
        raise _refuse(Problem.MONTH_PAST, first=first)
    if chosen > last:
        raise _refuse(Problem.MONTH_RANGE, first=first, last=last)
    return chosen


def _refuse(problem: Problem, **values: object) -> Refusal:
    return Refusal(problem, tuple(values.items()))
