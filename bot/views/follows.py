"""The list of followed projects, and the settings screen."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.conversation import callbacks
from bot.conversation.callbacks import Setting
from bot.domain import Preferences, ProjectSummary
from bot.i18n.translator import Translator
from bot.views.catalogue import item_lines
from bot.views.menus import LANGUAGE_NAMES


def followed_text(t: Translator, projects: list[ProjectSummary]) -> str:
    if not projects:
        return t.gettext(
            "Vous ne suivez aucun projet pour le moment. Sur la fiche d'un projet, « ⭐ Suivre » "
            "vous tient au courant de ses nouvelles."
        )
    lines = [t.gettext("⭐ <b>Projets suivis</b>")]
    for number, project in enumerate(projects, start=1):
        lines += ["", *item_lines(t, number, project)]
    return "\n".join(lines)


def followed_keyboard(t: Translator, projects: list[ProjectSummary]) -> InlineKeyboardMarkup | None:
    if not projects:
        return None  # Telegram refuses an empty inline keyboard
    rows = []
    for number, project in enumerate(projects, start=1):
        see = InlineKeyboardButton(f"{number}. {project.title[:30]}",
                                   callback_data=callbacks.project(project.id, None))  # fmt: skip
        stop = InlineKeyboardButton(
            t.gettext("Ne plus suivre"), callback_data=callbacks.unfollow(project.id)
        )
        rows.append([see, stop])
    return InlineKeyboardMarkup(rows)


def settings_text(t: Translator, preferences: Preferences) -> str:
    def state(muted: bool) -> str:
        return t.gettext("coupés") if muted else t.gettext("activés")

    return "\n".join(
        (
            t.gettext("⚙️ <b>Réglages</b>"),
            "",
            t.gettext("Langue : {language}").format(language=LANGUAGE_NAMES[preferences.locale]),
            t.gettext("Nouvelles des projets suivis : {state}").format(
                state=state(preferences.notifications_muted)
            ),
            t.gettext("Rappels de fin de campagne : {state}").format(
                state=state(preferences.notifications_muted or preferences.reminders_muted)
            ),
            "",
            t.gettext(
                "Les messages sur vos propres paiements (merci, remboursement) arrivent toujours."
            ),
        )
    )


def settings_keyboard(t: Translator, preferences: Preferences) -> InlineKeyboardMarkup:
    notifications = (
        t.gettext("🔔 Réactiver les nouvelles")
        if preferences.notifications_muted
        else t.gettext("🔕 Couper les nouvelles")
    )
    reminders = (
        t.gettext("⏰ Réactiver les rappels")
        if preferences.reminders_muted
        else t.gettext("🔕 Couper seulement les rappels")
    )
    choices = [
        (t.gettext("🌐 Langue"), Setting.LANGUAGE),
        (notifications, Setting.NOTIFICATIONS),
        (reminders, Setting.REMINDERS),
    ]
    rows = [
        [InlineKeyboardButton(label, callback_data=callbacks.setting(s))] for label, s in choices
    ]
    return InlineKeyboardMarkup(rows)
