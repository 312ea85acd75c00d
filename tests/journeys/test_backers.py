"""The owner's backers: the list per reward, its CSV export, a message to one reward's
contributors; a contributor's own data and its erasure after the campaign."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.domain import (
    Category,
    DeliveryMode,
    Departement,
    FundingModel,
    PledgeStatus,
    ProjectStatus,
    SupporterDisplay,
    utcnow,
)
from bot.storage.models import Follow, Pledge, Project, RewardTier, User
from tests.bot_database import db_add, db_scalar
from tests.dialogue import (
    WAIT,
    answer_to,
    answer_to_press,
    buttons,
    expect,
    my_projects,
    press,
    press_label,
    shown,
)
from tests.fakes.bot_api import BotApiEmulator
from tests.journeys.harness import KengoInProcess

pytestmark = pytest.mark.journey
ADDRESS = {"line1": "3 straed an Iliz", "postal_code": "29200", "city": "Brest", "country": "FR"}


def _project(owner_id: int, slug: str, **fields: Any) -> Project:
    now = utcnow()
    values: dict[str, Any] = {
        "owner_id": owner_id, "slug": slug, "status": ProjectStatus.LIVE, "title": "Atelier pins",
        "summary": "Des pins bretons.", "description": "Des pins.", "breton_connection": "Brest",
        "category": Category.CULTURE, "departement": Departement.FINISTERE, "commune": "Brest",
        "goal_cents": 100_000, "funding_model": FundingModel.ALL_OR_NOTHING, "duration_days": 30,
        "starts_at": now - timedelta(days=5), "ends_at": now + timedelta(days=25),
    }  # fmt: skip
    values.update(fields)
    return Project(**values)


def _paid(user: int, project: int, tier: int | None, cents: int, **fields: Any) -> Pledge:
    return Pledge(user_id=user, project_id=project, reward_tier_id=tier, amount_cents=cents,
                  status=PledgeStatus.PAID, paid_at=utcnow(), **fields)  # fmt: skip


async def test_owner_lists_exports_and_writes_to_one_rewards_contributors(
    running: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    owner, stranger = emulator.user(801, "Katell"), emulator.user(804, "Youenn")
    emulator.user(802, "Anna")
    emulator.user(803, "Erwan", language_code="br")
    fan = emulator.user(805, "Gwen")
    await db_add(database_url, *(User(id=u, first_name=n, locale=loc, locale_chosen=True)
                                 for u, n, loc in ((801, "Katell", "fr"), (802, "Anna", "fr"),
                                                   (803, "Erwan", "br"), (804, "Youenn", "fr"),
                                                   (805, "Gwen", "fr"))))  # fmt: skip
    (project,) = await db_add(database_url, _project(801, "atelier-pins"))
    pins, workshop = await db_add(
        database_url,
        RewardTier(project_id=project, title="Pins", min_amount_cents=1_500,
                   delivery_mode=DeliveryMode.SHIPPED),
        RewardTier(project_id=project, title="Atelier", min_amount_cents=3_000, position=1),
    )  # fmt: skip
    await db_add(
        database_url,
        _paid(802, project, pins, 1_500, contact_email="anna@example.org", contact_name="Anna",
              shipping_name="Anna Kerleau", shipping_address=ADDRESS,
              supporter_display=SupporterDisplay.ANONYMOUS),
        _paid(803, project, pins, 2_000, contact_email="erwan@example.org",
              contact_name="Erwan Morvan", supporter_display=SupporterDisplay.NICKNAME,
              supporter_nickname="Erwanig"),
        *(_paid(804, project, workshop, 3_000, contact_name=f"Youenn {n}") for n in range(9)),
        _paid(804, project, None, 500, personal_data_erased_at=utcnow()),
        Follow(user_id=805, project_id=project),
    )  # fmt: skip

    board = await press_label(emulator, owner, await my_projects(emulator, owner),
                              "Atelier pins")  # fmt: skip
    listing = await press_label(emulator, owner, board, "Contributeurs")
    assert "Contributeurs de « Atelier pins »" in shown(listing)
    assert "12 soutiens payés" in shown(listing)
    assert "Page 1 sur 2" in shown(listing)
    assert "<b>Anna Kerleau</b> (anonyme sur la fiche) — 15 € — Pins" in shown(listing)
    assert "3 straed an Iliz, 29200 Brest, FR" in shown(listing)
    assert "<b>Erwan Morvan</b> (« Erwanig » sur la fiche)" in shown(listing)
    assert "en main propre" in shown(listing)
    last = await press_label(emulator, owner, listing, "▶")
    assert "Page 2 sur 2" in shown(last)
    assert "données effacées" in shown(last)

    only_pins = await press_label(emulator, owner, last, "Pins (2)")
    assert "Contrepartie : Pins" in shown(only_pins)
    assert "Youenn" not in shown(only_pins)

    # Someone else pressing the owner's button (forged) is refused; garbage is a stale button.
    export_data = press(only_pins, "Exporter").removeprefix("press:")
    refusal = await answer_to_press(emulator, stranger, export_data, "answerCallbackQuery")
    assert "Seul le porteur du projet" in shown(refusal)
    assert refusal.params.get("show_alert")
    stale = await answer_to_press(emulator, stranger, "bk:l:1:0:zz", "answerCallbackQuery")
    assert "plus valable" in shown(stale)

    mark = emulator.mark()
    await owner.press(buttons(only_pins)[next(k for k in buttons(only_pins) if "CSV" in k)])
    sent = await emulator.wait_for("sendDocument", chat_id=801, since=mark, timeout=WAIT)
    document = sent.params["document"]
    assert document.filename == "kengo-atelier-pins-contributeurs.csv"
    assert document.content.startswith(b"\xef\xbb\xbf")  # the BOM spreadsheets read
    rows = list(csv.reader(io.StringIO(document.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["Date", "Nom", "E-mail", "Montant (€)", "Contrepartie"]
    assert len(rows) == 1 + 12
    anna_row = next(r for r in rows if r[1] == "Anna Kerleau")
    assert anna_row[2:6] == ["anna@example.org", "15,00", "Pins", "envoi postal"]
    assert anna_row[6:12] == ["3 straed an Iliz", "", "29200", "Brest", "", "FR"]
    assert anna_row[12] == "anonyme sur la fiche"
    assert any(r[1] == "données effacées" and r[3] == "5,00" for r in rows)

    prompt = await press_label(emulator, owner, only_pins, "Écrire aux contributeurs",
                               method="sendMessage")  # fmt: skip
    assert "Écrivez votre message aux contributeurs de « Pins »" in shown(prompt)
    mark = emulator.mark()
    await owner.send("Vos pins partent lundi !")
    preview = await emulator.wait_for(
        "sendMessage", lambda c: "Envoyer à 2 contributeurs" in str(c.params.get("reply_markup")),
        chat_id=801, since=mark, timeout=WAIT,
    )  # fmt: skip
    assert "Message de « Atelier pins » aux contributeurs de « Pins »" in shown(preview)
    done = await expect(emulator, owner, press(preview, "Envoyer à 2"), "Message envoyé")
    assert "2 contributeurs de « Pins » vont le recevoir" in shown(done)
    french = await emulator.wait_for("sendMessage", lambda c: "partent lundi" in shown(c),
                                     chat_id=802, since=mark, timeout=WAIT)  # fmt: skip
    assert "Message de « Atelier pins » aux contributeurs de « Pins »" in shown(french)
    breton = await emulator.wait_for("sendMessage", lambda c: "partent lundi" in shown(c),
                                     chat_id=803, since=mark, timeout=WAIT)  # fmt: skip
    assert "Kemennadenn « Atelier pins » d'ar roerien o deus dibabet « Pins »" in shown(breton)
    for other in (stranger, fan):  # the other reward's contributor, a mere follower
        assert not [c for c in emulator.calls("sendMessage", chat_id=other.chat_id)
                    if "partent lundi" in shown(c)]  # fmt: skip


async def test_a_contributor_sees_their_data_and_erases_it_once_the_campaign_is_over(
    running: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    erwan = emulator.user(811, "Erwan", language_code="br")
    anna = emulator.user(812, "Anna")
    await db_add(database_url, User(id=810, first_name="Katell", locale="fr", locale_chosen=True),
                 User(id=811, first_name="Erwan", locale="br", locale_chosen=True),
                 User(id=812, first_name="Anna", locale="fr", locale_chosen=True))  # fmt: skip
    live, over = await db_add(
        database_url, _project(810, "pins-live"),
        _project(810, "pins-over", title="Gouel echu", status=ProjectStatus.SUCCEEDED,
                 ends_at=utcnow() - timedelta(days=2)),
    )  # fmt: skip
    kept, erased, _ = await db_add(
        database_url,
        _paid(811, live, None, 1_000, contact_email="erwan@example.org", shipping_address=ADDRESS),
        _paid(811, over, None, 2_500, contact_email="erwan@example.org", contact_name="Erwan M"),
        _paid(812, live, None, 700, contact_email="anna@example.org"),
    )  # fmt: skip

    data = await expect(emulator, erwan, "/mes_donnees", "Ma roadennoù")
    assert "erwan@example.org" in shown(data)
    assert "3 straed an Iliz, 29200 Brest, FR" in shown(data)
    assert "da zilemel goude an dastumadeg" in shown(data)  # the live one: after the campaign
    confirm = await expect(emulator, erwan, press(data, "Dilemel ma titouroù"), "Ne vo ket tu",
                           method="editMessageText")  # fmt: skip
    done = await expect(emulator, erwan, press(confirm, "Kadarnaat"), "Graet eo",
                        method="editMessageText")  # fmt: skip
    assert "1 donezon" in shown(done)
    email, amount = select(Pledge.contact_email), select(Pledge.amount_cents)
    assert await db_scalar(database_url, email.where(Pledge.id == erased)) is None
    assert await db_scalar(database_url, amount.where(Pledge.id == erased)) == 2_500  # accounts
    assert await db_scalar(database_url, email.where(Pledge.id == kept)) == "erwan@example.org"

    # In French, from /mes_soutiens: during the campaign, why not yet, and the ways on.
    pledges = await answer_to(emulator, anna, "/mes_soutiens")
    own = await press_label(emulator, anna, pledges, "Mes données")
    assert "anna@example.org" in shown(own)
    assert "le porteur en a besoin pour vous livrer" in shown(own)
    assert "Effacer" not in " ".join(buttons(own))
    assert {"💶 Mes soutiens", "🏠 Menu"} <= set(buttons(own))
