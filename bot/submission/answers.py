"""How one answer changes a draft: the rules of `bot.submission.rules` applied to a project.

No transaction here: `bot.submission.wizard` loads the draft, calls these, and commits.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.domain import Category, DeliveryMode, Departement, FundingModel, utcnow
from bot.search.countries import stored
from bot.search.places import commune_by_number
from bot.storage.models import Project, ProjectTranslation, RewardTier
from bot.submission.months import parse_month
from bot.submission.rules import (
    COUNTRY_CHOICES,
    DURATION_CHOICES,
    GOAL_CENTS,
    KEEP_CURRENT,
    KEEPABLE,
    MAX_TIERS,
    TIER_FIELDS,
    TIER_STEPS,
    Position,
    Problem,
    Refusal,
    Step,
    check_description_done,
    check_duration,
    check_text,
    chosen_commune,
    commune_fits,
    join_description,
    other_language,
    parse_commune,
    parse_duration,
    parse_goal,
    parse_quantity,
    parse_shipping_countries,
    parse_tier_amount,
)


class NotEditable(Exception):
    """Not this owner's draft, or no longer a draft (submitted, live): a stale or forged button."""


class TooManyDrafts(Exception):
    pass


class Incomplete(Exception):
    def __init__(self, step: Step) -> None:
        super().__init__(step)
        self.step = step


class WrongInput(Exception):
    """A text where the step expects a button or a photo, or a photo where it expects a text."""

    def __init__(self, step: Step) -> None:
        super().__init__(step)
        self.step = step


def store_text(
    project: Project, position: Position, text: str, max_pledge: int, owner_locale: str = "fr"
) -> None:
    """Store a typed answer; `owner_locale`, the language the owner writes in (a translation
    is in the other one)."""
    step = position.step
    tier = dict(project.wizard_tier or {})
    if step is Step.BRETON:
        project.breton_connection = check_text(step, text)
    elif step is Step.TITLE:
        project.title = check_text(step, text)
    elif step is Step.COMMUNE:
        project.commune = parse_commune(text, project.departement)
        project.wizard_commune = None
    elif step is Step.SUMMARY:
        project.summary = check_text(step, text)
    elif step is Step.TRANSLATED_TITLE:
        _translation(project, owner_locale).title = check_text(step, text)
    elif step is Step.TRANSLATED_SUMMARY:
        _translation(project, owner_locale).summary = check_text(step, text)
    elif step is Step.DESCRIPTION:
        project.description = join_description(
            project.description, text, appending=position.appending
        )
    elif step is Step.GOAL:
        project.goal_cents = parse_goal(text)
    elif step is Step.DURATION:
        project.duration_days = parse_duration(text)
    elif step is Step.TIER_TITLE:  # a new reward starts here; one being rewritten goes on
        project.wizard_tier = (tier if "replaces" in tier else {}) | {
            "title": check_text(step, text)
        }
    elif step is Step.TIER_AMOUNT:
        project.wizard_tier = tier | {"min_amount_cents": parse_tier_amount(text, max_pledge)}
    elif step is Step.TIER_DESCRIPTION:
        project.wizard_tier = tier | {"description": check_text(step, text)}
    elif step is Step.TIER_COUNTRIES:
        countries = stored(parse_shipping_countries(text))
        project.wizard_tier = tier | {"shipping_countries": countries}
    elif step is Step.TIER_QUANTITY:
        project.wizard_tier = tier | {"quantity_limit": parse_quantity(text)}
    elif step is Step.TIER_DELIVERY:
        _add_tier(project, tier, parse_month(text, utcnow().date()))
    else:  # a step answered with a button, or with a photo
        raise WrongInput(step)


def _translation(project: Project, owner_locale: str) -> ProjectTranslation:
    """The draft's translation, begun if it has none (its summary comes with the next answer;
    until then the draft is not complete: `first_missing`)."""
    if project.translation is None:
        project.translation = ProjectTranslation(
            locale=other_language(owner_locale), title="", summary=""
        )
    return project.translation


