"""The Bot API emulator, driven by a real python-telegram-bot client over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from telegram import Bot as PtbBot
from telegram import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputMediaPhoto,
    InputTextMessageContent,
    MenuButtonCommands,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fakes.bot_api import BotApiEmulator, FakeUser
from tests.fakes.bot_api_html import HtmlParseError, parse_html, utf16_len

ANNA = 1001


def keyboard(*buttons: InlineKeyboardButton) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([list(buttons)])


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator() as emulator:
        emulator.user(ANNA)
        yield emulator


@pytest.fixture
def anna(emu: BotApiEmulator) -> FakeUser:
    return emu.user(ANNA)  # the same chat as the one the emu fixture created


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[PtbBot]:
    async with PtbBot(emu.token, base_url=emu.base_url, base_file_url=emu.base_file_url) as b:
        yield b


@contextlib.asynccontextmanager
async def polling_app(
    emu: BotApiEmulator, *handlers: Any
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    app = ApplicationBuilder().token(emu.token).base_url(emu.base_url).build()
    for handler in handlers:
        app.add_handler(handler)
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


@contextlib.asynccontextmanager
async def webhook_receiver(status: int = 200) -> AsyncIterator[tuple[str, list[Any]]]:
    """A tiny HTTP server standing in for the bot's webhook endpoint."""
    received: list[tuple[str | None, dict[str, Any]]] = []

    async def hook(request: web.Request) -> web.Response:
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        received.append((secret, await request.json()))
        return web.Response(status=status)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app, shutdown_timeout=0.5)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/hook", received
    finally:
        await runner.cleanup()


async def eventually(condition: Callable[[], bool], within: float = 2.0) -> None:
    async with asyncio.timeout(within):
        while not condition():  # noqa: ASYNC110 - webhook deliveries signal no event
            await asyncio.sleep(0.01)


# -- server basics ---------------------------------------------------------------------------


async def test_get_me_describes_the_bot(emu: BotApiEmulator, bot: PtbBot) -> None:
    me = await bot.get_me()

    assert me.id == 123456
    assert me.is_bot
    assert me.username == "kengo_test_bot"
    assert me.first_name == "Kengo"
    assert me.supports_inline_queries
    assert not me.can_read_all_group_messages
    assert emu.base_url == f"http://127.0.0.1:{emu.port}/bot"


async def test_unknown_token_and_unknown_method(emu: BotApiEmulator, bot: PtbBot) -> None:
    with pytest.raises(InvalidToken):
        async with PtbBot("999:wrong", base_url=emu.base_url):
            pass
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathy")

    failed = emu.calls(include_failed=True)
    assert [(c.method, c.error_code) for c in failed if not c.ok] == [
        ("getMe", 401),
        ("sendTelepathy", 404),
    ]


async def test_json_bodies_query_strings_and_any_method_case(emu: BotApiEmulator) -> None:
    base = f"{emu.base_url}{emu.token}"
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{base}/SENDMESSAGE", json={"chat_id": ANNA, "text": "7"}) as resp:
            sent = await resp.json()
        async with http.get(f"{base}/getchat", params={"chat_id": str(ANNA)}) as resp:
            chat = await resp.json()
        async with http.post(
            f"{base}/deleteMessage", data={"chat_id": "1", "message_id": "1"}
        ) as r:
            missing = (r.status, await r.json())

    assert sent["ok"]
    assert sent["result"]["text"] == "7"
    assert chat["result"]["id"] == ANNA
    assert missing == (
        400,
        {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"},
    )
    assert emu.calls("sendMessage")[0].params == {"chat_id": ANNA, "text": "7"}


# -- sending and recording -------------------------------------------------------------------


async def test_send_message_is_recorded_with_decoded_parameters(
    emu: BotApiEmulator, bot: PtbBot
) -> None:
    mark = emu.mark()
    sent = await bot.send_message(
        ANNA,
        "123",
        reply_markup=keyboard(InlineKeyboardButton("Go", callback_data="go:1")),
    )

    call = await emu.wait_for("sendMessage", since=mark, chat_id=ANNA)
    assert call.params["chat_id"] == ANNA
    assert call.params["text"] == "123"  # a numeric-looking text stays a string
    assert call.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "Go", "callback_data": "go:1"}]]
    }
    assert call.result["message_id"] == sent.message_id
    assert sent.chat.id == ANNA
    assert sent.from_user is not None
    assert sent.from_user.is_bot
    [message] = emu.messages(ANNA)
    assert (message.text, message.has_photo) == ("123", False)
    assert message.buttons == [{"text": "Go", "callback_data": "go:1"}]
    assert emu.calls("sendMessage", chat_id=ANNA + 1) == []


