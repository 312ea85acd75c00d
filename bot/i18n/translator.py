"""Translations (gettext catalogs, French msgids) and locale-aware formatting with Babel."""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import (
    format_currency,
    format_decimal,
    format_percent,
    get_currency_precision,
)

SUPPORTED_LOCALES = ("fr", "br")
DOMAIN = "messages"
# Breton speakers mostly run Telegram in French: `br` is taken only when Telegram says so.
TELEGRAM_TO_LOCALE = {"br": "br"}

# Kengo's people live in Brittany: dates and times read in its time zone, whatever the
# server's (the database stores UTC). A campaign ending at 23:30 UTC ends the next day there.
LOCAL_TIME = ZoneInfo("Europe/Paris")

# Babel's CLDR data writes Breton c'h with U+02BC; the catalogs use the ASCII apostrophe.
_BRETON_APOSTROPHE = str.maketrans({"\u02bc": "'"})


def N_(message: str) -> str:
    """Mark a module-level text for extraction; it is translated later, where it is shown."""
    return message


def locale_from_telegram(language_code: str | None, default: str) -> str:
    """The locale for a first contact: `br` when Telegram's primary language tag says so."""
    if language_code:
        primary = language_code.replace("_", "-").split("-")[0].lower()
        if primary in TELEGRAM_TO_LOCALE:
            return TELEGRAM_TO_LOCALE[primary]
    return default


def default_locales_dir() -> Path:
    """Where the catalogs are: inside the installed package, or beside it in a checkout."""
    package_dir = Path(__file__).resolve().parent.parent  # bot/
    installed = package_dir / "locales"
    return installed if installed.is_dir() else package_dir.parent / "locales"


class Translator:
    """Texts and formats for one locale; handlers get one per update, for the user's locale."""

    def __init__(self, locale: str, translations: gettext.GNUTranslations) -> None:
        self.locale = locale
        self._translations = translations

    def gettext(self, message: str) -> str:
        return self._translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._translations.ngettext(singular, plural, n)

    def money(self, cents: int) -> str:
        """An amount of euro cents, e.g. "1 234,50 €"; whole euros drop the decimals."""
        return _money(self.locale, cents)

    def money_in(self, minor_units: int, currency: str) -> str:
        """An amount in any currency, given in its minor unit as Stripe counts it (cents,
        yen...), e.g. "0,50 $US"; euros as `money` writes them."""
        code = currency.upper()
        if code == "EUR":
            return _money(self.locale, minor_units)
        amount = Decimal(minor_units).scaleb(-get_currency_precision(code))
        return self._clean(format_currency(amount, code, locale=self.locale))

    def number(self, value: int | Decimal) -> str:
        return _number(self.locale, value)

    def percent(self, ratio: float) -> str:
        return _percent(self.locale, ratio)

    def date(self, value: dt.date | dt.datetime) -> str:
        """A day, e.g. "6 décembre 2026"; a moment is read in Brittany's time."""
        if isinstance(value, dt.datetime):
            value = local_time(value)
        return self._clean(format_date(value, "long", locale=self.locale))

    def time(self, value: dt.datetime) -> str:
        """A time of day in Brittany, e.g. "14:05"."""
        return self._clean(format_time(local_time(value), "short", locale=self.locale))

    def month(self, value: dt.date | dt.datetime) -> str:
        """A month and year, e.g. "mars 2026" / "Meurzh 2026"."""
        return self._clean(format_date(value, "LLLL y", locale=self.locale))

    def join(self, items: list[str]) -> str:
        return self._clean(format_list(items, locale=self.locale))

    def _clean(self, text: str) -> str:
        return _clean(text)


def local_time(moment: dt.datetime) -> dt.datetime:
    """`moment` in Brittany's time zone (a naive datetime is taken as UTC, as stored)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(LOCAL_TIME)


def _clean(text: str) -> str:
    return text.translate(_BRETON_APOSTROPHE)


# Amounts, counts and percentages, formatted by Babel and remembered: a catalogue page shows a
# dozen of them, the same goals and totals again and again, and Babel takes 15-50 µs for each.
_FORMATS_KEPT = 8192


@functools.lru_cache(maxsize=_FORMATS_KEPT)
def _money(locale: str, cents: int) -> str:
    amount = Decimal(cents) / 100
    if cents % 100:
        return _clean(format_currency(amount, "EUR", locale=locale))
    whole = format_currency(
        amount, "EUR", format="#,##0\u00a0¤", locale=locale, currency_digits=False
    )
    return _clean(whole)


@functools.lru_cache(maxsize=_FORMATS_KEPT)
def _number(locale: str, value: int | Decimal) -> str:
    return _clean(format_decimal(value, locale=locale))


@functools.lru_cache(maxsize=_FORMATS_KEPT)
def _percent(locale: str, ratio: float) -> str:
    return _clean(format_percent(ratio, locale=locale))


class Catalogs:
    """All compiled catalogs, loaded once at start-up."""

    def __init__(self, translations: dict[str, gettext.GNUTranslations], default: str) -> None:
        self._translators = {
            locale: Translator(locale, catalog) for locale, catalog in translations.items()
        }
        self.default_locale = default

    @classmethod
    def load(cls, directory: Path | None = None, default: str = "fr") -> Catalogs:
        directory = directory or default_locales_dir()
        french = _load_catalog(directory, "fr")
        translations: dict[str, gettext.GNUTranslations] = {"fr": french}
        for locale in SUPPORTED_LOCALES:
            if locale != "fr":
                catalog = _load_catalog(directory, locale)
                # A text missing from a translation falls back to French, never to a msgid of
                # another language, and keeps French plural rules for it.
                catalog.add_fallback(french)
                translations[locale] = catalog
        return cls(translations, default)

    def translator(self, locale: str | None) -> Translator:
        return self._translators.get(locale or "", self._translators[self.default_locale])


def _load_catalog(directory: Path, locale: str) -> gettext.GNUTranslations:
    """Read `<locale>.mo` when it is up to date, else compile the `.po` in memory."""
    base = directory / locale / "LC_MESSAGES"
    po_path, mo_path = base / f"{DOMAIN}.po", base / f"{DOMAIN}.mo"
    mo_is_current = mo_path.exists() and (
        not po_path.exists() or mo_path.stat().st_mtime >= po_path.stat().st_mtime
    )
    if mo_is_current:
        with mo_path.open("rb") as mo_file:
            return gettext.GNUTranslations(mo_file)
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)
