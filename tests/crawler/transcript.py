"""The crawl written for a reviewer: one Markdown file per language.

Each screen once (the first path that reached it; later screens with the same signature are
counted, not repeated), in the order reached, so the file reads start by start and depth by
depth: the path, what the bot did (each message as the user sees it, quoted, with its buttons
as `[label]` rows, 🔗 for a link), the toast or alert, the input mode the user is left in, and
the findings of that screen. The default place is `build/conversation/<locale>.md` under the
repository; `KENGO_CRAWL_DIR` names another folder.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from tests.crawler.checks import Finding
from tests.crawler.screens import Screen, Shown

ROOT = Path(__file__).resolve().parents[2]
_KINDS = {
    "sendMessage": "sent",
    "sendPhoto": "photo sent",
    "editMessageText": "edited",
    "editMessageCaption": "caption edited",
    "editMessageReplyMarkup": "buttons changed",
}


def transcript_dir() -> Path:
    return Path(os.environ.get("KENGO_CRAWL_DIR") or ROOT / "build" / "conversation")


def _message(message: Shown) -> list[str]:
    lines = [f"*{_KINDS.get(message.method, message.method)}*", ""]
    if message.text:
        lines += [f"> {line}" if line else ">" for line in message.text.split("\n")]
    for row in message.keyboard:
        labels = [f"[{b.get('text')}]" + (" 🔗" if "url" in b else "") for b in row]
        lines.append("")
        lines.append("`" + "` `".join(labels) + "`")
    return [*lines, ""]


def write(
    locale: str, screens: list[Screen], findings: dict[int, list[Finding]], header: list[str]
) -> Path:
    """Write the transcript of `locale`; returns its path."""
    seen: Counter[str] = Counter(screen.signature for screen in screens)
    written: set[str] = set()
    lines = [f"# The conversation in `{locale}`, screen by screen", "", *header, ""]
    number = 0
    for index, screen in enumerate(screens):
        faults = findings.get(index, [])
        if screen.signature in written and not faults:
            continue
        written.add(screen.signature)
        number += 1
        lines += [f"## {number}. {screen.where}", ""]
        if seen[screen.signature] > 1:
            lines += [f"_Reached {seen[screen.signature]} times._", ""]
        for message in screen.messages:
            lines += _message(message)
        if screen.alert:
            lines += [f"*toast:* {screen.alert}", ""]
        if not screen.messages and not screen.alert:
            lines += ["*(no answer)*", ""]
        if screen.input_mode:
            lines += [f"*input mode:* `{screen.input_mode}`", ""]
        for finding in faults:
            lines += [f"- ❌ **{finding.check}**: {finding.detail}"]
        lines += [""] if faults else []
    folder = transcript_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{locale}.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
