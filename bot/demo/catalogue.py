"""The demo catalogue: projects and owners read from projects.toml, checked as they are read.

The content lives in projects.toml, next to this module, and ships inside the wheel: it is read
through `importlib.resources`, never from a path relative to the working directory. A bad entry
(unknown category, oversold reward, dates that contradict the stage…) raises `CatalogueError`
when `bot.demo` is imported, before anything touches the database.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from bot.demo.fields import CatalogueError, Fields
from bot.domain import Category, DeliveryMode, Departement, FundingModel, ProjectStatus
from bot.search.countries import parse_countries

EUR = 100  # cents
CATALOGUE_FILE = "projects.toml"

# Telegram promises user ids of at most 52 significant bits (< 2**52 ≈ 4.5e15). Demo users live
# above that, so they can never collide with a real person, and stay exact as JSON doubles
# (< 2**53). Owners take the offsets 1-999, contributors 1000 onwards.
DEMO_USER_ID_BASE = 5_000_000_000_000_000
DEMO_USER_ID_SPAN = 1_000_000
OWNER_NUMBERS = range(1, 1000)
TITLE_MAX, SUMMARY_MAX = 80, 280  # the columns' lengths

# A demo project has been published: the earlier stages have nothing to show in the catalogue.
_STAGES = (ProjectStatus.LIVE, ProjectStatus.SUCCEEDED, ProjectStatus.FAILED)


@dataclass(frozen=True)
class DemoPerson:
    number: int  # offset from DEMO_USER_ID_BASE: never renumber, only append
    first_name: str
    last_name: str
    locale: str
    home: Departement

    @property
    def user_id(self) -> int:
        return DEMO_USER_ID_BASE + self.number


@dataclass(frozen=True)
class DemoTier:
    title: str
    description: str
    min_amount_cents: int
    backers: int  # paid pledges choosing this reward
    quantity_limit: int | None = None
    delivery_days_after_end: int | None = None
    delivery_mode: DeliveryMode = DeliveryMode.IN_PERSON
    shipping_countries: str | None = None  # "FR,BE" (or "EU"), shipped rewards only


@dataclass(frozen=True)
class DemoTranslation:
    """The title and summary in the project's other language (`locale`), as an owner gives
    them in the wizard; the same limits apply."""

    locale: str
    title: str
    summary: str


@dataclass(frozen=True)
class DemoProject:
    slug: str
    title: str
    summary: str
    description: str
    breton_connection: str
    category: Category
    departement: Departement
    commune: str
    owner: DemoPerson
    goal_cents: int
    funding_model: FundingModel
    stage: ProjectStatus  # LIVE, SUCCEEDED or FAILED
    starts_days_ago: int
    duration_days: int
    funded_percent: int  # of the goal, paid by the contributors
    extra_followers: int  # followers who did not contribute
    tiers: tuple[DemoTier, ...] = ()
    photo_file_id: str | None = None  # Telegram file ids cannot be invented
    translation: DemoTranslation | None = None

    def __post_init__(self) -> None:
        if self.stage not in _STAGES:
            raise CatalogueError(f"{self.slug}: a demo project cannot be {self.stage}")
        ended = self.starts_days_ago > self.duration_days
        if ended != (self.stage is not ProjectStatus.LIVE):
            raise CatalogueError(f"{self.slug}: dates do not match the stage {self.stage}")
        for tier in self.tiers:
            if tier.quantity_limit is not None and tier.backers > tier.quantity_limit:
                raise CatalogueError(f"{self.slug}: reward {tier.title!r} is oversold")
        # The gifts make up the difference: they cannot be negative.
        if sum(tier.min_amount_cents * tier.backers for tier in self.tiers) > (
            self.raised_target_cents
        ):
            raise CatalogueError(f"{self.slug}: the rewards alone exceed the amount raised")

    @property
    def raised_target_cents(self) -> int:
        """What the contributors paid, rounded to 5 € like the gifts themselves."""
        return round(self.goal_cents * self.funded_percent / 100 / (5 * EUR)) * 5 * EUR

    @property
    def refunded(self) -> bool:
        """An all-or-nothing project that missed its goal gave all contributors their money back."""
        return self.stage is ProjectStatus.FAILED and (
            self.funding_model is FundingModel.ALL_OR_NOTHING
        )


@dataclass(frozen=True)
class Catalogue:
    projects: tuple[DemoProject, ...]
    first_names: tuple[str, ...]  # drawn for the contributors
    last_names: tuple[str, ...]


@cache
def load_catalogue() -> Catalogue:
    """The catalogue shipped with the package; raises `CatalogueError` naming the bad entry."""
    text = (resources.files("bot.demo") / CATALOGUE_FILE).read_text(encoding="utf-8")
    try:
        return parse_catalogue(tomllib.loads(text))
    except (CatalogueError, tomllib.TOMLDecodeError) as error:
        raise CatalogueError(f"bot/demo/{CATALOGUE_FILE}: {error}") from error


def parse_catalogue(document: dict[str, object]) -> Catalogue:
    root = Fields(document, "")
    contributors = root.table("contributors")
    first_names, last_names = contributors.texts("first_names"), contributors.texts("last_names")
    contributors.done()
    owners = _owners(root.tables("owners"))
    projects = tuple(_project(entry, owners) for entry in root.tables("projects"))
    root.done()
    slugs = [project.slug for project in projects]
    # The slug is the natural key of a loaded project: a duplicate would never be loaded.
    if duplicates := sorted({slug for slug in slugs if slugs.count(slug) > 1}):
        raise CatalogueError(f"duplicate slug(s) {', '.join(duplicates)}")
    if not projects:
        raise CatalogueError("no projects")
    return Catalogue(projects, first_names, last_names)


def _owners(entries: list[Fields]) -> dict[int, DemoPerson]:
    owners: dict[int, DemoPerson] = {}
    for entry in entries:
        owner = _person(entry)
        if owner.number in owners:
            entry.fail(f"owner number {owner.number} is already taken")
        owners[owner.number] = owner
    return owners


def _person(entry: Fields) -> DemoPerson:
    number = entry.number("number", minimum=OWNER_NUMBERS.start)
    if number not in OWNER_NUMBERS:  # contributors live above
        entry.fail(f"owner numbers go from {OWNER_NUMBERS.start} to {OWNER_NUMBERS.stop - 1}")
    person = DemoPerson(
        number=number,
        first_name=entry.text("first_name"),
        last_name=entry.text("last_name"),
        locale=entry.text("locale"),
        home=entry.choice("home", Departement),
    )
    if person.locale not in {"fr", "br"}:
        entry.fail(f"locale must be fr or br, not {person.locale!r}")
    entry.done()
    return person


def _project(entry: Fields, owners: dict[int, DemoPerson]) -> DemoProject:
    slug = entry.text("slug")
    entry.where = f"{entry.where} ({slug})"
    owner_number = entry.number("owner")
    if owner_number not in owners:
        entry.fail(f"owner {owner_number} is not among the [[owners]]")
    project = DemoProject(
        slug=slug,
        title=entry.text("title"),
        summary=entry.text("summary"),
        description=entry.text("description"),
        breton_connection=entry.text("breton_connection"),
        category=entry.choice("category", Category),
        departement=entry.choice("departement", Departement),
        commune=entry.text("commune"),
        owner=owners[owner_number],
        goal_cents=entry.number("goal_eur", minimum=1) * EUR,
        funding_model=entry.choice("funding_model", FundingModel),
        stage=entry.choice("stage", ProjectStatus),
        starts_days_ago=entry.number("starts_days_ago"),
        duration_days=entry.number("duration_days", minimum=1),
        funded_percent=entry.number("funded_percent"),
        extra_followers=entry.number("extra_followers"),
        tiers=tuple(_tier(tier) for tier in entry.tables("tiers")),
        photo_file_id=entry.optional_text("photo_file_id"),
        translation=_translation(table) if (table := entry.optional_table("translation")) else None,
    )
    entry.done()
    return project


def _translation(entry: Fields) -> DemoTranslation:
    translation = DemoTranslation(
        locale=entry.text("locale"),
        title=" ".join(entry.text("title").split()),
        summary=" ".join(entry.text("summary").split()),
    )
    if translation.locale not in {"fr", "br"}:
        entry.fail(f"locale must be fr or br, not {translation.locale!r}")
    # The wizard's limits (bot/submission/rules.py, TEXT_LIMITS): 80 and 280 characters.
    if len(translation.title) > TITLE_MAX or len(translation.summary) > SUMMARY_MAX:
        entry.fail(f"title or summary longer than {TITLE_MAX} or {SUMMARY_MAX} characters")
    entry.done()
    return translation


def _tier(entry: Fields) -> DemoTier:
    tier = DemoTier(
        title=entry.text("title"),
        description=entry.text("description"),
        min_amount_cents=entry.number("min_amount_eur", minimum=1) * EUR,
        backers=entry.number("backers"),
        quantity_limit=entry.optional_number("quantity_limit", minimum=1),
        delivery_days_after_end=entry.optional_number("delivery_days_after_end"),
        delivery_mode=_delivery_mode(entry),
        shipping_countries=entry.optional_text("shipping_countries"),
    )
    if (tier.shipping_countries is None) != (tier.delivery_mode is not DeliveryMode.SHIPPED):
        raise CatalogueError(f"{tier.title!r}: shipping_countries is for shipped rewards only")
    if tier.shipping_countries and parse_countries(tier.shipping_countries) is None:
        raise CatalogueError(f"{tier.title!r}: unknown shipping_countries")
    entry.done()
    return tier


def _delivery_mode(entry: Fields) -> DeliveryMode:
    value = entry.optional_text("delivery") or DeliveryMode.IN_PERSON.value
    try:
        return DeliveryMode(value)
    except ValueError as error:
        raise CatalogueError(f"unknown delivery {value!r}") from error


DEMO_PROJECTS: tuple[DemoProject, ...] = load_catalogue().projects
