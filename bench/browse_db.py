"""Database time of the catalogue at scale: list pages, filters, search, cards and inline mode.

Builds a fresh SQLite database with the real migrations, fills it with a deterministic Breton
catalogue (10,000 live projects, 1,000,000 pledges by default), then times the real
`CatalogueService` methods, each call in its own session as the bot does, twice: before and after
ANALYZE. It prints percentiles per operation against the 20 ms p95 target, the SQL time measured
at the cursor, and the query plan of every statement the service emitted.

    .venv/bin/python bench/browse_db.py [--db PATH] [--projects N] [--pledges N] [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import re
import sqlite3
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from random import Random
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.ext.asyncio import AsyncEngine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from bot.catalogue.service import CatalogueService, query_hash
from bot.domain import MAX_PAGE, CataloguePage, Category, Departement, ListView, Order
from bot.search.places import COMMUNES, Commune
from bot.search.text import project_search_fields
from bot.storage.engine import create_engine, create_session_factory, upgrade_schema
from bot.storage.models import Project

TARGET_P95_MS = 20.0
WARMUP_RUNS = 5  # compile SQLAlchemy's statement cache and warm SQLite's page cache first
DAY = 86_400.0
CHUNK = 50_000  # rows per executemany: bounded memory, still one transaction

# --- Word lists: French titles and summaries that searches find in realistic proportions ---

SUBJECTS = {
    Category.CULTURE: ["Fest-noz", "Festival de musique bretonne", "Bagad", "Cercle celtique",
                       "Théâtre de rue", "Concert de harpe celtique", "Concours de kan ha diskan",
                       "Exposition de photographies", "Court-métrage", "Chants de marins"],
    Category.INNOVATION: ["Atelier de réparation de vélos", "Tiers-lieu numérique", "Fablab",
                          "Covoiturage rural", "Bateau de pêche électrique", "Brasserie artisanale",
                          "Séchoir solaire à algues", "Conserverie de poissons"],
    Category.SOLIDARITY: ["Épicerie solidaire", "Crêperie solidaire", "Repair café",
                          "Jardin partagé", "Minibus pour les aînés", "Café associatif",
                          "Colis de Noël"],
    Category.HERITAGE: ["Restauration de la chapelle", "Sauvegarde du lavoir", "Vieux gréement",
                        "Rénovation du moulin", "Vitraux de la chapelle", "Four à pain",
                        "Calvaire"],
    Category.ENVIRONMENT: ["Nettoyage des plages", "Récolte d'algues", "Ruchers", "Potager bio",
                           "Plantation de haies bocagères", "Compost collectif",
                           "Protection des dunes"],
    Category.SPORT: ["Club de gouren", "Tournoi de palets", "Régate", "Club de surf",
                     "Rando vélo", "Football gaélique", "Trail des chapelles"],
    Category.BRETON_LANGUAGE: ["École Diwan", "Cours de breton", "Livre jeunesse en breton",
                               "Podcast en breton", "Théâtre en breton", "Chorale en breton",
                               "Classe bilingue"],
}  # fmt: skip
# Each special word (fest-noz, crêpes, Diwan, chapelle, algues) sits in a few entries among many
# neutral ones, so that a search finds a few percent of the catalogue, as on the real platform.
COMPLEMENTS = ["", "", "", "", "", "", "", "", "pour tous", "des enfants", "du bourg",
               "de la Saint-Jean", "au bord de mer", "d'hiver", "intergénérationnel",
               "pour l'école Diwan", "de l'île", "des quais", "du dimanche", "des anciens",
               "de printemps", "pour la rentrée", "du pays", "en plein air", "des familles",
               "de la vallée", "du port", "pour les aînés", "de l'été", "de quartier"]  # fmt: skip
VERBS = ["financer", "organiser", "rénover", "lancer", "équiper", "faire vivre", "ouvrir"]
OBJECTS = ["un fest-noz gratuit", "une crêperie associative", "la chapelle du bourg",
           "une classe Diwan", "un atelier autour des algues", "la salle des fêtes",
           "un bateau pour l'école", "le lavoir", "un festival", "une bibliothèque en breton",
           "des ruches", "un terrain de palets", "un local", "une scène mobile",
           "un four à pain", "une cuisine partagée", "un jardin", "une exposition",
           "un atelier vélo", "une salle de répétition", "un verger", "un sentier côtier",
           "une radio locale", "un minibus", "une ludothèque", "un spectacle", "un chantier",
           "une fresque", "un site internet", "un concours", "une résidence d'artistes",
           "un potager", "des costumes", "une sonorisation", "un bar associatif"]  # fmt: skip
WHO = ["les bénévoles de l'association", "les parents d'élèves", "les habitants",
       "les anciens du club", "les jeunes du quartier", "les sonneurs du bagad"]  # fmt: skip
EXTRAS = ["Crêpes et cidre offerts aux contributeurs.", "Soirée fest-noz pour fêter la réussite.",
          "Tout se fera en breton et en français.", "Chaque euro compte !",
          "Les travaux commencent au printemps.", "Trugarez bras !", "Rendez-vous sur la place.",
          "Le programme complet est en ligne.", "Les enfants de l'école y participent.",
          "Le chantier est ouvert aux visiteurs.", "Entrée libre pour tous.",
          "Merci à nos partenaires.", "Ouverture prévue à l'automne.", "Tout le monde est invité.",
          "Nous comptons sur vous.", "Le projet est soutenu par la commune.",
          "Les dons financent aussi l'assurance.", "Un reportage suivra les travaux.",
          "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""]  # fmt: skip
SENTENCES = [
    "Depuis dix ans, notre association rassemble les habitants autour de ce projet.",
    "L'an dernier, plus de 2 000 personnes sont venues, des enfants aux anciens du bourg.",
    "La collecte finance le matériel, la location de la salle et la rémunération des artistes.",
    "Si l'objectif est dépassé, nous prolongerons l'aventure avec une deuxième édition.",
    "Les travaux seront menés par des artisans du pays, avec des matériaux locaux.",
    "Chaque contributeur sera invité à l'inauguration, autour d'un verre de cidre.",
    "Nous travaillons avec l'école, la mairie et les associations voisines.",
    "Le projet est porté par une équipe de bénévoles passionnés, en breton comme en français.",
    "Nos comptes seront publiés à la fin de la campagne, euro par euro.",
    "Un grand merci à celles et ceux qui nous soutiennent depuis le premier jour.",
]  # fmt: skip
TIER_TITLES = ["Badge de soutien", "Carte postale illustrée", "Tee-shirt collector",
               "Invitation à l'inauguration", "Panier de produits locaux",
               "Votre nom sur le mur des donateurs", "Stage d'une journée"]  # fmt: skip
FIRST_NAMES = ["Anna", "Yann", "Gwenaëlle", "Loïc", "Maïwenn", "Erwan", "Nolwenn", "Tanguy",
               "Katell", "Ronan", "Soizic", "Gaël", "Morgane", "Léa", "Hugo", "Enora"]  # fmt: skip
LAST_NAMES = ["Le Gall", "Le Bihan", "Le Goff", "Guillou", "Morvan", "Kerhervé", "Le Roux",
              "Caradec", "Quéré", "Jaouen", "Le Floch", "Riou", None]  # fmt: skip
# Pledge outcomes: paid mostly, the rest as a payment flow leaves them.
PLEDGE_STATUSES = ["paid", "refunded", "expired", "failed", "pending", "processing"]
PLEDGE_WEIGHTS = [90, 1.5, 4, 2.5, 1.5, 0.5]
SEARCHES = ["fest noz", "crepes", "kemper", "ecole diwan"]
RESET_USERS = "UPDATE users SET input_mode = NULL, catalogue_query = NULL"

# The exact text the app stores for a UTC datetime on SQLite (its column type's bind processor).
_DATETIME = Project.__table__.c.ends_at.type.dialect_impl(sqlite_dialect.dialect())
_FORMAT: Callable[[datetime], str] = _DATETIME.bind_processor(sqlite_dialect.dialect())  # type: ignore[assignment]


def stamp(ts: float | None) -> str | None:
    return None if ts is None else _FORMAT(datetime.fromtimestamp(ts, UTC))


# --- Generation ---


@dataclass(slots=True)
class Tier:
    id: int
    min_cents: int
    limit: int | None
    claimed: int = 0


@dataclass(slots=True)
class Plan:
    """One project as generated; its cached figures are summed from the pledges drawn."""

    status: str
    category: Category
    commune: Commune | None
    departement: str
    created: float
    starts: float | None
    ends: float | None
    weight: float  # share of the pledges, follows and news it attracts
    id: int = 0
    owner_id: int = 0
    funding_model: str = "all_or_nothing"
    tiers: list[Tier] = field(default_factory=list)
    goal: int = 100_000
    gross: int = 0  # paid before any refund: what the goal is set against
    backers: set[int] = field(default_factory=set)
    refunded: bool = False  # failed all-or-nothing: every paid pledge refunded
    followers: int = 0


def plan_projects(rng: Random, live: int, users: list[int], now: float) -> list[Plan]:
    """Live projects, plus older closed ones and a few still in the pipeline, ids by age."""
    plans = [_plan(rng, "live", now) for _ in range(live)]
    plans += [_plan(rng, "closed", now) for _ in range(live // 5)]
    plans += [_plan(rng, rng.choice(["draft", "in_review"]), now) for _ in range(live // 25)]
    plans.sort(key=lambda plan: plan.created)
    tier_id = 0
    for number, plan in enumerate(plans, start=1):
        plan.id, plan.owner_id = number, rng.choice(users)
        plan.funding_model = "keep_it_all" if rng.random() < 0.15 else "all_or_nothing"
        # 2–4 reward tiers, ascending amounts, some limited in quantity.
        amounts = sorted(rng.sample([500, 1000, 2000, 3000, 5000, 10000, 25000], rng.randint(2, 4)))
        for amount in amounts:
            tier_id += 1
            limit = rng.choice([20, 50, 100, 300]) if rng.random() < 0.3 else None
            plan.tiers.append(Tier(tier_id, amount, limit))
    return plans


def _plan(rng: Random, stage: str, now: float) -> Plan:
    commune = rng.choice(COMMUNES) if rng.random() < 0.95 else None
    departement = commune.departement if commune else rng.choice(list(Departement)).value
    starts = ends = None
    if stage == "live":
        starts, ends = now - rng.uniform(0.5, 59) * DAY, now + rng.uniform(1, 60) * DAY
    elif stage == "closed":
        ends = now - rng.uniform(1, 700) * DAY
        starts = ends - rng.uniform(20, 60) * DAY
    created = (starts or now - rng.uniform(0, 30) * DAY) - rng.uniform(5, 20) * DAY
    # Heavy-tailed popularity: most projects get tens of pledges, a few get thousands.
    weight = min(rng.paretovariate(1.3), 150.0) if stage in ("live", "closed") else 0.0
    return Plan(
        stage, rng.choice(list(Category)), commune, departement, created, starts, ends, weight
    )


def user_rows(rng: Random, count: int, now: float) -> list[tuple[Any, ...]]:
    ids = sorted(rng.sample(range(10_000_000, 7_000_000_000), count))  # Telegram-like ids
    rows = []
    for user_id in ids:
        seen = stamp(now - rng.uniform(0, 400) * DAY)
        rows.append(
            (
                user_id,
                rng.choice(FIRST_NAMES),
                rng.choice(LAST_NAMES),
                None,
                "fr",
                rng.choice(["fr", "fr", "fr", "br"]),
                1,
                rng.choice([*(d.value for d in Departement), None]),
                0,
                0,
                0,
                seen,
                seen,
                seen,
            )
        )
    return rows


def pledge_rows(
    rng: Random, plans: list[Plan], users: list[int], count: int, now: float
) -> Iterator[tuple[Any, ...]]:
    """The pledges, drawn by project popularity; the plans' cached figures are summed on the way."""
    backed = [plan for plan in plans if plan.weight > 0]
    chosen = rng.choices(backed, weights=[plan.weight for plan in backed], k=count)
    statuses = rng.choices(PLEDGE_STATUSES, weights=PLEDGE_WEIGHTS, k=count)
    for number, (plan, status) in enumerate(zip(chosen, statuses, strict=True), start=1):
        user_id = users[int(len(users) * rng.random() ** 1.5)]  # some contributors back a lot
        tier = rng.choice(plan.tiers) if rng.random() < 0.8 else None
        if tier and tier.limit is not None and tier.claimed >= tier.limit:
            tier = None  # sold out: a pledge without reward
        base = tier.min_cents if tier else rng.choice([200, 500, 1000, 2000, 5000])
        amount = base + rng.choice([0, 0, 0, 500, 1000])
        if status == "paid":
            plan.gross += amount
            plan.backers.add(user_id)
            if tier:
                tier.claimed += 1
        start = plan.starts or 0.0
        created = start + rng.random() * (min(plan.ends or now, now) - start)
        paid = stamp(created + 180) if status in ("paid", "refunded") else None
        intent = f"pi_{rng.getrandbits(96):024x}" if status != "expired" else None
        yield (
            number,
            user_id,
            plan.id,
            tier.id if tier else None,
            amount,
            status,
            f"u{user_id}" if rng.random() < 0.1 else None,
            f"cs_live_{rng.getrandbits(232):058x}",
            intent,
            paid,
            stamp(created),
            paid or stamp(created),
        )