def _add_tier(project: Project, tier: dict[str, Any], delivery: date) -> None:
    """The reward written, added; or, when one was being rewritten, in its place."""
    fields: dict[str, Any] = dict(
        title=tier["title"], description=tier.get("description", ""),
        min_amount_cents=tier["min_amount_cents"], quantity_limit=tier.get("quantity_limit"),
        estimated_delivery=delivery,
        # A reward begun before the question was asked keeps the column's default.
        delivery_mode=DeliveryMode(tier.get("delivery_mode", DeliveryMode.IN_PERSON)),
        shipping_countries=tier.get("shipping_countries"),
    )  # fmt: skip
    replaced = _tier(project, tier.get("replaces"))
    if replaced is None:
        project.reward_tiers.append(RewardTier(position=len(project.reward_tiers), **fields))
    else:
        for name, value in fields.items():
            setattr(replaced, name, value)
    project.wizard_tier = None


def _tier(project: Project, tier_id: object) -> RewardTier | None:
    return next((tier for tier in project.reward_tiers if tier.id == tier_id), None)


def tier_answers(tier: RewardTier) -> dict[str, Any]:
    """A saved reward as the reward being written holds it, to rewrite it question by question
    ("↩ Garder la réponse actuelle" keeps a field); saved in its place at the last one."""
    delivery = tier.estimated_delivery
    return {
        "replaces": tier.id, "title": tier.title, "min_amount_cents": tier.min_amount_cents,
        "description": tier.description,
        "delivery_mode": (tier.delivery_mode or DeliveryMode.IN_PERSON).value,
        "shipping_countries": tier.shipping_countries, "quantity_limit": tier.quantity_limit,
        "estimated_delivery": delivery.isoformat() if delivery else None,
    }  # fmt: skip


def _keep_tier_answer(project: Project, position: Position) -> Position:
    """A reward being rewritten keeps this field's answer: on to its next question."""
    tier = dict(project.wizard_tier or {})
    if position.step is Step.TIER_DELIVERY:
        _add_tier(project, tier, date.fromisoformat(str(tier["estimated_delivery"])))
    elif position.step is Step.TIER_MODE and tier.get("delivery_mode") != DeliveryMode.SHIPPED:
        return Position(Step.TIER_QUANTITY, position.editing)
    return position.after_answer()


def store_choice(project: Project, position: Position, value: str) -> Position:
    """Apply a button of the current step; returns where the wizard goes next."""
    step = position.step
    if value == KEEP_CURRENT:  # back to the preview, nothing changed
        if not keeps_current(project, position):
            raise NotEditable
        if step in TIER_STEPS:  # a reward being rewritten: its next question
            return _keep_tier_answer(project, position)
        return Position(Step.PREVIEW)
    try:
        if step is Step.CATEGORY:
            project.category = Category(value)
        elif step is Step.DEPARTEMENT:
            project.departement = Departement(value)
        elif step is Step.DURATION and value.isdigit() and int(value) in DURATION_CHOICES:
            project.duration_days = check_duration(int(value))
        elif step is Step.MODEL:
            project.funding_model = FundingModel(value)
        elif step is Step.DESCRIPTION and value == "done":
            check_description_done(project.description)
        elif step is Step.TIERS:
            return _tiers_menu(project, position, value)
        elif step is Step.COMMUNE:
            return _commune_choice(project, position, value)
        elif step is Step.TIER_MODE:
            return _delivery_mode(project, position, DeliveryMode(value))
        elif step is Step.TIER_COUNTRIES and value in COUNTRY_CHOICES:
            chosen = {"shipping_countries": stored(COUNTRY_CHOICES[value])}
            project.wizard_tier = dict(project.wizard_tier or {}) | chosen
        elif step is Step.TIER_QUANTITY and value == "unlimited":
            project.wizard_tier = dict(project.wizard_tier or {}) | {"quantity_limit": None}
        elif step is Step.TRANSLATION:
            return _translation_choice(project, position, value)
        elif step is Step.PHOTO and value in ("skip", "remove"):
            if value == "remove":
                project.photo_file_id = None
            return Position(Step.PREVIEW)
        else:
            raise NotEditable
    except (ValueError, IndexError) as error:  # an unknown category, commune…: forged data
        raise NotEditable from error
    following = position.after_answer()
    # A new département that does not hold the commune already given asks for it again.
    if step is Step.DEPARTEMENT and not commune_fits(project.commune, Departement(value)):
        following = Position(Step.COMMUNE, editing=position.editing)
    return following


def _translation_choice(project: Project, position: Position, value: str) -> Position:
    """Write the title and summary in the other language, pass, or (from the preview) remove
    the translation given."""
    if value == "add":
        return Position(Step.TRANSLATED_TITLE, position.editing)
    if value == "remove" and project.translation is not None:
        project.translation = None
    elif value != "skip":
        raise NotEditable
    return position.after_answer()


