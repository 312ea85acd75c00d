"""Amounts typed by people, read into integer cents."""

from __future__ import annotations

import re

# "20", "20,50", "20.5", "1 500", "1.500", "1 500,00 €", "EUR 20": spaces of any kind and the
# currency are ignored. A lone separator followed by exactly three digits groups thousands
# (French "1.500" is fifteen hundred); followed by one or two digits it marks the cents.
_AMOUNT = re.compile(r"^(\d{1,3}(?:[.,]\d{3})+|\d+)(?:[.,](\d{1,2}))?$")


def parse_euros(text: str) -> int | None:
    """Cents for a typed amount of euros, or None when it is not one."""
    compact = re.sub(r"[\s\u00a0\u202f€]|eur(?:os?)?", "", text.strip().lower())
    match = _AMOUNT.match(compact)
    if match is None or len(compact) > 15:
        return None
    whole = int(re.sub(r"[.,]", "", match.group(1)))
    cents = int((match.group(2) or "0").ljust(2, "0"))
    return whole * 100 + cents