def settle(rng: Random, plans: list[Plan]) -> list[int]:
    """Goals against what was raised; closed projects succeed or fail by them. Failed ids back."""
    failed = []
    for plan in plans:
        goal = min(max(int(plan.gross * rng.uniform(0.5, 2.2)), 100_000), 6_000_000)
        plan.goal = goal - goal % 100
        if plan.status == "closed":
            reached = plan.gross >= plan.goal or plan.funding_model == "keep_it_all"
            plan.status = "succeeded" if reached else "failed"
            plan.refunded = not reached
            if plan.refunded:
                failed.append(plan.id)
    return failed


def follow_rows(
    rng: Random, plans: list[Plan], users: list[int], count: int, now: float
) -> list[tuple[Any, ...]]:
    backed = [plan for plan in plans if plan.weight > 0]
    rows, seen = [], set()
    for plan in rng.choices(backed, weights=[plan.weight for plan in backed], k=count):
        user_id = rng.choice(users)
        if (user_id, plan.id) not in seen:
            seen.add((user_id, plan.id))
            plan.followers += 1
            start = plan.starts or 0.0
            rows.append((user_id, plan.id, stamp(start + rng.random() * (now - start))))
    return rows


def news_rows(rng: Random, plans: list[Plan], count: int, now: float) -> list[tuple[Any, ...]]:
    backed = [plan for plan in plans if plan.weight > 0]
    rows = []
    for plan in rng.choices(backed, weights=[plan.weight for plan in backed], k=count):
        start = plan.starts or 0.0
        posted = start + rng.random() * (min(plan.ends or now, now) - start)
        body = " ".join(rng.sample(SENTENCES + EXTRAS, rng.randint(2, 4)))
        rows.append((plan.id, plan.owner_id, body, None, stamp(posted)))
    return rows


