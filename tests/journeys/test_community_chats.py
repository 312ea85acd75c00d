"""A project in its community's chats: an owner connects a group or a channel, the bot posts
the card and keeps a progress message live there, and leaves cleanly when removed."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.domain import utcnow
from bot.storage.models import ConnectedChat, Project
from tests.bot_database import db_execute, db_scalar, project_id
from tests.dialogue import (
    WAIT,
    answer_to,
    answer_to_press,
    buttons,
    my_projects,
    plain,
    press_label,
    shown,
    text_of,
    write_news,
)
from tests.fakes.bot_api import ApiCall, BotApiEmulator, FakeUser
from tests.fakes.stripe_api import StripeStandIn
from tests.journeys.harness import KengoInProcess

pytestmark = [pytest.mark.journey, pytest.mark.kengo_settings(chat_progress_seconds=0.2)]


@pytest.fixture
def backend() -> str:
    """SQLite only: what is posted and said in chats does not depend on the engine; the chats'
    statements run on both in tests/integration/test_chat_poster.py and test_community.py."""
    return "sqlite"


GROUP, CHANNEL = -1005001, -1005002
_INVITE = re.compile(r"\?start(group|channel)=(c[A-Za-z0-9_-]{16})&admin=([a-z_+]+)$")


async def _owner_of(
    emulator: BotApiEmulator, database_url: str, slug: str, user_id: int, language: str
) -> tuple[FakeUser, int]:
    owner = emulator.user(user_id, "Katell", language_code=language)
    await answer_to(emulator, owner, "/langue")
    await answer_to_press(emulator, owner, f"lang:{language}")
    project = await project_id(database_url, slug)
    await db_execute(
        database_url, update(Project).where(Project.id == project).values(owner_id=user_id)
    )
    return owner, project


async def _chats_screen(emulator: BotApiEmulator, owner: FakeUser, label: str) -> ApiCall:
    """/mes_projets → the project → "📣 Groupes et canaux"."""
    mine = await my_projects(emulator, owner)
    board = await press_label(emulator, owner, mine, label)
    return await press_label(emulator, owner, board, "📣")


def _links(screen: ApiCall) -> dict[str, tuple[str, str]]:
    """ "group"/"channel": (the start payload, the rights asked) of the screen's URL buttons."""
    found = {}
    for value in buttons(screen).values():
        if match := _INVITE.search(value):
            found[match.group(1)] = (match.group(2), match.group(3))
    return found


