"""Text helpers: folding what people type for comparison, and escaping it for Telegram."""

from __future__ import annotations

import html
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