def tier_rows(rng: Random, plans: list[Plan]) -> list[tuple[Any, ...]]:
    rows = []
    for plan in plans:
        for position, tier in enumerate(plan.tiers):
            delivery = date.fromtimestamp((plan.ends or plan.created) + rng.uniform(20, 120) * DAY)
            rows.append(
                (
                    tier.id,
                    plan.id,
                    position,
                    rng.choice(TIER_TITLES),
                    " ".join(rng.sample(SENTENCES, 1)),
                    tier.min_cents,
                    tier.limit,
                    0 if plan.refunded else tier.claimed,
                    0,
                    delivery.isoformat(),
                )
            )
    return rows


def project_texts(rng: Random, plan: Plan) -> tuple[str, str, str]:
    """A French title, summary and description, e.g. "Fest-noz de la Saint-Jean à Lannion"."""
    words = f"{rng.choice(SUBJECTS[plan.category])} {rng.choice(COMPLEMENTS)}".split()
    place = f" à {plan.commune.name}" if plan.commune and rng.random() < 0.6 else ""
    title = (" ".join(words) + place)[:80]
    where = plan.commune.name if plan.commune else "chez nous"
    summary = (
        f"Aidez {rng.choice(WHO)} à {rng.choice(VERBS)} {rng.choice(OBJECTS)} à {where}. "
        f"{rng.choice(EXTRAS)}"
    ).strip()
    paragraphs = (" ".join(rng.sample(SENTENCES, rng.randint(2, 4))) for _ in range(3))
    return title, summary, "\n\n".join(paragraphs)


