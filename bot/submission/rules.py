"""The rules of the submission wizard: its steps in order, and how each answer is checked.

Pure functions, no database: `bot.submission.wizard` stores what they accept, and the views
turn a `Refusal` into a message in the owner's language. The flow is drawn in
`handlers/propose.mmd`.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Any

from bot.domain import Departement
from bot.i18n.amounts import parse_euros
from bot.i18n.text import without_controls
from bot.search.countries import EU, FRANCE, MAX_COUNTRIES, NEIGHBOURS, parse_countries
from bot.search.places import (
    Commune,
    commune_by_number,
    commune_number,
    find_commune,
    suggest_communes,
)


class Step(enum.StrEnum):
    BRETON = "breton"
    TITLE = "title"
    CATEGORY = "category"
    DEPARTEMENT = "departement"
    COMMUNE = "commune"
    SUMMARY = "summary"
    # Optional, offered after the summary: the title and summary in the other language.
    TRANSLATION = "translation"  # add them, or pass
    TRANSLATED_TITLE = "other_title"
    TRANSLATED_SUMMARY = "other_summary"
    DESCRIPTION = "description"
    GOAL = "goal"
    DURATION = "duration"
    MODEL = "model"
    TIERS = "tiers"  # the rewards' menu: add one, none, done
    TIER_TITLE = "tier_title"
    TIER_AMOUNT = "tier_amount"
    TIER_DESCRIPTION = "tier_description"
    TIER_MODE = "tier_mode"  # how it reaches the contributor: shipped, in person, nothing
    TIER_COUNTRIES = "tier_countries"  # where a shipped one may be sent
    TIER_QUANTITY = "tier_quantity"
    TIER_DELIVERY = "tier_delivery"
    PHOTO = "photo"
    PREVIEW = "preview"


# The 13 steps the owner sees numbered; the tier questions are part of step 11, the other
# language's title and summary part of step 6 (the summary).
NUMBERED = (
    Step.BRETON, Step.TITLE, Step.CATEGORY, Step.DEPARTEMENT, Step.COMMUNE, Step.SUMMARY,
    Step.DESCRIPTION, Step.GOAL, Step.DURATION, Step.MODEL, Step.TIERS, Step.PHOTO, Step.PREVIEW,
)  # fmt: skip
TIER_STEPS = (
    Step.TIER_TITLE, Step.TIER_AMOUNT, Step.TIER_DESCRIPTION, Step.TIER_MODE,
    Step.TIER_COUNTRIES, Step.TIER_QUANTITY, Step.TIER_DELIVERY,
)  # fmt: skip
TRANSLATION_STEPS = (Step.TRANSLATION, Step.TRANSLATED_TITLE, Step.TRANSLATED_SUMMARY)
# The field of the reward being written (`projects.wizard_tier`) each reward step answers.
TIER_FIELDS = {
    Step.TIER_TITLE: "title", Step.TIER_AMOUNT: "min_amount_cents",
    Step.TIER_DESCRIPTION: "description", Step.TIER_MODE: "delivery_mode",
    Step.TIER_COUNTRIES: "shipping_countries", Step.TIER_QUANTITY: "quantity_limit",
    Step.TIER_DELIVERY: "estimated_delivery",
}  # fmt: skip
# Steps answered with a button (a typed text there gets the buttons again).
BUTTON_STEPS = frozenset({
    Step.CATEGORY, Step.DEPARTEMENT, Step.MODEL, Step.TIERS, Step.TIER_MODE, Step.PREVIEW,
    Step.TRANSLATION,
})  # fmt: skip
# Steps the preview's "Modifier" buttons lead to: the other language just after the summary.
_AFTER_SUMMARY = NUMBERED.index(Step.SUMMARY) + 1
EDITABLE = (*NUMBERED[:_AFTER_SUMMARY], Step.TRANSLATION, *NUMBERED[_AFTER_SUMMARY:-1])
# Those whose question, asked from the preview, offers to keep the current answer ("Terminé"
# does it for the rewards, "Passer" for the photo); the button's value.
KEEPABLE = frozenset(EDITABLE) - {Step.TIERS, Step.PHOTO}
KEEP_CURRENT = "current"

TEXT_LIMITS: dict[Step, tuple[int, int]] = {
    Step.BRETON: (20, 1000),
    Step.TITLE: (3, 80),
    Step.SUMMARY: (20, 280),
    Step.TRANSLATED_TITLE: (3, 80),
    Step.TRANSLATED_SUMMARY: (20, 280),
    Step.DESCRIPTION: (50, 3000),
    Step.TIER_TITLE: (3, 80),
    Step.TIER_DESCRIPTION: (5, 500),
}
ONE_LINE = frozenset(
    {Step.TITLE, Step.SUMMARY, Step.TIER_TITLE, Step.TRANSLATED_TITLE, Step.TRANSLATED_SUMMARY}
)
GOAL_CENTS = (100_00, 200_000_00)
DURATION_DAYS = (7, 90)
DURATION_CHOICES = (30, 45, 60)
TIER_QUANTITY = (1, 10_000)
MAX_TIERS = 10
DELIVERY_YEARS_AHEAD = 5
COMMUNE_MAX = 80
# The shipping countries' buttons: France (the default), its French-speaking neighbours, the EU.
COUNTRY_CHOICES = {"fr": FRANCE, "near": NEIGHBOURS, "eu": (EU,)}


def number_of(step: Step) -> int:
    """The step's number out of 13, as the owner sees it."""
    if step in TRANSLATION_STEPS:
        return NUMBERED.index(Step.SUMMARY) + 1
    return NUMBERED.index(Step.TIERS if step in TIER_STEPS else step) + 1


