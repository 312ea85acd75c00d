"""Partner matches as moderators handle them: the live projects, a match written step by
step (partner, rule, value, end, recap), its withdrawal, and the refusals on the way."""

from __future__ import annotations

from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.conversation import callbacks
from bot.conversation.callbacks import MatchAction, MatchButton, ModerationAction
from bot.domain import (
    MatchDraft,
    MatchProblem,
    MatchRule,
    PartnerMatch,
    ProjectSummary,
    utcnow,
)
from bot.i18n.text import escape_html
from bot.i18n.translator import Translator
from bot.views import labels
from bot.views.matching import dashboard_lines, rule_text
from bot.views.menus import way_on
from bot.views.progress import funded, progress_bar, raised_of_goal


def _button(label: str, button: MatchButton) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=callbacks.match_button(button))


def entry_button(t: Translator) -> InlineKeyboardButton:
    """From /moderation: the live projects, to attach or withdraw a match."""
    return _button(t.gettext("🤝 Abondements"), MatchButton(MatchAction.LIST))


def live_projects_text(
    t: Translator,
    items: list[tuple[ProjectSummary, PartnerMatch | None]],
    total: int,
    page: int,
    pages: int,
) -> str:
    lines = [
        t.gettext("🤝 <b>Abondements des partenaires</b>"),
        t.gettext(
            "Choisissez un projet en campagne pour lui attacher un abondement ou le retirer. "
            "Un abondement ne passe jamais par Stripe : le partenaire verse sa part lui-même, "
            "d’après l’export CSV."
        ),
        "",
    ]
    if not total:
        lines.append(t.gettext("Aucun projet n’est en campagne pour le moment."))
        return "\n".join(lines)
    if pages > 1:
        lines.append(
            t.gettext("Page {page} sur {pages}").format(
                page=t.number(page + 1), pages=t.number(pages)
            )
        )
    for number, (project, match) in enumerate(items, start=1):
        progress = funded(t, project.raised_cents, project.goal_cents)
        line = f"{number}. {escape_html(project.title)} — {progress}"
        if match is not None:
            line += f" · 🤝 {escape_html(match.partner)}"
        lines.append(line)
    return "\n".join(lines)


def live_projects_keyboard(
    t: Translator, items: list[tuple[ProjectSummary, PartnerMatch | None]], page: int, pages: int
) -> InlineKeyboardMarkup:
    rows = [
        [
            _button(
                labels.button_label(project.title, before=f"{number}. "),
                MatchButton(MatchAction.PROJECT, project.id),
            )
        ]
        for number, (project, _) in enumerate(items, start=1)
    ]
    turn = []
    if page > 0:
        turn.append(_button("◀", MatchButton(MatchAction.LIST, page - 1)))
    if page + 1 < pages:
        turn.append(_button("▶", MatchButton(MatchAction.LIST, page + 1)))
    if turn:
        rows.append(turn)
    rows.append(
        [_button(t.gettext("📄 Exporter les abondements (CSV)"), MatchButton(MatchAction.EXPORT))]
    )
    rows.append([_queue_button(t)])
    return way_on(t, *rows)


def _queue_button(t: Translator) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        t.gettext("🗂 Projets à examiner"),
        callback_data=callbacks.moderation(ModerationAction.QUEUE, 0),
    )


def _to_list(t: Translator) -> InlineKeyboardButton:
    return _button(t.gettext("↩ Projets en campagne"), MatchButton(MatchAction.LIST))


def project_text(t: Translator, project: ProjectSummary, match: PartnerMatch | None) -> str:
    lines = [
        f"🤝 <b>{escape_html(project.title)}</b>",
        progress_bar(t, project.raised_cents, project.goal_cents),
        raised_of_goal(t, project.raised_cents, project.goal_cents),
    ]
    if match is None:
        lines += ["", t.gettext("Pas d’abondement sur ce projet.")]
    else:
        lines += ["", *dashboard_lines(t, project, match)]
        lines.append(t.gettext("En vigueur depuis le {date}.").format(date=t.date(match.starts_at)))
    return "\n".join(lines)


def project_keyboard(
    t: Translator, project: ProjectSummary, match: PartnerMatch | None
) -> InlineKeyboardMarkup:
    if match is None:
        act = _button(
            t.gettext("➕ Attacher un abondement"), MatchButton(MatchAction.NEW, project.id)
        )
    else:
        act = _button(
            t.gettext("🗑 Retirer l’abondement"), MatchButton(MatchAction.WITHDRAW, match.match_id)
        )
    return way_on(t, [act], [_to_list(t)])


def drop_keyboard(
    t: Translator, draft: MatchDraft, *rows: list[InlineKeyboardButton]
) -> InlineKeyboardMarkup:
    drop = _button(t.gettext("✖️ Abandonner"), MatchButton(MatchAction.DROP, draft.draft_id))
    return InlineKeyboardMarkup([*rows, [drop]])


