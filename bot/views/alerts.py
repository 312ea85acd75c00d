"""Launch alerts: the catalogue's "🔔 Prévenez-moi…" button and its answers, the owners'
buttons under /mes_soutiens, the list in /settings, and the message when a project goes live."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.conversation import callbacks
from bot.conversation.callbacks import MenuItem
from bot.domain import AlertPage, AlertTarget, Category, Departement, ListView
from bot.i18n.text import escape_html
from bot.i18n.translator import Translator
from bot.search.places import commune_name
from bot.views import labels
from bot.views.menus import menu_button, see_project, way_on


def target_name(t: Translator, target: AlertTarget) -> str:
    """What an alert watches, in the reader's language (HTML-escaped): "Culture · Finistère",
    "Kemper", "le prochain projet de Gwen"."""
    if target.owner_id is not None:
        return t.gettext("le prochain projet de {name}").format(
            name=escape_html(target.owner_name or "?")
        )
    parts = [
        labels.category(t, target.category),
        escape_html(commune_name(target.commune, t.locale)),
        labels.departement(t, target.departement),
    ]
    return " · ".join(part for part in parts if part)


def watch_list_button(t: Translator, view: ListView, *, watching: bool) -> InlineKeyboardButton:
    """Under a catalogue list with a category, a département or a commune."""
    if watching:
        label = t.gettext("🔕 Ne plus me prévenir ici")
    else:
        label = t.gettext("🔔 Prévenez-moi des nouveaux projets ici")
    return InlineKeyboardButton(label, callback_data=callbacks.watch_list(view, on=not watching))


def watching_text(t: Translator, target: AlertTarget) -> str:
    return t.gettext(
        "🔔 Vous serez prévenu·e dès qu’un nouveau projet sera en ligne ici : <b>{target}</b>."
    ).format(target=target_name(t, target))


def stopped_text(t: Translator, target: AlertTarget) -> str:
    return t.gettext(
        "🔕 Vous ne serez plus prévenu·e des nouveaux projets ici : <b>{target}</b>."
    ).format(target=target_name(t, target))


def toggled_toast(t: Translator, *, watching: bool) -> str:
    if watching:
        return t.gettext("🔔 Alerte enregistrée.")
    return t.gettext("🔕 Alerte retirée.")


def too_many_text(t: Translator, maximum: int) -> str:
    return t.gettext(
        "Vous avez déjà le nombre maximum d’alertes de lancement ({count}). Retirez-en une dans "
        "les réglages pour en créer une autre."
    ).format(count=t.number(maximum))


def refused_keyboard(t: Translator, view: ListView | None = None) -> InlineKeyboardMarkup:
    """After a refusal: one's alerts, the list (or the catalogue), the menu."""
    if view is None:
        back = menu_button(t, MenuItem.DISCOVER)
    else:
        data = callbacks.list_page(view)
        back = InlineKeyboardButton(t.gettext("↩ Retour à la liste"), callback_data=data)
    return way_on(t, [manage_button(t)], [back])


def owner_button(t: Translator, target: AlertTarget, *, watching: bool) -> InlineKeyboardButton:
    """Under /mes_soutiens, for an owner the user backed."""
    name = labels.shorten(target.owner_name or "?", 24)
    if watching:
        label = t.gettext("🔕 Ne plus me prévenir des projets de {name}").format(name=name)
    else:
        label = t.gettext("🔔 Prévenez-moi du prochain projet de {name}").format(name=name)
    data = callbacks.watch_owner(target.owner_id or 0, on=not watching)
    return InlineKeyboardButton(label, callback_data=data)


def owner_answer(t: Translator, target: AlertTarget, *, watching: bool) -> str:
    """The short confirmation of an owner button (a plain text: a button's answer)."""
    name = target.owner_name or "?"
    if watching:
        return t.gettext("🔔 Vous serez prévenu·e du prochain projet de {name}.").format(name=name)
    return t.gettext("🔕 Vous ne serez plus prévenu·e des projets de {name}.").format(name=name)