def project_row(rng: Random, plan: Plan) -> tuple[Any, ...]:
    title, summary, description = project_texts(rng, plan)
    commune = plan.commune.name if plan.commune else None
    # Exactly what the app stores (the models' before_insert hook calls the same function).
    search_title, search_text = project_search_fields(title, summary, commune)
    raised = 0 if plan.refunded else plan.gross
    contributors = 0 if plan.refunded else len(plan.backers)
    percent = raised * 100 // plan.goal
    closed = plan.ends + 3600 if plan.status in ("succeeded", "failed") and plan.ends else None
    photo = f"AgACAgQAAxkBAAI{rng.getrandbits(300):075x}" if rng.random() < 0.7 else None
    days = round((plan.ends - plan.starts) / DAY) if plan.ends and plan.starts else None
    submitted = plan.created + 4 * DAY if plan.status != "draft" else None
    return (
        plan.id,
        plan.owner_id,
        plan.status,
        title,
        summary,
        description,
        "Une équipe du pays, qui fait vivre la Bretagne et sa langue.",
        plan.category.value,
        plan.departement,
        commune,
        search_title,
        search_text,
        plan.goal,
        plan.funding_model,
        days,
        stamp(plan.starts),
        stamp(plan.ends),
        photo,
        raised,
        contributors,
        plan.followers,
        100 if percent >= 100 else 50 if percent >= 50 else 0,
        stamp(submitted),
        stamp(closed),
        stamp(plan.created),
        stamp(closed or plan.starts or plan.created),
    )


PROJECT_SQL = """INSERT INTO projects (id, owner_id, status, title, summary, description,
    breton_connection, category, departement, commune, search_title, search_text, goal_cents,
    funding_model, duration_days, starts_at, ends_at, photo_file_id, raised_cents,
    contributors_count, followers_count, milestone_notified, submitted_at, closed_at, created_at,
    updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"""
