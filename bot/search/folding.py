"""The one folding that stored search text, typed queries and place names all go through.

Accents and case go, anything but letters and digits separates words, and the spelling variants
of Breton meet: c'h, c’h, ch and c'h typed "c h" are one (so are ñ and n, through the
accents), and zh is z (most of Brittany says the zh of Roazhon as z, and types it so: Roazon
finds it). A French elision splits its words ("l'école" -> "l ecole"). Changing this changes
what is stored for search: re-index the stored projects in a migration.
"""

from __future__ import annotations

import re

from bot.i18n.text import normalise

# LIKE's wildcards (% and _) are separators too, so a query can never widen itself.
_NOT_WORD = re.compile(r"[^a-z0-9]+")
# The Breton trigraph, before apostrophes become separators ("c'hoari" -> "choari").
_CH = re.compile(r"c'h")
# c'h typed with a space for its apostrophe, where that cannot be two words: a lone "c" before
# a word beginning with h ("c hoari"), or a lone "h" after a word ending in c ("plouezoc h").
# "avec huile" stays two words.
_SPACED_CH = re.compile(r"\bc h(?=[a-z])|(?<=[a-z]c) h\b")


def fold(text: str) -> str:
    folded = _CH.sub("ch", normalise(text)).replace("zh", "z")
    words = " ".join(_NOT_WORD.sub(" ", folded).split())
    return _SPACED_CH.sub(lambda match: match.group().replace(" ", ""), words)