def _delivery_mode(project: Project, position: Position, mode: DeliveryMode) -> Position:
    """How the reward is delivered; only a shipped one is asked where it may go."""
    tier = dict(project.wizard_tier or {}) | {"delivery_mode": mode.value}
    tier.pop("shipping_countries", None)
    project.wizard_tier = tier
    if mode is DeliveryMode.SHIPPED:
        return position.after_answer()
    return Position(Step.TIER_QUANTITY, position.editing)


def _commune_choice(project: Project, position: Position, value: str) -> Position:
    """The buttons under a commune refused: a suggestion, the name as typed, its département."""
    if value == "retype":  # the question again
        return position
    if value == "keep" and project.wizard_commune:
        project.commune = parse_commune(project.wizard_commune, project.departement, insist=True)
    elif value[:1] == "c" and _is_code(value[1:]):
        chosen = chosen_commune(int(value[1:]), project.departement)
        if chosen is None:
            raise NotEditable
        project.commune = chosen
    elif value[:3] == "dep" and _is_code(value[3:]):
        commune = commune_by_number(int(value[3:]))
        if commune is None:
            raise NotEditable
        project.departement, project.commune = Departement(commune.departement), commune.name
    else:
        raise NotEditable
    project.wizard_commune = None
    return position.after_answer()


def _is_code(text: str) -> bool:
    """A commune's number as its buttons carry it (`commune_number`: at most five digits)."""
    return text.isascii() and text.isdigit() and len(text) <= 5


def _tiers_menu(project: Project, position: Position, value: str) -> Position:
    after = Position(Step.PREVIEW) if position.editing else Position(Step.PHOTO)
    if value == "add":
        if len(project.reward_tiers) >= MAX_TIERS:
            raise Refusal(Problem.TOO_MANY_TIERS, (("maximum", MAX_TIERS),))
        project.wizard_tier = None  # a new one (not the rest of a reward left half rewritten)
        return Position(Step.TIER_TITLE, position.editing)
    if value == "none":
        project.reward_tiers.clear()
        return after
    if value == "done" and project.reward_tiers:
        return after
    if value.startswith("edit") and value[4:].isdigit():
        tier = _tier(project, int(value[4:]))
        if tier is None:
            raise NotEditable
        project.wizard_tier = tier_answers(tier)
        return Position(Step.TIER_TITLE, position.editing)
    if value.startswith("del") and value[3:].isdigit():
        kept = [tier for tier in project.reward_tiers if tier.id != int(value[3:])]
        if len(kept) == len(project.reward_tiers):
            raise NotEditable
        project.reward_tiers[:] = kept
        for number, tier in enumerate(kept):
            tier.position = number
        return position
    raise NotEditable


def keeps_current(project: Project, position: Position) -> bool:
    """Whether the question may be left with the answer it has: a field changed from the
    preview (not a description already being replaced), whose current answer still holds;
    or a question of a saved reward being rewritten, which has an answer."""
    if position.step in TIER_STEPS:
        tier = project.wizard_tier or {}
        answer = tier.get(TIER_FIELDS[position.step])
        unlimited = position.step is Step.TIER_QUANTITY  # None is an answer there
        return "replaces" in tier and (unlimited or answer not in (None, ""))
    if not position.editing or position.appending or position.step not in KEEPABLE:
        return False
    if first_missing(project) is not None or project.departement is None:
        return False
    return commune_fits(project.commune, project.departement)  # after a new département


def first_missing(project: Project) -> Step | None:
    present = {
        Step.BRETON: bool(project.breton_connection),
        Step.TITLE: bool(project.title),
        Step.CATEGORY: project.category is not None,
        Step.DEPARTEMENT: project.departement is not None,
        Step.COMMUNE: bool(project.commune),
        Step.SUMMARY: bool(project.summary),
        Step.DESCRIPTION: bool(project.description),
        Step.GOAL: project.goal_cents >= GOAL_CENTS[0],
        Step.DURATION: project.duration_days is not None,
    }
    missing = next((step for step, ok in present.items() if not ok), None)
    translation = project.translation
    if missing is not None or translation is None:
        return missing
    # A translation begun is finished before the draft is submitted.
    if not translation.title:
        return Step.TRANSLATED_TITLE
    return None if translation.summary else Step.TRANSLATED_SUMMARY
