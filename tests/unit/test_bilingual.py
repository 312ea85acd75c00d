"""Bilingual projects: the wizard's optional step, and what changes in the views (the card's
mark, the moderators' panel, the notifications), each in the reader's language."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain import (
    Category,
    Departement,
    FieldChange,
    FundingModel,
    ProjectCard,
    ProjectStatus,
    ProjectSummary,
    ProjectText,
    Resubmission,
    Review,
    utcnow,
)
from bot.i18n.translator import Catalogs, Translator
from bot.notifications.messages import Recipient, render
from bot.submission.rules import (
    EDITABLE,
    Position,
    Refusal,
    Step,
    check_text,
    next_step,
    number_of,
    other_language,
)
from bot.views.card import render_card
from bot.views.moderation_panel import panel_texts
from tests.dialogue import plain
from tests.fakes.bot_api_html import parse_html

BRETON = ProjectText("br", "Skol Diwan Gwened : ur c'hlas nevez", "Ezhomm zo da aveadiñ ur c'hlas.")


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return Catalogs.load()


def _card(*, in_breton: bool) -> ProjectCard:
    summary = ProjectSummary(
        id=7, title="Skol Diwan Gwened : une classe", commune="Vannes",
        departement=Departement.MORBIHAN, category=Category.BRETON_LANGUAGE,
        status=ProjectStatus.LIVE, raised_cents=72_000, goal_cents=100_000,
        contributors_count=3, ends_at=utcnow() + timedelta(days=12), photo_file_id=None,
        in_breton=in_breton,
    )  # fmt: skip
    return ProjectCard(summary, 1, "Il faut équiper une classe.", "Une école.",
                       FundingModel.KEEP_IT_ALL)  # fmt: skip


@pytest.mark.parametrize(("locale", "mark"), [("fr", "en breton"), ("br", "e brezhoneg")])
def test_the_card_marks_a_project_that_can_be_read_in_breton(
    catalogs: Catalogs, locale: str, mark: str
) -> None:
    t = catalogs.translator(locale)
    marked = render_card(t, _card(in_breton=True), as_caption=False).text.splitlines()[1]
    assert marked.endswith(f" · {mark}")  # after the place and the category
    plain_line = render_card(t, _card(in_breton=False), as_caption=False).text.splitlines()[1]
    assert mark not in plain_line


@pytest.mark.parametrize(
    ("locale", "heading", "changed"),
    [("fr", "Titre et résumé en breton", "Titre dans l'autre langue"),
     ("br", "Titl ha berradenn e brezhoneg", "Titl en eil yezh")],
)  # fmt: skip
def test_moderators_read_both_versions_and_what_changed_in_the_translation(
    catalogs: Catalogs, locale: str, heading: str, changed: str
) -> None:
    t: Translator = catalogs.translator(locale)
    change = FieldChange("translation_title", "", BRETON.title)
    review = Review(1, ProjectStatus.IN_REVIEW, "Erwan", None, utcnow(), "Diwan", 30,
                    _card(in_breton=True), owner_locale="fr", translation=BRETON,
                    resubmission=Resubmission("Le titre breton ?", (change,)))  # fmt: skip
    panel = plain(parse_html("\n".join(panel_texts(t, review))).text)
    assert "Skol Diwan Gwened : une classe" in panel  # the original
    assert f"{heading}\n{BRETON.title}\n{BRETON.summary}" in panel  # and the translation
    assert f"• {changed} : (" in panel
    assert f"→ « {BRETON.title} »" in panel


@pytest.mark.parametrize(
    ("locale", "title"),
    [("br", BRETON.title), ("fr", "Skol Diwan Gwened : une classe")],
)
def test_a_notification_names_the_project_in_its_recipients_language(
    catalogs: Catalogs, locale: str, title: str
) -> None:
    payload = {"title": "Skol Diwan Gwened : une classe", "titles": {"br": BRETON.title}}
    text, _ = render(catalogs.translator(locale), "reminder", payload, Recipient(5, 7, "kengo"))
    assert f"«\u202f{title}\u202f»" in parse_html(text).text


def test_the_other_language_is_an_optional_part_of_step_6() -> None:
    assert next_step(Step.SUMMARY) is Step.TRANSLATION
    assert next_step(Step.TRANSLATION) is Step.DESCRIPTION  # "Passer"
    assert {number_of(step) for step in (Step.TRANSLATION, Step.TRANSLATED_TITLE,
                                         Step.TRANSLATED_SUMMARY)} == {6}  # fmt: skip
    assert Position(Step.TRANSLATED_TITLE).after_answer() == Position(Step.TRANSLATED_SUMMARY)
    assert Position(Step.TRANSLATED_SUMMARY).after_answer() == Position(Step.DESCRIPTION)
    # From the preview, the title still leads to the summary, then back to the preview.
    editing = Position(Step.TRANSLATED_TITLE, editing=True)
    assert editing.after_answer() == Position(Step.TRANSLATED_SUMMARY, editing=True)
    assert editing.after_answer().after_answer() == Position(Step.PREVIEW)
    assert EDITABLE[EDITABLE.index(Step.SUMMARY) + 1] is Step.TRANSLATION
    assert (other_language("fr"), other_language("br")) == ("br", "fr")


def test_the_translations_limits_are_the_originals() -> None:
    assert check_text(Step.TRANSLATED_TITLE, "  Kan  ha\ndiskan ") == "Kan ha diskan"
    for step, text, problem in (
        (Step.TRANSLATED_TITLE, "x" * 81, "too_long"),
        (Step.TRANSLATED_TITLE, "  ", "too_short"),
        (Step.TRANSLATED_SUMMARY, "x" * 281, "too_long"),
        (Step.TRANSLATED_SUMMARY, "Re verr.", "too_short"),
    ):
        with pytest.raises(Refusal) as refused:
            check_text(step, text)
        assert refused.value.problem == problem
