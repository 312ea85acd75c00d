"""The ways into the conversation the crawl starts from, each with what it needs to be played
again: a newcomer's commands, a share link, an owner's dashboard, the moderator's queue, and a
complete draft waiting at its preview."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.demo.catalogue import load_catalogue
from bot.domain import ProjectStatus, utcnow
from bot.i18n.translator import Catalogs
from bot.storage.engine import create_session_factory
from bot.storage.models import Project, RewardTier, User
from bot.submission.rules import Step
from bot.submission.wizard import WizardService
from tests.bot_database import project_id
from tests.crawler.answers import valid_answer
from tests.crawler.playing import Start
from tests.crawler.screens import Action
from tests.dialogue import MODERATOR_ID
from tests.factories import add_project

# Two live projects of one demo owner (the first with rewards, opened through a share link).
OWNED = ("fest-noz-tregor-lannion", "album-heron-vilaine-redon")
# Copied to a new owner at each playing of the preview's start.
_NOT_COPIED = {"id", "owner_id", "slug", "wizard_chat", "created_at", "updated_at"}


async def starts(engine: AsyncEngine, database_url: str, locale: str, users: int) -> list[Start]:
    """The starts in the order they are crawled; `users`: the first of a range of Telegram ids
    free for the people they need."""
    owners = {p.owner.number: p.owner for p in load_catalogue().projects}
    owned = [await project_id(database_url, slug) for slug in OWNED]
    sharer = owners[1].user_id
    sessions = create_session_factory(engine)
    async with sessions() as session:
        submitter = await session.get(User, owners[1].user_id)
    assert submitter is not None
    submitted = await add_project(
        sessions, submitter, status=ProjectStatus.IN_REVIEW, title="Veillée contée à Pontivy",
        submitted_at=utcnow() - timedelta(hours=2), starts_at=None, ends_at=None,
        tiers=[{"title": "Affiche", "description": "Signée.", "min_amount_cents": 1500}],
    )  # fmt: skip
    draft, tiers = await _complete_draft(engine, users, locale)

    async def new_user(user_id: int) -> None:
        async with engine.begin() as connection:
            await connection.execute(insert(User).values(
                id=user_id, first_name="Nolwenn", locale=locale, locale_chosen=True))  # fmt: skip

    async def new_owner(user_id: int) -> None:
        await new_user(user_id)
        async with engine.begin() as connection:
            await connection.execute(update(Project).where(Project.id.in_(owned))
                                     .values(owner_id=user_id))  # fmt: skip

    async def new_draft(user_id: int) -> None:
        await new_user(user_id)
        async with engine.begin() as connection:
            copied = await connection.execute(
                insert(Project).values(**draft, owner_id=user_id).returning(Project.id)
            )
            new_id = copied.scalar_one()
            rewards = [{**tier, "project_id": new_id} for tier in tiers]
            await connection.execute(insert(RewardTier), rewards)

    async def back_in_review(user_id: int) -> None:
        async with engine.begin() as connection:
            await connection.execute(update(Project).where(Project.id == submitted.id).values(
                status=ProjectStatus.IN_REVIEW, starts_at=None, ends_at=None))  # fmt: skip
            # What a moderator may have started elsewhere (a draft, a reason to type).
            await connection.execute(delete(Project).where(Project.owner_id == user_id))
            await connection.execute(update(User).where(User.id == user_id)
                                     .values(input_mode=None))  # fmt: skip

    t = Catalogs.load().translator(locale)
    share = Action("send", f"/start p{owned[0]}-{sharer}")
    resume, support = (Action("press", t.gettext(label))
                       for label in ("▶ Continuer ce projet", "💶 Soutenir"))  # fmt: skip
    # Actions each start may spend (15 to 30 ms each). The starts that lead somewhere specific
    # go first: a screen is expanded once, by the first start that reaches it.
    return [
        # A draft whose thirteen answers are given: "Continuer" opens its preview.
        Start(f"/proposer (complete draft) → {resume}", Action("send", "/proposer"), (resume,),
              reset=new_draft, private_reset=True, budget=100),
        Start("/proposer", Action("send", "/proposer"), budget=170),
        Start(f"share link → {support}", share, (support,), budget=60),
        Start("share link", share, budget=35),
        Start("/mes_projets (owner)", Action("send", "/mes_projets"), reset=new_owner,
              budget=40),
        Start("/moderation (moderator)", Action("send", "/moderation"), user_id=MODERATOR_ID,
              first_name="Mona", reset=back_in_review, budget=35),
        *(Start(text, Action("send", text), budget=budget) for text, budget in (
            ("/start", 20), ("/reglages", 15), ("/projets", 15), ("/aide", 5), ("/suivis", 5),
            ("/mes_soutiens", 5), ("/mes_donnees", 5), ("/langue", 5), ("/annuler", 5))),
    ]  # fmt: skip


async def _complete_draft(
    engine: AsyncEngine, owner_id: int, locale: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A draft written through the wizard's service, every answer the crawler would type, one
    reward, no photo, waiting at its preview: its columns and its rewards', to be copied."""
    async with engine.begin() as connection:
        await connection.execute(insert(User).values(
            id=owner_id, first_name="Gwen", locale=locale, locale_chosen=True))  # fmt: skip
    wizard = WizardService(create_session_factory(engine), max_pledge_cents=1_000_000)
    project = (await wizard.start(owner_id)).project_id

    answers: list[tuple[Step, str | None]] = [  # None: what the crawler would type
        (Step.BRETON, None), (Step.TITLE, None), (Step.CATEGORY, "culture"),
        (Step.DEPARTEMENT, "56"), (Step.COMMUNE, None), (Step.SUMMARY, None),
        (Step.TRANSLATION, "add"), (Step.TRANSLATED_TITLE, None), (Step.TRANSLATED_SUMMARY, None),
        (Step.DESCRIPTION, None), (Step.DESCRIPTION, "done"), (Step.GOAL, None),
        (Step.DURATION, "30"), (Step.MODEL, "all_or_nothing"), (Step.TIERS, "add"),
        (Step.TIER_TITLE, None), (Step.TIER_AMOUNT, None), (Step.TIER_DESCRIPTION, None),
        (Step.TIER_MODE, "shipped"), (Step.TIER_COUNTRIES, None), (Step.TIER_QUANTITY, None),
        (Step.TIER_DELIVERY, None), (Step.TIERS, "done"),
        (Step.PHOTO, "skip"),
    ]  # fmt: skip
    for step, choice in answers:
        if choice is None:
            text = valid_answer("wizard", step.value, "56").value
            await wizard.answer(owner_id, project, text)
        else:
            await wizard.choose(owner_id, project, step, choice)
    async with engine.connect() as connection:
        projects, rewards = Project.__table__, RewardTier.__table__
        row = (await connection.execute(select(projects).where(projects.c.id == project))).one()
        tiers = (await connection.execute(
            select(rewards).where(rewards.c.project_id == project))).all()  # fmt: skip
    columns = {k: v for k, v in row._mapping.items() if k not in _NOT_COPIED}
    assert columns["wizard_step"] == Step.PREVIEW.value, columns["wizard_step"]
    kept = ("position", "title", "description", "min_amount_cents", "quantity_limit",
            "estimated_delivery", "delivery_mode", "shipping_countries")  # fmt: skip
    return columns, [{key: tier._mapping[key] for key in kept} for tier in tiers]
