"""The fakes are a package of their own: they know nothing of the bot, nor the bot of them."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imports(folder: Path) -> Iterator[tuple[str, str]]:
    """(file, module) for every absolute import under `folder`, type-checking ones included."""
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                yield from ((path.name, alias.name) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                yield path.name, node.module


def test_the_fakes_import_neither_the_bot_nor_test_code() -> None:
    # Their own modules are imported relatively: the package works wherever it is put.
    ours = [
        (name, module)
        for name, module in _imports(ROOT / "tests" / "fakes")
        if module.split(".")[0] in ("bot", "handlers", "tests")
    ]
    assert ours == []


def test_the_product_does_not_know_the_fakes_or_the_tests() -> None:
    imports = [*_imports(ROOT / "bot"), *_imports(ROOT / "handlers")]
    assert [(name, module) for name, module in imports if module.split(".")[0] == "tests"] == []
