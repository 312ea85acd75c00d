"""The list of followed projects, and the settings screen."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.conversation import callbacks
from bot.conversation.callbacks import MenuItem, Setting
from bot.domain import Preferences, ProjectSummary
from bot.i18n.translator import N_, Translator
from bot.views import labels
from bot.views.alerts import manage_button
from bot.views.catalogue import item_lines
from bot.views.menus import LANGUAGE_NAMES, way_on


def followed_text(t: Translator, projects: list[ProjectSummary]) -> str:
    if not projects:
        return t.gettext(
            "Vous ne suivez aucun projet pour le moment. Sur la fiche d’un projet, "
            "« ⭐ Suivre » vous tient au courant de ses nouvelles : découvrez les "
            "projets en campagne pour en choisir."
        )
    lines = [t.gettext("⭐ <b>Projets suivis</b>")]
    for number, project in enumerate(projects, start=1):
        lines += ["", *item_lines(t, number, project)]
    return "\n".join(lines)


# Two buttons share a row (the project, "Ne plus suivre"): the title gets less room.
_TITLE_BESIDE_BUTTON = 30


def followed_keyboard(t: Translator, projects: list[ProjectSummary]) -> InlineKeyboardMarkup:
    """A row per project (open it, stop following it); then the catalogue and the menu."""
    rows = []
    for number, project in enumerate(projects, start=1):
        label = labels.button_label(project.title, before=f"{number}. ", limit=_TITLE_BESIDE_BUTTON)
        see = InlineKeyboardButton(label, callback_data=callbacks.project(project.id, None))
        stop = InlineKeyboardButton(
            t.gettext("Ne plus suivre"), callback_data=callbacks.unfollow(project.id)
        )
        rows.append([see, stop])
    return way_on(t, *rows, to=MenuItem.DISCOVER)


# Each line names its own switch and says its own state: "nouvelles" is feminine plural and
# "rappels" masculine plural, so every state is a whole sentence of its own.
_NEWS_STATE = {
    False: N_("🔔 Nouvelles des projets suivis : activées"),
    True: N_("🔕 Nouvelles des projets suivis : coupées"),
}
_REMINDERS_STATE = {
    False: N_("⏰ Rappels de fin de campagne : activés"),
    True: N_("🔕 Rappels de fin de campagne : coupés"),
}


def settings_text(t: Translator, preferences: Preferences) -> str:
    return "\n".join(
        (
            t.gettext("⚙️ <b>Réglages</b>"),
            "",
            t.gettext("Langue : {language}").format(language=LANGUAGE_NAMES[preferences.locale]),
            t.gettext(_NEWS_STATE[preferences.notifications_muted]),
            t.gettext(_REMINDERS_STATE[preferences.reminders_muted]),
            "",
            t.gettext(
                "Les nouvelles : actualités, paliers atteints et fin de campagne des projets "
                "que vous suivez. Les rappels : « plus que 48 h » avant la fin "
                "d’un projet suivi que vous n’avez pas encore soutenu."
            ),
            t.gettext(
                "Les messages sur vos propres paiements (merci, remboursement) arrivent toujours."
            ),
        )
    )


def settings_keyboard(
    t: Translator, preferences: Preferences, alerts: int = 0
) -> InlineKeyboardMarkup:
    """One button per line of the screen, each switching that line only; the user's launch
    alerts (`alerts` of them); then the menu."""
    news = (
        t.gettext("🔔 Réactiver les nouvelles")
        if preferences.notifications_muted
        else t.gettext("🔕 Couper les nouvelles")
    )
    reminders = (
        t.gettext("⏰ Réactiver les rappels")
        if preferences.reminders_muted
        else t.gettext("🔕 Couper les rappels")
    )
    choices = [
        (t.gettext("🌐 Langue"), Setting.LANGUAGE),
        (news, Setting.NOTIFICATIONS),
        (reminders, Setting.REMINDERS),
    ]
    rows = [
        [InlineKeyboardButton(label, callback_data=callbacks.setting(s))] for label, s in choices
    ]
    rows.append([manage_button(t, alerts)])
    return way_on(t, *rows)
