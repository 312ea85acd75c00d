"""Partner matches as contributors and owners read them: on a card (and a chat's progress
message) and on the owner's dashboard. The moderators' screens are in match_moderation.py."""

from __future__ import annotations

from bot.domain import (
    MatchDraft,
    MatchRule,
    PartnerMatch,
    ProjectCard,
    ProjectSummary,
    utcnow,
)
from bot.i18n.text import escape_html
from bot.i18n.translator import Translator


def card_lines(t: Translator, card: ProjectCard) -> list[str]:
    """Under a card's progress: the partner's share, its rule, and what giving now does."""
    match = card.match
    if match is None or not (match.matched_cents or utcnow() < match.ends_at):
        return []  # ended without adding anything: nothing to tell
    lines = []
    if match.matched_cents:
        lines.append(
            t.gettext("🤝 dont {amount} apportés par {partner}").format(
                amount=t.money(match.matched_cents), partner=escape_html(match.partner)
            )
        )
    lines.append(rule_line(t, match, card.summary))
    partner = escape_html(match.partner)
    if match.to_trigger_cents:
        lines.append(
            t.gettext("👉 Encore {amount} et {partner} complète le reste !").format(
                amount=t.money(match.to_trigger_cents), partner=partner
            )
        )
    elif match.cap_left_cents:
        lines.append(
            t.gettext(
                "👉 Chaque euro donné maintenant est doublé, jusqu’à {amount} encore."
            ).format(amount=t.money(match.cap_left_cents))
        )
    return lines


def rule_text(t: Translator, match: PartnerMatch | MatchDraft, partner: str) -> str:
    """The rule in words, e.g. "Région Bretagne complète le reste dès 80 % de l’objectif"."""
    if match.rule is MatchRule.THRESHOLD:
        return t.gettext("{partner} complète le reste dès {percent} de l’objectif").format(
            partner=escape_html(partner), percent=t.percent((match.threshold_percent or 0) / 100)
        )
    return t.gettext("{partner} double chaque euro donné, jusqu’à {cap}").format(
        partner=escape_html(partner), cap=t.money(match.cap_cents or 0)
    )


def rule_line(t: Translator, match: PartnerMatch, project: ProjectSummary) -> str:
    """🤝 and the rule, with its end when it ends before the campaign."""
    line = f"🤝 {rule_text(t, match, match.partner)}"
    if project.ends_at is None or match.ends_at < project.ends_at:
        line += " · " + t.gettext("jusqu’au {date}").format(date=t.date(match.ends_at))
    return line


def dashboard_lines(
    t: Translator, project: ProjectSummary, match: PartnerMatch | None
) -> list[str]:
    """The owner's split: the contributors' money apart from the partner's, and the rule."""
    if match is None:
        return []
    split = t.gettext("🤝 Contributeurs : {contributed} · {partner} : {matched}").format(
        contributed=t.money(project.contributed_cents),
        partner=escape_html(match.partner),
        matched=t.money(project.matched_cents),
    )
    return [split, rule_line(t, match, project)]
