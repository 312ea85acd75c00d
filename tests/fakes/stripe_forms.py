"""Stripe's request encoding: bracketed form fields (``a[b][0][c]=v``) decoded into JSON shapes.

The ``stripe`` library sends POST bodies and GET query strings this way.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

__all__ = ["parse_stripe_form"]

_KEY_RE = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_SEGMENT_RE = re.compile(r"\[([^\[\]]*)\]")


def _key_parts(key: str) -> list[str]:
    match = _KEY_RE.match(key)
    if not match:
        return [key]
    return [match.group(1), *_SEGMENT_RE.findall(match.group(2))]


def _listify(node: Any, parent_key: str | None = None) -> Any:
    if not isinstance(node, dict):
        return node
    # Metadata keys are free-form strings, so "0" there is a key rather than an index.
    converted = {k: _listify(v, None if parent_key == "metadata" else k) for k, v in node.items()}
    if parent_key != "metadata" and converted and all(k.isdigit() for k in converted):
        return [converted[k] for k in sorted(converted, key=int)]
    return converted


def parse_stripe_form(body: str) -> dict[str, Any]:
    """Decode Stripe's bracketed form encoding (``a[b][0][c]=v``) into dicts and lists."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = _key_parts(key)
        node = root
        for depth, part in enumerate(parts):
            name = part if part != "" else str(len(node))  # "a[]=x" appends
            if depth == len(parts) - 1:
                node[name] = value
            else:
                child = node.get(name)
                if not isinstance(child, dict):
                    child = {}
                    node[name] = child
                node = child
    return {k: _listify(v, k) for k, v in root.items()}