USER_SQL = """INSERT INTO users (id, first_name, last_name, username, telegram_language, locale,
    locale_chosen, home_departement, blocked, notifications_muted, reminders_muted, last_seen_at,
    created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"""
PLEDGE_SQL = """INSERT INTO pledges (id, user_id, project_id, reward_tier_id, amount_cents, status,
    referral_code, stripe_checkout_session_id, stripe_payment_intent_id, paid_at, created_at,
    updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"""
TIER_SQL = """INSERT INTO reward_tiers (id, project_id, position, title, description,
    min_amount_cents, quantity_limit, claimed_count, reserved_count, estimated_delivery)
    VALUES (?,?,?,?,?,?,?,?,?,?)"""
FOLLOW_SQL = "INSERT INTO follows (user_id, project_id, created_at) VALUES (?,?,?)"
NEWS_SQL = """INSERT INTO news_posts (project_id, author_id, text, photo_file_id, created_at)
    VALUES (?,?,?,?,?)"""


def chunks(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class Dataset:
    users: list[int]
    live_ids: list[int]
    counts: dict[str, int]


def load(path: Path, args: argparse.Namespace) -> Dataset:
    """Fill the migrated database in one transaction with plain sqlite3 executemany (fastest)."""
    rng, now = Random(42), time.time()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA synchronous=OFF")  # a throw-away load: no need to survive a power cut
    db.execute("PRAGMA cache_size=-262144")  # 256 MiB: index b-trees stay in memory while loading
    db.execute("BEGIN")
    users = user_rows(rng, args.users, now)
    db.executemany(USER_SQL, users)
    user_ids = [row[0] for row in users]
    plans = plan_projects(rng, args.projects, user_ids, now)
    for batch in chunks(pledge_rows(rng, plans, user_ids, args.pledges, now)):
        db.executemany(PLEDGE_SQL, batch)
    failed = settle(rng, plans)
    # All-or-nothing projects that missed their goal have refunded their contributors.
    db.executemany(
        "UPDATE pledges SET status = 'refunded', refunded_at = updated_at"
        " WHERE project_id = ? AND status = 'paid'",
        [(project_id,) for project_id in failed],
    )
    db.executemany(FOLLOW_SQL, follow_rows(rng, plans, user_ids, args.users * 10, now))
    db.executemany(TIER_SQL, tier_rows(rng, plans))
    db.executemany(PROJECT_SQL, (project_row(rng, plan) for plan in plans))
    db.executemany(NEWS_SQL, news_rows(rng, plans, args.projects * 2, now))
    if "published_at" in {row[1] for row in db.execute("PRAGMA table_info(news_posts)")}:
        db.execute("UPDATE news_posts SET published_at = created_at")  # sent, not drafts
    db.execute("COMMIT")
    problems = db.execute("PRAGMA foreign_key_check").fetchall()
    counts = {
        table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
        for table in ("users", "projects", "reward_tiers", "pledges", "follows", "news_posts")
    }
    counts["live projects"] = sum(plan.status == "live" for plan in plans)
    counts["foreign key problems"] = len(problems)
    db.close()
    live = [plan.id for plan in plans if plan.status == "live"]
    return Dataset(user_ids, live, counts)


# --- Measurement ---


class SqlTimer:
    """Time spent in cursor.execute, per call and per statement, via SQLAlchemy's cursor events.

    With aiosqlite this is SQLite's work plus the hop to its thread, and it includes fetching the
    rows (the adapter fetches them inside execute). COMMIT is not a cursor call: not counted.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.total = 0.0
        self.by_statement: dict[str, list[float]] = {}
        self.captured: list[tuple[str, Any]] | None = None  # set to a list to record statements
        event.listen(engine.sync_engine, "before_cursor_execute", self._before)
        event.listen(engine.sync_engine, "after_cursor_execute", self._after)

    def _before(self, conn: Any, _cursor: Any, *_args: Any) -> None:
        conn.info.setdefault("bench_started", []).append(time.perf_counter())

    def _after(self, conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        elapsed = time.perf_counter() - conn.info["bench_started"].pop()
        self.total += elapsed
        self.by_statement.setdefault(statement, []).append(elapsed)
        if self.captured is not None:
            self.captured.append((statement, parameters))


@dataclass(frozen=True)
class Operation:
    name: str
    call: Callable[[int], Awaitable[Any]]  # run number -> one service call, by the run's user
    users: list[int]  # this operation's own users: one per run, reset before the pass
    query: str | None = None  # the catalogue search its users typed before (for paging)


@dataclass
class Figures:
    name: str
    wall_ms: list[float] = field(default_factory=list)
    sql_ms: list[float] = field(default_factory=list)
    found: str = ""
    statements: list[tuple[str, Any]] = field(default_factory=list)


def operations(service: CatalogueService, data: Dataset, stride: int) -> list[Operation]:
    """What contributors do. Each operation has its own users, a different one per run, so
    every browse or search also pays for writing its user (input mode, query) as in real use."""
    rng, made = Random(7), 0
    cards = [rng.choice(data.live_ids) for _ in range(10_000)]

    def op(
        name: str, call: Callable[[int, int], Awaitable[Any]], query: str | None = None
    ) -> Operation:
        nonlocal made
        users = [data.users[(made * stride + run) % len(data.users)] for run in range(stride)]
        made += 1
        return Operation(name, lambda run: call(users[run], run), users, query)

    def browse(view: Callable[[int], ListView]) -> Callable[[int, int], Awaitable[Any]]:
        return lambda user, run: service.browse(user, view(run))

    def search(words: str) -> Callable[[int, int], Awaitable[Any]]:
        return lambda user, run: service.search(user, words, ListView())

    def sort(order: Order) -> Callable[[int, int], Awaitable[Any]]:
        return browse(lambda run: ListView(sort=order))

    categories, departements = list(Category), list(Departement)
    pairs = [(c, d) for c in categories for d in departements]
    page_2 = ListView(page=1, query_hash=query_hash("fest noz"))
    return [
        op("list page 1 (ending soon)", browse(lambda run: ListView())),
        op("list last page", browse(lambda run: ListView(page=MAX_PAGE))),
        *(op(f"sort {o.value}", sort(o)) for o in Order if o != Order.ENDING_SOON),
        op("filter category", browse(lambda run: ListView(categories[run % 7]))),
        op("filter département", browse(lambda run: ListView(None, departements[run % 5]))),
        op("filter category+dépt", browse(lambda run: ListView(*pairs[run % len(pairs)]))),
        *(op(f"search {words!r}", search(words)) for words in SEARCHES),
        op("search 'fest noz' page 2", browse(lambda run: page_2), query="fest noz"),
        op("card", lambda user, run: service.card(cards[run % len(cards)], user)),
        op("inline ''", lambda user, run: service.inline("")),
        op("inline 'crepes'", lambda user, run: service.inline("crepes")),
    ]


def found(result: Any) -> str:
    if isinstance(result, CataloguePage):
        return f"{result.total} (page {result.view.page + 1}/{result.pages})"
    if isinstance(result, list):
        return f"{len(result)} rows"
    return f"{len(result.tiers)} tiers" if result is not None else "none"


async def prepare_users(engine: AsyncEngine, ops: list[Operation]) -> None:
    """Users as the bot leaves them outside browsing; some have typed a search before."""
    async with engine.begin() as connection:
        await connection.execute(text(RESET_USERS))
        for op in (op for op in ops if op.query):
            await connection.execute(
                text("UPDATE users SET catalogue_query = :query WHERE id = :id"),
                [{"query": op.query, "id": user} for user in op.users],
            )


async def timed(op: Operation, run: int, timer: SqlTimer, figures: Figures) -> None:
    timer.total = 0.0
    started = time.perf_counter()
    result = await op.call(run)
    figures.wall_ms.append((time.perf_counter() - started) * 1000)
    figures.sql_ms.append(timer.total * 1000)
    figures.found = found(result)


async def capture(op: Operation, run: int, timer: SqlTimer) -> list[tuple[str, Any]]:
    """One more call, recording the SQL it emits (for EXPLAIN QUERY PLAN)."""
    timer.captured = []
    await op.call(run)
    statements = [(s, p) for s, p in timer.captured if not s.startswith("BEGIN")]
    timer.captured = None
    return statements


async def measure_all(url: str, data: Dataset, runs: int) -> tuple[list[Figures], SqlTimer]:
    """A fresh engine (so that statistics are read anew), the real session factory and service.

    Operations take turns, run by run: a slow moment of the machine then spreads over all of
    them instead of failing whichever operation happened to be running."""
    engine = create_engine(url)
    timer = SqlTimer(engine)
    ops = operations(CatalogueService(create_session_factory(engine)), data, runs + WARMUP_RUNS + 1)
    figures = [Figures(op.name) for op in ops]
    try:
        await prepare_users(engine, ops)
        for op in ops:
            for run in range(runs, runs + WARMUP_RUNS):
                await op.call(run)
        for run in range(runs):
            for op, figure in zip(ops, figures, strict=True):
                await timed(op, run, timer, figure)
        for op, figure in zip(ops, figures, strict=True):
            figure.statements = await capture(op, runs + WARMUP_RUNS, timer)
        return figures, timer
    finally:
        await engine.dispose()


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


# --- Query plans ---


def explain(path: Path, statement: str, parameters: Any) -> list[str]:
    """EXPLAIN QUERY PLAN on a plain sqlite3 connection, as an indented tree."""
    db = sqlite3.connect(path)
    try:
        rows = db.execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
    finally:
        db.close()
    depth: dict[int, int] = {0: 0}
    lines = []
    for node, parent, _unused, detail in rows:
        depth[node] = depth.get(parent, 0) + 1
        lines.append("  " * depth[node] + detail)
    return lines


def verdict(plan: list[str]) -> str:
    """How the plan reaches its rows, in words that say what it costs."""
    notes = []
    for line in (step.strip() for step in plan):
        index = re.search(r"USING (?:COVERING )?INDEX (\S+)", line)
        table = line.split()[1] if line.startswith(("SCAN", "SEARCH")) else ""
        if line.startswith("SCAN") and not index:
            notes.append(f"FULL SCAN {table}" if "VIRTUAL" not in line else f"{table} virtual")
        elif line.startswith("SCAN") and index:
            notes.append(f"whole index walked in order {table} ({index.group(1)})")
        elif line.startswith("SEARCH") and "PRIMARY KEY" in line:
            notes.append(f"rowid lookup {table}")
        elif line.startswith("SEARCH") and index and "COVERING" in line:
            notes.append(f"covering index seek {table} ({index.group(1)}), index only")
        elif line.startswith("SEARCH") and index:
            notes.append(f"index seek {table} ({index.group(1)}) + one row read per match")
        elif "TEMP B-TREE FOR ORDER BY" in line:
            notes.append("every match sorted before LIMIT")
        elif "TEMP B-TREE FOR RIGHT PART" in line:
            notes.append("ties sorted (cheap)")
    return "; ".join(notes)


def short(statement: str) -> str:
    """The SQL on one line, with the projects' long column lists abbreviated."""
    one_line = " ".join(statement.split())
    return re.sub(r"SELECT (\w+)\.\w+(?:, \1\.\w+){4,} FROM", r"SELECT \1.* FROM", one_line)


@dataclass
class Statement:
    number: int
    sql: str
    parameters: Any
    plan: list[str]
    plan_without_stats: list[str] | None = None
    ops: list[str] = field(default_factory=list)


def plan_statements(
    path: Path, results: list[Figures], before: dict[str, Statement] | None = None
) -> dict[str, Statement]:
    """Each distinct statement once (first parameters seen), with the plan SQLite picks now."""
    statements: dict[str, Statement] = {}
    for figures in results:
        for sql, parameters in figures.statements:
            if sql not in statements:
                plan = explain(path, sql, parameters)
                old = before[sql].plan if before and sql in before else None
                statements[sql] = Statement(len(statements) + 1, sql, parameters, plan, old)
            if figures.name not in statements[sql].ops:
                statements[sql].ops.append(figures.name)
    return statements


# --- Report ---


def print_figures(title: str, results: list[Figures]) -> None:
    print(f"\n{title}\n")
    print(
        f"{'operation':<28} {'runs':>5} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7} "
        f"{'SQL p95':>8} {'other p50':>9}  {'target':<6} found"
    )
    for figures in results:
        wall = figures.wall_ms
        other = [w - s for w, s in zip(wall, figures.sql_ms, strict=True)]
        ok = "PASS" if percentile(wall, 95) < TARGET_P95_MS else "FAIL"
        print(
            f"{figures.name:<28} {len(wall):>5} {percentile(wall, 50):7.2f} "
            f"{percentile(wall, 95):7.2f} {percentile(wall, 99):7.2f} {max(wall):7.2f} "
            f"{percentile(figures.sql_ms, 95):8.2f} {percentile(other, 50):9.2f}  {ok:<6} "
            f"{figures.found}"
        )
    print(
        "(ms; p50..max = the whole service call; SQL = inside cursor.execute, aiosqlite thread\n"
        " hop and row fetch included; other = the rest: session, ORM objects, COMMIT, hops)"
    )


def print_plans(statements: dict[str, Statement], timer: SqlTimer) -> None:
    print("\nQuery plans after ANALYZE (each distinct statement once; p95 of its own time)\n")
    for statement in statements.values():
        times = [t * 1000 for t in timer.by_statement.get(statement.sql, [0.0])]
        params = ", ".join(repr(p) for p in statement.parameters)
        print(
            f"S{statement.number}  p95 {percentile(times, 95):.2f} ms  — {', '.join(statement.ops)}"
        )
        print(f"    {short(statement.sql)}")
        print(f"    params: ({params[:160]})")
        print("\n".join(f"    {line}" for line in statement.plan))
        print(f"    => {verdict(statement.plan) or 'no table access'}")
        if statement.plan_without_stats not in (None, statement.plan):
            print("    plan WITHOUT statistics (before ANALYZE) was different:")
            print("\n".join(f"    {line}" for line in statement.plan_without_stats or []))
            print(f"    => {verdict(statement.plan_without_stats or [])}")
        print()


def print_summary(
    before: list[Figures], after: list[Figures], statements: dict[str, Statement], timer: SqlTimer
) -> None:
    def p95(statement: Statement) -> float:
        return percentile([t * 1000 for t in timer.by_statement.get(statement.sql, [0.0])], 95)

    print("\nSummary (p95 in ms; target < 20 ms)\n")
    print(f"{'operation':<28} {'no stats':>9} {'ANALYZE':>8} {'SQL':>6}  {'':<5} statements")
    for raw, final in zip(before, after, strict=True):
        used = [s for s in statements.values() if final.name in s.ops]
        ok = "PASS" if percentile(final.wall_ms, 95) < TARGET_P95_MS else "FAIL"
        print(
            f"{final.name:<28} {percentile(raw.wall_ms, 95):9.2f} "
            f"{percentile(final.wall_ms, 95):8.2f} {percentile(final.sql_ms, 95):6.2f}  "
            f"{ok:<5} {' '.join(f'S{s.number}' for s in used)}"
        )
        if ok == "FAIL":  # say where the time goes: the slowest statements and their plans
            for slow in sorted(used, key=p95, reverse=True)[:2]:
                print(f"{'':<30}S{slow.number} {p95(slow):.1f} ms: {verdict(slow.plan)}")
    changed = [s for s in statements.values() if s.plan_without_stats not in (None, s.plan)]
    print(
        f"\nANALYZE changed {len(changed)} of {len(statements)} plans"
        f"{': ' + ', '.join(f'S{s.number}' for s in changed) if changed else ''}."
    )
    if changed:
        print(
            "Recommendation: the app never runs ANALYZE; run `PRAGMA optimize` (or ANALYZE)"
            " after migrations and periodically, so SQLite keeps these plans."
        )


def print_dataset(data: Dataset, path: Path, seconds: float, analyze_seconds: float) -> None:
    print(f"\nDatabase: {path}")
    size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    print(
        f"Size: {size / 2**20:.0f} MiB; generated in {seconds:.1f} s "
        f"(migrations + bulk load, random.Random(42)); ANALYZE took {analyze_seconds:.1f} s"
    )
    print("Rows: " + ", ".join(f"{name} {count:,}" for name, count in data.counts.items()))


# --- Main ---


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="database file to create (default: a temp dir)")
    parser.add_argument("--projects", type=int, default=10_000, help="live projects")
    parser.add_argument("--pledges", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=200, help="measured calls per operation")
    return parser.parse_args()


