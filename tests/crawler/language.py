"""What the catalogs and the demo data tell the checks: which words are the bot's own, in which
language, and which demo or typed words are not.

- *Fragments*: a message of a catalog cut at its placeholders, tags and line breaks, entities
  decoded. A French fragment (a msgid's) of at least 12 characters that appears in no Breton
  msgstr and no demo text is *French-only*: seen in a Breton screen, the bot spoke French to a
  Breton user (an untranslated entry, or a text that never went through gettext's catalog).
  The reverse gives the *Breton-only* fragments.
- *Demo content* (titles, summaries, descriptions, rewards, communes, names) is French whatever
  the reader's language, and its typography is the authors': `mask_demo` blanks it out of a
  screen before the language and punctuation checks read it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

from bot.demo.backing import demo_users
from bot.demo.catalogue import load_catalogue

LOCALES = Path(__file__).resolve().parents[2] / "locales"
MIN_FRAGMENT = 12
_TAG = re.compile(r"<[^>]*>")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# The generic "not understood" of handlers/fallback.py (not a refusal that names what it could
# not read, "Je n'ai pas compris ce montant").
_NOT_UNDERSTOOD = re.compile(r"^Je n['’]ai pas compris(?:\s+ce message)?\s*[.!…]")
_FALLBACK = "handlers/fallback.py"
# Asked in both languages at first contact, on purpose (the guess may be wrong): never foreign.
BILINGUAL = ("Choisissez votre langue",)


def folded(text: str) -> str:
    """Spaces and apostrophes folded, so that typography alone never hides a match."""
    return text.replace("\u00a0", " ").replace("\u202f", " ").replace("’", "'")


def shown_template(text: str, tag: str = "") -> str:
    """A catalog text as Telegram would show it, placeholders left in place (`tag`: what a
    tag becomes; a line break cuts fragments there)."""
    return html.unescape(_TAG.sub(tag, text))


@dataclass(frozen=True)
class Entry:
    french: tuple[str, ...]  # msgid (and msgid_plural)
    breton: tuple[str, ...]  # msgstr forms ("" when untranslated)
    files: tuple[str, ...] = ()  # where the code uses it


@cache
def entries() -> tuple[Entry, ...]:
    with (LOCALES / "br" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po)
    found = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        files = tuple(path for path, _ in message.locations)
        breton = tuple(str(text or "") for text in strings)
        found.append(Entry(tuple(str(text) for text in ids), breton, files))
    return tuple(found)


def fragments(text: str) -> list[str]:
    pieces = PLACEHOLDER.split(shown_template(text, "\n"))
    return [folded(line).strip() for piece in pieces for line in piece.split("\n")]


@cache
def demo_texts() -> tuple[str, ...]:
    """The demo catalogue's words, longest first (so a title goes before a word of it)."""
    texts: set[str] = set()
    for project in load_catalogue().projects:
        texts |= {project.title, project.summary, project.breton_connection, project.commune}
        if project.translation is not None:
            texts |= {project.translation.title, project.translation.summary}
        texts |= set(project.description.split("\n"))
        for tier in project.tiers:
            texts |= {tier.title, tier.description}
    for person in demo_users():
        texts |= {person.first_name, f"{person.first_name} {person.last_name}", person.last_name}
    return tuple(sorted({folded(t).strip() for t in texts if t.strip()}, key=len, reverse=True))


def mask_demo(text: str, fold: bool = True) -> str:
    """`text` with demo content blanked: whole texts, and lines cut from one ("…"). Folded,
    unless the spaces themselves are being judged (demo texts are shown as written)."""
    text = folded(text) if fold else text
    corpus = "\n".join(demo_texts())
    lines = []
    for line in text.split("\n"):
        core = folded(line).strip().rstrip("…").strip()
        lines.append("⟨demo⟩" if len(core) >= MIN_FRAGMENT and core in corpus else line)
    text = "\n".join(lines)
    for demo in demo_texts():
        if len(demo) >= 4 and demo in text:
            text = text.replace(demo, "⟨demo⟩")
    return text


def _only_in(mine: set[str], theirs: str) -> re.Pattern[str]:
    demo = "\n".join(demo_texts())
    kept = sorted(
        (f for f in mine if len(f) >= MIN_FRAGMENT and re.search(r"[^\W\d_]{4}", f)
         and f not in theirs and f not in demo),
        key=len, reverse=True,
    )  # fmt: skip
    return re.compile("|".join(map(re.escape, kept)) or r"(?!x)x")


@cache
def foreign_fragments(locale: str) -> re.Pattern[str]:
    """Fragments of the *other* language that must not show in a `locale` screen."""
    kept = [e for e in entries() if not e.french[0].startswith(BILINGUAL)]
    french = {f for e in kept for text in e.french for f in fragments(text)}
    breton = {f for e in kept for text in e.breton for f in fragments(text)}
    french_text = "\n".join(folded(shown_template(t)) for e in entries() for t in e.french)
    breton_text = "\n".join(folded(shown_template(t)) for e in entries() for t in e.breton)
    if locale == "br":
        return _only_in(french, breton_text)
    return _only_in(breton, french_text)


@cache
def not_understood() -> tuple[str, ...]:
    """The first sentence of the generic "Je n'ai pas compris." in both languages (folded)."""
    sentences = []
    for entry in entries():
        generic = _FALLBACK in entry.files and entry.french[0].startswith(("Je n'", "Je n’"))
        if _NOT_UNDERSTOOD.match(entry.french[0]) or generic:
            for text in (entry.french[0], entry.breton[0]):
                if text:
                    sentences.append(folded(re.split(r"(?<=[.!…])\s", text)[0]))
    return tuple(sentences)


@cache
def stale_button() -> tuple[str, ...]:
    """What the bot answers to a button it no longer knows, in both languages."""
    for entry in entries():
        if folded(entry.french[0]).startswith("Ce bouton n'est plus valable"):
            return tuple(folded(t) for t in (entry.french[0], entry.breton[0]) if t)
    return ()