async def test_an_owner_connects_a_group_where_progress_follows_pledges(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, stripe_stand_in: StripeStandIn,
    database_url: str,
) -> None:  # fmt: skip
    owner, repair = await _owner_of(emulator, database_url, "repair-cafe-saint-brieuc", 611, "fr")
    screen = await _chats_screen(emulator, owner, "Repair")
    assert "Aucun groupe ni canal connecté" in shown(screen)
    links = _links(screen)
    assert links["group"][1] == "pin_messages"
    assert links["channel"][1] == "post_messages+edit_messages"  # pinning there takes editing
    group = emulator.group(GROUP, "Repair Café <Saint-Brieuc>", [owner])

    mark = emulator.mark()
    await group.add_bot(owner, admin=True, rights=frozenset({"can_pin_messages"}),
                        start=links["group"][0])  # fmt: skip
    told = await emulator.wait_for("sendMessage", chat_id=owner.id, since=mark, timeout=WAIT)
    assert "Groupe « Repair Café &lt;Saint-Brieuc&gt; » connecté à « Un atelier" in shown(told)
    progress = await emulator.wait_for(
        "sendMessage", lambda c: "📊" in text_of(c), chat_id=GROUP, since=mark, timeout=WAIT
    )
    await emulator.wait_for("pinChatMessage", chat_id=GROUP, since=mark, timeout=WAIT)
    card = group.messages()[0]
    support = card.button("Soutenir")
    assert support is not None
    assert "url" in support
    assert "callback_data" not in support
    assert group.pinned_message_id == progress.result["message_id"]

    # A member pledges through the group's button: privately, and counted for the group; the
    # pledge takes the project (170 € of 340 €) past half its goal, which the group hears of.
    await db_execute(
        database_url, update(Project).where(Project.id == repair).values(goal_cents=34_000)
    )
    fan = emulator.user(612, "Yann")
    payload = support["url"].split("?start=", 1)[1]
    mark = emulator.mark()
    await answer_to(emulator, fan, "/langue")
    await answer_to_press(emulator, fan, "lang:fr")
    opened = await answer_to(emulator, fan, f"/start {payload}")
    options = await press_label(emulator, fan, opened, "Soutenir", method="sendMessage")
    amounts = await press_label(emulator, fan, options, "Don libre")
    summary = await press_label(emulator, fan, amounts, "20 €")
    payment = await press_label(emulator, fan, summary, "Continuer vers le paiement")
    pay_url = next(url for label, url in buttons(payment).items() if "Payer" in label)
    session = next(s for s in stripe_stand_in.sessions.values() if s["url"] == pay_url)
    await stripe_stand_in.pay(session["id"])
    edited = await emulator.wait_for(
        "editMessageText", lambda c: "<b>170 €</b>" in plain(text_of(c)),
        chat_id=GROUP, since=mark, timeout=WAIT,
    )  # fmt: skip
    assert edited.params["message_id"] == progress.result["message_id"]
    assert "8 contributeurs" in plain(text_of(edited))
    await emulator.wait_for("sendMessage", lambda c: "atteint la moitié" in text_of(c),
                            chat_id=GROUP, since=mark, timeout=WAIT)  # fmt: skip

    # The owner's list, not the "new pledge" notice the outbox may deliver meanwhile.
    board = await my_projects(emulator, owner)
    board = await press_label(emulator, owner, board, "Repair")
    assert "Repair Café &lt;Saint-Brieuc&gt; : 1 visite · 1 soutien · 20 €" in shown(board)

    # Privacy mode: in the group, the bot answers only what is addressed to it.
    member = emulator.user(613, "Mona")
    group.join(member)
    mark = emulator.mark()
    assert await group.send(member, "Qui vient samedi ?") == -1  # never reaches the bot
    await group.send(member, "/projets")
    await group.send(member, "/help@kengo_test_bot")
    answer = await emulator.wait_for("sendMessage", chat_id=GROUP, since=mark, timeout=WAIT)
    assert "Son porteur connecte" in plain(text_of(answer))
    assert [c.method for c in emulator.calls(chat_id=GROUP)[-1:]] == ["sendMessage"]
    sent = [c for c in emulator.calls(include_failed=True)[mark:] if c.params.get("chat_id")
            in (GROUP, 613) and c.method.startswith("send")]  # fmt: skip
    assert sent == [answer]