def other_language(locale: str) -> str:
    """The language a translation is written in: not the one the owner writes in."""
    return "fr" if locale == "br" else "br"


def next_step(step: Step) -> Step:
    """Where the wizard goes once `step` is answered (the tier questions loop back to TIERS)."""
    if step is Step.SUMMARY:
        return Step.TRANSLATION
    if step in TRANSLATION_STEPS:  # the title leads to the summary (`Position.after_answer`)
        return Step.DESCRIPTION
    if step in TIER_STEPS:
        index = TIER_STEPS.index(step)
        return TIER_STEPS[index + 1] if index + 1 < len(TIER_STEPS) else Step.TIERS
    return NUMBERED[NUMBERED.index(step) + 1]


@dataclass(frozen=True)
class Position:
    """Where an owner is in the wizard, stored in `projects.wizard_step` as e.g. "title/edit".

    `editing`: came from the preview's "Modifier", so the answer leads back to the preview.
    `appending`: the description already has parts of this round; the next one is added.
    """

    step: Step
    editing: bool = False
    appending: bool = False

    def encode(self) -> str:
        return self.step.value + ("+" if self.appending else "") + ("/edit" if self.editing else "")

    @classmethod
    def decode(cls, value: str | None) -> Position | None:
        if not value:
            return None
        head, _, flag = value.partition("/")
        try:
            return cls(Step(head.rstrip("+")), editing=flag == "edit", appending=head[-1] == "+")
        except ValueError:
            return None

    def after_answer(self) -> Position:
        """The position once this step's answer is stored."""
        if self.step in TIER_STEPS and self.step is not Step.TIER_DELIVERY:
            return Position(next_step(self.step), self.editing)
        if self.step is Step.TIER_DELIVERY:
            return Position(Step.TIERS, self.editing)
        if self.step is Step.TRANSLATED_TITLE:  # from the preview too: its summary follows
            return Position(Step.TRANSLATED_SUMMARY, self.editing)
        return Position(Step.PREVIEW) if self.editing else Position(next_step(self.step))


class Problem(enum.StrEnum):
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    NOT_AN_AMOUNT = "not_an_amount"
    GOAL_RANGE = "goal_range"
    TIER_AMOUNT_RANGE = "tier_amount_range"
    NOT_A_DURATION = "not_a_duration"
    NOT_A_COMMUNE = "not_a_commune"
    COMMUNE_ELSEWHERE = "commune_elsewhere"
    UNKNOWN_COMMUNE = "unknown_commune"
    NOT_A_QUANTITY = "not_a_quantity"
    NOT_A_MONTH = "not_a_month"
    MONTH_RANGE = "month_range"
    MONTH_PAST = "month_past"
    TOO_MANY_TIERS = "too_many_tiers"
    NOT_COUNTRIES = "not_countries"


@dataclass(frozen=True)
class Refusal(Exception):
    """An answer that does not fit its step; `values` fill the explanation shown to the owner."""

    problem: Problem
    values: tuple[tuple[str, object], ...] = ()

    def value(self, name: str) -> Any:
        return dict(self.values)[name]


def _refuse(problem: Problem, **values: object) -> Refusal:
    return Refusal(problem, tuple(values.items()))


def check_text(step: Step, text: str) -> str:
    """A typed text within the step's length limits: trimmed, on one line where it must be."""
    text = without_controls(text)
    cleaned = " ".join(text.split()) if step in ONE_LINE else _trim_lines(text)
    low, high = TEXT_LIMITS[step]
    if len(cleaned) < low:
        raise _refuse(Problem.TOO_SHORT, minimum=low, count=len(cleaned))
    if len(cleaned) > high:
        raise _refuse(Problem.TOO_LONG, maximum=high, count=len(cleaned))
    return cleaned