async def test_html_is_parsed_into_visible_text_and_entities(
    emu: BotApiEmulator, bot: PtbBot
) -> None:
    sent = await bot.send_message(
        ANNA, '<b>Kenavo</b> &amp; <a href="https://kengo.bzh">merci</a> &#x1F600;', "HTML"
    )

    assert sent.text == "Kenavo & merci 😀"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 0, 6),
        ("text_link", 9, 5),
    ]
    [message] = emu.messages(ANNA)
    assert (message.raw_text or "").startswith("<b>Kenavo</b>")
    assert message.parse_mode == "HTML"


async def test_unknown_chat_and_photo_sending(emu: BotApiEmulator, bot: PtbBot) -> None:
    with pytest.raises(BadRequest, match=r"Chat not found"):
        await bot.send_message(4242, "hello")
    with pytest.raises(BadRequest, match=r"Wrong file identifier/http url specified"):
        await bot.send_photo(ANNA, "AgAC-never-issued")

    uploaded = await bot.send_photo(
        ANNA, b"\xff\xd8 a photo", caption="<i>Affiche</i>", parse_mode="HTML"
    )
    again = await bot.send_photo(ANNA, uploaded.photo[-1].file_id)
    by_url = await bot.send_photo(ANNA, "https://example.org/poster.jpg")

    assert uploaded.caption == "Affiche"
    assert [(p.width, p.height) for p in uploaded.photo][-1] == (800, 800)
    assert again.photo == uploaded.photo
    assert by_url.photo
    file = await bot.get_file(uploaded.photo[-1].file_id)
    assert await file.download_as_bytearray() == bytearray(b"\xff\xd8 a photo")
    assert [m.has_photo for m in emu.messages(ANNA)] == [True, True, True]


async def test_wait_for_times_out_with_a_summary(emu: BotApiEmulator, bot: PtbBot) -> None:
    await bot.send_message(ANNA, "first")

    with pytest.raises(AssertionError, match=r"no successful sendPhoto(.|\n)*'text': 'first'"):
        await emu.wait_for("sendPhoto", timeout=0.05)
    matched = await emu.wait_for("sendMessage", lambda c: c.params["text"] == "first")
    assert matched.ok


# -- Telegram's limits -----------------------------------------------------------------------


async def test_keyboard_limits(emu: BotApiEmulator, bot: PtbBot) -> None:
    # PTB strips "Bad Request: " and capitalize()s the rest of the description.
    with pytest.raises(BadRequest, match=r"^Button_data_invalid$"):
        await bot.send_message(
            ANNA, "x", reply_markup=keyboard(InlineKeyboardButton("a", callback_data="x" * 65))
        )
    with pytest.raises(BadRequest, match=r"^Button_url_invalid$"):
        await bot.send_message(
            ANNA, "x", reply_markup=keyboard(InlineKeyboardButton("a", url="ftp://x.org"))
        )
    many = InlineKeyboardMarkup(
        [[InlineKeyboardButton(str(i), callback_data=str(i))] for i in range(101)]
    )
    with pytest.raises(BadRequest, match=r"^Reply markup is too long$"):
        await bot.send_message(ANNA, "x", reply_markup=many)

    ok = keyboard(
        InlineKeyboardButton("é" * 3, callback_data="é" * 32),  # 64 bytes
        InlineKeyboardButton("site", url="https://kengo.bzh"),
        InlineKeyboardButton("share", switch_inline_query="projet"),
    )
    await bot.send_message(ANNA, "x", reply_markup=ok)
    assert len(emu.calls("sendMessage")) == 1
    assert len(emu.calls("sendMessage", include_failed=True)) == 4


