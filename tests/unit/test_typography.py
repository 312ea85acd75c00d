"""French typography in every text of the catalogs, so punctuation never starts a line.

French: a no-break space before : (U+00A0) and a narrow one before ; ! ? (U+202F), narrow
no-break spaces inside « », and the typographic apostrophe. Breton keeps the same spaces
(it follows French typography) but writes c'h, and so every apostrophe, in ASCII.
"""

from __future__ import annotations

import re

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot.i18n.catalogs import LOCALES

NNBSP, NBSP = "\u202f", "\u00a0"
# A URL's "?" or ":" and a time's "12:30" are not punctuation of a sentence.
URL = re.compile(r"\b[a-z]+://\S+|@\w+|\d+:\d+")


def _catalog(locale: str) -> Catalog:
    with (LOCALES / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=locale)


def _texts(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def spacing_faults(text: str) -> list[str]:
    """What is wrong with the spaces around ; : ! ? « » in `text` (empty when nothing is)."""
    text = URL.sub("", text)
    faults = []
    for match in re.finditer(r"(.?)([;!?])", text):
        before = match.group(1)
        # "?!" and "…?" chain; a mark at the very start follows a placeholder or a tag.
        if before not in (NNBSP, "", "!", "?") and before != "\n":
            faults.append(f"{before!r} before {match.group(2)!r}")
    for match in re.finditer(r"(.?):(.?)", text):
        before, after = match.groups()
        if before != NBSP and after in (" ", "\n", "", "<"):
            faults.append(f"{before!r} before ':'")
    if re.search(rf"«[^{NNBSP}]|[^{NNBSP}]»", text):
        faults.append("« » without a narrow no-break space inside")
    return faults


def test_the_spacing_check_bites() -> None:
    assert spacing_faults("Merci !") == ["' ' before '!'"]
    assert spacing_faults("Montant : 5 €") == ["' ' before ':'"]
    assert spacing_faults("« Titre »") == ["« » without a narrow no-break space inside"]
    assert spacing_faults(f"Merci{NNBSP}! Montant{NBSP}: «{NNBSP}Titre{NNBSP}»") == []
    assert spacing_faults("https://t.me/kengo_bot?start=p1 à 12:30") == []


@pytest.mark.parametrize("locale", ["fr", "br"])
def test_punctuation_has_its_no_break_space(locale: str) -> None:
    faults = []
    for message in _catalog(locale):
        if not message.id:
            continue
        texts = _texts(message.id) if locale == "fr" else _texts(message.string)
        for text in texts:
            faults += [f"{text!r}: {fault}" for fault in spacing_faults(text)]
    assert faults == []


def test_french_uses_the_typographic_apostrophe() -> None:
    ascii_apostrophes = [
        message.id
        for message in _catalog("fr")
        for text in _texts(message.id)
        if message.id and re.search(r"[^\W_]'[^\W_]", text)
    ]
    assert ascii_apostrophes == []
