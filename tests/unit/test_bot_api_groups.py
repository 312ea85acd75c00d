"""The Bot API emulator's groups and channels, driven by a real python-telegram-bot client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot as PtbBot
from telegram import ChatMemberAdministrator, ChatMemberOwner, Update
from telegram.error import BadRequest, Forbidden, RetryAfter

from tests.fakes.bot_api import BotApiEmulator, FakeUser
from tests.fakes.bot_api_groups import GROUP_LIMIT

GROUP, CHANNEL = -100111, -100222


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator() as emulator:
        yield emulator


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[PtbBot]:
    async with PtbBot(emu.token, base_url=emu.base_url, base_file_url=emu.base_file_url) as b:
        yield b


@pytest.fixture
def owner(emu: BotApiEmulator) -> FakeUser:
    return emu.user(1001, "Katell")


async def test_adding_the_bot_with_a_startgroup_link_sends_my_chat_member_then_start(
    emu: BotApiEmulator, owner: FakeUser
) -> None:
    group = emu.group(GROUP, "Bagad", [owner])
    await group.add_bot(owner, admin=True, rights=frozenset({"can_pin_messages"}), start="c42")
    membership, start = (Update.de_json(u, None) for u in emu.pending_updates)
    assert membership.my_chat_member is not None
    assert membership.my_chat_member.from_user.id == owner.id
    assert membership.my_chat_member.old_chat_member.status == "left"
    new = membership.my_chat_member.new_chat_member
    assert isinstance(new, ChatMemberAdministrator)
    assert new.can_pin_messages is True
    assert new.can_post_messages is False
    assert start.message is not None
    assert start.message.text == "/start@kengo_test_bot c42"
    assert start.message.from_user is not None
    assert start.message.from_user.id == owner.id


async def test_privacy_mode_forwards_only_commands_addressed_to_the_bot(
    emu: BotApiEmulator, owner: FakeUser
) -> None:
    group = emu.group(GROUP, "Bagad", [owner])
    assert await group.send(owner, "Demat d'an holl") == -1
    assert await group.send(owner, "/start@another_bot") == -1
    await group.send(owner, "/help@kengo_test_bot")
    await group.send(owner, "/projets")
    texts = [u["message"]["text"] for u in emu.pending_updates]
    assert texts == ["/help@kengo_test_bot", "/projets"]


async def test_get_chat_member_answers_by_the_chat_administrators(
    emu: BotApiEmulator, bot: PtbBot, owner: FakeUser
) -> None:
    helper, stranger = emu.user(1002, "Yann"), emu.user(1003, "Mona")
    emu.group(GROUP, "Bagad", [owner, helper])
    assert isinstance(await bot.get_chat_member(GROUP, owner.id), ChatMemberOwner)
    assert (await bot.get_chat_member(GROUP, helper.id)).status == "administrator"
    assert (await bot.get_chat_member(GROUP, stranger.id)).status == "left"


async def test_the_bot_posts_only_where_it_is_a_member_and_may_post(
    emu: BotApiEmulator, bot: PtbBot, owner: FakeUser
) -> None:
    group = emu.group(GROUP, "Bagad", [owner])
    with pytest.raises(Forbidden, match=r"(?i)bot is not a member of the group chat"):
        await bot.send_message(GROUP, "Demat")
    await group.add_bot(owner)
    await bot.send_message(GROUP, "Demat")
    await group.remove_bot(owner)
    with pytest.raises(Forbidden, match=r"(?i)bot was kicked from the group chat"):
        await bot.send_message(GROUP, "Demat")

    channel = emu.channel(CHANNEL, "Kanol", [owner])
    await channel.add_bot(owner, rights=frozenset({"can_edit_messages"}))
    with pytest.raises(BadRequest, match=r"(?i)need administrator rights in the channel chat"):
        await bot.send_message(CHANNEL, "Demat")


async def test_pinning_needs_the_right_and_leaving_tells_the_bot(
    emu: BotApiEmulator, bot: PtbBot, owner: FakeUser
) -> None:
    group = emu.group(GROUP, "Bagad", [owner])
    await group.add_bot(owner)  # a mere member
    message = await bot.send_message(GROUP, "Demat")
    with pytest.raises(BadRequest, match=r"(?i)not enough rights to manage pinned messages"):
        await bot.pin_chat_message(GROUP, message.message_id)
    await group.add_bot(owner, admin=True, rights=frozenset({"can_pin_messages"}))
    assert await bot.pin_chat_message(GROUP, message.message_id)
    assert group.pinned_message_id == message.message_id

    assert await bot.leave_chat(GROUP)
    assert group.bot_status() == "left"
    left = Update.de_json(emu.pending_updates[-1], None).my_chat_member
    assert left is not None
    assert left.new_chat_member.status == "left"
    with pytest.raises(Forbidden):
        await bot.send_message(GROUP, "Demat")


async def test_over_twenty_messages_a_minute_to_a_group_is_refused(
    emu: BotApiEmulator, bot: PtbBot, owner: FakeUser
) -> None:
    group = emu.group(GROUP, "Bagad", [owner])
    await group.add_bot(owner)
    for number in range(GROUP_LIMIT):
        await bot.send_message(GROUP, f"Kemennadenn {number}")
    with pytest.raises(RetryAfter):
        await bot.send_message(GROUP, "Unan re")
    await bot.send_message(owner.id, "A private chat has no such limit")
    assert len(group.messages()) == GROUP_LIMIT
