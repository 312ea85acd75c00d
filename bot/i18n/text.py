"""Text helpers: folding what people type for comparison, and escaping it for Telegram."""

from __future__ import annotations

import html
import re
import unicodedata

# Letters that NFKD does not split into a base letter and a mark, and apostrophes people type
# in several ways ("C'hoari", "C’hoari"): all folded to what a plain keyboard produces.
_FOLDS = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "’": "'", "ʼ": "'", "‘": "'"})


def normalise(text: str) -> str:
    """Lower-case `text` without accents, with single spaces: "Crêpes  à Guérande" -> "crepes a
    guerande"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_FOLDS))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.split())


def escape_html(text: str) -> str:
    """Escape user-written text for Telegram's HTML mode (quotes stay readable: no attribute)."""
    return html.escape(text, quote=False)


# Control characters other than line breaks and tabs: PostgreSQL refuses NUL in a text column
# ("invalid byte sequence"), and none of them means anything in a search or a description.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_controls(text: str) -> str:
    """`text` as typed, minus invisible control characters (NUL...)."""
    return _CONTROLS.sub("", text)
