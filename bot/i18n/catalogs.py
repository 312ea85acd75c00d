"""Maintain the gettext catalogs: `python -m bot.i18n.catalogs update` after changing any text.

It extracts the texts of `bot/` and `handlers/` into `locales/messages.pot`, merges them into the
`fr` and `br` catalogs, and fills `fr` (the reference language: msgstr = msgid). New Breton
entries are left empty for a translator; the catalog tests fail until they are written.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po
from babel.plural import to_gettext

from bot.i18n.translator import DOMAIN

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "locales"
SOURCE_DIRS = ("bot", "handlers")
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}
COMMENT_TAGS = ("TRANSLATORS:",)
# French puts 0 with 1; Babel's own French rule uses an operand Python's gettext cannot evaluate.
PLURAL_FORMS = {"fr": "nplurals=2; plural=(n > 1);"}
WIDTH = 100


def plural_forms(locale: str) -> str:
    if locale in PLURAL_FORMS:
        return PLURAL_FORMS[locale]
    from babel import Locale

    # Five Breton forms (one, two, few, many, other) with 0 in "other", as CLDR says.
    return to_gettext(Locale.parse(locale).plural_form).strip().rstrip(";") + ";"


def extract() -> Catalog:
    """The catalog template as the code stands now."""
    template = Catalog(project="kengo-bot", domain=DOMAIN, charset="utf-8")
    for directory in SOURCE_DIRS:
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / directory,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
            comment_tags=COMMENT_TAGS,
            strip_comment_tags=True,
        ):
            template.add(
                message,
                None,
                [(f"{directory}/{filename}", lineno)],
                auto_comments=comments,
                context=context,
            )
    return template


def update() -> None:
    template = extract()
    with (LOCALES / "messages.pot").open("wb") as pot:
        write_po(pot, template, width=WIDTH, omit_header=False, sort_output=True)
    for locale in ("fr", "br"):
        path = LOCALES / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("rb") as po:
                catalog = read_po(po, locale=locale)
        else:
            catalog = Catalog(
                locale=locale, domain=DOMAIN, project="kengo-bot", version="1", charset="utf-8"
            )
        # Fuzzy guesses from similar texts mislead more than they help: new texts start empty.
        # A copy: Babel reuses the template's message objects, and `fr` rewrites them below.
        catalog.update(copy.deepcopy(template), no_fuzzy_matching=True)
        catalog.fuzzy = False
        catalog.mime_headers = [("Plural-Forms", plural_forms(locale))]
        if locale == "fr":
            for message in catalog:
                if message.id:
                    message.string = message.id
        with path.open("wb") as po:
            write_po(po, catalog, width=WIDTH, sort_output=True, ignore_obsolete=True)


if __name__ == "__main__":
    if sys.argv[1:] != ["update"]:
        raise SystemExit("usage: python -m bot.i18n.catalogs update")
    update()
