"""Drafting a project: every answer of the wizard is stored as it is given, so nothing is lost.

The wizard's position lives in `projects.wizard_step` and the owner's input mode in
`users.input_mode` (`WizardAnswer`, stored as `wizard:<project id>`): a restart, `/annuler` or
another command in between changes nothing, and `/proposer` offers to continue where the owner
stopped.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from bot.catalogue.service import launch_preview
from bot.conversation.inputs import WizardAnswer, decode, encode
from bot.domain import ProjectCard, ProjectStatus, utcnow
from bot.storage.models import Project, User
from bot.submission.answers import (
    Incomplete,
    NotEditable,
    TooManyDrafts,
    WrongInput,
    first_missing,
    keeps_current,
    store_choice,
    store_text,
)
from bot.submission.rules import (
    EDITABLE,
    TIER_STEPS,
    TRANSLATION_STEPS,
    Position,
    Problem,
    Refusal,
    Step,
)

ButtonTyped = Callable[["Draft"], str | None]
EDITABLE_STATUSES = (ProjectStatus.DRAFT, ProjectStatus.CHANGES_REQUESTED)
MAX_OPEN_DRAFTS = 10


@dataclass(frozen=True)
class Draft:
    project_id: int
    status: ProjectStatus
    position: Position
    breton_connection: str
    card: ProjectCard  # as the card will look once live
    tier_ids: list[int]
    writing_tier: int  # the number of the reward being written (1 for the first)
    description_length: int
    duration_days: int | None
    pending_tier: dict[str, Any]  # the reward being written, as far as it goes
    complete: bool  # every required answer is given: the draft can be submitted
    prompt_message_id: int | None  # the question waiting for its answer, in the owner's chat
    preview_message_id: int | None  # the live preview, edited in place
    answered: Step | None = None  # the step this call answered, whose question to mark
    # The reward this call completed (its place among the rewards): the last one added, or
    # the one rewritten in its place.
    completed_tier: int = -1
    # The answer was a further part of the description: the count of the part before it
    # (the message `prompt_message_id` names) carries the "Terminé" button that now moves on.
    further_part: bool = False
    # The live preview shows these answers already (the same answers given again: an edit
    # would change nothing); whether it is a photo (None: not known), as a text preview cannot
    # become a photo in place, nor the reverse.
    preview_up_to_date: bool = False
    preview_is_photo: bool | None = None
    keeps_current: bool = False  # the question may be left with the answer it has
    # The title and summary in the other language ("" while not given), and that language
    # (None: no translation begun; it will be the language the owner does not write in).
    translation_locale: str | None = None
    translation_title: str = ""
    translation_summary: str = ""


class WizardService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], max_pledge_cents: int) -> None:
        self._sessions = sessions
        self._max_pledge_cents = max_pledge_cents

    async def latest_draft(self, owner_id: int) -> Draft | None:
        """The draft the owner touched last, to offer to continue it."""
        async with self._sessions() as session:
            project = await session.scalar(
                _drafts_of(owner_id).order_by(Project.updated_at.desc(), Project.id.desc())
            )
            return _draft(project) if project else None

    async def start(self, owner_id: int) -> Draft:
        async with self._sessions.begin() as session:
            open_drafts = await session.scalar(
                select(func.count()).select_from(_drafts_of(owner_id).subquery())
            )
            if (open_drafts or 0) >= MAX_OPEN_DRAFTS:
                raise TooManyDrafts
            first = Position(Step.BRETON).encode()
            project = Project(
                owner_id=owner_id, wizard_step=first, reward_tiers=[], translation=None
            )
            session.add(project)
            await session.flush()
            await _listen(session, owner_id, project.id)
            return _draft(project)

    async def open(self, owner_id: int, project_id: int, *, resume: bool = False) -> Draft:
        """Continue a draft where the owner stopped (the preview for a reopened one).

        `resume`: the owner comes back to it ("Continuer"); a complete draft that stopped at
        the optional photo, or in the middle of changing one answer, opens at its preview.
        """
        async with self._sessions.begin() as session:
            project = await _editable(session, owner_id, project_id)
            position = _position(project)
            if project.wizard_step is None or (resume and _ready(project, position)):
                project.wizard_step = Position(Step.PREVIEW).encode()
                project.wizard_tier = None
            await _listen(session, owner_id, project_id)
            return _draft(project)

    async def answer(
        self, owner_id: int, project_id: int, text: str, button: ButtonTyped | None = None
    ) -> Draft:
        """A typed answer to the current step; raises `Refusal` when it does not fit. A text
        that names one of the step's buttons (`button` says which) acts as that button."""
        try:
            return await self._answer(owner_id, project_id, text, button)
        except Refusal as refusal:
            if refusal.problem is Problem.UNKNOWN_COMMUNE:  # kept for its "Garder" button
                async with self._sessions.begin() as session:
                    project = await _editable(session, owner_id, project_id)
                    project.wizard_commune = refusal.value("typed")
            raise

    async def remember(
        self, owner_id: int, project_id: int, *, prompt: int | None = None,
        preview: int | None = None, answered: bool = False, preview_shown: bool = False,
    ) -> None:  # fmt: skip
        """The ids of the wizard's live messages, to edit them rather than send them again.

        `prompt`: the question just sent; `answered`: the question has had its answer (no
        question waits); `preview`: the preview just sent; `preview_shown`: the preview (sent
        or edited) now shows the draft's answers.
        """
        async with self._sessions.begin() as session:
            project = await _editable(session, owner_id, project_id)
            if prompt is not None or answered:
                project.wizard_prompt_message_id = prompt
            if preview is not None:
                project.wizard_preview_message_id = preview
            if preview_shown:
                project.wizard_preview_shows = _shown(project)

    async def _answer(
        self, owner_id: int, project_id: int, text: str, button: ButtonTyped | None
    ) -> Draft:
        async with self._sessions.begin() as session:
            project = await _editable(session, owner_id, project_id)
            await _listen(session, owner_id, project_id)
            position = _position(project)
            if button is not None and (value := button(_draft(project))) is not None:
                return await _chosen(session, project, position, value)
            owner = await session.get(User, owner_id)
            locale = owner.locale if owner is not None else "fr"
            replaces = (project.wizard_tier or {}).get("replaces")
            store_text(project, position, text, self._max_pledge_cents, locale)
            # The description may come in several messages, until "Terminé".
            following = (
                dataclasses.replace(position, appending=True)
                if position.step is Step.DESCRIPTION
                else position.after_answer()
            )
            project.wizard_step = following.encode()
            await session.flush()  # a reward just completed gets its id
            further = position.step is Step.DESCRIPTION and position.appending
            return dataclasses.replace(_answered(project, position, replaces), further_part=further)

    async def choose(self, owner_id: int, project_id: int, step: Step, value: str) -> Draft:
        """A button of the step the owner is at; a button of another step raises NotEditable."""
        async with self._sessions.begin() as session:
            project = await _editable(session, owner_id, project_id)
            position = _position(project)
            if position.step is not step:
                raise NotEditable
            await _listen(session, owner_id, project_id)
            return await _chosen(session, project, position, value)

    async def photo(self, owner_id: int, project_id: int, file_id: str) -> Draft:
        async with self._sessions.begin() as session:
            project = await _editable(session, owner_id, project_id)
            if _position(project).step is not Step.PHOTO:
                raise WrongInput(_position(project).step)
            project.photo_file_id = file_id
            project.wizard_step = Position(Step.PREVIEW).encode()
            await _listen(session, owner_id, project_id)
            return dataclasses.replace(_draft(project), answered=Step.PHOTO)

    async def edit(self, owner_id: int, project_id: int, step: Step) -> Draft:
        """From the preview: go to `step`, then back to the preview."""
        if step not in EDITABLE:
            raise NotEditable
        async with self._sessions.begin() as session:
            project = await _editable(session, owner_id, project_id)
            project.wizard_step = Position(step, editing=True).encode()
            project.wizard_tier = None
            await _listen(session, owner_id, project_id)
            return _draft(project)

    async def save(self, owner_id: int, project_id: int) -> Draft:
        """Keep the draft for later: the owner's typing goes back to ordinary use."""
        async with self._sessions.begin() as session:
            project = await _editable(session, owner_id, project_id)
            await _quiet(session, owner_id)
            return _draft(project)

    async def submit(self, owner_id: int, project_id: int) -> Draft:
        """Send the draft to the moderators; raises `Incomplete` with the first step to answer."""
        async with self._sessions.begin() as session:
            project = await _editable(session, owner_id, project_id)
            missing = first_missing(project)
            if missing is not None:
                # A translation left half written is finished, then back to the preview.
                back = missing in TRANSLATION_STEPS
                project.wizard_step = Position(missing, editing=back).encode()
                raise Incomplete(missing)
            project.status, project.submitted_at = ProjectStatus.IN_REVIEW, utcnow()
            project.wizard_step = None
            await _quiet(session, owner_id)
            return _draft(project)


