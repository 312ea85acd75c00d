"""What the wizard says between its questions: why an answer does not fit, what a step
expects, and the drafts' saved / submitted / paused messages."""

from __future__ import annotations

from bot.i18n.text import escape_html
from bot.i18n.translator import Translator
from bot.search.places import commune_name
from bot.submission.rules import BUTTON_STEPS, Problem, Refusal, Step
from bot.views import labels


def refusal_text(t: Translator, refusal: Refusal) -> str:
    """Why an answer does not fit, and what would."""
    problem, value = refusal.problem, refusal.value
    if problem is Problem.TOO_SHORT:
        minimum, count = int(value("minimum")), int(value("count"))
        return t.ngettext(
            "Un peu court : il faut au moins {minimum} caractère (vous en êtes à {count}).",
            "Un peu court : il faut au moins {minimum} caractères (vous en êtes à {count}).",
            minimum,
        ).format(minimum=t.number(minimum), count=t.number(count))
    if problem is Problem.TOO_LONG:
        maximum, count = int(value("maximum")), int(value("count"))
        return t.ngettext(
            "Trop long : {maximum} caractère au plus (vous en êtes à {count}).",
            "Trop long : {maximum} caractères au plus (vous en êtes à {count}).",
            maximum,
        ).format(maximum=t.number(maximum), count=t.number(count))
    if problem is Problem.NOT_AN_AMOUNT:
        return t.gettext(
            "Je n’ai pas compris ce montant. Tapez un nombre d’euros, par exemple 1 500."
        )
    if problem is Problem.GOAL_RANGE or problem is Problem.TIER_AMOUNT_RANGE:
        return t.gettext("Le montant doit être compris entre {minimum} et {maximum}.").format(
            minimum=t.money(int(value("minimum"))), maximum=t.money(int(value("maximum")))
        )
    if problem is Problem.NOT_A_DURATION:
        return t.gettext("Tapez un nombre de jours entre 7 et 90, par exemple 45.")
    if problem is Problem.COMMUNE_ELSEWHERE:
        return t.gettext(
            "{commune} se trouve dans un autre département ({departement}). Passez le projet "
            "dans ce département, ou tapez une autre commune."
        ).format(
            commune=escape_html(commune_name(value("commune"), t.locale, value("departement"))),
            departement=labels.departement(t, value("departement")),
        )
    if problem is Problem.UNKNOWN_COMMUNE:
        if value("suggestions"):
            return t.gettext(
                "Je ne connais pas «\u202f{commune}\u202f». Vouliez-vous dire l’une de ces "
                "communes\u202f? Vous pouvez aussi garder le nom tel que vous l’avez tapé."
            ).format(commune=escape_html(value("typed")))
        return t.gettext(
            "Je ne connais pas «\u202f{commune}\u202f». Vérifiez l’orthographe et tapez-la de "
            "nouveau, ou gardez le nom tel que vous l’avez tapé."
        ).format(commune=escape_html(value("typed")))
    if problem is Problem.NOT_A_COMMUNE:
        return t.gettext("Tapez le nom d’une commune : des lettres, 80 caractères au plus.")
    if problem is Problem.NOT_A_QUANTITY:
        return t.gettext(
            "Tapez un nombre d’exemplaires entre 1 et 10\u202f000, ou appuyez sur "
            "«\u202fIllimité\u202f»."
        )
    if problem is Problem.NOT_A_MONTH:
        return t.gettext(
            "Je n’ai pas compris ce mois. Tapez par exemple «\u202fjuin 2027\u202f» ou "
            "«\u202f06/2027\u202f»."
        )
    if problem is Problem.MONTH_PAST:
        return t.gettext(
            "Ce mois est déjà passé\u00a0: la livraison doit être prévue à partir de {first}."
        ).format(first=t.month(value("first")))
    if problem is Problem.MONTH_RANGE:
        return t.gettext("La livraison doit être prévue entre {first} et {last}.").format(
            first=t.month(value("first")), last=t.month(value("last"))
        )
    if problem is Problem.NOT_COUNTRIES:
        return t.gettext(
            "Je n’ai pas reconnu ces pays. Tapez leurs noms ou leurs codes séparés par des "
            "virgules (par exemple\u00a0: FR, BE), {maximum} au plus, ou choisissez un bouton."
        ).format(maximum=t.number(int(value("maximum"))))
    return t.gettext("Dix contreparties au plus : c’est déjà beaucoup de choix !")


def wrong_input_text(t: Translator, step: Step) -> str:
    """What the step expects, when the owner sent something else."""
    if step is Step.PHOTO:
        return t.gettext("Envoyez une photo (pas un fichier), ou appuyez sur « Passer ».")
    if step is Step.PREVIEW:
        return t.gettext(
            "Utilisez les boutons sous l’aperçu pour modifier, enregistrer ou soumettre."
        )
    if step in BUTTON_STEPS:
        return t.gettext("Choisissez avec les boutons ci-dessous.")
    return t.gettext("Pour cette étape, j’attends un texte.")


def description_received_text(t: Translator, length: int) -> str:
    return t.ngettext(
        "Reçu : {count} caractère en tout. Envoyez la suite, ou appuyez sur « Terminé ».",
        "Reçu : {count} caractères en tout. Envoyez la suite, ou appuyez sur « Terminé ».",
        length,
    ).format(count=t.number(length))


def saved_text(t: Translator) -> str:
    return t.gettext(
        "💾 Brouillon enregistré. Vous le retrouverez avec /proposer ou dans /mes_projets."
    )


def submitted_text(t: Translator, title: str) -> str:
    return t.gettext(
        "📨 Merci ! « {title} » est transmis à l’équipe de Kengo. Vous recevrez sa réponse ici, "
        "en général sous quelques jours."
    ).format(title=escape_html(title))


def too_many_drafts_text(t: Translator) -> str:
    return t.gettext(
        "Vous avez déjà dix brouillons. Reprenez-en un depuis /mes_projets avant d’en commencer "
        "un autre."
    )


def paused_text(t: Translator) -> str:
    """After /annuler in the middle of the wizard."""
    return t.gettext(
        "Votre brouillon est mis de côté, rien n’est perdu. Tapez /proposer pour le reprendre."
    )
