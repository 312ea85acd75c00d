"""The wizard's live messages: a question once answered, the preview as one message, and the
buttons under an answer refused or out of place, so the owner always has a way on."""

from __future__ import annotations

import dataclasses

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.conversation import callbacks
from bot.conversation.callbacks import MenuItem, OwnerAction, WizardAction
from bot.domain import Departement, ProjectCard
from bot.i18n.text import escape_html
from bot.i18n.translator import Translator
from bot.search.places import commune_by_number, commune_name, find_commune, name_as_typed
from bot.submission.chat import Preview
from bot.submission.rules import NUMBERED, Problem, Refusal, Step, number_of
from bot.submission.views import (
    MODEL_NAMES,
    STEP_NAMES,
    preview_keyboard,
    prompt,
    prompt_keyboard,
    quoted,
    tier_answer,
    translation_label,
)
from bot.submission.wizard import Draft
from bot.telegram.html_limits import CAPTION_LIMIT, TEXT_LIMIT, fit, visible_length
from bot.views import labels
from bot.views.card import render_card
from bot.views.menus import way_on


def _button(label: str, action: str, draft: Draft, value: str = "-") -> InlineKeyboardButton:
    return InlineKeyboardButton(
        label, callback_data=callbacks.wizard(action, draft.project_id, value)
    )


def answered_text(
    t: Translator, step: Step, draft: Draft, *, refreshed: bool = False, typed: str | None = None
) -> str:
    """A question once answered: its step, and the answer recorded (`draft` holds it).

    `refreshed`: the answer changed the preview above, edited in place. `typed`: the text the
    owner typed, so that a commune is echoed as typed ("Kemper") though Quimper is stored.
    """
    number = number_of(step)
    text = t.gettext("Étape {number}/13\u00a0: {step} — ✅ {answer}").format(
        number=number, step=t.gettext(STEP_NAMES[NUMBERED[number - 1]]),
        answer=_recorded(t, step, draft, typed),
    )  # fmt: skip
    if refreshed:
        text += "\n" + t.gettext("👁 L’aperçu ci-dessus est à jour.")
    return text


def _recorded(t: Translator, step: Step, draft: Draft, typed: str | None = None) -> str:
    card, tier = draft.card, draft.pending_tier
    if step is Step.BRETON:
        return quoted(t, draft.breton_connection)
    if step is Step.TITLE:
        return quoted(t, card.summary.title)
    if step is Step.CATEGORY:
        return labels.category(t, card.summary.category)
    if step is Step.DEPARTEMENT:
        return labels.departement(t, card.summary.departement)
    if step is Step.COMMUNE:
        return escape_html(_commune_answer(t, draft, typed))
    if step is Step.SUMMARY:
        return quoted(t, card.summary_text)
    if step is Step.DESCRIPTION:
        count = draft.description_length
        return t.ngettext("{count} caractère", "{count} caractères", count).format(
            count=t.number(count)
        )
    if step is Step.GOAL:
        return t.money(card.summary.goal_cents)
    if step in (Step.TRANSLATION, Step.TRANSLATED_TITLE, Step.TRANSLATED_SUMMARY):
        return _translation_answer(t, step, draft)
    return _later(t, step, draft, card, tier)


def _translation_answer(t: Translator, step: Step, draft: Draft) -> str:
    if step is Step.TRANSLATED_TITLE:
        return quoted(t, draft.translation_title)
    if step is Step.TRANSLATED_SUMMARY:
        return quoted(t, draft.translation_summary)
    # The offer: taken up (its title is asked next), kept, or passed / removed.
    writing = draft.position.step is Step.TRANSLATED_TITLE
    if writing or draft.translation_locale:
        return translation_label(t, draft, "given")
    return translation_label(t, draft, "none")


def _commune_answer(t: Translator, draft: Draft, typed: str | None) -> str:
    """The commune by the name the owner typed (spelt as the gazetteer spells it: "kemper" is
    echoed "Kemper" though Quimper is stored), else by its name in the owner's language."""
    stored, departement = draft.card.summary.commune, draft.card.summary.departement
    where = departement.value if departement else None
    known = find_commune(typed or "", where)
    if known is None or known.name != stored:
        return commune_name(stored, t.locale, where)
    return name_as_typed(typed or "", known, t.locale)


def _later(
    t: Translator, step: Step, draft: Draft, card: ProjectCard, tier: dict[str, object]
) -> str:
    if step is Step.DURATION:
        days = draft.duration_days or 0
        return t.ngettext("{count} jour", "{count} jours", days).format(count=t.number(days))
    if step is Step.MODEL:
        return t.gettext(MODEL_NAMES[card.funding_model])
    if step is Step.TIERS:
        if not card.tiers:
            return t.gettext("pas de contrepartie")
        return t.ngettext("{count} contrepartie", "{count} contreparties", len(card.tiers)).format(
            count=t.number(len(card.tiers))
        )
    if step in (Step.TIER_TITLE, Step.TIER_AMOUNT, Step.TIER_DESCRIPTION, Step.TIER_MODE,
                Step.TIER_COUNTRIES, Step.TIER_QUANTITY):  # fmt: skip
        return tier_answer(t, step, tier)
    completed = card.tiers[draft.completed_tier] if card.tiers else None
    if step is Step.TIER_DELIVERY and completed is not None and completed.estimated_delivery:
        return t.month(completed.estimated_delivery)
    if step is Step.PHOTO:
        if card.summary.photo_file_id:
            return t.gettext("photo reçue")
        return t.gettext("sans photo")
    return ""