def _trim_lines(text: str) -> str:
    # Keep paragraphs, drop trailing spaces and runs of blank lines.
    lines = [" ".join(line.split()) for line in without_controls(text).strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def join_description(current: str, part: str, *, appending: bool) -> str:
    """The description once `part` is received: added to the round's parts, or starting anew."""
    part = _trim_lines(part)
    joined = f"{current}\n\n{part}" if appending and current else part
    low, high = TEXT_LIMITS[Step.DESCRIPTION]
    if len(joined) > high:
        raise _refuse(Problem.TOO_LONG, maximum=high, count=len(joined))
    if not part:
        raise _refuse(Problem.TOO_SHORT, minimum=low, count=len(current))
    return joined


def check_description_done(description: str) -> None:
    low = TEXT_LIMITS[Step.DESCRIPTION][0]
    if len(description) < low:
        raise _refuse(Problem.TOO_SHORT, minimum=low, count=len(description))


def parse_goal(text: str) -> int:
    """The goal in cents: "1 500", "1500 €", "1.500" are all fifteen hundred euros."""
    cents = parse_euros(text)
    if cents is None:
        raise _refuse(Problem.NOT_AN_AMOUNT)
    low, high = GOAL_CENTS
    if not low <= cents <= high:
        raise _refuse(Problem.GOAL_RANGE, minimum=low, maximum=high)
    return cents


def parse_tier_amount(text: str, max_cents: int) -> int:
    cents = parse_euros(text)
    if cents is None:
        raise _refuse(Problem.NOT_AN_AMOUNT)
    if not 100 <= cents <= max_cents:
        raise _refuse(Problem.TIER_AMOUNT_RANGE, minimum=100, maximum=max_cents)
    return cents


def parse_duration(text: str) -> int:
    """Days from "45", "45 jours", "45 deiz": the only number in the text, from 7 to 90."""
    numbers = re.findall(r"\d+", text)
    low, high = DURATION_DAYS
    if len(numbers) != 1 or not low <= int(numbers[0]) <= high:
        raise _refuse(Problem.NOT_A_DURATION, minimum=low, maximum=high)
    return int(numbers[0])


def check_duration(days: int) -> int:
    low, high = DURATION_DAYS
    if not low <= days <= high:
        raise _refuse(Problem.NOT_A_DURATION, minimum=low, maximum=high)
    return days


_COMMUNE = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ '’-])*$")


def parse_commune(text: str, departement: Departement | None, *, insist: bool = False) -> str:
    """The commune's official name for a known one ("kemper" is Quimper, "Lamballe" is now
    Lamballe-Armor).

    A known commune of another département than the one chosen is refused: the card would say
    "Quimper · Morbihan"; the refusal names the commune, so the owner can switch to its
    département. A name the gazetteer does not hold is refused with the closest known names,
    unless the owner `insist`s (a hamlet, a commune outside Brittany): it is then kept as
    typed, tidied.
    """
    typed = " ".join(text.split())
    known = find_commune(typed, departement.value if departement else None)
    if known is not None:
        return _in_departement(known, departement)
    if not _COMMUNE.match(typed) or len(typed) > COMMUNE_MAX:
        raise _refuse(Problem.NOT_A_COMMUNE, maximum=COMMUNE_MAX)
    tidied = typed[0].upper() + typed[1:]
    if not insist:
        close = tuple((commune_number(c), c.name) for c in suggest_communes(typed))
        raise _refuse(Problem.UNKNOWN_COMMUNE, typed=tidied, suggestions=close)
    return tidied


def chosen_commune(number: int, departement: Departement | None) -> str | None:
    """The official name of a commune chosen by its button (a suggestion), refused like a typed
    one when it lies in another département; None for a number of no commune (forged)."""
    known = commune_by_number(number)
    return None if known is None else _in_departement(known, departement)


def _in_departement(known: Commune, departement: Departement | None) -> str:
    if departement is not None and known.departement != departement.value:
        raise _refuse(Problem.COMMUNE_ELSEWHERE, commune=known.name,
                      departement=Departement(known.departement),
                      number=commune_number(known))  # fmt: skip
    return known.name


def commune_fits(commune: str | None, departement: Departement) -> bool:
    """Whether a stored commune can stay once the département changes."""
    known = find_commune(commune, departement.value) if commune else None
    return known is None or known.departement == departement.value


def parse_quantity(text: str) -> int:
    numbers = re.findall(r"\d+", text.replace(" ", "").replace("\u202f", ""))
    low, high = TIER_QUANTITY
    if len(numbers) != 1 or not low <= int(numbers[0]) <= high:
        raise _refuse(Problem.NOT_A_QUANTITY, minimum=low, maximum=high)
    return int(numbers[0])


def parse_shipping_countries(text: str) -> tuple[str, ...]:
    """The countries a shipped reward may go to, typed as ISO codes or names in French or
    Breton ("FR, BE", "France et Belgique", "Frañs ha Belgia"); as many as the column holds."""
    codes = parse_countries(text)
    if codes is None or len(codes) > MAX_COUNTRIES:
        raise _refuse(Problem.NOT_COUNTRIES, maximum=MAX_COUNTRIES)
    return codes
