"""Words that are not a search: greetings, asking for help, asking for the menu.

Recognised in French and in Breton whatever the user's language (a Breton speaker often
reads the bot in French, and greets in Breton), whatever the case, accents and punctuation:
"Bonjour !", "DEMAT", "Degemer mat 👋", "aide ?", "Meuz". Only a whole message is small talk:
"aide aux devoirs" is a search.
"""

from __future__ import annotations

import enum

from bot.search.text import fold


class SmallTalk(enum.Enum):
    GREETING = "greeting"
    HELP = "help"
    MENU = "menu"


_PHRASES: dict[SmallTalk, tuple[str, ...]] = {
    SmallTalk.GREETING: (
        *("bonjour", "bonsoir", "salut", "coucou", "hello", "hey", "hi", "bjr", "slt"),
        *("bonne journee", "bonne soiree"),
        # Breton: bonjour, salut, bienvenue, bonsoir
        *("demat", "salud", "degemer mat", "noz vat"),
    ),
    SmallTalk.HELP: (
        *("aide", "help", "a l'aide", "au secours", "sos", "comment ca marche"),
        *("skoazell", "sikour"),
    ),
    SmallTalk.MENU: ("menu", "menu principal", "accueil", "start", "meuz", "meuz pennan"),
}
# Words that may follow a greeting or a request without changing it: "bonjour Kengo",
# "salut à tous", "demat deoc'h", "aide svp", "menu mar plij", "demat d'an holl".
_POLITE = frozenset(
    fold("kengo à tous toutes vous svp stp merci deoc'h dit mar plij trugarez d'an holl").split()
)
_KNOWN = {fold(phrase): kind for kind, phrases in _PHRASES.items() for phrase in phrases}
_LONGEST = max(len(phrase.split()) for phrase in _KNOWN)


def small_talk(text: str) -> SmallTalk | None:
    """What a message says when it is a greeting, a call for help or for the menu; else None."""
    words = fold(text).split()
    if len(words) > _LONGEST + 3:
        return None
    for size in range(min(len(words), _LONGEST), 0, -1):
        kind = _KNOWN.get(" ".join(words[:size]))
        if kind is not None and all(word in _POLITE for word in words[size:]):
            return kind
    return None
