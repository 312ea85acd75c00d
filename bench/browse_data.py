"""The catalogue that bench/browse_db.py measures: generated (`random.Random(42)`), then bulk-loaded
into SQLite (plain sqlite3 executemany) or PostgreSQL (asyncpg COPY).

Rows hold Python values (datetimes, dates, booleans); each engine's loader stores them as the app
would: SQLite's through the models' own column types, PostgreSQL's natively.
"""

from __future__ import annotations

import argparse
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from random import Random
from typing import Any

import asyncpg
from sqlalchemy import make_url
from sqlalchemy.dialects import sqlite as sqlite_dialect

from bot.domain import Category, Departement
from bot.search.places import Commune, communes
from bot.search.text import project_search_fields
from bot.storage.models import Base

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


def stamp(ts: float | None) -> datetime | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC)


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
    commune = rng.choice(communes()) if rng.random() < 0.95 else None
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
                True,
                rng.choice([*(d.value for d in Departement), None]),
                False,
                False,
                False,
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
        rows.append((plan.id, plan.owner_id, body, None, stamp(posted), stamp(posted)))  # sent
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
                    delivery,
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
    search_title, search_text = project_search_fields(title, summary, commune, plan.departement)
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


# The columns each generator fills, in its order.
COLUMNS = {
    "users": "id first_name last_name username telegram_language locale locale_chosen"
    " home_departement blocked notifications_muted reminders_muted last_seen_at created_at"
    " updated_at",
    "pledges": "id user_id project_id reward_tier_id amount_cents status referral_code"
    " stripe_checkout_session_id stripe_payment_intent_id paid_at created_at updated_at",
    "follows": "user_id project_id created_at",
    "reward_tiers": "id project_id position title description min_amount_cents quantity_limit"
    " claimed_count reserved_count estimated_delivery",
    "projects": "id owner_id status title summary description breton_connection category"
    " departement commune search_title search_text goal_cents funding_model duration_days"
    " starts_at ends_at photo_file_id raised_cents contributors_count followers_count"
    " milestone_notified submitted_at closed_at created_at updated_at",
    "news_posts": "project_id author_id text photo_file_id created_at published_at",
}
COUNTED = ("users", "projects", "reward_tiers", "pledges", "follows", "news_posts")
# All-or-nothing projects that missed their goal have refunded their contributors.
REFUND = "UPDATE pledges SET status = 'refunded', refunded_at = updated_at"


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


def generate(args: argparse.Namespace, data: Dataset) -> Iterator[tuple[str, list[Any]]]:
    """(table, rows) batches in loading order, and ("refund", failed project ids) once the
    pledges are drawn; `data` is filled on the way."""
    rng, now = Random(42), time.time()
    users = user_rows(rng, args.users, now)
    data.users = [row[0] for row in users]
    yield "users", users
    plans = plan_projects(rng, args.projects, data.users, now)
    yield from (
        ("pledges", batch)
        for batch in chunks(pledge_rows(rng, plans, data.users, args.pledges, now))
    )
    yield "refund", settle(rng, plans)
    yield "follows", follow_rows(rng, plans, data.users, args.users * 10, now)
    yield "reward_tiers", tier_rows(rng, plans)
    yield "projects", [project_row(rng, plan) for plan in plans]
    yield "news_posts", news_rows(rng, plans, args.projects * 2, now)
    data.live_ids = [plan.id for plan in plans if plan.status == "live"]
    data.counts["live projects"] = len(data.live_ids)


# The exact text the app stores for a UTC datetime on SQLite (its column type's bind processor).
_DATETIME = Base.metadata.tables["projects"].c.ends_at.type.dialect_impl(sqlite_dialect.dialect())
_FORMAT: Callable[[datetime], str] = _DATETIME.bind_processor(sqlite_dialect.dialect())  # type: ignore[assignment]


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return _FORMAT(value)
    if isinstance(value, date):
        return value.isoformat()
    return int(value) if isinstance(value, bool) else value


def load_sqlite(path: Path, args: argparse.Namespace) -> Dataset:
    """Fill the migrated database in one transaction with plain sqlite3 executemany (fastest).
    The full-text index is filled by its triggers, as the app's writes fill it."""
    data = Dataset([], [], {})
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA synchronous=OFF")  # a throw-away load: no need to survive a power cut
    db.execute("PRAGMA cache_size=-262144")  # 256 MiB: index b-trees stay in memory while loading
    db.execute("BEGIN")
    for table, rows in generate(args, data):
        if table == "refund":
            where = " WHERE project_id = ? AND status = 'paid'"
            db.executemany(REFUND + where, [(project_id,) for project_id in rows])
            continue
        columns = COLUMNS[table].split()
        marks = ", ".join("?" * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 (ours)
        db.executemany(sql, ([_sqlite_value(value) for value in row] for row in rows))
    db.execute("COMMIT")
    problems = db.execute("PRAGMA foreign_key_check").fetchall()
    for table in COUNTED:
        data.counts[table] = db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
    data.counts["foreign key problems"] = len(problems)
    db.close()
    return data


async def load_postgres(url: str, args: argparse.Namespace) -> Dataset:
    """Fill the migrated database in one transaction with COPY. Pledges come before the
    projects they point to (their sums make the projects' cached figures), so foreign keys are
    not checked while loading (`session_replication_role`, which needs a superuser)."""
    data = Dataset([], [], {})
    db = await asyncpg.connect(make_url(url).set(drivername="postgresql").render_as_string(False))
    try:
        async with db.transaction():
            await db.execute("SET LOCAL session_replication_role = replica")
            for table, rows in generate(args, data):
                if table == "refund":
                    where = " WHERE project_id = ANY($1::int[]) AND status = 'paid'"
                    await db.execute(REFUND + where, rows)
                    continue
                await db.copy_records_to_table(table, records=rows, columns=COLUMNS[table].split())
            for table in ("projects", "pledges", "reward_tiers", "news_posts"):
                await db.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"  # noqa: S608 (our table names)
                )
        for table in COUNTED:
            data.counts[table] = await db.fetchval(f"SELECT count(*) FROM {table}")  # noqa: S608
    finally:
        await db.close()
    return data