async def test_text_and_caption_lengths_count_visible_utf16(bot: PtbBot) -> None:
    with pytest.raises(BadRequest, match=r"^Message text is empty$"):
        await bot.send_message(ANNA, "  <b> </b> ", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"^Message is too long$"):
        await bot.send_message(ANNA, "a" * 4097)
    with pytest.raises(BadRequest, match=r"^Message is too long$"):
        await bot.send_message(ANNA, "😀" * 2049)  # 2049 characters, 4098 UTF-16 units
    with pytest.raises(BadRequest, match=r"^Message caption is too long$"):
        await bot.send_photo(ANNA, "https://example.org/a.jpg", caption="c" * 1025)

    await bot.send_message(ANNA, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")
    await bot.send_photo(
        ANNA, "https://example.org/a.jpg", caption="&lt;" * 1024, parse_mode="HTML"
    )


@pytest.mark.parametrize(
    ("html", "description"),
    [
        ("a<br>b", 'Can\'t parse entities: unsupported start tag "br" at byte offset 1'),
        ("<b>bold", "Can't parse entities: can't find end tag corresponding to start tag \"b\""),
        ("x</b>", "Can't parse entities: unexpected end tag at byte offset 1"),
        ("<b>x</i>", "Can't parse entities: unmatched end tag at byte offset 4"),
        ("Tom & Jerry", 'Can\'t parse entities: character "&" must be escaped'),
        ("<span>x</span>", 'Can\'t parse entities: tag "span" must have class "tg-spoiler"'),
        ("<b", "Can't parse entities: unclosed start tag at byte offset 0"),
    ],
)
async def test_bad_html_is_rejected(bot: PtbBot, html: str, description: str) -> None:
    with pytest.raises(BadRequest) as caught:
        await bot.send_message(ANNA, html, parse_mode="HTML")
    assert caught.value.message.startswith(description)


async def test_unknown_parse_mode(bot: PtbBot) -> None:
    with pytest.raises(BadRequest, match=r"^Unsupported parse_mode$"):
        await bot.send_message(ANNA, "x", parse_mode="BBCode")
    await bot.send_message(ANNA, "*not checked*", parse_mode="MarkdownV2")


def test_html_parser_reports_utf8_byte_offsets_and_entities() -> None:
    with pytest.raises(HtmlParseError, match='Unsupported start tag "foo" at byte offset 4'):
        parse_html("éé<foo>")  # two 2-byte characters before the tag
    parsed = parse_html(
        '<pre><code class="language-python">x</code></pre><blockquote expandable>q</blockquote>'
        '<tg-spoiler>s</tg-spoiler><tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
    )
    assert parsed.text == "xqs👍"
    assert parsed.entities == [
        {"type": "pre", "language": "python", "offset": 0, "length": 1},
        {"type": "expandable_blockquote", "offset": 1, "length": 1},
        {"type": "spoiler", "offset": 2, "length": 1},
        {
            "type": "custom_emoji",
            "custom_emoji_id": "5368324170671202286",
            "offset": 3,
            "length": 2,
        },
    ]
    assert parse_html("a & b", strict_ampersand=False).text == "a & b"
    assert utf16_len("a😀") == 3


# -- editing and deleting --------------------------------------------------------------------


async def test_edits_follow_telegram_rules(emu: BotApiEmulator, bot: PtbBot) -> None:
    markup = keyboard(InlineKeyboardButton("Go", callback_data="go"))
    sent = await bot.send_message(ANNA, "<b>Hi</b>", parse_mode="HTML", reply_markup=markup)

    with pytest.raises(BadRequest, match=r"^Message to edit not found$"):
        await bot.edit_message_text("x", chat_id=ANNA, message_id=999)
    with pytest.raises(BadRequest, match=r"^Message is not modified: specified new"):
        await bot.edit_message_text(
            "<b>Hi</b>", ANNA, sent.message_id, parse_mode="HTML", reply_markup=markup
        )
    with pytest.raises(BadRequest, match=r"^Message is not modified"):
        await bot.edit_message_reply_markup(ANNA, sent.message_id, reply_markup=markup)

    # Same text without the keyboard is a modification: Telegram removes the keyboard.
    edited = await bot.edit_message_text("<b>Hi</b>", ANNA, sent.message_id, parse_mode="HTML")
    assert isinstance(edited, Message)
    assert edited.reply_markup is None
    assert edited.edit_date is not None
    [message] = emu.messages(ANNA)
    assert (message.text, message.reply_markup) == ("Hi", None)

    photo = await bot.send_photo(ANNA, "https://example.org/a.jpg", caption="old")
    with pytest.raises(BadRequest, match=r"^There is no text in the message to edit$"):
        await bot.edit_message_text("x", ANNA, photo.message_id)
    with pytest.raises(BadRequest, match=r"^There is no caption in the message to edit$"):
        await bot.edit_message_caption(ANNA, sent.message_id, caption="x")
    await bot.edit_message_caption(ANNA, photo.message_id, caption="new")
    assert emu.messages(ANNA)[-1].text == "new"

    await bot.delete_message(ANNA, sent.message_id)
    with pytest.raises(BadRequest, match=r"^Message to delete not found$"):
        await bot.delete_message(ANNA, sent.message_id)
    assert [m.message_id for m in emu.messages(ANNA)] == [photo.message_id]


# -- fault injection -------------------------------------------------------------------------


def seconds(value: int | dtm.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_injected_429_surfaces_as_retry_after(emu: BotApiEmulator, bot: PtbBot) -> None:
    emu.fail_next("sendmessage", retry_after=7, chat_id=ANNA)

    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(ANNA, "hello")
    # PTB 22 warns that retry_after will become a timedelta, hence the filter above.
    assert seconds(caught.value.retry_after) == 7

    await bot.send_message(ANNA, "hello")  # only the next call failed
    [failed] = [c for c in emu.calls("sendMessage", include_failed=True) if not c.ok]
    assert (failed.error_code, failed.error) == (429, "Too Many Requests: retry after 7")


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_rate_limit_per_chat(emu: BotApiEmulator, bot: PtbBot) -> None:
    emu.rate_limit_per_chat(True)
    await bot.send_message(ANNA, "one")
    with pytest.raises(RetryAfter):
        await bot.send_message(ANNA, "two")


async def test_blocked_user_gives_forbidden_and_my_chat_member(
    emu: BotApiEmulator, bot: PtbBot, anna: FakeUser
) -> None:
    await anna.block()

    with pytest.raises(Forbidden, match=r"^Forbidden: bot was blocked by the user$"):
        await bot.send_message(ANNA, "still there?")
    [update] = await bot.get_updates()
    assert update.my_chat_member is not None
    assert update.my_chat_member.new_chat_member.status == "kicked"
    assert update.my_chat_member.old_chat_member.status == "member"

    await anna.unblock()
    await bot.send_message(ANNA, "welcome back")


# -- updates: polling ------------------------------------------------------------------------


async def test_user_message_reaches_a_polling_application(emu: BotApiEmulator) -> None:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"echo: {update.effective_message.text}")

    anna = emu.user(ANNA, username="anna_bzh")
    async with polling_app(emu, MessageHandler(filters.TEXT, echo)):
        mark = emu.mark()
        await anna.send("Demat")
        call = await emu.wait_for("sendMessage", chat_id=ANNA, since=mark)

    assert call.params["text"] == "echo: Demat"
    assert [m.text for m in anna.messages()] == ["echo: Demat"]
    # Shutting down abandons a long poll; it must not show up as a failed call.
    assert [c for c in emu.calls(include_failed=True) if not c.ok] == []
    assert emu.pending_updates == []


async def test_callback_press_delivers_the_bot_message(emu: BotApiEmulator, anna: FakeUser) -> None:
    queries: list[CallbackQuery] = []

    async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        queries.append(update.callback_query)
        await update.callback_query.answer("Noted")

    async with polling_app(emu, CallbackQueryHandler(on_press)) as app:
        first = await app.bot.send_message(
            ANNA, "Pick", reply_markup=keyboard(InlineKeyboardButton("Yes ✅", callback_data="y"))
        )
        await app.bot.send_message(ANNA, "unrelated")
        mark = emu.mark()
        await anna.press_button("Yes")
        await emu.wait_for("answerCallbackQuery", since=mark)
        mark = emu.mark()
        await anna.press("forged")  # no button has it: lands on the latest bot message
        await emu.wait_for("answerCallbackQuery", since=mark)

    pressed, forged = queries
    assert pressed.data == "y"
    assert isinstance(pressed.message, Message)
    assert pressed.message.message_id == first.message_id
    assert pressed.message.reply_markup == first.reply_markup
    assert forged.data == "forged"
    assert forged.message is not None
    assert forged.message.message_id == first.message_id + 1


async def test_callback_query_can_be_answered_once(
    emu: BotApiEmulator, bot: PtbBot, anna: FakeUser
) -> None:
    await anna.press("x")  # no bot message at all: an inaccessible message
    [update] = await bot.get_updates()
    assert update.callback_query is not None
    assert update.callback_query.message is not None
    assert not update.callback_query.message.is_accessible

    with pytest.raises(BadRequest, match=r"^Message_too_long$"):
        await update.callback_query.answer("x" * 201)
    await update.callback_query.answer("ok")
    with pytest.raises(BadRequest, match=r"^Query is too old and response timeout expired"):
        await update.callback_query.answer("again")


async def test_get_updates_offset_limit_and_raw_updates(
    emu: BotApiEmulator, bot: PtbBot, anna: FakeUser
) -> None:
    first = await anna.send("/start@kengo_test_bot now")
    await anna.send("two")
    # PTB keeps unknown fields in api_kwargs; a truly malformed update would make PTB's
    # get_updates raise for the whole batch, so it is only injected in webhook tests.
    raw_id = await emu.inject_raw({"future_update_kind": {"weird": True}})

    batch = await bot.get_updates(limit=2)
    assert [u.update_id for u in batch] == [first, first + 1]
    assert batch[0].message is not None
    [command] = batch[0].message.entities
    assert (command.type, command.offset, command.length) == ("bot_command", 0, 21)

    batch = await bot.get_updates(offset=first + 1, timeout=0)
    assert [u.update_id for u in batch] == [first + 1, raw_id]
    assert batch[1].api_kwargs == {"future_update_kind": {"weird": True}}
    assert await bot.get_updates(offset=raw_id + 1) == ()
    assert emu.pending_updates == []


async def test_long_poll_waits_for_an_update(
    emu: BotApiEmulator, bot: PtbBot, anna: FakeUser
) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await eventually(lambda: emu.is_polling)
    await anna.send("hi")

    [update] = await asyncio.wait_for(poll, 2)
    assert update.message is not None
    assert update.message.text == "hi"


async def test_second_poller_terminates_the_first(emu: BotApiEmulator, bot: PtbBot) -> None:
    async with PtbBot(emu.token, base_url=emu.base_url) as other:
        first = asyncio.create_task(bot.get_updates(timeout=5))
        await eventually(lambda: emu.is_polling)
        assert await other.get_updates(timeout=0) == ()
        with pytest.raises(Conflict, match=r"terminated by other getUpdates request"):
            await asyncio.wait_for(first, 2)


# -- updates: webhook ------------------------------------------------------------------------


async def test_webhook_receives_updates_with_the_secret(
    emu: BotApiEmulator, bot: PtbBot, anna: FakeUser
) -> None:
    await anna.send("queued before the webhook")
    async with webhook_receiver() as (url, received):
        assert await bot.set_webhook(url, secret_token="s3cret-token")
        with pytest.raises(Conflict, match=r"can't use getUpdates method while webhook is active"):
            await bot.get_updates()
        await anna.send("after")
        await eventually(lambda: len(received) == 2)

        assert [secret for secret, _ in received] == ["s3cret-token", "s3cret-token"]
        assert [body["message"]["text"] for _, body in received] == [
            "queued before the webhook",
            "after",
        ]
        assert [d.status for d in emu.webhook_deliveries] == [200, 200]
        info = await bot.get_webhook_info()
        assert (info.url, info.pending_update_count) == (url, 0)

        status = await emu.post_to_webhook({"update_id": 1, "message": {}}, secret="forged")
        assert status == 200
        assert received[-1] == ("forged", {"update_id": 1, "message": {}})

    assert await bot.delete_webhook()
    assert await bot.get_updates() == ()


async def test_webhook_failures_are_retried(
    emu: BotApiEmulator, bot: PtbBot, anna: FakeUser
) -> None:
    emu.webhook_retry_delay = 0.01
    async with webhook_receiver(status=500) as (url, received):
        await bot.set_webhook(url)
        update_id = await anna.send("hello")
        await eventually(lambda: len(emu.webhook_deliveries) == 3)

        assert [(d.update_id, d.status, d.attempt) for d in emu.webhook_deliveries] == [
            (update_id, 500, 1),
            (update_id, 500, 2),
            (update_id, 500, 3),
        ]
        assert [secret for secret, _ in received] == [None, None, None]
        info = await bot.get_webhook_info()
        assert (
            info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
        )
        await eventually(lambda: len(emu.dropped_updates) == 1)


# -- commands and inline mode ----------------------------------------------------------------


async def test_commands_are_stored_per_scope_and_language(emu: BotApiEmulator, bot: PtbBot) -> None:
    await bot.set_my_commands([BotCommand("start", "Kregiñ")], language_code="br")
    await bot.set_my_commands(
        [BotCommand("start", "Démarrer"), BotCommand("projets", "Les projets")],
        scope=BotCommandScopeAllPrivateChats(),
        language_code="fr",
    )
    await bot.set_my_commands([BotCommand("admin", "Admin")], scope=BotCommandScopeChat(ANNA))

    assert emu.commands_for(None, "br") == [{"command": "start", "description": "Kregiñ"}]
    assert [c["command"] for c in emu.commands_for({"type": "all_private_chats"}, "fr")] == [
        "start",
        "projets",
    ]
    assert emu.commands_for({"type": "chat", "chat_id": ANNA}) == [
        {"command": "admin", "description": "Admin"}
    ]
    assert emu.commands_for(None) == []
    fetched = await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats(), language_code="fr")
    assert [c.command for c in fetched] == ["start", "projets"]

    await bot.delete_my_commands(language_code="br")
    assert emu.commands_for(None, "br") == []