def name_prompt(t: Translator, draft: MatchDraft) -> str:
    return t.gettext(
        "🤝 Abondement pour « {title} ».\n\nQuel est le nom du partenaire, tel qu’il "
        "apparaîtra sur la fiche (ex. : Région Bretagne) ? Écrivez-le. /annuler pour renoncer."
    ).format(title=escape_html(draft.title))


def rule_prompt(t: Translator, draft: MatchDraft) -> str:
    return t.gettext(
        "Comment {partner} abonde-t-il « {title} » ?\n\n"
        "• <b>Complète le reste</b> : une fois un pourcentage de l’objectif atteint par les "
        "contributeurs, le partenaire apporte tout ce qui manque.\n"
        "• <b>Un euro pour un euro</b> : chaque euro donné est doublé, jusqu’à un plafond."
    ).format(partner=escape_html(draft.partner or ""), title=escape_html(draft.title))


def rule_keyboard(t: Translator, draft: MatchDraft) -> InlineKeyboardMarkup:
    def rule(label: str, value: MatchRule) -> list[InlineKeyboardButton]:
        return [_button(label, MatchButton(MatchAction.RULE, draft.draft_id, value))]

    return drop_keyboard(
        t,
        draft,
        rule(t.gettext("🎯 Complète le reste dès un seuil"), MatchRule.THRESHOLD),
        rule(t.gettext("➕ Un euro pour un euro, plafonné"), MatchRule.EURO_FOR_EURO),
    )


def value_prompt(t: Translator, draft: MatchDraft) -> str:
    partner = escape_html(draft.partner or "")
    if draft.rule is MatchRule.THRESHOLD:
        return t.gettext(
            "À partir de quel pourcentage de l’objectif ({goal}) {partner} complète-t-il le "
            "reste ? Écrivez un nombre de 1 à 99 (ex. : 80)."
        ).format(goal=t.money(draft.goal_cents), partner=partner)
    return t.gettext(
        "Jusqu’à quel montant {partner} double-t-il les contributions ? Écrivez un montant "
        "en euros, de 1 € à {goal} (ex. : 2 000)."
    ).format(goal=t.money(draft.goal_cents), partner=partner)


def end_prompt(t: Translator, draft: MatchDraft) -> str:
    return t.gettext(
        "Jusqu’à quand l’abondement vaut-il ? Jusqu’à la fin de la campagne, le {date}, ou "
        "écrivez une date avant celle-ci (ex. : {example})."
    ).format(date=t.date(draft.campaign_ends_at), example=_example_day(draft))


def _example_day(draft: MatchDraft | None) -> str:
    """A day the moderator may type, as they would type it: a week before the campaign ends
    (an example past the end would be refused), tomorrow for a campaign ending sooner."""
    tomorrow = utcnow().date() + timedelta(days=1)
    if draft is None:
        return f"{tomorrow:%d/%m/%Y}"
    last_day = draft.campaign_ends_at.date()
    return f"{min(last_day, max(tomorrow, last_day - timedelta(days=7))):%d/%m/%Y}"


def end_keyboard(t: Translator, draft: MatchDraft) -> InlineKeyboardMarkup:
    end = _button(
        t.gettext("⏳ Fin de la campagne ({date})").format(date=t.date(draft.campaign_ends_at)),
        MatchButton(MatchAction.CAMPAIGN_END, draft.draft_id),
    )
    return drop_keyboard(t, draft, [end])


def recap_text(t: Translator, draft: MatchDraft) -> str:
    ends_at = draft.ends_at or draft.campaign_ends_at
    return t.gettext(
        "🤝 <b>Récapitulatif</b>\nProjet : {title}\nPartenaire : {partner}\nRègle : {rule}\n"
        "Jusqu’au : {date}\n\nLe partenaire verse sa part hors de Kengo (aucun paiement "
        "Stripe) ; ce qu’il apporte compte dans la progression du projet dès la confirmation."
    ).format(
        title=escape_html(draft.title),
        partner=escape_html(draft.partner or ""),
        rule=rule_text(t, draft, draft.partner or ""),
        date=t.date(ends_at),
    ) + _at_once(t, draft)


def _at_once(t: Translator, draft: MatchDraft) -> str:
    """The recap's warning when confirming makes the partner owe money at once."""
    if not draft.at_once_cents:
        return ""
    return "\n\n" + t.gettext(
        "⚠️ Les contributeurs ont déjà atteint {percent} de l’objectif\u00a0: dès la "
        "confirmation, {partner} apporte {amount}, tout ce qui manque pour l’atteindre."
    ).format(
        percent=t.percent((draft.threshold_percent or 0) / 100),
        partner=escape_html(draft.partner or ""),
        amount=t.money(draft.at_once_cents),
    )


