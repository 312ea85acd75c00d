"""Locale choice on first contact, fallbacks and Babel formatting in both languages."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.i18n.translator import Catalogs, locale_from_telegram


@pytest.mark.parametrize(
    ("language_code", "expected"),
    [("br", "br"), ("br-FR", "br"), ("BR_fr", "br"), ("fr", "fr"), ("en", "fr"), (None, "fr")],
)
def test_first_contact_locale(language_code: str | None, expected: str) -> None:
    assert locale_from_telegram(language_code, "fr") == expected


def test_unknown_locale_falls_back_to_default() -> None:
    catalogs = Catalogs.load()
    assert catalogs.translator("xx").locale == "fr"
    assert catalogs.translator(None).locale == "fr"


def test_breton_texts_come_from_the_breton_catalog() -> None:
    t = Catalogs.load().translator("br")
    assert t.gettext("Choisissez votre langue\u00a0:") == "Dibabit ho yezh\u00a0:"


def test_missing_breton_entry_falls_back_to_french(tmp_path: Path) -> None:
    for locale, body in {
        "fr": 'msgid "Bonjour"\nmsgstr "Bonjour"\n\nmsgid "Merci"\nmsgstr "Merci"\n',
        "br": 'msgid "Bonjour"\nmsgstr "Demat"\n',
    }.items():
        directory = tmp_path / locale / "LC_MESSAGES"
        directory.mkdir(parents=True)
        (directory / "messages.po").write_text(body, encoding="utf-8")
    t = Catalogs.load(tmp_path).translator("br")
    assert (t.gettext("Bonjour"), t.gettext("Merci")) == ("Demat", "Merci")


@pytest.mark.parametrize(
    ("locale", "cents", "expected"),
    [
        ("fr", 123450, "1\u202f234,50\u00a0€"),
        ("br", 123450, "1\u00a0234,50\u00a0€"),
        ("fr", 2000, "20\u00a0€"),
        ("br", 500000, "5\u00a0000\u00a0€"),
    ],
)
def test_money_in_each_locale(locale: str, cents: int, expected: str) -> None:
    assert Catalogs.load().translator(locale).money(cents) == expected


def test_breton_dates_and_lists_use_ascii_apostrophes() -> None:
    t = Catalogs.load().translator("br")
    assert t.date(date(2025, 3, 14)) == "14 Meurzh 2025"
    assert t.join(["Brest", "Roazhon", "Naoned"]) == "Brest, Roazhon ha Naoned"
    assert "\u02bc" not in t.date(date(2025, 2, 1))


def test_compiled_catalog_is_used_when_current(tmp_path: Path) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for locale, text in {"fr": "Salut", "br": "Demat"}.items():
        directory = tmp_path / locale / "LC_MESSAGES"
        directory.mkdir(parents=True)
        (directory / "messages.po").write_text(f'msgid "Salut"\nmsgstr "{text}"\n', "utf-8")
        with (directory / "messages.po").open("rb") as po:
            catalog = read_po(po, locale=locale)
        catalog.get("Salut").string = f"{text} (mo)"
        with (directory / "messages.mo").open("wb") as mo:
            write_mo(mo, catalog)
    assert Catalogs.load(tmp_path).translator("br").gettext("Salut") == "Demat (mo)"


@pytest.mark.parametrize(
    ("moment", "locale", "day", "time"),
    [
        # Winter (UTC+1): half past eleven UTC on New Year's Eve is already the new year there.
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "fr", "1 janvier 2027", "00:30"),
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "br", "1 Genver 2027", "00:30"),
        # Summer (UTC+2); a naive datetime is taken as UTC, as the database stores it.
        (datetime(2026, 7, 1, 12, 0), "fr", "1 juillet 2026", "14:00"),
    ],
)
def test_moments_are_read_in_brittanys_time(
    moment: datetime, locale: str, day: str, time: str
) -> None:
    t = Catalogs.load().translator(locale)
    assert (t.date(moment), t.time(moment)) == (day, time)