async def build(path: Path, args: argparse.Namespace) -> tuple[Dataset, float]:
    started = time.perf_counter()
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        await upgrade_schema(engine)  # the real migrations, as `kengo-bot db upgrade` runs them
    finally:
        await engine.dispose()
    data = load(path, args)
    # The load ran with synchronous=OFF: flush its dirty pages now, not during the measurements.
    os.sync()
    return data, time.perf_counter() - started


def analyze(path: Path) -> float:
    started = time.perf_counter()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("ANALYZE")
    db.close()
    return time.perf_counter() - started


async def run(path: Path, args: argparse.Namespace) -> None:
    url = f"sqlite+aiosqlite:///{path}"
    print(f"Generating {args.projects:,} live projects and {args.pledges:,} pledges...", flush=True)
    data, generation = await build(path, args)
    print(
        f"Pass 1: {args.runs} runs per operation, WITHOUT statistics (the app never runs ANALYZE)"
    )
    started = time.perf_counter()
    before, _ = await measure_all(url, data, args.runs)
    print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)
    plans_before = plan_statements(path, before)
    analyze_seconds = analyze(path)
    print("Pass 2: after ANALYZE (fresh engine, so connections read sqlite_stat1)")
    started = time.perf_counter()
    after, timer = await measure_all(url, data, args.runs)
    print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)
    statements = plan_statements(path, after, plans_before)
    print_dataset(data, path, generation, analyze_seconds)
    print_figures("Pass 1 — without statistics (what the app gets today)", before)
    print_figures("Pass 2 — after ANALYZE", after)
    print_plans(statements, timer)
    print_summary(before, after, statements, timer)


def main() -> None:
    args = parse_args()
    if args.db is not None:
        if args.db.exists():
            sys.exit(f"{args.db} exists: this benchmark creates a fresh database; remove it first.")
        asyncio.run(run(args.db, args))
        return
    with tempfile.TemporaryDirectory(prefix="kengo-bench-") as workdir:
        asyncio.run(run(Path(workdir) / "browse.db", args))


if __name__ == "__main__":
    main()
