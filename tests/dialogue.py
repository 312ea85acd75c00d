"""Playing users through the Bot API emulator and reading what the bot sent back.

Shared by the journeys (the bot in the test's event loop) and the e2e smoke tests (the bot in
a child process): both only see the bot through the emulator's record of Bot API calls.
"""

from __future__ import annotations

from tests.fakes.bot_api import ApiCall, BotApiEmulator, FakeUser

# The moderation team every journey's bot is configured with: one moderator, whose private
# chat also serves as the moderation chat.
MODERATOR_ID = 900_001
MODERATION_CHAT = 900_001
# How long a test waits for one reply: far more than any reply takes, so only a reply that
# never comes makes a test wait this long.
WAIT = 10.0


async def answer_to(
    emulator: BotApiEmulator, user: FakeUser, text: str, method: str = "sendMessage"
) -> ApiCall:
    """Send `text` as `user` and return the bot's first `method` call to that chat after it."""
    mark = emulator.mark()
    await user.send(text)
    return await emulator.wait_for(method, chat_id=user.chat_id, since=mark, timeout=WAIT)


async def my_projects(emulator: BotApiEmulator, owner: FakeUser) -> ApiCall:
    """/mes_projets as `owner`: the list itself, not a notification (a new pledge, a news
    delivery) the outbox may bring the owner at the same moment."""
    return await expect(emulator, owner, "/mes_projets", "📂")


async def answer_to_press(
    emulator: BotApiEmulator, user: FakeUser, data: str, method: str = "editMessageText"
) -> ApiCall:
    """Press the button with callback `data` as `user` and return the bot's `method` call."""
    mark = emulator.mark()
    await user.press(data)
    chat_id = None if method == "answerCallbackQuery" else user.chat_id
    return await emulator.wait_for(method, chat_id=chat_id, since=mark, timeout=WAIT)


async def menus_published(emulator: BotApiEmulator) -> None:
    """Wait for the bot's profile and command menus, which the bot publishes in the background
    once it is up: the Breton menu comes last."""
    await emulator.wait_for(
        "setMyCommands", lambda c: c.params.get("language_code") == "br", timeout=WAIT
    )


def text_of(call: ApiCall) -> str:
    """A message's text as a test spells it (see `shown`); `call.params` has the raw one."""
    return shown(call)


def button_texts(call: ApiCall) -> list[str]:
    markup = call.params.get("reply_markup") or {}
    return [button["text"] for row in markup.get("inline_keyboard", []) for button in row]


def buttons(call: ApiCall) -> dict[str, str]:
    """The buttons of a sent message: label -> callback data or URL."""
    markup = call.params.get("reply_markup") or {}
    return {
        b["text"]: b.get("callback_data") or b.get("url", "")
        for row in markup.get("inline_keyboard", [])
        for b in row
    }


async def press_label(
    emulator: BotApiEmulator, user: FakeUser, call: ApiCall, label: str,
    method: str = "editMessageText",
) -> ApiCall:  # fmt: skip
    """Press the button of `call` whose label contains `label` (spelled as `plain` spells it);
    the bot's `method` call back."""
    data = next(value for text, value in buttons(call).items() if label in plain(text))
    return await answer_to_press(emulator, user, data, method)


async def write_news(emulator: BotApiEmulator, owner: FakeUser, project: str, text: str) -> ApiCall:
    """As an owner: /mes_projets → the project → "Publier" → `text`; returns the preview."""
    board = await answer_to(emulator, owner, "/mes_projets")
    board = await press_label(emulator, owner, board, project)
    await press_label(emulator, owner, board, "Publier", method="sendMessage")
    mark = emulator.mark()
    await owner.send(text)
    return await emulator.wait_for(
        "sendMessage", lambda c: "Envoyer" in str(c.params.get("reply_markup")),
        chat_id=owner.chat_id, since=mark, timeout=WAIT,
    )  # fmt: skip


async def follow_through_link(
    emulator: BotApiEmulator, user: FakeUser, project: int, sharer: int | None = None
) -> None:
    """Set the user's language, open the project's share link, press "⭐ Suivre"."""
    await answer_to(emulator, user, "/langue")
    await answer_to_press(emulator, user, f"lang:{user.user['language_code']}")
    card = await answer_to(emulator, user, f"/start p{project}" + (f"-{sharer}" if sharer else ""))
    data = next(value for label, value in buttons(card).items() if "⭐" in label)
    await answer_to_press(emulator, user, data, method="answerCallbackQuery")


async def expect(
    emulator: BotApiEmulator, user: FakeUser, action: str, contains: str,
    method: str = "sendMessage",
) -> ApiCall:  # fmt: skip
    """Send `action` (a text, or `press:<data>`) and wait for the bot's call holding `contains`."""
    mark = emulator.mark()
    if action.startswith("press:"):
        await user.press(action.removeprefix("press:"))
    else:
        await user.send(action)
    return await emulator.wait_for(
        method, lambda c: contains in shown(c), chat_id=user.chat_id, since=mark, timeout=WAIT
    )


def plain(text: str) -> str:
    """A text as a test spells it: no-break spaces as plain ones, the typographic apostrophe
    as the ASCII one (the catalog tests check the typography itself)."""
    return text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2019", "'")


def shown(call: ApiCall) -> str:
    """A message's text or caption, `plain`."""
    return plain(str(call.params.get("text") or call.params.get("caption") or ""))


def press(call: ApiCall, label: str) -> str:
    """`press:<data>` for the button of `call` whose label contains `label`."""
    return "press:" + next(data for text, data in buttons(call).items() if label in plain(text))
