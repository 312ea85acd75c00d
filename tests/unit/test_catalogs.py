"""The catalogs guard: compiled, complete in Breton, placeholders kept, template up to date."""

from __future__ import annotations

import io
import re

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.i18n.catalogs import LOCALES, extract, plural_forms
from bot.i18n.translator import SUPPORTED_LOCALES, Catalogs

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _catalog(locale: str) -> Catalog:
    with (LOCALES / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=locale)


def _strings(value: str | tuple[str, ...] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_catalog_compiles(locale: str) -> None:
    buffer = io.BytesIO()
    write_mo(buffer, _catalog(locale))
    assert buffer.getvalue()


def test_breton_has_no_untranslated_or_fuzzy_entry() -> None:
    catalog = _catalog("br")
    untranslated = [m.id for m in catalog if m.id and not all(_strings(m.string))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == []
    assert fuzzy == []
    assert not catalog.fuzzy


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_placeholder_survives_translation(locale: str) -> None:
    for message in _catalog(locale):
        if not message.id:
            continue
        expected = set(PLACEHOLDER.findall(" ".join(_strings(message.id))))
        for translation in _strings(message.string):
            assert set(PLACEHOLDER.findall(translation)) == expected, message.id


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_plural_forms_follow_cldr(locale: str) -> None:
    catalog = _catalog(locale)
    assert catalog.plural_forms == plural_forms(locale)
    for message in catalog:
        if message.pluralizable:
            assert len(_strings(message.string)) == catalog.num_plurals, message.id


def test_template_matches_the_code() -> None:
    with (LOCALES / "messages.pot").open("rb") as pot:
        committed = {m.id for m in read_po(pot) if m.id}
    current = {m.id for m in extract() if m.id}
    assert committed == current, "run `python -m bot.i18n.catalogs update`"


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_catalogs_hold_every_text_of_the_code(locale: str) -> None:
    in_catalog = {m.id for m in _catalog(locale) if m.id}
    assert {m.id for m in extract() if m.id} <= in_catalog


def test_french_catalog_is_the_reference_language() -> None:
    for message in _catalog("fr"):
        if message.id and not message.pluralizable:
            assert message.string == message.id


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (0, "Raktres ebet o tastum arc'hant"),
        (1, "Bremañ ez eus 1 raktres o tastum arc'hant."),
        (2, "Bremañ ez eus 2 raktres o tastum arc'hant."),
        (1_000_000, "Bremañ ez eus 1 000 000 a raktresoù o tastum arc'hant."),
    ],
)
def test_breton_counts_use_singular_nouns_and_millions(count: int, expected: str) -> None:
    from handlers.start import live_count_text

    text = live_count_text(Catalogs.load().translator("br"), count).replace("\u00a0", " ")
    assert text.startswith(expected)


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "En ce moment, 1 projet est en campagne."),
        (2, "En ce moment, 2 projets sont en campagne."),
    ],
)
def test_french_counts(count: int, expected: str) -> None:
    from handlers.start import live_count_text

    assert live_count_text(Catalogs.load().translator("fr"), count) == expected
