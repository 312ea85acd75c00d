"""How far a campaign is: progress bar, amounts, contributors and time left, in words."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from bot.domain import utcnow
from bot.i18n.translator import Translator

BAR_LENGTH = 10


def progress_bar(t: Translator, raised_cents: int, goal_cents: int) -> str:
    """e.g. "▰▰▰▰▱▱▱▱▱▱ 42 %" (the bar stops at full; the percentage does not)."""
    ratio = raised_cents / goal_cents if goal_cents else 0.0
    filled = min(BAR_LENGTH, int(ratio * BAR_LENGTH))
    return "▰" * filled + "▱" * (BAR_LENGTH - filled) + " " + t.percent(_floor_percent(ratio))


def funded(t: Translator, raised_cents: int, goal_cents: int) -> str:
    """e.g. "42 % financé": how a list line says how far a project is. A screen reader reads a
    bar as ten symbols, so lists show the percentage alone; the bar is on the card only."""
    ratio = raised_cents / goal_cents if goal_cents else 0.0
    return t.gettext("{percent} financé").format(percent=t.percent(_floor_percent(ratio)))


def _floor_percent(ratio: float) -> float:
    # 99.6 % must not read "100 %" before the goal is reached.
    return int(ratio * 100) / 100


def contributors(t: Translator, count: int) -> str:
    if count == 0:
        return t.gettext("Aucun contributeur pour l’instant")
    return t.ngettext("{count} contributeur", "{count} contributeurs", count).format(
        count=t.number(count)
    )


def time_left(t: Translator, ends_at: datetime | None, now: datetime | None = None) -> str:
    """Days left, or the last hours; empty when the project has no end date yet."""
    if ends_at is None:
        return ""
    remaining = ends_at - (now or utcnow())
    if remaining.total_seconds() <= 0:
        return t.gettext("Campagne terminée")
    if remaining < timedelta(days=1):
        return t.gettext("Dernières heures !")
    # To the nearest day: a 45-day campaign shows "45 jours restants" as it goes live, not 44.
    days = math.floor(remaining / timedelta(days=1) + 0.5)
    return t.ngettext("{count} jour restant", "{count} jours restants", days).format(
        count=t.number(days)
    )


def raised_of_goal(t: Translator, raised_cents: int, goal_cents: int) -> str:
    """e.g. "<b>1 234 €</b> collectés sur 5 000 €"."""
    return t.gettext("<b>{raised}</b> collectés sur {goal}").format(
        raised=t.money(raised_cents), goal=t.money(goal_cents)
    )