async def _chosen(session: AsyncSession, project: Project, position: Position, value: str) -> Draft:
    replaces = (project.wizard_tier or {}).get("replaces")
    project.wizard_step = store_choice(project, position, value).encode()
    await session.flush()
    return _answered(project, position, replaces)


def _writing_tier(project: Project) -> int:
    """The number of the reward being written: a saved one being rewritten keeps its own."""
    replaces = (project.wizard_tier or {}).get("replaces")
    ids = [tier.id for tier in project.reward_tiers]
    return ids.index(replaces) + 1 if replaces in ids else len(ids) + 1


def _answered(project: Project, position: Position, replaces: object) -> Draft:
    """The draft once `position`'s question is answered (`replaces`: the saved reward being
    rewritten before the answer, if any)."""
    draft = dataclasses.replace(_draft(project), answered=position.step)
    if position.step is not Step.TIER_DELIVERY:
        return draft
    ids = [tier.id for tier in project.reward_tiers]
    return dataclasses.replace(draft, completed_tier=ids.index(replaces) if replaces in ids else -1)


def _drafts_of(owner_id: int) -> Any:
    return (
        select(Project)
        .where(Project.owner_id == owner_id, Project.status.in_(EDITABLE_STATUSES))
        .options(selectinload(Project.reward_tiers), selectinload(Project.translation))
    )


