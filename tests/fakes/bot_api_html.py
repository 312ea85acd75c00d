"""The ``parse_mode=HTML`` checker used by the Bot API emulator.

Telegram turns an HTML text into plain text plus a list of entities and rejects the whole
request when the markup is not in its small HTML dialect. Bots usually find that out in
production, when a user's name contains ``<`` or a translator adds ``<br>``; this module lets
tests find it first. Error wordings follow the Bot API's ``can't parse entities`` messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["HtmlParseError", "ParsedText", "parse_html", "utf16_len"]

# Telegram accepts several spellings per entity type, and nothing else.
_TAG_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
# The Bot API documents exactly these named entities; all numeric ones are allowed.
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_MAX_CODE_POINT = 0x10FFFF


class HtmlParseError(ValueError):
    """The reason Telegram gives after ``Bad Request: can't parse entities: ``."""


@dataclass
class ParsedText:
    """What a user sees: the text without tags, and entities with UTF-16 offsets."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: entity offsets and limits are in UTF-16 code units."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _byte_offset(source: str, index: int) -> int:
    # Telegram reports positions in bytes of the UTF-8 request, not in characters.
    return len(source[:index].encode("utf-8", "surrogatepass"))


def _decode_entity(source: str, start: int) -> tuple[str, int] | None:
    """Decode the entity at ``source[start] == "&"``: (character, characters consumed)."""
    end = source.find(";", start + 1, start + 12)
    if end == -1:
        return None
    body = source[start + 1 : end]
    if body in _NAMED_ENTITIES:
        return _NAMED_ENTITIES[body], end - start + 1
    if not body.startswith("#") or len(body) < 2:
        return None
    digits, base = (body[2:], 16) if body[1] in "xX" else (body[1:], 10)
    try:
        code = int(digits, base)
    except ValueError:
        return None
    if code == 0 or code > _MAX_CODE_POINT or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), end - start + 1


def _decode_attribute(value: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(value):
        decoded = _decode_entity(value, i) if value[i] == "&" else None
        if decoded is None:
            out.append(value[i])
            i += 1
        else:
            out.append(decoded[0])
            i += decoded[1]
    return "".join(out)


@dataclass
class _OpenTag:
    name: str
    start: int  # UTF-16 offset in the visible text
    entity: dict[str, Any] | None  # None when the tag only adds to its parent's entity


class _Parser:
    def __init__(self, source: str, strict_ampersand: bool) -> None:
        self.src = source
        self.strict_ampersand = strict_ampersand
        self.pos = 0
        self.out: list[str] = []
        self.out_len = 0
        self.stack: list[_OpenTag] = []
        self.entities: list[dict[str, Any]] = []

    def error(self, what: str, at: int) -> HtmlParseError:
        return HtmlParseError(f"{what} at byte offset {_byte_offset(self.src, at)}")

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.out_len += utf16_len(text)

    def skip_spaces(self) -> None:
        while self.pos < len(self.src) and self.src[self.pos].isspace():
            self.pos += 1

    def run(self) -> ParsedText:
        src = self.src
        while self.pos < len(src):
            char = src[self.pos]
            if char == "&":
                self.ampersand()
            elif char != "<":
                self.emit(char)
                self.pos += 1
            elif src.startswith("</", self.pos):
                self.end_tag()
            else:
                self.start_tag()
        if self.stack:
            raise HtmlParseError(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"'
            )
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return ParsedText("".join(self.out), self.entities)

    def ampersand(self) -> None:
        decoded = _decode_entity(self.src, self.pos)
        if decoded is not None:
            self.emit(decoded[0])
            self.pos += decoded[1]
            return
        # Telegram itself keeps an unknown "&..." as literal text. The emulator is stricter
        # on purpose: a bare "&" in a bot's HTML almost always means user input was not
        # escaped, and the next user will type a "<".
        if self.strict_ampersand:
            raise self.error('Character "&" must be escaped as "&amp;"', self.pos)
        self.emit("&")
        self.pos += 1

    def read_name(self) -> str:
        begin = self.pos
        src = self.src
        while self.pos < len(src) and not src[self.pos].isspace() and src[self.pos] not in ">=":
            self.pos += 1
        return src[begin : self.pos]

    def start_tag(self) -> None:
        begin = self.pos
        self.pos += 1
        name = self.read_name().lower()
        if self.pos >= len(self.src):
            raise self.error("Unclosed start tag", begin)
        if name not in _TAG_ENTITY:
            raise self.error(f'Unsupported start tag "{name}"', begin)
        attributes = self.read_attributes(name, begin)
        self.stack.append(_OpenTag(name, self.out_len, self.make_entity(name, attributes, begin)))

    def read_attributes(self, tag: str, begin: int) -> dict[str, str]:
        attributes: dict[str, str] = {}
        src = self.src
        while True:
            self.skip_spaces()
            if self.pos >= len(src):
                raise self.error("Unclosed start tag", begin)
            if src[self.pos] == ">":
                self.pos += 1
                return attributes
            attr = self.read_name().lower()
            if not attr:
                raise self.error(f'Empty attribute name in the tag "{tag}"', begin)
            self.skip_spaces()
            if self.pos >= len(src) or src[self.pos] != "=":
                attributes[attr] = ""
                continue
            self.pos += 1
            self.skip_spaces()
            if self.pos >= len(src):
                raise self.error("Unclosed start tag", begin)
            quote = src[self.pos]
            if quote in "\"'":
                close = src.find(quote, self.pos + 1)
                if close == -1:
                    raise self.error("Unclosed start tag", begin)
                raw = src[self.pos + 1 : close]
                self.pos = close + 1
            else:
                value_begin = self.pos
                while self.pos < len(src) and not src[self.pos].isspace() and src[self.pos] != ">":
                    self.pos += 1
                raw = src[value_begin : self.pos]
            attributes[attr] = _decode_attribute(raw)

    def make_entity(
        self, tag: str, attributes: dict[str, str], begin: int
    ) -> dict[str, Any] | None:
        entity: dict[str, Any] = {"type": _TAG_ENTITY[tag]}
        if tag == "a":
            href = attributes.get("href", "").strip()
            if not href:
                raise self.error('Tag "a" must have a non-empty attribute "href"', begin)
            entity["url"] = href
        elif tag == "span" and attributes.get("class") != "tg-spoiler":
            # <span> exists in Telegram's dialect only as the spoiler spelling.
            raise self.error('Tag "span" must have class "tg-spoiler"', begin)
        elif tag == "tg-emoji":
            emoji_id = attributes.get("emoji-id", "")
            if not emoji_id.isdigit():
                raise self.error('Tag "tg-emoji" must have a numeric attribute "emoji-id"', begin)
            entity["custom_emoji_id"] = emoji_id
        elif tag == "blockquote" and "expandable" in attributes:
            entity["type"] = "expandable_blockquote"
        elif tag == "code" and self.stack and self.stack[-1].name == "pre":
            # <pre><code class="language-x"> is how Telegram receives a code block's language;
            # it becomes one "pre" entity with that language, not two entities.
            language = attributes.get("class", "")
            parent = self.stack[-1].entity
            if parent is not None and language.startswith("language-") and language[9:]:
                parent["language"] = language.removeprefix("language-")
                return None
        return entity

    def end_tag(self) -> None:
        begin = self.pos
        self.pos += 2
        name = self.read_name().lower()
        self.skip_spaces()
        if not self.stack:
            raise self.error("Unexpected end tag", begin)
        expected = self.stack[-1].name
        if name and name != expected:
            offset = _byte_offset(self.src, begin)
            raise HtmlParseError(
                f"Unmatched end tag at byte offset {offset}, "
                f'expected "</{expected}>", found "</{name}>"'
            )
        if self.pos >= len(self.src) or self.src[self.pos] != ">":
            raise self.error("Unclosed end tag", begin)
        self.pos += 1
        opened = self.stack.pop()
        length = self.out_len - opened.start
        # Telegram drops entities that end up covering no text at all.
        if opened.entity is not None and length > 0:
            self.entities.append({**opened.entity, "offset": opened.start, "length": length})


def parse_html(source: str, *, strict_ampersand: bool = True) -> ParsedText:
    """Parse ``source`` as Telegram does for ``parse_mode=HTML``.

    Raises :class:`HtmlParseError` with the text Telegram puts after
    ``Bad Request: can't parse entities: ``.
    """
    return _Parser(source, strict_ampersand).run()