async def test_a_channel_connects_then_removing_the_bot_disconnects_it_in_breton(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    owner, _repair = await _owner_of(emulator, database_url, "repair-cafe-saint-brieuc", 621, "br")
    screen = await _chats_screen(emulator, owner, "Repair")
    channel = emulator.channel(CHANNEL, "Kanol Repair", [owner])

    mark = emulator.mark()
    await channel.add_bot(owner)  # no /start in a channel: matched to Katell's latest link
    told = await emulator.wait_for("sendMessage", chat_id=owner.id, since=mark, timeout=WAIT)
    assert "Kanol Repair" in shown(told)
    assert "connecté" not in shown(told)  # in Breton
    await emulator.wait_for(
        "sendMessage", lambda c: "📊" in text_of(c), chat_id=CHANNEL, since=mark, timeout=WAIT
    )
    card = channel.messages()[0]
    assert card.button("Skoazellañ") or card.button("💶")
    again = await _chats_screen(emulator, owner, "Repair")
    assert "Kanol Repair" in shown(again)
    assert _links(screen) != _links(again)  # a fresh one-time link each time

    mark = emulator.mark()
    await channel.remove_bot(owner)
    notice = await emulator.wait_for("sendMessage", chat_id=owner.id, since=mark, timeout=WAIT)
    assert "Kanol Repair" in shown(notice)
    assert "📣" in str(notice.params.get("reply_markup"))
    disconnected = await db_scalar(
        database_url,
        select(ConnectedChat.disconnected_at).where(ConnectedChat.chat_id == CHANNEL),
    )
    assert disconnected is not None


@pytest.mark.parametrize("who", ["not_admin", "not_owner"])
async def test_a_connection_is_refused_to_who_is_not_the_admin_owner(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, database_url: str, who: str
) -> None:
    owner, _ = await _owner_of(emulator, database_url, "repair-cafe-saint-brieuc", 631, "fr")
    token = _links(await _chats_screen(emulator, owner, "Repair"))["group"][0]
    admin = emulator.user(632, "Erwan")
    group = emulator.group(GROUP, "Bro Dreger", [admin])
    group.join(owner)
    adder = owner if who == "not_admin" else admin  # the owner a mere member; or her link passed on
    mark = emulator.mark()
    await group.add_bot(adder, admin=False, start=token)
    expected = "Seul un administrateur" if who == "not_admin" else "Seul le porteur du projet"
    refusal = await emulator.wait_for("sendMessage", lambda c: expected in plain(text_of(c)),
                                      chat_id=GROUP, since=mark, timeout=WAIT)  # fmt: skip
    assert expected in plain(text_of(refusal))
    await emulator.wait_for("leaveChat", chat_id=GROUP, since=mark, timeout=WAIT)
    assert group.bot_status() == "left"
    assert await db_scalar(database_url, select(ConnectedChat.id)) is None


async def test_news_reach_chats_that_take_them_in_their_language_and_so_does_the_outcome(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    owner, repair = await _owner_of(emulator, database_url, "repair-cafe-saint-brieuc", 641, "fr")
    group = emulator.group(GROUP, "Repair Breizh", [owner])
    channel = emulator.channel(CHANNEL, "Kanol", [owner])
    token = _links(await _chats_screen(emulator, owner, "Repair"))["group"][0]
    mark = emulator.mark()
    await group.add_bot(owner, admin=True, rights=frozenset({"can_pin_messages"}), start=token)
    await emulator.wait_for("pinChatMessage", chat_id=GROUP, since=mark, timeout=WAIT)
    await _chats_screen(emulator, owner, "Repair")
    mark = emulator.mark()
    await channel.add_bot(owner)
    await emulator.wait_for("pinChatMessage", chat_id=CHANNEL, since=mark, timeout=WAIT)

    # The channel (listed 2nd) speaks Breton; the group (1st) takes no news.
    screen = await _chats_screen(emulator, owner, "Repair")
    assert "1. <b>Repair Breizh</b> (groupe)" in shown(screen)
    assert "2. <b>Kanol</b> (canal)" in shown(screen)
    screen = await press_label(emulator, owner, screen, "2. 🗣 Langue : Français")
    assert "2. 🗣 Langue : Brezhoneg" in [plain(label) for label in buttons(screen)]
    screen = await press_label(emulator, owner, screen, "1. 📰 Actualités : oui")
    assert "langue : Français · actualités : non" in shown(screen)

    mark = emulator.mark()
    preview = await write_news(emulator, owner, "Repair", "Digor eo an atelier d'ar Sadorn !")
    await press_label(emulator, owner, preview, "Envoyer")
    posted = await emulator.wait_for("sendMessage", lambda c: "Digor eo" in text_of(c),
                                     chat_id=CHANNEL, since=mark, timeout=WAIT)  # fmt: skip
    assert "Keleier" in text_of(posted)
    assert "Skoazellañ" in " ".join(buttons(posted))

    mark = emulator.mark()
    await db_execute(database_url, update(Project).where(Project.id == repair)
                     .values(ends_at=utcnow() - timedelta(minutes=1)))  # fmt: skip
    for chat, words in ((GROUP, "est terminée et réussie"), (CHANNEL, "deuet eo a-benn")):
        await emulator.wait_for("sendMessage", lambda c, w=words: w in text_of(c),
                                chat_id=chat, since=mark, timeout=WAIT)  # fmt: skip
    assert not [c for c in emulator.calls(chat_id=GROUP) if "Digor eo" in text_of(c)]


async def test_a_chat_shows_one_project_and_its_owner_disconnects_it(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    owner, _ = await _owner_of(emulator, database_url, "repair-cafe-saint-brieuc", 651, "fr")
    other, _ = await _owner_of(emulator, database_url, "podcast-klevet-rennes", 652, "fr")
    group = emulator.group(GROUP, "Bro Dreger", [owner, other])
    token = _links(await _chats_screen(emulator, owner, "Repair"))["group"][0]
    mark = emulator.mark()
    await group.add_bot(owner, admin=True, rights=frozenset({"can_pin_messages"}), start=token)
    await emulator.wait_for("pinChatMessage", chat_id=GROUP, since=mark, timeout=WAIT)

    # Another project's owner, also an administrator there, tries the same group: refused,
    # and the bot stays for the project already shown.
    other_token = _links(await _chats_screen(emulator, other, "Klevet"))["group"][0]
    mark = emulator.mark()
    await group.send(other, f"/start@kengo_test_bot {other_token}")
    refusal = await emulator.wait_for("sendMessage", chat_id=GROUP, since=mark, timeout=WAIT)
    assert "présente déjà un autre projet" in plain(text_of(refusal))
    assert "Je me retire" not in plain(text_of(refusal))
    assert group.bot_status() == "administrator"

    # Upgraded to a supergroup, the group keeps its connection under its new id.
    supergroup = await group.migrate_to_supergroup(GROUP - 1)
    await _until(database_url, GROUP - 1)

    # The owner disconnects it: the bot leaves, and the screen lists no chat any more.
    screen = await _chats_screen(emulator, owner, "Repair")
    mark = emulator.mark()
    screen = await press_label(emulator, owner, screen, "1. ✖ Déconnecter")
    assert "Aucun groupe ni canal connecté" in shown(screen)
    await emulator.wait_for("leaveChat", chat_id=GROUP - 1, since=mark, timeout=WAIT)
    assert supergroup.bot_status() == "left"
    assert not [c for c in emulator.calls("sendMessage", chat_id=owner.id)[-3:]
                if "ne peut plus publier" in shown(c)]  # fmt: skip


async def _until(database_url: str, chat_id: int) -> None:
    """Wait until the bot has recorded the chat's new id (a service message has no answer)."""
    for _ in range(100):
        found = await db_scalar(
            database_url, select(ConnectedChat.id).where(ConnectedChat.chat_id == chat_id)
        )
        if found is not None:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"chat {chat_id} was never recorded")


async def test_a_channel_added_without_a_link_is_left_with_the_way_explained_in_their_language(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    # Erwan administers a channel and adds the bot by hand: there is no link in a channel, and
    # he never asked for one. He is told in private, in Breton, how an owner connects one.
    erwan = emulator.user(661, "Erwan", language_code="br")
    channel = emulator.channel(CHANNEL, "Kanol Erwan", [erwan])
    mark = emulator.mark()
    await channel.add_bot(erwan)
    told = await emulator.wait_for("sendMessage", chat_id=erwan.id, since=mark, timeout=WAIT)
    assert "Kevreañ ur chadenn" in shown(told)
    assert "n'est plus valable" not in shown(told)
    assert "Mont a ran kuit." in shown(told)
    await emulator.wait_for("leaveChat", chat_id=CHANNEL, since=mark, timeout=WAIT)
    assert channel.bot_status() == "left"


async def test_pinning_follows_the_setting_and_a_refusal_is_told_not_hidden(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    owner, _ = await _owner_of(emulator, database_url, "repair-cafe-saint-brieuc", 671, "fr")
    group = emulator.group(GROUP, "Bro Dreger", [owner])
    token = _links(await _chats_screen(emulator, owner, "Repair"))["group"][0]
    # Added as a mere member: Telegram refuses the pin, the owner is told why and what to do,
    # and the screen no longer claims the progress is pinned.
    mark = emulator.mark()
    await group.add_bot(owner, admin=False, start=token)
    told = await emulator.wait_for("sendMessage", lambda c: "📌" in text_of(c),
                                   chat_id=owner.id, since=mark, timeout=WAIT)  # fmt: skip
    assert "n'a pas pu épingler son message de progression dans « Bro Dreger »" in shown(told)
    assert "📣" in str(told.params.get("reply_markup"))
    assert group.pinned_message_id is None
    screen = await _chats_screen(emulator, owner, "Repair")
    assert "épinglé : non" in shown(screen)
    progress = next(m for m in group.messages() if "📊" in (m.text or ""))

    # Pressing "Épingler" before giving the right: refused again, said on the screen.
    refused = await press_label(emulator, owner, screen, "1. 📌 Épingler : non")
    assert "n'a pas pu épingler" in shown(refused)
    assert "épinglé : non" in shown(refused)

    # Once the bot may pin, the setting pins the message at once, and unpins it.
    await group.add_bot(owner, admin=True, rights=frozenset({"can_pin_messages"}))
    pinned = await press_label(emulator, owner, refused, "1. 📌 Épingler : non")
    assert "épinglé : oui" in shown(pinned)
    assert "n'a pas pu" not in shown(pinned)
    assert group.pinned_message_id == progress.message_id
    unpinned = await press_label(emulator, owner, pinned, "1. 📌 Épingler : oui")
    assert "épinglé : non" in shown(unpinned)
    assert group.pinned_message_id is None


async def test_a_channel_that_refuses_the_pin_names_the_right_it_takes_in_breton(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    owner, _ = await _owner_of(emulator, database_url, "repair-cafe-saint-brieuc", 681, "br")
    channel = emulator.channel(CHANNEL, "Kanol", [owner])
    await _chats_screen(emulator, owner, "Repair")
    mark = emulator.mark()
    await channel.add_bot(owner, rights=frozenset({"can_post_messages"}))  # may not edit: nor pin
    told = await emulator.wait_for("sendMessage", lambda c: "📌" in text_of(c),
                                   chat_id=owner.id, since=mark, timeout=WAIT)  # fmt: skip
    assert "en ur chadenn e rank kaout ar gwir merour da gemmañ ar c'hemennadennoù" in shown(told)
    assert "spilhennet : ket" in shown(await _chats_screen(emulator, owner, "Repair"))


async def test_a_channel_added_without_the_right_to_post_says_which_and_connects_once_given(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    owner, _repair = await _owner_of(emulator, database_url, "repair-cafe-saint-brieuc", 622, "fr")
    await _chats_screen(emulator, owner, "Repair")
    channel = emulator.channel(CHANNEL, "Kanol Repair", [owner])

    mark = emulator.mark()
    await channel.add_bot(owner, rights=frozenset({"can_edit_messages"}))  # may not post
    told = await emulator.wait_for("sendMessage", chat_id=owner.id, since=mark, timeout=WAIT)
    assert "sans le droit d'y publier" in shown(told)
    assert "Publier des messages" in shown(told)
    assert channel.messages() == []  # nothing posted, nothing connected yet

    mark = emulator.mark()
    await channel.promote_bot(owner, frozenset({"can_post_messages", "can_edit_messages"}))
    connected = await emulator.wait_for("sendMessage", chat_id=owner.id, since=mark, timeout=WAIT)
    assert "Canal « Kanol Repair » connecté" in shown(connected)
    await emulator.wait_for(
        "sendMessage", lambda c: "📊" in text_of(c), chat_id=CHANNEL, since=mark, timeout=WAIT
    )


async def test_a_group_the_bot_is_added_to_by_hand_is_told_what_it_does_there(
    demo_bot: KengoInProcess, emulator: BotApiEmulator
) -> None:
    admin = emulator.user(641, "Erwan", language_code="br")
    group = emulator.group(GROUP, "Bro Dreger", [admin])
    mark = emulator.mark()
    await group.add_bot(admin, admin=False)  # no link: nobody is connecting anything
    hello = await emulator.wait_for("sendMessage", chat_id=GROUP, since=mark, timeout=WAIT)
    assert "/mes_projets" in text_of(hello)
    assert "Kengo a embann amañ" in plain(text_of(hello))  # in the language of who added it