async def _editable(session: AsyncSession, owner_id: int, project_id: int) -> Project:
    project = await session.scalar(
        select(Project)
        .where(Project.id == project_id)
        .options(selectinload(Project.reward_tiers), selectinload(Project.translation))
    )
    if project is None or project.owner_id != owner_id or project.status not in EDITABLE_STATUSES:
        raise NotEditable
    return project


async def _listen(session: AsyncSession, owner_id: int, project_id: int) -> None:
    """From now on, what the owner types answers this draft's wizard."""
    user = await session.get(User, owner_id)
    if user is not None:
        user.input_mode = encode(WizardAnswer(project_id))


async def _quiet(session: AsyncSession, owner_id: int) -> None:
    user = await session.get(User, owner_id)
    if user is not None and isinstance(decode(user.input_mode), WizardAnswer):
        user.input_mode = None


def _position(project: Project) -> Position:
    return Position.decode(project.wizard_step) or Position(Step.PREVIEW)


def _ready(project: Project, position: Position) -> bool:
    """Whether a draft comes back at its preview: complete, and past the questions."""
    if first_missing(project) is not None:
        return False
    if position.step in TIER_STEPS:  # a reward half written stays where it was
        return False
    return position.editing or position.step in (Step.PHOTO, Step.PREVIEW)


def _shown(project: Project) -> str:
    """What a preview of the draft shows: a photo or a text, and a digest of every answer."""
    tiers = [(tier.title, tier.description, tier.min_amount_cents, tier.quantity_limit,
              tier.estimated_delivery, tier.delivery_mode, tier.shipping_countries)
             for tier in project.reward_tiers]  # fmt: skip
    translation = project.translation
    answers = (
        project.photo_file_id, project.breton_connection, project.title, project.category,
        project.departement, project.commune, project.summary, project.description,
        project.goal_cents, project.duration_days, project.funding_model, tiers,
        (translation.locale, translation.title, translation.summary) if translation else None,
    )  # fmt: skip
    digest = hashlib.sha256(repr(answers).encode()).hexdigest()[:16]
    return f"{'photo' if project.photo_file_id else 'text'}:{digest}"


def _draft(project: Project) -> Draft:
    shows = project.wizard_preview_shows
    translation = project.translation
    card = launch_preview(project)
    if translation is not None:  # the preview's card shows the mark the catalogue will show
        card = dataclasses.replace(card, summary=dataclasses.replace(card.summary, in_breton=True))
    return Draft(
        project_id=project.id,
        status=project.status,
        position=_position(project),
        breton_connection=project.breton_connection,
        card=card,
        tier_ids=[tier.id for tier in project.reward_tiers],
        writing_tier=_writing_tier(project),
        description_length=len(project.description),
        duration_days=project.duration_days,
        pending_tier=dict(project.wizard_tier or {}),
        complete=first_missing(project) is None,
        prompt_message_id=project.wizard_prompt_message_id,
        preview_message_id=project.wizard_preview_message_id,
        preview_up_to_date=shows == _shown(project),
        preview_is_photo=None if shows is None else shows.startswith("photo:"),
        keeps_current=keeps_current(project, _position(project)),
        translation_locale=translation.locale if translation else None,
        translation_title=translation.title if translation else "",
        translation_summary=translation.summary if translation else "",
    )
