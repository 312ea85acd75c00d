"""The submission wizard's screens: one prompt per step, explanations of refused answers, the
preview with its "Modifier" buttons."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.conversation import callbacks
from bot.conversation.callbacks import WizardAction
from bot.domain import Category, DeliveryMode, Departement, FundingModel, ProjectStatus
from bot.i18n.text import escape_html
from bot.i18n.translator import N_, Translator
from bot.search.countries import codes_of
from bot.search.places import commune_name
from bot.search.text import fold
from bot.submission.rules import (
    BUTTON_STEPS,
    DURATION_CHOICES,
    EDITABLE,
    KEEP_CURRENT,
    NUMBERED,
    TEXT_LIMITS,
    TIER_FIELDS,
    TRANSLATION_STEPS,
    Step,
    number_of,
    other_language,
)
from bot.submission.wizard import Draft
from bot.views import labels
from bot.views.card import delivery_label, tier_line

_T = TypeVar("_T")

STEP_NAMES: dict[Step, str] = {
    Step.BRETON: N_("Lien avec la Bretagne"),
    Step.TITLE: N_("Titre"),
    Step.CATEGORY: N_("Catégorie"),
    Step.DEPARTEMENT: N_("Département"),
    Step.COMMUNE: N_("Commune"),
    Step.SUMMARY: N_("Résumé"),
    Step.DESCRIPTION: N_("Description"),
    Step.GOAL: N_("Objectif"),
    Step.DURATION: N_("Durée"),
    Step.MODEL: N_("Mode de financement"),
    Step.TIERS: N_("Contreparties"),
    Step.PHOTO: N_("Photo"),
    Step.PREVIEW: N_("Aperçu"),
}
MODEL_NAMES: dict[FundingModel, str] = {
    FundingModel.ALL_OR_NOTHING: N_("Tout ou rien"),
    FundingModel.KEEP_IT_ALL: N_("Garder tout"),
}
# How a reward is delivered, the default first and starred: handing over promises the least
# (and is the column's default for rewards written before the question).
MODE_CHOICES = (
    (DeliveryMode.IN_PERSON, N_("🤝 Remise en main propre ⭐")),
    (DeliveryMode.SHIPPED, N_("📦 Envoyée par la poste")),
    (DeliveryMode.NOTHING, N_("✨ Rien à livrer")),
)
COUNTRY_LABELS = (
    ("fr", N_("🇫🇷 France seulement ⭐")),
    ("near", N_("France, Belgique, Suisse, Luxembourg")),
    ("eu", N_("🇪🇺 Union européenne")),
)
# What each step asks, with an example; the limits are added from bot.submission.
QUESTIONS: dict[Step, str] = {
    Step.BRETON: N_(
        "Kengo soutient des projets bretons : dites en quelques phrases ce qui rattache le vôtre "
        "à la Bretagne (lieu, langue, culture, patrimoine…).\n<i>Exemple : « Notre bagad répète "
        "à Quimper depuis 1962 et joue à toutes les fêtes de Cornouaille. »</i>"
    ),
    Step.TITLE: N_(
        "Un titre court et parlant.\n<i>Exemple : « Un costume neuf pour le bagad de Quimper »</i>"
    ),
    Step.CATEGORY: N_("Choisissez la catégorie qui décrit le mieux votre projet :"),
    Step.DEPARTEMENT: N_("Dans quel département le projet se déroule-t-il ?"),
    Step.COMMUNE: N_(
        "Tapez le nom de la commune, en français ou en breton.\n<i>Exemple : Quimper ou Kemper</i>"
    ),
    Step.SUMMARY: N_(
        "Une ou deux phrases qui donnent envie d’en savoir plus : elles apparaissent dans la "
        "liste des projets.\n<i>Exemple : « Trente sonneurs, un costume brodé à la main pour "
        "le festival de Cornouaille. »</i>"
    ),
    Step.DESCRIPTION: N_(
        "Racontez votre projet : qui vous êtes, ce que vous ferez de l’argent, le calendrier. "
        "Vous pouvez l’envoyer en plusieurs messages, puis appuyez sur « Terminé »."
    ),
    Step.GOAL: N_("Combien d’euros vous faut-il ?\n<i>Exemple : 1 500</i>"),
    Step.DURATION: N_(
        "Combien de jours durera la campagne ? Choisissez, ou tapez un nombre de 7 à 90."
    ),
    Step.MODEL: N_(
        "Comment recevoir l’argent ?\n• <b>Tout ou rien</b> : si l’objectif n’est pas atteint, "
        "chaque contributeur est remboursé.\n• <b>Garder tout</b> : vous recevez tout ce qui "
        "est collecté, objectif atteint ou non."
    ),
    Step.TIERS: N_(
        "Proposez, si vous le souhaitez, des contreparties pour remercier vos contributeurs."
    ),
    Step.TIER_TITLE: N_(
        "Contrepartie n° {number} : son titre.\n<i>Exemple : « Un bol breton à votre prénom »</i>"
    ),
    Step.TIER_AMOUNT: N_(
        "Contrepartie n° {number} : le montant minimum en euros pour la recevoir.\n"
        "<i>Exemple : 25</i>"
    ),
    Step.TIER_DESCRIPTION: N_(
        "Contrepartie n° {number} : ce que reçoit le contributeur.\n<i>Exemple : « Un bol en "
        "grès tourné à Quimper, avec votre prénom. »</i>"
    ),
    Step.TIER_MODE: N_(
        "Contrepartie n°\u00a0{number}\u00a0: comment cette contrepartie sera-t-elle "
        "remise\u202f?\n⭐\u00a0: le choix le plus courant."
    ),
    Step.TIER_COUNTRIES: N_(
        "Contrepartie n°\u00a0{number}\u00a0: vers quels pays peut-elle être envoyée\u202f? "
        "Choisissez, ou tapez des pays séparés par des virgules.\n"
        "<i>Exemple\u00a0: France, Belgique, Allemagne</i>"
    ),
    Step.TIER_QUANTITY: N_(
        "Contrepartie n°\u00a0{number}\u00a0: combien d’exemplaires\u202f? Tapez un nombre, ou "
        "appuyez sur «\u202fIllimité\u202f»."
    ),
    Step.TIER_DELIVERY: N_(
        "Contrepartie n°\u00a0{number}\u00a0: le mois de livraison estimé.\n"
        "<i>Exemple\u00a0: juin 2027, ou 06/2027</i>"
    ),
    Step.PHOTO: N_("Envoyez une photo qui représente votre projet, ou appuyez sur « Passer »."),
    Step.TRANSLATION: N_(
        "Voulez-vous aussi donner le titre et le résumé en breton\u202f? Les lecteurs qui ont "
        "choisi le breton les liront dans leur langue, et la fiche portera la mention "
        "«\u202fen breton\u202f». C’est facultatif."
    ),
    Step.TRANSLATED_TITLE: N_(
        "Le titre en breton.\n<i>Exemple\u00a0: «\u202fDilhad nevez evit bagad Kemper\u202f»</i>"
    ),
    Step.TRANSLATED_SUMMARY: N_(
        "Le résumé en breton, en une ou deux phrases.\n<i>Exemple\u00a0: «\u202fTregont "
        "soner, dilhad brodet gant an dorn evit gouel Kernev.\u202f»</i>"
    ),
    Step.PREVIEW: N_(
        "Voici votre fiche telle qu’elle apparaîtra. Touchez « ✏️ » pour corriger un champ, "
        "puis soumettez-la à l’équipe de Kengo."
    ),
}


# The same questions for an owner who writes in Breton: the other language is French.
IN_FRENCH: dict[Step, str] = {
    Step.TRANSLATION: N_(
        "Voulez-vous aussi donner le titre et le résumé en français\u202f? Les lecteurs "
        "francophones les liront dans leur langue. C’est facultatif."
    ),
    Step.TRANSLATED_TITLE: N_(
        "Le titre en français.\n<i>Exemple\u00a0: «\u202fUn costume neuf pour le bagad de "
        "Quimper\u202f»</i>"
    ),
    Step.TRANSLATED_SUMMARY: N_(
        "Le résumé en français, en une ou deux phrases.\n<i>Exemple\u00a0: «\u202fTrente "
        "sonneurs, un costume brodé à la main pour le festival de Cornouaille.\u202f»</i>"
    ),
}
# The translation's buttons and names, by its language.
TRANSLATION_LABELS: dict[str, dict[str, str]] = {
    "br": {
        "add": N_("✍️ Ajouter en breton"),
        "rewrite": N_("✏️ Modifier le texte en breton"),
        "remove": N_("🗑 Retirer le texte en breton"),
        "name": N_("En breton"),
        "heading": N_("<b>En breton\u00a0:</b>"),
        "given": N_("oui, en breton"),
        "none": N_("sans texte en breton"),
    },
    "fr": {
        "add": N_("✍️ Ajouter en français"),
        "rewrite": N_("✏️ Modifier le texte en français"),
        "remove": N_("🗑 Retirer le texte en français"),
        "name": N_("En français"),
        "heading": N_("<b>En français\u00a0:</b>"),
        "given": N_("oui, en français"),
        "none": N_("sans texte en français"),
    },
}


def translation_language(t: Translator, draft: Draft) -> str:
    """The language of the draft's translation: the one begun, else the one the owner does not
    write in (the interface's)."""
    return draft.translation_locale or other_language(t.locale)


def translation_label(t: Translator, draft: Draft, key: str) -> str:
    return t.gettext(TRANSLATION_LABELS[translation_language(t, draft)][key])


def _question(t: Translator, draft: Draft) -> str:
    step = draft.position.step
    if step in TRANSLATION_STEPS and translation_language(t, draft) == "fr":
        return t.gettext(IN_FRENCH[step])
    return t.gettext(QUESTIONS[step]).format(number=draft.writing_tier)


def _button(label: str, action: str, draft: Draft, value: str = "-") -> InlineKeyboardButton:
    return InlineKeyboardButton(
        label, callback_data=callbacks.wizard(action, draft.project_id, value)
    )


def intro_text(t: Translator) -> str:
    return t.gettext(
        "✨ <b>Proposer un projet</b>\nJe vais vous poser 13 questions. Chaque réponse est "
        "enregistrée aussitôt : vous pouvez vous arrêter et reprendre plus tard avec /proposer."
    )


def resume_text(t: Translator, draft: Draft) -> str:
    title = escape_html(draft.card.summary.title) or t.gettext("sans titre")
    step = draft.position.step
    if draft.status is ProjectStatus.CHANGES_REQUESTED:
        where = t.gettext("des modifications vous ont été demandées")
    elif draft.complete and (draft.position.editing or step in (Step.PHOTO, Step.PREVIEW)):
        where = t.gettext("complet, prêt à être soumis")
    else:
        where = t.gettext("arrêté à l’étape {number}/13 : {step}").format(
            number=number_of(step), step=t.gettext(STEP_NAMES[NUMBERED[number_of(step) - 1]])
        )
    return t.gettext(
        "Vous avez un projet en cours : « {title} » ({where}). Voulez-vous le continuer, ou "
        "en commencer un nouveau ?"
    ).format(title=title, where=where)


def resume_keyboard(t: Translator, draft: Draft) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([
        [_button(t.gettext("▶ Continuer ce projet"), WizardAction.OPEN, draft)],
        [InlineKeyboardButton(t.gettext("✨ Nouveau projet"),
                              callback_data=callbacks.wizard(WizardAction.NEW))],
    ])  # fmt: skip


def prompt(t: Translator, draft: Draft) -> tuple[str, InlineKeyboardMarkup | None]:
    """The question of the step the draft is at, with its buttons."""
    step = draft.position.step
    head = t.gettext("Étape {number}/13 — <b>{step}</b>").format(
        number=number_of(step), step=t.gettext(STEP_NAMES[NUMBERED[number_of(step) - 1]])
    )
    lines = [head, _question(t, draft)]
    if step in TEXT_LIMITS:
        low, high = TEXT_LIMITS[step]
        lines.append(t.gettext("({low} à {high} caractères)").format(
            low=t.number(low), high=t.number(high)))  # fmt: skip
    current = _current_answer(t, draft)
    rewriting = "replaces" in draft.pending_tier  # a saved reward, question by question
    if (draft.position.editing or rewriting) and current:
        lines.append(t.gettext("Réponse actuelle : {answer}").format(answer=current))
    if step is Step.TIERS and draft.card.tiers:
        lines += ["", *(tier_line(t, tier) for tier in draft.card.tiers)]
    return "\n".join(lines), prompt_keyboard(t, draft)


QUOTED = 80  # characters of a long answer repeated under its question


def quoted(t: Translator, text: str) -> str:
    """An answer repeated in guillemets, shortened past `QUOTED` characters."""
    short = text if len(text) <= QUOTED else text[: QUOTED - 1].rstrip() + "…"
    return t.gettext("«\u202f{text}\u202f»").format(text=escape_html(short))


def tier_answer(t: Translator, step: Step, tier: dict[str, Any]) -> str:
    """The answer a question of a reward has in `tier` (the reward being written): echoed once
    answered, and shown as the current answer of a saved reward being rewritten."""
    if step is Step.TIER_TITLE or step is Step.TIER_DESCRIPTION:
        return quoted(t, str(tier.get("title" if step is Step.TIER_TITLE else "description", "")))
    if step is Step.TIER_AMOUNT:
        return t.money(int(str(tier.get("min_amount_cents", 0))))
    if step is Step.TIER_MODE or step is Step.TIER_COUNTRIES:
        mode = DeliveryMode(str(tier.get("delivery_mode", DeliveryMode.IN_PERSON)))
        return delivery_label(t, mode, codes_of(str(tier.get("shipping_countries") or "")))
    if step is Step.TIER_QUANTITY:
        quantity = tier.get("quantity_limit")
        if quantity is None:
            return t.gettext("quantité illimitée")
        count = int(str(quantity))
        return t.ngettext("{count} exemplaire", "{count} exemplaires", count).format(
            count=t.number(count)
        )
    if step is Step.TIER_DELIVERY and tier.get("estimated_delivery"):
        return t.month(date.fromisoformat(str(tier["estimated_delivery"])))
    return ""


def _current_answer(t: Translator, draft: Draft) -> str:
    card, step = draft.card, draft.position.step
    answers = {
        Step.BRETON: escape_html(draft.breton_connection[:200]),
        Step.TITLE: escape_html(card.summary.title),
        Step.COMMUNE: escape_html(
            commune_name(card.summary.commune, t.locale, card.summary.departement)
        ),
        Step.SUMMARY: escape_html(card.summary_text),
        Step.GOAL: t.money(card.summary.goal_cents),
        Step.CATEGORY: labels.category(t, card.summary.category),
        Step.DEPARTEMENT: labels.departement(t, card.summary.departement),
        Step.DURATION: _days(t, draft.duration_days) if draft.duration_days else "",
        Step.MODEL: t.gettext(MODEL_NAMES[card.funding_model]),
        Step.TRANSLATION: escape_html(draft.translation_title),
    }
    if step is Step.DESCRIPTION:
        return t.gettext("ce que vous envoyez maintenant remplacera la description.")
    if step in TIER_FIELDS and "replaces" in draft.pending_tier:
        return tier_answer(t, step, draft.pending_tier)
    return answers.get(step, "")


def prompt_keyboard(t: Translator, draft: Draft) -> InlineKeyboardMarkup | None:
    step = draft.position.step
    if step is Step.PREVIEW:
        return preview_keyboard(t, draft)
    rows = [[_button(label, step, draft, value) for label, value in row]
            for row in _choices(t, draft, deletions=True)]  # fmt: skip
    return InlineKeyboardMarkup(rows) if rows else None


def _choices(t: Translator, draft: Draft, *, deletions: bool) -> list[list[tuple[str, str]]]:
    """The buttons of the question the draft is at, as rows of (label, value)."""
    step = draft.position.step
    rows: list[list[tuple[str, str]]] = []
    if step is Step.CATEGORY:
        rows = _pairs([(labels.category(t, c), c.value) for c in Category])
    elif step is Step.DEPARTEMENT:
        rows = _pairs([(labels.departement(t, d), d.value) for d in Departement])
    elif step is Step.DESCRIPTION and draft.position.appending:
        rows = [[(t.gettext("✅ Terminé"), "done")]]
    elif step is Step.DURATION:
        rows = [[(_days(t, d), str(d)) for d in DURATION_CHOICES]]
    elif step is Step.MODEL:
        rows = [[(t.gettext(MODEL_NAMES[model]), model.value)] for model in FundingModel]
    elif step is Step.TIERS:
        rows = _tiers_choices(t, draft, deletions=deletions)
    elif step is Step.TIER_MODE:
        rows = [[(t.gettext(label), mode.value)] for mode, label in MODE_CHOICES]
    elif step is Step.TIER_COUNTRIES:
        rows = [[(t.gettext(label), value)] for value, label in COUNTRY_LABELS]
    elif step is Step.TIER_QUANTITY:
        rows = [[(t.gettext("♾ Illimité"), "unlimited")]]
    elif step is Step.TRANSLATION:
        rows = _translation_choices(t, draft)
    elif step is Step.PHOTO:
        rows = [[(t.gettext("⏭ Passer"), "skip")]]
        if draft.position.editing and draft.card.summary.photo_file_id:
            rows.append([(t.gettext("🗑 Retirer la photo"), "remove")])
    if draft.keeps_current:
        rows.append([(t.gettext("↩ Garder la réponse actuelle"), KEEP_CURRENT)])
    return rows


def _translation_choices(t: Translator, draft: Draft) -> list[list[tuple[str, str]]]:
    """Write the other language's texts or pass; from the preview, rewrite or remove them
    ("Garder la réponse actuelle", or "Passer" where it is not offered, leaves them as they
    are)."""
    skip = [(t.gettext("⏭ Passer"), "skip")]
    if not draft.position.editing:
        return [[(translation_label(t, draft, "add"), "add")], skip]
    if not draft.translation_locale:
        rows = [[(translation_label(t, draft, "add"), "add")]]
    else:
        rows = [[(translation_label(t, draft, "rewrite"), "add")],
                [(translation_label(t, draft, "remove"), "remove")]]  # fmt: skip
    return rows if draft.keeps_current else [*rows, skip]


def _tiers_choices(t: Translator, draft: Draft, *, deletions: bool) -> list[list[tuple[str, str]]]:
    rows = [[(t.gettext("➕ Ajouter une contrepartie"), "add")]]
    if not draft.tier_ids:
        return [*rows, [(t.gettext("Pas de contrepartie"), "none")]]
    rows.append([(t.gettext("✅ Terminé"), "done")])
    if deletions:  # (never typed: a title is no order to rewrite or delete a reward)
        for tier_id, tier in zip(draft.tier_ids, draft.card.tiers, strict=True):
            title = labels.shorten(tier.title)
            rows.append([(t.gettext("✏️ {title}").format(title=title), f"edit{tier_id}")])
            rows.append([(t.gettext("🗑 {title}").format(title=title), f"del{tier_id}")])
    return rows


def typed_choice(translators: Sequence[Translator], draft: Draft, text: str) -> str | None:
    """The value of the button of the draft's question that `text` names, typed rather than
    pressed: its label in any of the languages, or its value ("culture", "29"), folded (case,
    accents, emoji and punctuation aside). Where only buttons answer, the first words of one
    label are enough ("ajouter", "tout"). A reward's "🗑" is never typed: a title is no order
    to delete it."""
    typed = fold(text)
    if not typed:
        return None
    choices = [(fold(label), value) for t in translators
               for row in _choices(t, draft, deletions=False) for label, value in row]  # fmt: skip
    named = {v for label, v in choices if typed == label or (typed == fold(v) != KEEP_CURRENT)}
    if len(named) == 1 or draft.position.step not in BUTTON_STEPS | {Step.PHOTO}:
        return named.pop() if len(named) == 1 else None
    words = typed.split()
    begun = {value for label, value in choices if label.split()[: len(words)] == words}
    return begun.pop() if len(begun) == 1 else None


def _days(t: Translator, days: int) -> str:
    return t.ngettext("{count} jour", "{count} jours", days).format(count=t.number(days))


def _pairs(items: list[_T]) -> list[list[_T]]:
    return [items[i : i + 2] for i in range(0, len(items), 2)]


def preview_keyboard(t: Translator, draft: Draft) -> InlineKeyboardMarkup:
    edits = [
        _button("✏️ " + _edit_name(t, draft, step), WizardAction.EDIT, draft, step.value)
        for step in EDITABLE
    ]
    return InlineKeyboardMarkup([
        *_pairs(edits),
        [_button(t.gettext("💾 Enregistrer le brouillon"), WizardAction.SAVE, draft)],
        [_button(t.gettext("📨 Soumettre"), WizardAction.SEND, draft)],
    ])  # fmt: skip


def _edit_name(t: Translator, draft: Draft, step: Step) -> str:
    if step is Step.TRANSLATION:  # "En breton" or "En français"
        return translation_label(t, draft, "name")
    return t.gettext(STEP_NAMES[step])
