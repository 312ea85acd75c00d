"""What cards and lists say: progress, plurals in both languages, limits of Telegram."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from bot.domain import (
    Anomaly,
    Category,
    Claim,
    Departement,
    FundingModel,
    ProjectCard,
    ProjectStatus,
    ProjectSummary,
    Resubmission,
    Review,
    TierView,
    utcnow,
)
from bot.i18n.translator import Catalogs, Translator
from bot.notifications.messages import Recipient, render
from bot.views import moderation
from bot.views.card import (
    CAPTION_LIMIT,
    TEXT_LIMIT,
    card_keyboard,
    render_card,
    supporters_line,
)
from bot.views.moderation_panel import split_paragraphs
from bot.views.progress import contributors, progress_bar, time_left
from tests.fakes.bot_api_html import parse_html, utf16_len


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return Catalogs.load()


def tr(catalogs: Catalogs, locale: str) -> Translator:
    return catalogs.translator(locale)


def test_progress_bar_never_rounds_up_to_the_goal(catalogs: Catalogs) -> None:
    fr = tr(catalogs, "fr")
    assert progress_bar(fr, 42_000, 100_000) == "▰▰▰▰▱▱▱▱▱▱ 42\u00a0%"
    assert progress_bar(fr, 99_600, 100_000).endswith("99\u00a0%")
    assert progress_bar(fr, 250_000, 100_000).startswith("▰" * 10 + " 250")


@pytest.mark.parametrize(
    ("days", "french", "breton"),
    [
        (1, "1 jour restant", "1 devezh a chom"),
        (2, "2 jours restants", "2 zevezh a chom"),
        (3, "3 jours restants", "3 devezh a chom"),
        (5, "5 jours restants", "5 devezh a chom"),
        (22, "22 jours restants", "22 zevezh a chom"),
    ],
)
def test_days_left_in_both_languages(
    catalogs: Catalogs, days: int, french: str, breton: str
) -> None:
    now = utcnow()
    ends = now + timedelta(days=days, hours=3)
    assert time_left(tr(catalogs, "fr"), ends, now) == french
    assert time_left(tr(catalogs, "br"), ends, now) == breton


def test_last_hours_and_ended(catalogs: Catalogs) -> None:
    now = utcnow()
    assert (
        time_left(tr(catalogs, "br"), now + timedelta(hours=5), now) == "An eurioù diwezhañ\u202f!"
    )
    assert time_left(tr(catalogs, "fr"), now - timedelta(hours=5), now) == "Campagne terminée"


@pytest.mark.parametrize(
    ("count", "french", "breton"),
    [(0, "Aucun contributeur pour l’instant", "Roer ebet c'hoazh"),
     (1, "1 contributeur", "1 roer"), (2, "2 contributeurs", "2 roer"),
     (1_000_000, "1\u202f000\u202f000 contributeurs", "1\u00a0000\u00a0000 a roerien")],
)  # fmt: skip
def test_contributors_in_both_languages(
    catalogs: Catalogs, count: int, french: str, breton: str
) -> None:
    assert contributors(tr(catalogs, "fr"), count) == french
    assert contributors(tr(catalogs, "br"), count) == breton


def _card(description: str, *, photo: str | None = None) -> ProjectCard:
    summary = ProjectSummary(
        id=7, title="Fest-noz <de> l'été & co", commune="Lannion",
        departement=Departement.COTES_DARMOR, category=Category.CULTURE,
        status=ProjectStatus.LIVE, raised_cents=72_000, goal_cents=100_000,
        contributors_count=3, ends_at=utcnow() + timedelta(days=12, hours=1),
        photo_file_id=photo,
    )  # fmt: skip
    tiers = [
        TierView("Badge", "", 1_000, None, None),
        TierView("Stage", "", 4_500, 0, None),
        TierView("Tee-shirt", "", 2_500, 3, None),
    ]
    return ProjectCard(summary, 1, "Deux nuits de danse.", description, FundingModel.KEEP_IT_ALL,
                       tiers, following=False, news_count=2)  # fmt: skip


def test_card_says_everything_a_contributor_needs(catalogs: Catalogs) -> None:
    rendered = render_card(tr(catalogs, "fr"), _card("Tout le programme."), as_caption=False)
    assert not rendered.truncated
    expectations = [
        "<b>Fest-noz &lt;de&gt; l'été &amp; co</b>",
        "📍 Lannion · Côtes-d’Armor",
        "🏷 Culture",
        "▰▰▰▰▰▰▰▱▱▱ 72",
        "<b>720\u00a0€</b> collectés sur 1\u202f000\u00a0€",
        "3 contributeurs",
        "12 jours restants",
        "Garder tout",
        "• <b>Stage</b> — dès 45\u00a0€ · épuisé",
        "3 restants",
        "Tout le programme.",
    ]
    for expected in expectations:
        assert expected in rendered.text, expected


def test_long_descriptions_go_behind_read_more(catalogs: Catalogs) -> None:
    t = tr(catalogs, "br")
    long_text = "Kan ha diskan & fest-noz. " * 400
    caption = render_card(t, _card(long_text, photo="photo-id"), as_caption=True)
    text = render_card(t, _card(long_text), as_caption=False)
    assert caption.truncated
    assert text.truncated
    # Telegram counts what is seen once the HTML is parsed, in UTF-16 units.
    assert utf16_len(parse_html(caption.text).text) <= CAPTION_LIMIT
    assert utf16_len(parse_html(text.text).text) <= TEXT_LIMIT
    assert not caption.text.rstrip("…").endswith("&")
    keyboard = card_keyboard(t, _card(long_text), None, truncated=True)
    labels = [button.text for row in keyboard.inline_keyboard for button in row]
    assert "📖 Lenn ar peurrest" in labels
    assert "📰 Keleier (2)" in labels
    for row in keyboard.inline_keyboard:
        for button in row:
            assert button.callback_data is not None
            assert len(str(button.callback_data).encode()) <= 64


ANOMALY = Anomaly(
    pledge_id=42, project_id=7, title="Fest-noz <Kerne> & co", expected_cents=5_000,
    charged_cents=50, currency="usd", reason="currency",
)  # fmt: skip


@pytest.mark.parametrize(
    ("locale", "heading", "line"),
    [
        ("fr", "1 paiement en anomalie",
         "• soutien n°\u202f42 à «\u202fFest-noz <Kerne> & co\u202f»\u00a0: attendu 50\u00a0€, "
         "Stripe a encaissé 0,50\u00a0$US (la devise encaissée n’est pas l’euro)"),
        ("br", "1 paeamant direizh",
         "• donezon niv. 42 evit «\u202fFest-noz <Kerne> & co\u202f»\u00a0: gortozet 50\u00a0€, "
         "paeet 0,50\u00a0$ SU war Stripe (n'eo ket bet paeet en euroioù)"),
    ],
)  # fmt: skip
def test_moderation_lists_the_pledges_in_anomaly_under_the_queue(
    catalogs: Catalogs, locale: str, heading: str, line: str
) -> None:
    t = tr(catalogs, locale)
    text = moderation.queue_text(t, [], 0, [ANOMALY], 1)
    shown = parse_html(text).text
    assert shown.startswith(moderation.queue_text(t, [], 0))  # the projects' queue comes first
    assert heading in shown
    assert shown.splitlines()[-1] == line
    assert moderation.queue_text(t, [], 0, [], 0) == moderation.queue_text(t, [], 0)


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("fr", ["Paiement en anomalie", "soutien n°\u202f42", "Attendu\u00a0: 50\u00a0€",
                "Encaissé par Stripe\u00a0: 40\u00a0€",
                "Raison\u00a0: le montant encaissé diffère de celui du soutien"]),
        ("br", ["Paeamant direizh", "donezon niv. 42", "Gortozet\u00a0: 50\u00a0€",
                "Paeet war Stripe\u00a0: 40\u00a0€",
                "Abeg\u00a0: disheñvel eo ar sammad paeet diouzh hini an donezon"]),
    ],
)  # fmt: skip
def test_each_moderator_is_told_of_an_anomaly_in_their_language(
    catalogs: Catalogs, locale: str, words: list[str]
) -> None:
    payload = {"title": ANOMALY.title, "pledge_id": 42, "expected_cents": 5_000,
               "charged_cents": 4_000, "currency": "eur", "reason": "amount"}  # fmt: skip
    text, keyboard = render(
        tr(catalogs, locale), "moderator_anomaly", payload, Recipient(900_001, 7, "kengo_bot")
    )
    shown = parse_html(text).text
    assert "«\u202fFest-noz <Kerne> & co\u202f»" in shown
    for word in words:
        assert word in shown
    assert keyboard is not None  # the project's card, one tap away


@pytest.mark.parametrize(
    ("names", "count", "french", "breton"),
    [
        ((), 0, "Aucun contributeur pour l’instant", "Roer ebet c'hoazh"),
        ((), 40, "40 contributeurs", "40 roer"),  # all anonymous: the count alone
        (("Mona",), 1, "Contributeur\u00a0: Mona", "Roer\u00a0: Mona"),
        (("Mona",), 2, "Mona et 1 autre contributeur", "Mona ha 1 roer all"),
        (("Mona", "Youenn"), 2, "Contributeurs\u00a0: Mona et Youenn",
         "Roerien\u00a0: Mona ha Youenn"),
        (("Mona", "Youenn"), 40, "Mona, Youenn et 38 autres contributeurs",
         "Mona, Youenn ha 38 roer all"),
        (("Mona", "Youenn", "Gwen"), 3, "Contributeurs\u00a0: Mona, Youenn et Gwen",
         "Roerien\u00a0: Mona, Youenn ha Gwen"),
        (("Mona", "Youenn", "Gwen"), 5, "Mona, Youenn, Gwen et 2 autres contributeurs",
         "Mona, Youenn, Gwen ha 2 roer all"),
        (("A&B", "<i>"), 1_000_002,
         "A&amp;B, &lt;i&gt; et 1\u202f000\u202f000 autres contributeurs",
         "A&amp;B, &lt;i&gt; ha 1\u00a0000\u00a0000 a roerien all"),
    ],
)  # fmt: skip
def test_supporters_line_in_both_languages(
    catalogs: Catalogs, names: tuple[str, ...], count: int, french: str, breton: str
) -> None:
    assert supporters_line(tr(catalogs, "fr"), names, count) == french
    assert supporters_line(tr(catalogs, "br"), names, count) == breton


def test_card_names_its_latest_supporters(catalogs: Catalogs) -> None:
    card = dataclasses.replace(_card("Tout."), supporters=("Mona <3", "Youenn"))
    french = render_card(tr(catalogs, "fr"), card, as_caption=False).text
    assert "👥 Mona &lt;3 et Youenn · ⏳" not in french  # three contributors: one more
    assert "👥 Mona &lt;3, Youenn et 1 autre contributeur · ⏳ 12 jours restants" in french
    breton = render_card(tr(catalogs, "br"), card, as_caption=False).text
    assert "👥 Mona &lt;3, Youenn ha 1 roer all · ⏳" in breton


def test_the_moderation_queue_tells_waiting_time_resubmission_and_claim(
    catalogs: Catalogs,
) -> None:
    t = tr(catalogs, "fr")
    now = utcnow()
    card = _card("")
    review = Review(1, ProjectStatus.IN_REVIEW, "Maïwenn", None, now - timedelta(days=3, hours=2),
                    "", 30, card, claim=Claim(9, "Soazig", now),
                    resubmission=Resubmission("Le budget ?", ()))  # fmt: skip
    line = moderation.queue_text(t, [review], 1, now=now).splitlines()[1]
    assert "depuis\u00a03\u00a0jours" in line.replace(" ", "\u00a0")
    assert "🔁 resoumis" in line
    assert "👤 pris par Soazig" in line
    # A long text is cut between paragraphs, each message within the limit.
    chunks = split_paragraphs("\n\n".join(["<b>a</b> " + "mot " * 30] * 10), 400)
    assert len(chunks) > 1
    assert all(c.count("<b>") == c.count("</b>") for c in chunks)
    assert all(len(c) <= 400 for c in chunks)
