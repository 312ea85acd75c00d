"""Measure and cut HTML texts the way Telegram counts them.

Telegram's limits (4,096 for a message text, 1,024 for a caption) count the characters a
user sees once tags are removed and entities such as `&amp;` decoded, in UTF-16 code units
(an emoji outside the Basic Multilingual Plane counts two). A text cut with a string slice
can go over anyway (a slice counts markup, not UTF-16), and can leave an unclosed `<b>` or a
split `&amp;`: Telegram then refuses the whole message. `fit` cuts only between whole tags,
entities and characters, closes the tags left open, and ends with an ellipsis.

The texts measured here are the bot's own: its markup is well formed and every piece of
user-written text in it is escaped.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

TEXT_LIMIT = 4096  # a message text
CAPTION_LIMIT = 1024  # a photo's caption
ELLIPSIS = "…"
# A cut goes back to the last space when that keeps at least this share of the room, so that
# the text does not stop in the middle of a word.
_WORD_CUT_SHARE = 0.8
_TOKEN = re.compile(r"<[^>]*>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z]+);|[\s\S]")


@dataclass(frozen=True)
class Fitted:
    text: str
    cut: bool  # part of the text was left out: offer a way to the rest ("Lire la suite")


def units(text: str) -> int:
    """Length of plain text as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def visible_length(markup: str) -> int:
    """How many UTF-16 code units Telegram counts in `markup` once parsed."""
    return sum(_visible(token) for token in _TOKEN.findall(markup))


def fit(markup: str, limit: int) -> Fitted:
    """`markup` unchanged when Telegram would take it, else cut to `limit` with an ellipsis."""
    if visible_length(markup) <= limit:
        return Fitted(markup, cut=False)
    room = limit - units(ELLIPSIS)
    kept: list[str] = []
    used = 0
    last_space = used_at_space = 0  # tokens kept, and units used, up to the last whitespace
    for token in _TOKEN.findall(markup):
        size = _visible(token)
        if used + size > room:
            break
        kept.append(token)
        used += size
        if token.isspace():
            last_space = len(kept) - 1
            used_at_space = used
    if last_space and used_at_space >= room * _WORD_CUT_SHARE:
        kept = kept[:last_space]
    return Fitted(_close(kept).rstrip() + ELLIPSIS if kept else ELLIPSIS, cut=True)


def _visible(token: str) -> int:
    if token.startswith("<") and token.endswith(">") and len(token) > 1:
        return 0
    if token.startswith("&") and len(token) > 1:
        return units(html.unescape(token))
    return units(token)


def _close(tokens: list[str]) -> str:
    """The tokens, without opening tags left empty at the end, with every open tag closed."""
    while tokens and _opening(tokens[-1]):
        tokens.pop()
    open_tags: list[str] = []
    for token in tokens:
        if token.startswith("</"):
            if open_tags:
                open_tags.pop()
        elif _opening(token):
            open_tags.append(token[1:-1].split()[0].lower())
    trailing = "".join(tokens).rstrip()
    return trailing + "".join(f"</{name}>" for name in reversed(open_tags))


def _opening(token: str) -> bool:
    return token.startswith("<") and token.endswith(">") and not token.startswith("</")
