"""The rules every screen of the crawl is held to; each returns the faults it finds.

- `dead_end`: the reaction left the user with nothing to do. The message the user is left with
  is the last one the reaction sent (or, with none sent, the last it edited; with only a toast,
  the pressed message as it was). It must carry a button (a callback or a URL), or the user must
  be in an input mode afterwards (typing works). Messages followed by another one in the same
  reaction need no button. An action answered by nothing at all (no message, no toast) is a dead
  end too, and so is a button the bot just showed being answered as no longer valid.
- `not_understood`: the generic "Je n'ai pas compris." (or its Breton) answering what was typed
  where the screen invited typing. A refusal that explains ("Je n'ai pas compris ce montant.
  Tapez par exemple 15") is not it.
- `visible_html`: `&lt;b&gt;`, `&amp;`… or a literal tag in what the user sees (texts parsed
  as Telegram parses them; button labels are never parsed), what the crawler typed excepted.
- `punctuation` (French screens): the screen shows a catalog text breaking French typography
  (`typography.py`).
- `limits`: a text over 4096 or a caption over 1024 characters after parsing (UTF-16 units, as
  Telegram counts), callback data over 64 bytes, an empty label, over 100 buttons, a URL button
  that is neither https:// nor tg://, and any call Telegram refused (the user saw nothing).
- `language`: a fragment of the other language's catalog (`language.py`) in the screen.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from tests.crawler.answers import masked
from tests.crawler.language import (
    folded,
    foreign_fragments,
    mask_demo,
    not_understood,
    stale_button,
)
from tests.crawler.screens import Screen, Shown
from tests.crawler.typography import faulty_messages
from tests.fakes.bot_api_html import utf16_len

MAX_TEXT, MAX_CAPTION, MAX_DATA, MAX_BUTTONS = 4096, 1024, 64, 100
_ESCAPED = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
_TAG = re.compile(
    r"</?(?:b|strong|i|em|u|ins|s|strike|del|a|code|pre|blockquote|span|tg-spoiler|br|p|div)"
    r"\b[^<>]*>",
    re.IGNORECASE,
)
_URL = re.compile(r"^(?:https?|tg)://\S+$")


@dataclass(frozen=True)
class Finding:
    check: str
    detail: str  # what is wrong, quoting the screen
    where: str  # the path of actions that led there

    def __str__(self) -> str:
        return f"[{self.check}] {self.detail}\n    at: {self.where}"


def _excerpt(text: str, around: int | None = None, width: int = 60) -> str:
    if around is None:
        return repr(text[:width] + ("…" if len(text) > width else ""))
    return repr(text[max(0, around - width // 2) : around + width // 2])


def _labels(message: Shown) -> list[str]:
    return [str(button.get("text", "")) for button in message.buttons]


def dead_end(screen: Screen, locale: str) -> list[str]:
    if screen.alert and any(folded(screen.alert).startswith(s[:25]) for s in stale_button()):
        return [f"a button just shown is answered as stale: {screen.alert!r}"]
    if screen.left_with is None:
        if screen.alert or screen.refused:
            return []
        return ["no answer at all"]
    if screen.left_with.buttons or screen.input_mode is not None:
        return []
    return [f"left with a message without buttons, typing not expected: "
            f"{_excerpt(screen.left_with.text)}"]  # fmt: skip


def not_understood_after_typing(screen: Screen, locale: str) -> list[str]:
    if not screen.typed_at_prompt:
        return []
    return [
        f"{sentence!r} after typing where the screen asked for it"
        for message in screen.messages
        for sentence in not_understood()
        if sentence in folded(message.text)
    ]


def visible_html(screen: Screen, locale: str) -> list[str]:
    typed = [action.value for action in screen.path if action.kind == "send"]
    found = []
    for message in screen.messages:
        for where, text in [
            ("text", message.text),
            *(("label", label) for label in _labels(message)),
        ]:
            text = masked(text, typed)
            for match in [*_ESCAPED.finditer(text), *_TAG.finditer(text)]:
                found.append(f"{match[0]!r} shown in the {where}: {_excerpt(text, match.start())}")
    return found


def punctuation(screen: Screen, locale: str) -> list[str]:
    if locale != "fr":
        return []
    typed = [action.value for action in screen.path if action.kind == "send"]
    found = []
    for message in screen.messages:
        for text in [message.text, *_labels(message)]:
            text = masked(mask_demo(text, fold=False), typed)
            for faulty in faulty_messages():
                if faulty.pattern.search(text):
                    found.append(f"{faulty.fault} in {faulty.msgid!r}")
    return sorted(set(found))


def limits(screen: Screen, locale: str) -> list[str]:
    found = [f"Telegram refused {call.method}: {call.error}" for call in screen.refused]
    for message in screen.messages:
        limit = MAX_CAPTION if message.caption else MAX_TEXT
        if utf16_len(message.text) > limit:
            kind = "caption" if message.caption else "text"
            found.append(f"{kind} of {utf16_len(message.text)} characters (limit {limit})")
        if message.parse_error:
            found.append(f"HTML Telegram cannot parse: {message.parse_error}")
        if len(message.buttons) > MAX_BUTTONS:
            found.append(f"{len(message.buttons)} buttons (limit {MAX_BUTTONS})")
        for button in message.buttons:
            data, url = button.get("callback_data"), button.get("url")
            if data is not None and len(str(data).encode()) > MAX_DATA:
                found.append(f"callback data of {len(str(data).encode())} bytes: {data!r}")
            if url is not None and not _URL.match(str(url)):
                found.append(f"button {button.get('text')!r} links to {url!r}")
            if not str(button.get("text", "")).strip():
                found.append(f"a button without a label: {button!r}")
    return found


def language(screen: Screen, locale: str) -> list[str]:
    typed = [action.value for action in screen.path if action.kind == "send"]
    foreign = foreign_fragments(locale)
    other = "French" if locale == "br" else "Breton"
    found = []
    for message in screen.messages:
        for text in [message.text, *_labels(message)]:
            for match in foreign.finditer(masked(mask_demo(text), typed)):
                found.append(f"{other} {match[0]!r} shown to a {locale} user")
    return sorted(set(found))


CHECKS: dict[str, Callable[[Screen, str], list[str]]] = {
    "dead_end": dead_end,
    "not_understood": not_understood_after_typing,
    "visible_html": visible_html,
    "punctuation": punctuation,
    "limits": limits,
    "language": language,
}


def check(screen: Screen) -> list[Finding]:
    """Every rule, in the language the user was in when the screen was shown."""
    return [
        Finding(name, detail, screen.where)
        for name, rule in CHECKS.items()
        for detail in rule(screen, screen.locale)
    ]
