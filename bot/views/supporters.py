"""How a contributor appears on the project's card, chosen from the pledge's recap: their first
name, a nickname (typed), or anonymously. The card's own line is in `card.py`."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.conversation import callbacks
from bot.conversation.callbacks import PledgeChoice, PledgeStep
from bot.domain import SupporterChoice, SupporterDisplay
from bot.i18n.text import escape_html
from bot.i18n.translator import Translator
from bot.views import labels


def _button(text: str, step: PledgeStep, at: PledgeChoice) -> InlineKeyboardButton:
    choice = PledgeChoice(step, at.project_id, at.tier_id, at.amount_cents)
    return InlineKeyboardButton(text, callback_data=callbacks.pledge(choice))


def recap_line(t: Translator, choice: SupporterChoice) -> str:
    """The recap's line saying how the contributor will appear."""
    if choice.display is SupporterDisplay.ANONYMOUS or not choice.name:
        shown = t.gettext("🕶 anonyme")
    else:
        icon = "🙂" if choice.display is SupporterDisplay.NAME else "🎭"
        shown = f"{icon} {escape_html(choice.name)}"
    return t.gettext("Sur la fiche du projet : {shown}").format(shown=shown)


def change_button(t: Translator, at: PledgeChoice) -> InlineKeyboardButton:
    return _button(t.gettext("👤 Changer mon affichage"), PledgeStep.DISPLAY, at)


def choices_text(t: Translator, current: SupporterChoice) -> str:
    return "\n".join([
        t.gettext("<b>Sur la fiche du projet</b>"),
        t.gettext(
            "La fiche nomme les derniers contributeurs. Comment souhaitez-vous y apparaître ? "
            "Anonyme, vous êtes seulement compté."
        ),
        "",
        recap_line(t, current),
    ])  # fmt: skip


def choices_keyboard(
    t: Translator, at: PledgeChoice, first_name: str | None
) -> InlineKeyboardMarkup:
    rows = []
    if first_name:  # Telegram always gives one; a blank one is not worth offering
        name = labels.shorten(first_name, labels.TITLE_IN_BUTTON)
        label = t.gettext("🙂 Mon prénom ({name})").format(name=name)
        rows.append([_button(label, PledgeStep.SHOW_NAME, at)])
    rows.append([_button(t.gettext("🎭 Un pseudo"), PledgeStep.SHOW_NICKNAME, at)])
    rows.append([_button(t.gettext("🕶 Anonyme"), PledgeStep.SHOW_NOTHING, at)])
    rows.append([_button(t.gettext("↩ Retour"), PledgeStep.AMOUNT, at)])
    return InlineKeyboardMarkup(rows)


def nickname_prompt_text(t: Translator) -> str:
    return t.gettext(
        "Tapez le pseudo à afficher sur la fiche du projet : de 2 à 32 caractères, sans lien."
    )


def nickname_refused_text(t: Translator) -> str:
    return t.gettext(
        "Ce pseudo ne convient pas : il faut de 2 à 32 caractères, sans lien ni @. "
        "Tapez-en un autre."
    )


def nickname_keyboard(t: Translator, at: PledgeChoice) -> InlineKeyboardMarkup:
    """Under the nickname prompt: back to the recap without one, or stop pledging."""
    cancel = _button(t.gettext("✖ Annuler"), PledgeStep.CANCEL, at)
    return InlineKeyboardMarkup([[_button(t.gettext("↩ Retour"), PledgeStep.AMOUNT, at)], [cancel]])
