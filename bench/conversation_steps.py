"""Messages and taps of two everyday journeys, played as a person would.

    .venv/bin/python bench/conversation_steps.py

"discover → payment link": a newcomer sends /start, opens the catalogue, a project, supports
it with a reward and reaches the payment button. "propose a project": an owner runs the whole
wizard with one wrong answer per kind of step (as people do) and edits two fields from the
preview; "then nine edits": the same owner changes the title nine times from the preview (the
wizard used to resend the whole preview each time). For each, it prints what the person did
(taps on buttons, messages typed) and what the bot did (new messages in the chat, messages
edited in place), on the demo catalogue, with the bot in-process against the Bot API emulator
and the Stripe stand-in.
Figures, not a test: the conversation tests assert behaviour; this counts effort.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.demo import load_demo_data
from bot.storage.engine import create_engine, create_session_factory
from tests.conftest import TEST_TOKEN
from tests.databases import migrate
from tests.fakes.bot_api import ApiCall, BotApiEmulator, FakeUser
from tests.fakes.stripe_api import StripeStandIn
from tests.journeys.harness import KengoInProcess

NEW_MESSAGES = ("sendMessage", "sendPhoto", "sendDocument", "sendMediaGroup")
EDITS = ("editMessageText", "editMessageCaption", "editMessageMedia", "editMessageReplyMarkup")
QUIET = 0.3  # a reaction is over when the bot has been silent this long


@dataclass
class Effort:
    taps: int = 0
    typed: int = 0
    new_messages: int = 0
    edits: int = 0


class Person:
    """One user; every action waits for the bot's whole reaction and counts it."""

    def __init__(self, emulator: BotApiEmulator, user: FakeUser) -> None:
        self.emulator = emulator
        self.user = user
        self.effort = Effort()

    def _mine(self, since: int) -> list[ApiCall]:
        calls = self.emulator.calls(include_failed=True)[since:]  # a mark indexes every call
        return [c for c in calls if c.ok and c.params.get("chat_id") == self.user.chat_id]

    async def _settle(self, since: int) -> None:
        seen = -1
        for _ in range(100):
            await asyncio.sleep(QUIET)
            now = self.emulator.mark()
            if now == seen:
                break
            seen = now
        for call in self._mine(since):
            if call.method in NEW_MESSAGES:
                self.effort.new_messages += 1
            elif call.method in EDITS:
                self.effort.edits += 1

    async def type(self, text: str) -> None:
        mark = self.emulator.mark()
        await self.user.send(text)
        self.effort.typed += 1
        await self._settle(mark)

    async def send_photo(self, file_id: str) -> None:
        mark = self.emulator.mark()
        await self.user.send_photo(file_id)
        self.effort.typed += 1
        await self._settle(mark)

    async def tap(self, *labels: str) -> None:
        """Press the newest button whose label holds one of `labels` (first label first)."""
        data = self._find(labels)
        mark = self.emulator.mark()
        await self.user.press(data)
        self.effort.taps += 1
        await self._settle(mark)

    def _find(self, labels: tuple[str, ...]) -> str:
        calls = [c for c in self._mine(0) if c.params.get("reply_markup")]
        for label in labels:
            for call in reversed(calls):
                for row in call.params["reply_markup"].get("inline_keyboard", []):
                    for button in row:
                        if label in button["text"] and "callback_data" in button:
                            return str(button["callback_data"])
        raise SystemExit(
            f"no button {labels!r} on screen; last: {calls[-1].params if calls else None}"
        )

    def last_text(self) -> str:
        said = [c for c in self._mine(0) if c.method in NEW_MESSAGES + EDITS]
        return str(said[-1].params.get("text") or said[-1].params.get("caption")) if said else ""

    def newest_buttons_hold(self, label: str) -> bool:
        calls = [c for c in self._mine(0) if c.params.get("reply_markup")]
        rows = calls[-1].params["reply_markup"].get("inline_keyboard", []) if calls else []
        return any(label in button["text"] for row in rows for button in row)

    def has_url_button(self, host: str) -> bool:
        for call in self._mine(0):
            for row in (call.params.get("reply_markup") or {}).get("inline_keyboard", []):
                if any(host in str(button.get("url", "")) for button in row):
                    return True
        return False


