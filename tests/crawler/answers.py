"""What the crawler types at a screen that invites typing: invalid and off-topic answers, what
the mode may get wrong, then a valid answer where it can tell what one looks like.

The valid answer follows the user's input mode (`bot.conversation.inputs`) and, in the
submission wizard, the step the draft waits for (`projects.wizard_step`): a title where a title
is asked, a commune of the département already chosen, a month within the accepted years.
"""

from __future__ import annotations

import re
from datetime import date

from tests.crawler.screens import Action

# Shown to the bot as typed; also masked out of the screens that echo them, so that the checks
# judge only the bot's own words.
LONG = ("Kenavo ar wech all, " * 300)[:5000]
INVALID = (LONG, "-5")
OFF_TOPIC = ("👍", "Bonjour")
# What a mode may get wrong besides: an amount read two ways ("2,50 € ou 2 500 € ?"), and
# giving up (the pledge in progress is cancelled).
TRICKY = {"amount": ("2,500", "/annuler")}

# Words that ask for a typed answer. A command named after the verb ("Tapez /proposer") asks
# for that command, not for free text.
INVITATION = re.compile(
    r"\b(tapez|écrivez|envoyez|saisissez|skrivit|kasit)\b(?!\s*/)(?!-moi d'abord)", re.IGNORECASE
)

# A commune of each département, for the wizard's commune step.
_COMMUNES = {"22": "Lannion", "29": "Quimper", "35": "Rennes", "44": "Guérande", "56": "Vannes"}

_WIZARD: dict[str, str] = {
    "breton": "Les ateliers se feront en breton, avec des chanteurs du pays de Lorient.",
    "title": "Chorale des enfants de Lorient",
    "summary": "Une chorale pour que les enfants du quartier chantent en breton.",
    "other_title": "Laz-kanañ bugale An Oriant",
    "other_summary": "Ul laz-kanañ evit ma kanfe bugale ar c'harter e brezhoneg.",
    "description": (
        "Chaque mercredi, une vingtaine d'enfants apprennent des chants traditionnels "
        "avec deux chanteurs du pays. Nous voulons acheter un piano et enregistrer un disque."
    ),
    "goal": "3000",
    "duration": "30",
    "tier_title": "Carte postale",
    "tier_amount": "15",
    "tier_description": "Une carte postale dessinée par les enfants de la chorale.",
    "tier_countries": "France, Belgique",
    "tier_quantity": "50",
}


def valid_answer(mode: str | None, wizard_step: str | None, departement: str | None) -> Action:
    """The answer that should move the user on, or a plain greeting when none is known."""
    name = (mode or "").split(":")[0]
    step = (wizard_step or "").split("/")[0].rstrip("+")
    if name == "search":
        return Action("send", "Diwan", free=True)
    if name == "amount":
        return Action("send", "25", free=True)
    if name == "reason":
        return Action("send", "Merci de détailler le budget et le calendrier du projet.", free=True)
    if name == "news":
        return Action("send", "Les travaux avancent bien, merci pour votre soutien.", free=True)
    if name == "wizard" and step == "photo":
        return Action("photo", "", free=True)
    if name == "wizard" and step == "commune":
        return Action("send", _COMMUNES.get(departement or "", "Quimper"), free=True)
    if name == "wizard" and step == "tier_delivery":
        return Action("send", f"06/{date.today().year + 1}", free=True)
    if name == "wizard" and step in _WIZARD:
        return Action("send", _WIZARD[step], free=True)
    return Action("send", "Bonjour")


def typed_actions(
    mode: str | None, wizard_step: str | None, departement: str | None
) -> list[Action]:
    """Invalid, off-topic, tricky and (when known) valid answers to a screen that invites
    typing."""
    valid = valid_answer(mode, wizard_step, departement)
    tricky = TRICKY.get((mode or "").split(":")[0], ())
    # The valid answer last: the refused ones before it leave the user where they were (the
    # long text, refused everywhere, first: the others are sometimes taken as an answer).
    actions = [Action("send", text) for text in (*INVALID, *OFF_TOPIC, *tricky)]
    return actions + ([valid] if valid.free else [])


def masked(text: str, typed: list[str]) -> str:
    """`text` without what the crawler typed (the bot may rightly echo it, untranslated)."""
    for value in sorted(set(typed), key=len, reverse=True):
        if len(value) >= 3:
            text = text.replace(value, "⟨typed⟩")
    return text