def recap_keyboard(t: Translator, draft: MatchDraft) -> InlineKeyboardMarkup:
    confirm = _button(t.gettext("✅ Confirmer"), MatchButton(MatchAction.CONFIRM, draft.draft_id))
    return drop_keyboard(t, draft, [confirm])


def confirmed_text(t: Translator, match: PartnerMatch, title: str) -> str:
    text = t.gettext("✅ Abondement de {partner} attaché à « {title} ».").format(
        partner=escape_html(match.partner), title=escape_html(title)
    )
    if match.matched_cents:
        text += "\n" + t.gettext("Il apporte déjà {amount}.").format(
            amount=t.money(match.matched_cents)
        )
    return text


def after_keyboard(t: Translator, project_id: int | None = None) -> InlineKeyboardMarkup:
    """Ways on after a step ended (confirmed, dropped, withdrawn, refused)."""
    rows = []
    if project_id is not None:
        rows.append(
            [_button(t.gettext("↩ Le projet"), MatchButton(MatchAction.PROJECT, project_id))]
        )
    return way_on(t, *rows, [_to_list(t)])


def withdraw_prompt(t: Translator, match: PartnerMatch, title: str) -> str:
    return t.gettext(
        "Retirer l’abondement de {partner} sur « {title} » ? Ce qu’il apporte ({amount}) ne "
        "comptera plus dans la progression du projet."
    ).format(
        partner=escape_html(match.partner),
        title=escape_html(title),
        amount=t.money(match.matched_cents),
    )


def withdraw_keyboard(t: Translator, match: PartnerMatch) -> InlineKeyboardMarkup:
    yes = _button(
        t.gettext("🗑 Oui, retirer"), MatchButton(MatchAction.WITHDRAW_CONFIRMED, match.match_id)
    )
    no = _button(t.gettext("↩ Non, garder"), MatchButton(MatchAction.PROJECT, match.project_id))
    return way_on(t, [yes], [no])


def withdrawn_text(t: Translator, match: PartnerMatch) -> str:
    return t.gettext("🗑 L’abondement de {partner} est retiré : il ne compte plus.").format(
        partner=escape_html(match.partner)
    )


def dropped_text(t: Translator) -> str:
    return t.gettext("Abondement abandonné : rien n’a été attaché.")


def refusal_text(t: Translator, problem: MatchProblem, draft: MatchDraft | None) -> str:
    """Why a step was refused; for typed answers, what to type instead."""
    if problem is MatchProblem.NAME_LENGTH:
        return t.gettext("Écrivez un nom de 2 à 80 caractères.")
    if problem is MatchProblem.NOT_A_PERCENT:
        return t.gettext("Écrivez seulement un nombre entier, de 1 à 99 (ex. : 80).")
    if problem is MatchProblem.PERCENT_RANGE:
        # The bounds formatted as percentages ("1 %", with the no-break space French wants).
        return t.gettext("Le seuil doit être entre {low} et {high} de l’objectif.").format(
            low=t.percent(0.01), high=t.percent(0.99)
        )
    goal = t.money(draft.goal_cents) if draft else ""
    if problem is MatchProblem.NOT_AN_AMOUNT:
        return t.gettext("Ce n’est pas un montant : écrivez par exemple 2 000 ou 1 500 €.")
    if problem is MatchProblem.AMBIGUOUS_AMOUNT:
        return t.gettext(
            "Ce montant se lit de deux façons : écrivez les euros sans séparateur (ex. : 2500) "
            "ou avec des centimes (ex. : 2,50)."
        )
    if problem is MatchProblem.CAP_RANGE:
        return t.gettext("Le plafond doit être entre 1 € et l’objectif du projet, {goal}.").format(
            goal=goal
        )
    ends = t.date(draft.campaign_ends_at) if draft else ""
    if problem is MatchProblem.NOT_A_DATE:
        return t.gettext("Ce n’est pas une date : écrivez par exemple {example}.").format(
            example=_example_day(draft)
        )
    if problem is MatchProblem.DATE_RANGE:
        return t.gettext(
            "Choisissez une date entre demain et la fin de la campagne, le {date}."
        ).format(date=ends)
    if problem is MatchProblem.ALREADY_MATCHED:
        return t.gettext(
            "Ce projet a déjà un abondement : un seul à la fois. Retirez-le d’abord pour en "
            "attacher un autre."
        )
    if problem is MatchProblem.NOT_LIVE:
        return t.gettext("Ce projet n’est plus en campagne : on ne peut plus l’abonder.")
    return t.gettext("Cet abondement n’est plus en cours de saisie, ou a déjà été retiré.")


def reserved_text(t: Translator) -> str:
    return t.gettext("Cette commande est réservée à l’équipe de modération.")


def private_only_text(t: Translator) -> str:
    return t.gettext(
        "Les abondements se gèrent en privé : ouvrez /moderation dans notre discussion."
    )