def preview(t: Translator, draft: Draft) -> Preview:
    """The preview as sent: with the draft's photo, the card is its caption."""
    photo = draft.card.summary.photo_file_id
    text = preview_text(t, draft, as_caption=photo is not None)
    return Preview(photo or None, text, preview_keyboard(t, draft))


def preview_text(t: Translator, draft: Draft, *, as_caption: bool) -> str:
    """The preview in one message: where the owner stands, the card, the title and summary in
    the other language if given, and (in a text, where there is room) the link with Brittany
    the moderators read."""
    text, _ = prompt(t, draft)
    limit = CAPTION_LIMIT if as_caption else TEXT_LIMIT
    translated = _translation_section(t, draft)
    after = f"\n\n{translated}" if translated else ""
    card = render_card(t, draft.card, as_caption=as_caption).text
    whole = f"{text}\n\n{card}{after}"
    if visible_length(whole) > limit:  # make room for the header and the translation
        extra = visible_length(text) + visible_length(after)
        room = max(0, len(draft.card.description) - extra - 4)
        shorter = dataclasses.replace(draft.card, description=draft.card.description[:room])
        whole = f"{text}\n\n{render_card(t, shorter, as_caption=as_caption).text}{after}"
    if not as_caption:
        breton = t.gettext("<b>Lien avec la Bretagne</b> (lu par l’équipe de modération) :")
        with_breton = f"{whole}\n\n{breton}\n{escape_html(draft.breton_connection)}"
        if visible_length(with_breton) <= limit:
            whole = with_breton
    return fit(whole, limit).text


def _translation_section(t: Translator, draft: Draft) -> str:
    """The title and summary in the other language, under the card: readers of that language
    will read them instead."""
    if not draft.translation_locale or not draft.translation_title:
        return ""
    heading = translation_label(t, draft, "heading")
    title, summary = escape_html(draft.translation_title), escape_html(draft.translation_summary)
    return f"{heading}\n<b>{title}</b>\n{summary}".rstrip()


def refusal_keyboard(t: Translator, refusal: Refusal, draft: Draft) -> InlineKeyboardMarkup | None:
    """The buttons under a refused answer: the step's own, or the communes to choose from."""
    step = Step.COMMUNE
    if refusal.problem is Problem.UNKNOWN_COMMUNE:
        rows = [
            [_button(f"📍 {_suggested(t, draft, number, name)}", step, draft, f"c{number}")]
            for number, name in refusal.value("suggestions")
        ]
        keep = t.gettext("Garder «\u202f{commune}\u202f»").format(commune=refusal.value("typed"))
        rows.append([_button(keep[:60], step, draft, "keep")])
        return InlineKeyboardMarkup(rows)
    if refusal.problem is Problem.COMMUNE_ELSEWHERE:
        switch = t.gettext("📍 {commune}, {departement}").format(
            commune=commune_name(
                refusal.value("commune"), t.locale, refusal.value("departement").value
            ),
            departement=labels.departement(t, refusal.value("departement")),
        )
        return InlineKeyboardMarkup([
            [_button(switch, step, draft, f"dep{refusal.value('number')}")],
            [_button(t.gettext("✏️ Taper une autre commune"), step, draft, "retype")],
        ])  # fmt: skip
    return prompt_keyboard(t, draft)


def _suggested(t: Translator, draft: Draft, number: int, name: str) -> str:
    """A suggested commune in the owner's language, with its département when it lies in
    another one than the draft's (choosing it offers to switch; two communes of different
    départements may share a name: "Saint-Servais")."""
    commune = commune_by_number(number)
    if commune is None:
        return name
    named = commune_name(commune.name, t.locale, commune.departement)
    if commune.departement == draft.card.summary.departement:
        return named
    return f"{named}, {labels.departement(t, Departement(commune.departement))}"


def out_of_place_keyboard(t: Translator, draft: Draft) -> InlineKeyboardMarkup | None:
    """Under "what this step expects": its buttons, or the way back to the preview."""
    if draft.position.step is not Step.PREVIEW:
        return prompt_keyboard(t, draft)
    return InlineKeyboardMarkup([
        [_button(t.gettext("👁 Revoir l’aperçu"), WizardAction.OPEN, draft)],
        [_button(t.gettext("📨 Soumettre"), WizardAction.SEND, draft)],
    ])  # fmt: skip


def continue_keyboard(t: Translator, draft: Draft) -> InlineKeyboardMarkup:
    """Under "Brouillon enregistré": the way back into it."""
    return InlineKeyboardMarkup(
        [[_button(t.gettext("▶ Continuer ce projet"), WizardAction.OPEN, draft)]]
    )


def submitted_keyboard(t: Translator) -> InlineKeyboardMarkup:
    """Under the thanks for a submission: the owner's projects (where its status shows), the
    catalogue and the menu."""
    mine = InlineKeyboardButton(
        t.gettext("📂 Mes projets"), callback_data=callbacks.owner(OwnerAction.LIST)
    )
    return way_on(t, [mine], to=MenuItem.DISCOVER)