async def test_the_profile_is_stored_per_language_within_telegrams_limits(
    emu: BotApiEmulator, bot: PtbBot
) -> None:
    await bot.set_my_description(description="Kengo", language_code="br")
    await bot.set_my_short_description(short_description="x" * 120)
    assert emu.bot_text("description", "br") == "Kengo"
    assert emu.bot_text("short_description") == "x" * 120
    assert emu.bot_text("description") is None
    assert (await bot.get_my_description(language_code="fr")).description == ""
    assert (await bot.get_my_short_description(language_code="br")).short_description == "x" * 120

    with pytest.raises(BadRequest, match=r"^Description is too long$"):
        await bot.set_my_description(description="x" * 513, language_code="fr")
    with pytest.raises(BadRequest, match=r"^Short description is too long$"):
        await bot.set_my_short_description(short_description="x" * 121, language_code="br")
    with pytest.raises(BadRequest, match=r"^Lang_code_invalid$"):
        await bot.set_my_description(description="Kengo", language_code="bre")
    assert emu.bot_text("description", "fr") is None
    assert emu.bot_text("short_description", "br") is None

    await bot.set_my_description(description="", language_code="br")
    assert emu.bot_text("description", "br") is None


@pytest.mark.parametrize(
    ("commands", "kwargs", "description"),
    [
        ([BotCommand("Start", "x")], {}, "^Bot_command_invalid$"),
        ([BotCommand("a" * 33, "x")], {}, "^Bot_command_invalid$"),
        ([BotCommand("start", "")], {}, "^Bot_command_description_invalid$"),
        ([BotCommand("start", "x" * 257)], {}, "^Bot_command_description_invalid$"),
        ([BotCommand("start", "x")], {"language_code": "fra"}, "^Lang_code_invalid$"),
        ([BotCommand("start", "x")], {"scope": BotCommandScopeChat(77)}, "^Chat not found$"),
    ],
)
async def test_invalid_commands_are_rejected(
    emu: BotApiEmulator,
    bot: PtbBot,
    commands: list[BotCommand],
    kwargs: dict[str, Any],
    description: str,
) -> None:
    with pytest.raises(BadRequest, match=description):
        await bot.set_my_commands(commands, **kwargs)
    assert emu.commands_for(None) == []


