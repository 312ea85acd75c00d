"""Buttons of a project's way to the catalogue: the wizard that writes it, the moderators who
review it.

| data                        | button                                               |
|-----------------------------|------------------------------------------------------|
| `sb:<step>:<id>:<value>`    | submission wizard: a step's button, edit, save, send |
| `md:<action>:<id>`          | moderation: view, approve, changes, refuse, queue    |
"""

from __future__ import annotations

import enum

from bot.conversation.callbacks.scheme import Namespace, build, is_id, parts_of


class WizardAction(enum.StrEnum):
    """Buttons of the wizard that are not answers to a step (those carry the step's name)."""

    NEW = "new"  # start a new draft
    OPEN = "open"  # <id>: continue a draft
    EDIT = "edit"  # <id>, <step>: from the preview, change one answer
    SAVE = "save"  # <id>: keep the draft for later
    SEND = "send"  # <id>: submit to the moderators


def wizard(action: str, project_id: int = 0, value: str = "-") -> str:
    """`action`: a `WizardAction`, or the step whose button this is (its value is the answer)."""
    return build(Namespace.SUBMIT, action, str(project_id), value)


def parse_wizard(data: str | None) -> tuple[str, int, str] | None:
    """(action or step, project id, value); the service checks the step and the value."""
    parts = parts_of(data, Namespace.SUBMIT, 3)
    if not parts or not is_id(parts[1]):
        return None
    return parts[0], int(parts[1]), parts[2]


class ModerationAction(enum.StrEnum):
    VIEW = "v"
    APPROVE = "a"
    CHANGES = "c"
    REFUSE = "r"
    QUEUE = "q"  # 0: the projects waiting for a decision (/moderation)
    CLAIM = "k"  # "I'll take it": other moderators leave the submission to the claimer
    TAKE_OVER = "t"  # take over a claim older than a day


def moderation(action: ModerationAction, project_id: int) -> str:
    return build(Namespace.MODERATE, action.value, str(project_id))


def parse_moderation(data: str | None) -> tuple[ModerationAction, int] | None:
    parts = parts_of(data, Namespace.MODERATE, 2)
    if not parts or parts[0] not in ModerationAction.__members__.values():
        return None
    if not is_id(parts[1]):
        return None
    return ModerationAction(parts[0]), int(parts[1])
