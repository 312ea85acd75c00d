"""The partners' report: every partner match and what it came to, as a CSV for moderators.

Written by the backers' CSV writer (`bot.views.backers.spreadsheet_csv`): ";"-separated,
UTF-8 with a BOM, amounts with a decimal comma computed in integers, formula-safe cells.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain import MatchReport, MatchRule
from bot.i18n.translator import Translator
from bot.views.backers import spreadsheet_csv, spreadsheet_euros
from bot.views.owner import STATUS_NAMES

FILENAME = "kengo-abondements.csv"


def _day(value: datetime | None) -> str:
    return value.astimezone(UTC).date().isoformat() if value else ""


def reports_csv(t: Translator, reports: list[MatchReport]) -> bytes:
    header = [
        t.gettext("Projet"), t.gettext("Partenaire"), t.gettext("Règle"),
        t.gettext("Seuil (%)"), t.gettext("Seuil (€)"), t.gettext("Plafond (€)"),
        t.gettext("Début"), t.gettext("Fin"), t.gettext("Objectif (€)"),
        t.gettext("Contributeurs (€)"), t.gettext("Abondement (€)"),
        t.gettext("Statut du projet"), t.gettext("Retiré le"), t.gettext("Calculé le"),
    ]  # fmt: skip
    rows = []
    for report in reports:
        match = report.match
        threshold = match.rule is MatchRule.THRESHOLD
        percent = match.threshold_percent or 0
        rows.append([
            report.title, match.partner,
            t.gettext("complète le reste") if threshold else t.gettext("un euro pour un euro"),
            str(percent) if threshold else "",
            spreadsheet_euros(report.threshold_cents or 0) if threshold else "",
            "" if threshold else spreadsheet_euros(match.cap_cents or 0),
            _day(match.starts_at), _day(match.ends_at), spreadsheet_euros(report.goal_cents),
            spreadsheet_euros(report.contributors_cents), spreadsheet_euros(match.matched_cents),
            t.gettext(STATUS_NAMES[report.status]), _day(report.withdrawn_at),
            _day(report.computed_at),
        ])  # fmt: skip
    return spreadsheet_csv(header, rows)


def reports_caption(t: Translator, count: int) -> str:
    return t.ngettext(
        "📄 {count} abondement, un par ligne : ce que chaque partenaire doit verser, hors de "
        "Kengo.",
        "📄 {count} abondements, un par ligne : ce que chaque partenaire doit verser, hors de "
        "Kengo.",
        count,
    ).format(count=t.number(count))