async def test_inline_query_answers(emu: BotApiEmulator, bot: PtbBot, anna: FakeUser) -> None:
    await anna.inline("plouz")
    [update] = await bot.get_updates()
    assert update.inline_query is not None
    assert update.inline_query.query == "plouz"

    def article(result_id: str) -> InlineQueryResultArticle:
        return InlineQueryResultArticle(result_id, "t", InputTextMessageContent("m"))

    with pytest.raises(BadRequest, match=r"^Results_too_much$"):
        await update.inline_query.answer([article(str(i)) for i in range(51)])
    with pytest.raises(BadRequest, match=r"^Result_id_duplicate$"):
        await update.inline_query.answer([article("a"), article("a")])
    await update.inline_query.answer([article("a"), article("b")])
    with pytest.raises(BadRequest, match=r"^Query is too old"):
        await update.inline_query.answer([article("a")])
    answers = emu.calls("answerInlineQuery")
    assert [r["id"] for r in answers[0].params["results"]] == ["a", "b"]
    assert json.dumps(answers[0].params)  # recorded params are plain JSON


# -- smaller methods, latency, allowed_updates -------------------------------------------------


async def test_chat_action_menu_button_get_chat_and_media(
    emu: BotApiEmulator, bot: PtbBot, anna: FakeUser
) -> None:
    assert await bot.send_chat_action(ANNA, ChatAction.TYPING)
    with pytest.raises(BadRequest, match=r"^Wrong parameter action in request$"):
        await bot.send_chat_action(ANNA, "dancing")
    assert await bot.set_chat_menu_button(ANNA, MenuButtonCommands())
    assert (await bot.get_chat_menu_button(ANNA)).type == "commands"
    chat = await bot.get_chat(ANNA)
    assert (chat.id, chat.type, chat.first_name) == (ANNA, "private", "Anna")

    await anna.send_photo("AgAC-user-poster", caption="mon affiche")
    [update] = await bot.get_updates()
    assert update.message is not None
    assert update.message.photo[-1].file_id == "AgAC-user-poster"
    assert update.message.caption == "mon affiche"
    # A file_id the bot received can be sent back, and swapped in with editMessageMedia.
    sent = await bot.send_photo(ANNA, "https://example.org/old.jpg", caption="old")
    edited = await bot.edit_message_media(
        InputMediaPhoto("AgAC-user-poster", caption="<b>new</b>", parse_mode="HTML"),
        ANNA,
        sent.message_id,
    )
    assert isinstance(edited, Message)
    assert edited.photo[-1].file_id == "AgAC-user-poster"
    assert (emu.messages(ANNA)[-1].text, edited.caption) == ("new", "new")