async def discover_to_payment(person: Person, stripe_host: str) -> None:
    await person.type("/start")
    if not any("Découvrir" in str(c.params) for c in person._mine(0)):
        await person.tap("Français")
    await person.tap("Découvrir")
    await person.tap("Cercle celtique", "Fest-noz", "Kan")
    await person.tap("Soutenir")
    await person.tap("€")  # the first reward
    for _ in range(3):  # the reward's amount, if asked, then the recap
        if person.has_url_button(stripe_host):
            return
        if person.newest_buttons_hold("Continuer"):
            await person.tap("Continuer")
        else:
            await person.tap("€")
    raise SystemExit("no payment button reached")


async def propose_a_project(person: Person) -> None:
    await person.type("/proposer")
    await person.type("Breton !")  # too short
    await person.type(
        "Notre cercle celtique danse à Quimper depuis 1950, en costume de Cornouaille."
    )
    await person.type("Un parquet pour le cercle")
    await person.tap("Culture")
    await person.tap("Finistère")
    await person.type("Gwened")  # another département
    await person.type("Quimper")
    await person.type("Un plancher de danse démontable pour les festoù-noz de Cornouaille.")
    await person.type("Nous dansons sur du béton depuis trop longtemps, et nos genoux le disent.")
    await person.tap("Terminé")
    await person.type("beaucoup")  # not an amount
    await person.type("1500")
    await person.type("45")
    await person.tap("Tout ou rien")
    await person.tap("Ajouter")
    await person.type("Un bol à votre prénom")
    await person.type("25")
    await person.type("Un bol en grès, tourné à Quimper.")
    await person.tap("Illimit")
    await person.type("13/2027")  # no such month
    await person.type("06/2027")
    await person.tap("Terminé")
    await person.send_photo("AgACAgQAAxkBAAIBY2parquet")
    await person.tap("Titre")
    await person.type("Un plancher pour le cercle")
    await person.tap("Objectif", "Montant")
    await person.type("1800")


async def nine_edits(person: Person) -> None:
    """From the preview, the title changed nine times, as an owner polishing it would."""
    for n in range(9):
        await person.tap("Titre")
        await person.type(f"Un plancher pour le cercle, version {n + 2}")


async def submit(person: Person) -> None:
    await person.tap("Soumettre")
    if "transmis" not in person.last_text():
        raise SystemExit(f"the project was not submitted: {person.last_text()!r}")


async def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite+aiosqlite:///{Path(directory) / 'kengo.db'}"
        await migrate(url)
        engine = create_engine(url)
        await load_demo_data(create_session_factory(engine))
        await engine.dispose()
        async with (
            BotApiEmulator(token=TEST_TOKEN, username="kengo_bot") as emulator,
            StripeStandIn() as stripe,
        ):
            kengo = KengoInProcess.configure(
                emulator.base_url, url,
                stripe_secret_key=stripe.secret_key,
                stripe_webhook_secret=stripe.webhook_secret,
                stripe_api_base=stripe.base_url,
            )  # fmt: skip
            stripe.webhook_url = kengo.url("/stripe/webhook")
            await kengo.start()
            try:
                contributor = Person(emulator, emulator.user(5001, "Anna", language_code="fr"))
                await discover_to_payment(contributor, stripe.base_url.split("//")[1])
                owner = Person(emulator, emulator.user(5002, "Maïwenn", language_code="fr"))
                await propose_a_project(owner)
                proposed, owner.effort = owner.effort, Effort()
                await nine_edits(owner)
                edited = owner.effort
                await submit(owner)
            finally:
                await kengo.stop()
    for name, effort in (("discover → payment link", contributor.effort),
                         ("propose a project", proposed),
                         ("then nine edits", edited)):  # fmt: skip
        print(
            f"{name:25} taps {effort.taps:3}  typed {effort.typed:3}  "
            f"new messages {effort.new_messages:3}  edits {effort.edits:3}"
        )


if __name__ == "__main__":
    asyncio.run(main())