def manage_button(t: Translator, count: int | None = None) -> InlineKeyboardButton:
    """The way to one's alerts (in /settings with their number)."""
    if count is None:
        label = t.gettext("🔔 Mes alertes de lancement")
    else:
        label = t.gettext("🔔 Alertes de lancement ({count})").format(count=t.number(count))
    return InlineKeyboardButton(label, callback_data=callbacks.alert_list(0))


def alerts_text(t: Translator, page: AlertPage, *, note: str = "") -> str:
    lines = [note, ""] if note else []
    lines.append(t.gettext("🔔 <b>Alertes de lancement</b>"))
    if not page.alerts:
        lines += [
            "",
            t.gettext(
                "Vous n’avez aucune alerte. Dans le catalogue (/projets), choisissez une "
                "catégorie, un département ou cherchez une commune, puis appuyez sur « 🔔 "
                "Prévenez-moi des nouveaux projets ici ». Après avoir soutenu un projet, "
                "/mes_soutiens propose "
                "aussi d’être prévenu·e du prochain projet de son porteur."
            ),
        ]
        return "\n".join(lines)
    lines += [
        t.gettext(
            "Un message vous arrive quand un projet qui correspond est mis en ligne. "
            "« Couper les nouvelles » dans les réglages les fait taire aussi."
        ),
        "",
    ]
    for number, alert in enumerate(page.alerts, start=page.first):
        lines.append(f"{number}. {target_name(t, alert.target)}")
    if page.pages > 1:
        lines += [
            "",
            t.gettext("Page {page} sur {pages}").format(page=page.page + 1, pages=page.pages),
        ]
    return "\n".join(lines)


def alerts_keyboard(t: Translator, page: AlertPage) -> InlineKeyboardMarkup:
    """A button to remove each alert; pages; the catalogue when there is none; the settings."""
    rows: list[list[InlineKeyboardButton]] = []
    for number, alert in enumerate(page.alerts, start=page.first):
        label = t.gettext("✖ Retirer l’alerte {number}").format(number=number)
        rows.append(
            [InlineKeyboardButton(label, callback_data=callbacks.remove_alert(alert.id, page.page))]
        )
    navigation = []
    if page.page > 0:
        previous = callbacks.alert_list(page.page - 1)
        navigation.append(InlineKeyboardButton(t.gettext("◀ Précédent"), callback_data=previous))
    if page.page + 1 < page.pages:
        following = callbacks.alert_list(page.page + 1)
        navigation.append(InlineKeyboardButton(t.gettext("Suivant ▶"), callback_data=following))
    if navigation:
        rows.append(navigation)
    if not page.alerts:
        rows.append([menu_button(t, MenuItem.DISCOVER)])
    return way_on(t, *rows, to=MenuItem.SETTINGS)


def removed_text(t: Translator) -> str:
    return t.gettext("✅ Alerte retirée.")


def gone_text(t: Translator) -> str:
    return t.gettext("Cette alerte n’existe plus : voici vos alertes à jour.")


def launch_message(
    t: Translator, title: str, payload: dict[str, Any], project_id: int | None
) -> tuple[str, InlineKeyboardMarkup]:
    """A project matching one of the recipient's alerts is live (`title` escaped already)."""
    heading = t.gettext("🔔 <b>Nouveau projet en ligne : « {title} »</b>").format(title=title)
    target = _queued_target(payload)
    reason = t.gettext("Vous avez demandé à être prévenu·e : {target}.").format(
        target=target_name(t, target)
    )
    rows = [[see_project(t, project_id)]] if project_id is not None else []
    rows.append([manage_button(t)])
    return f"{heading}\n\n{reason}", InlineKeyboardMarkup(rows)


def _queued_target(payload: dict[str, Any]) -> AlertTarget:
    """The alert as `queue_launch_alerts` described it in the outbox row."""
    if "owner_name" in payload:
        return AlertTarget(owner_id=0, owner_name=str(payload["owner_name"]))
    category = str(payload.get("category"))
    departement = str(payload.get("departement"))
    return AlertTarget(
        Category(category) if category in Category.__members__.values() else None,
        Departement(departement) if departement in Departement.__members__.values() else None,
        str(payload["commune"]) if payload.get("commune") else None,
    )