async def test_default_fault_descriptions(emu: BotApiEmulator, bot: PtbBot) -> None:
    emu.fail_next("sendMessage", error_code=403, count=2)
    emu.fail_next("getChat", error_code=502)

    for _ in range(2):
        with pytest.raises(Forbidden, match=r"^Forbidden: bot was blocked by the user$"):
            await bot.send_message(ANNA, "x")
    with pytest.raises(NetworkError, match=r"^Bad Gateway$"):
        await bot.get_chat(ANNA)
    await bot.send_message(ANNA, "x")


async def test_latency_is_added_to_every_call() -> None:
    async with (
        BotApiEmulator(latency=0.05) as emu,
        PtbBot(emu.token, base_url=emu.base_url) as bot,
    ):
        started = time.monotonic()
        await bot.get_me()
        assert time.monotonic() - started >= 0.05


async def test_allowed_updates_filter_delivery(
    emu: BotApiEmulator, bot: PtbBot, anna: FakeUser
) -> None:
    await anna.send("text")
    await anna.press("data")
    await emu.inject_raw({"chat_member": {}})  # not sent unless asked for explicitly

    [update] = await bot.get_updates(allowed_updates=["callback_query"])
    assert update.callback_query is not None
    assert len(emu.dropped_updates) == 2
    assert await bot.get_updates(offset=update.update_id + 1) == ()


async def test_replies_in_both_directions(bot: PtbBot, anna: FakeUser) -> None:
    await anna.send("Question?")
    [update] = await bot.get_updates()
    assert update.message is not None

    answer = await bot.send_message(
        ANNA, "Answer", reply_parameters=ReplyParameters(update.message.message_id)
    )
    assert answer.reply_to_message is not None
    assert answer.reply_to_message.text == "Question?"
    with pytest.raises(BadRequest, match=r"^Message to be replied not found$"):
        await bot.send_message(ANNA, "x", reply_parameters=ReplyParameters(999))

    await anna.send("Thanks", reply_to=answer.message_id)
    [update] = await bot.get_updates(offset=update.update_id + 1)
    assert update.message is not None
    assert update.message.reply_to_message is not None
    assert update.message.reply_to_message.text == "Answer"
