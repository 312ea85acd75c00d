"""The owner's screens: their projects, one project's figures, a news post's preview."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.conversation import callbacks
from bot.conversation.callbacks import (
    BackersAction,
    BackersButton,
    MenuItem,
    OwnerAction,
    WizardAction,
)
from bot.domain import PUBLIC_STATUSES, Dashboard, ProjectStatus, ProjectSummary
from bot.i18n.text import escape_html
from bot.i18n.translator import N_, Translator
from bot.telegram.html_limits import TEXT_LIMIT, fit
from bot.views import labels
from bot.views.catalogue import item_lines
from bot.views.matching import dashboard_lines
from bot.views.menus import way_on
from bot.views.news import read_news_button
from bot.views.progress import contributors, progress_bar, raised_of_goal, time_left

STATUS_NAMES = {
    ProjectStatus.DRAFT: N_("brouillon"),
    ProjectStatus.IN_REVIEW: N_("en attente de validation"),
    ProjectStatus.CHANGES_REQUESTED: N_("modifications demandées"),
    ProjectStatus.REJECTED: N_("refusé"),
    ProjectStatus.LIVE: N_("en campagne"),
    ProjectStatus.SUCCEEDED: N_("réussi"),
    ProjectStatus.FAILED: N_("objectif non atteint"),
}


def _button(text: str, action: OwnerAction, target: int = 0) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=callbacks.owner(action, target))


def projects_text(t: Translator, projects: list[ProjectSummary]) -> str:
    if not projects:
        return t.gettext(
            "Vous n’avez pas encore de projet sur Kengo. « 💡 Proposer un projet » "
            "vous guide pour présenter le vôtre, étape par étape."
        )
    lines = [t.gettext("📂 <b>Mes projets</b>")]
    for number, project in enumerate(projects, start=1):
        if project.status in PUBLIC_STATUSES:
            lines += ["", *item_lines(t, number, project)]
        else:  # not yet (or never) in campaign: figures would mean nothing
            lines += ["", f"{number}. <b>{escape_html(_title(t, project))}</b>"]
        lines.append(f"<i>{t.gettext(STATUS_NAMES[project.status])}</i>")
    # Past a few dozen projects: the buttons below still lead to every one of them.
    return fit("\n".join(lines), TEXT_LIMIT).text


def _title(t: Translator, project: ProjectSummary) -> str:
    """A draft may not have its title yet."""
    return project.title or t.gettext("sans titre")


def projects_keyboard(t: Translator, projects: list[ProjectSummary]) -> InlineKeyboardMarkup:
    """A button per project, then "Proposer un projet" and the menu (all there is when empty)."""
    rows = [
        [_button(labels.button_label(_title(t, p), before=f"{n}. "), OwnerAction.PROJECT, p.id)]
        for n, p in enumerate(projects, 1)
    ]
    return way_on(t, *rows, to=MenuItem.PROPOSE)


def after_news_keyboard(t: Translator) -> InlineKeyboardMarkup:
    """Under the last message about a news post (dropped, or being delivered)."""
    return way_on(t, [_button(t.gettext("↩ Mes projets"), OwnerAction.LIST)])


def dashboard_text(t: Translator, board: Dashboard) -> str:
    project = board.project
    status = t.gettext(STATUS_NAMES[project.status])
    heading = f"📂 <b>{escape_html(_title(t, project))}</b> — <i>{status}</i>"
    if project.status not in PUBLIC_STATUSES:  # no campaign yet: nothing to count
        return heading
    lines = [
        heading,
        progress_bar(t, project.raised_cents, project.goal_cents),
        raised_of_goal(t, project.raised_cents, project.goal_cents),
        *dashboard_lines(t, project, board.match),  # the partner's share apart
        f"👥 {contributors(t, project.contributors_count)} · ⭐ "
        + t.ngettext("{count} abonné", "{count} abonnés", board.followers).format(
            count=t.number(board.followers)
        ),
    ]
    if project.status is ProjectStatus.LIVE:
        lines.append(f"⏳ {time_left(t, project.ends_at)}")
    lines += ["", t.gettext("<b>Derniers soutiens</b>")]
    if not board.latest:
        lines.append(t.gettext("Pas encore de soutien."))
    for pledge in board.latest:
        reward = escape_html(pledge.reward) if pledge.reward else t.gettext("don libre")
        when = t.date(pledge.paid_at) if pledge.paid_at else ""
        lines.append(f"• {t.money(pledge.amount_cents)} — {reward} — {when}")
    lines += ["", t.gettext("<b>Liens de partage</b>")]
    if not board.links:
        lines.append(t.gettext("Personne n’a encore partagé ce projet avec son lien."))
    for link in board.links:
        visits = t.ngettext("{count} visite", "{count} visites", link.visits)
        backers = t.ngettext("{count} soutien", "{count} soutiens", link.pledges)
        sharer = escape_html(link.sharer)
        lines.append(
            f"• {sharer} : {visits.format(count=t.number(link.visits))} · "
            f"{backers.format(count=t.number(link.pledges))} · {t.money(link.amount_cents)}"
        )
    if board.chats:
        lines += ["", t.gettext("<b>Groupes et canaux</b>")]
    for chat in board.chats:
        visits = t.ngettext("{count} visite", "{count} visites", chat.visits)
        backers = t.ngettext("{count} soutien", "{count} soutiens", chat.pledges)
        lines.append(
            f"• {escape_html(chat.sharer)} : {visits.format(count=t.number(chat.visits))} · "
            f"{backers.format(count=t.number(chat.pledges))} · {t.money(chat.amount_cents)}"
        )
    return "\n".join(lines)


def dashboard_keyboard(t: Translator, board: Dashboard) -> InlineKeyboardMarkup:
    project = board.project
    rows = []
    if project.status is ProjectStatus.LIVE:
        rows.append(
            [_button(t.gettext("📰 Publier une actualité"), OwnerAction.WRITE_NEWS, project.id)]
        )
    if project.status in PUBLIC_STATUSES:
        rows.append([_button(t.gettext("📣 Groupes et canaux"), OwnerAction.CHATS, project.id)])
    if project.status in PUBLIC_STATUSES:  # a campaign began: there may be rewards to deliver
        backers = callbacks.backers(BackersButton(BackersAction.PAGE, project.id))
        label = t.gettext("👥 Contributeurs")
        rows.append([InlineKeyboardButton(label, callback_data=backers)])
    if project.status in (ProjectStatus.DRAFT, ProjectStatus.CHANGES_REQUESTED):
        resume = callbacks.wizard(WizardAction.OPEN, project.id)
        label = t.gettext("✏️ Reprendre ce projet")
        rows.append([InlineKeyboardButton(label, callback_data=resume)])
    card = InlineKeyboardButton(
        t.gettext("🔎 Voir la fiche"), callback_data=callbacks.project(project.id, None)
    )
    rows.append([card, _button(t.gettext("↩ Mes projets"), OwnerAction.LIST)])
    return InlineKeyboardMarkup(rows)


def news_preview_keyboard(
    t: Translator, post_id: int, recipients: int, *, cut: bool = False, to_reward: bool = False
) -> InlineKeyboardMarkup:
    """Send or drop the post; "Lire la suite" when its caption could not hold all of it.
    `to_reward`: a message to the contributors of one reward."""
    if to_reward:
        send = t.ngettext(
            "✅ Envoyer à {count} contributeur", "✅ Envoyer à {count} contributeurs", recipients
        )
    else:
        send = t.ngettext("✅ Envoyer à {count} abonné", "✅ Envoyer à {count} abonnés", recipients)
    rows = [
        [_button(send.format(count=t.number(recipients)), OwnerAction.SEND_NEWS, post_id)],
        [_button(t.gettext("✖ Annuler"), OwnerAction.DROP_NEWS, post_id)],
    ]
    if cut:
        rows.insert(0, [read_news_button(t, post_id)])
    return InlineKeyboardMarkup(rows)
