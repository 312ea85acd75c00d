"""French typography of the bot's own texts: a no-break space before ; ! ? and :, inside « ».

The rule is judged on the French catalog (the msgids), where the bot's words are told apart
from what is put into them: a title or a description is a placeholder there, so a demo text or
what a user typed is never blamed. A screen is then found to *show* a faulty text when the
piece holding the fault appears in it (demo content blanked first, `language.mask_demo`); a
piece too short to be recognised alone (" : " between two placeholders) is looked for as the
whole message, its placeholders matching anything.

Not faults: "12:30" (digits on both sides), "://" and anything in a URL, "?!" and "!!" (only
the first mark takes the space), a mark right after an emoji or at the start of a line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from tests.crawler.language import PLACEHOLDER, entries, shown_template

NO_BREAK = {"\u202f", "\u00a0"}
_URL = re.compile(r"(?:https?|tg)://\S+|t\.me/\S+")


def _is_emoji(char: str) -> bool:
    return unicodedata.category(char) == "So" or char in "\ufe0f\u200d"


def faults(text: str) -> list[tuple[int, str]]:
    """(position, what is wrong) for each French punctuation fault of `text`."""
    urls = [match.span() for match in _URL.finditer(text)]
    found = []
    for i, char in enumerate(text):
        if char not in ";!?:«»" or any(a <= i < b for a, b in urls):
            continue
        before = text[i - 1] if i else "\n"
        after = text[i + 1] if i + 1 < len(text) else "\n"
        if char == "«":
            if after not in NO_BREAK:
                found.append((i, "« without a no-break space after it"))
            continue
        if char == ":" and ((before.isdigit() and after.isdigit()) or text.startswith("//", i + 1)):
            continue
        if (before in "!?" and char in "!?") or before == "\n" or _is_emoji(before):
            continue
        if before not in NO_BREAK:
            found.append((i, f"{char} without a no-break space before it"))
    return found


@dataclass(frozen=True)
class Faulty:
    msgid: str
    fault: str
    pattern: re.Pattern[str]  # finds the faulty piece in a screen (spaces as they are)


def _piece_pattern(template: str, position: int) -> re.Pattern[str]:
    """The fixed piece around `position`, or the whole template with its placeholders open."""
    starts = [m.end() for m in PLACEHOLDER.finditer(template) if m.end() <= position]
    ends = [m.start() for m in PLACEHOLDER.finditer(template) if m.start() > position]
    begin, end = (starts[-1] if starts else 0), (ends[0] if ends else len(template))
    piece = template[begin:end]
    lines = piece.split("\n")
    offset = position - begin
    for line in lines:  # the line of the piece holding the fault
        if offset <= len(line):
            piece = line
            break
        offset -= len(line) + 1
    if len(re.findall(r"[^\W\d_]", piece)) >= 6:
        return re.compile(re.escape(piece.strip()))
    parts = [re.escape(part) for part in PLACEHOLDER.split(template)]
    return re.compile(r"[\s\S]*?".join(parts).strip())


def faulty_in(msgids: list[str]) -> tuple[Faulty, ...]:
    """The faults of these catalog texts, each with a way to spot it on a screen."""
    found = []
    for msgid in msgids:
        template = shown_template(msgid)
        for position, fault in faults(template):
            found.append(Faulty(msgid, fault, _piece_pattern(template, position)))
    return tuple(found)


@cache
def faulty_messages() -> tuple[Faulty, ...]:
    """Every French msgid (and plural) of the catalog breaking the rule."""
    return faulty_in([msgid for entry in entries() for msgid in entry.french])
