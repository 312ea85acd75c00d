"""Countries a shipped reward can be sent to: ISO 3166-1 alpha-2 codes, their names in French
and Breton (from Babel's CLDR data), and the owner's typed list read back into codes.

`reward_tiers.shipping_countries` holds the codes comma-separated ("FR,BE,CH,LU"). The European
Union is stored as "EU", the code ISO 3166-1 reserves for it, because its 27 members do not fit
the column; Stripe knows no "EU", so `allowed_countries` expands it (`expand`).
"""

from __future__ import annotations

import re

from babel import Locale
from stripe.params.checkout import SessionCreateParamsShippingAddressCollection

from bot.search.text import fold

EU = "EU"
EU_MEMBERS = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
    "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
)  # fmt: skip
FRANCE = ("FR",)
NEIGHBOURS = ("FR", "BE", "CH", "LU")
# What fits the column (64 characters): 21 codes and their commas.
MAX_COUNTRIES = 21

_FR, _BR = Locale("fr"), Locale("br")
# The countries Stripe Checkout can collect an address in, as its library types
# `allowed_countries`: a country typed outside them would make every checkout fail.
_CODES = frozenset(
    re.findall(r"'([A-Z]{2})'", str(SessionCreateParamsShippingAddressCollection.__annotations__[
        "allowed_countries"]))
) & frozenset(_FR.territories)  # fmt: skip
_SEPARATORS = re.compile(r"\s*(?:,|;|\+|/|\bet\b|\bha\b|\bhag\b|\n)\s*", re.IGNORECASE)


def _names() -> dict[str, str]:
    """Folded French and Breton names (and codes) to codes: "belgique", "belgia", "be"."""
    names: dict[str, str] = {}
    for code in _CODES:
        names[fold(code)] = code
        for locale in (_FR, _BR):
            name = locale.territories.get(code)
            if name:
                names.setdefault(fold(name), code)
    names[fold("Union européenne")] = names[fold("Unaniezh Europa")] = EU
    names["ue"] = names["eu"] = EU
    return names


_BY_NAME = _names()


def parse_countries(text: str) -> tuple[str, ...] | None:
    """The codes of a typed list ("FR, BE", "France et Belgique", "Frañs, Suis"), in the
    order typed, without repeats; None when any part is not a country."""
    codes: list[str] = []
    for part in _SEPARATORS.split(text.strip()):
        if not part.strip():
            continue
        code = _BY_NAME.get(fold(part))
        if code is None:
            return None
        if code not in codes:
            codes.append(code)
    return tuple(codes) or None


def stored(codes: tuple[str, ...]) -> str:
    return ",".join(codes)


def codes_of(value: str | None) -> tuple[str, ...]:
    """The codes a stored value holds; France when a shipped reward names none."""
    codes = tuple(code for code in (value or "").split(",") if code)
    return codes or FRANCE


def expand(codes: tuple[str, ...]) -> list[str]:
    """The codes Stripe's `allowed_countries` takes: the Union as its members, sorted."""
    found: set[str] = set()
    for code in codes:
        found.update(EU_MEMBERS if code == EU else (code,))
    return sorted(found)


def names(codes: tuple[str, ...], language: str) -> str:
    """The countries as the owner and contributors read them: "France, Belgique"."""
    locale = _BR if language == "br" else _FR
    return ", ".join(locale.territories.get(code, code) for code in codes)
