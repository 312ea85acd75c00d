"""The layering rule of docs/architecture.md, checked on every import of bot/ and handlers/.

Arrows go one way: entry point → composition root → handlers and HTTP routes → context →
background workers → views → services → the Telegram edge → storage → text and codecs →
domain. A module may import its own layer or a lower one, never a higher one, and no import
goes in a circle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Longest prefix wins. Higher numbers sit higher.
LAYERS = {
    "bot.__main__": 10,
    "bot.server": 9,
    "handlers": 8,
    "bot.web": 8,
    "bot.context": 7,
    "bot.notifications.workers": 6,
    "bot.notifications.sender": 6,
    "bot.notifications.outcomes": 6,
    "bot.notifications.progress": 6,
    "bot.notifications.chats": 6,
    "bot.views": 5,
    "bot.submission.views": 5,
    "bot.submission.replies": 5,
    "bot.submission.messages": 5,
    "bot.notifications.messages": 5,
    "bot.notifications.payment_messages": 5,
    "bot.services": 4,
    "bot.users": 4,
    "bot.catalogue": 4,
    "bot.payments": 4,
    "bot.matching": 4,
    "bot.submission": 4,
    "bot.notifications": 4,
    "bot.demo": 4,
    "bot.telegram": 3,
    "bot.monitoring": 3,
    "bot.storage": 2,
    "bot.search": 1,
    "bot.i18n": 1,
    "bot.conversation": 1,
    "bot.config": 0,
    "bot.domain": 0,
}
VIEWS = (
    "bot.views",
    "bot.submission.views",
    "bot.submission.replies",
    "bot.notifications.messages",
    "bot.notifications.payment_messages",
)
# Services own their queries: nothing above them builds SQL.
NO_SQL_ABOVE = 4


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def product_modules() -> dict[str, Path]:
    files = [*ROOT.joinpath("bot").rglob("*.py"), *ROOT.joinpath("handlers").rglob("*.py")]
    return {module_name(path): path for path in files}


def imports_of(path: Path) -> Iterator[str]:
    """Every module imported anywhere in the file (function-local imports included)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                # `from bot.views import card` imports the module bot.views.card
                submodule = f"{node.module}.{alias.name}"
                yield submodule if submodule in MODULES else node.module


MODULES = product_modules()


def layer(module: str) -> int | None:
    matches = [prefix for prefix in LAYERS if module == prefix or module.startswith(prefix + ".")]
    return LAYERS[max(matches, key=len)] if matches else None


def internal_imports(module: str) -> set[str]:
    return {name for name in imports_of(MODULES[module]) if name in MODULES}


def test_every_module_has_a_layer() -> None:
    assert [module for module in MODULES if layer(module) is None and "." in module] == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_import_runs_back_up(module: str) -> None:
    own = layer(module)
    if own is None:
        return
    upward = [name for name in internal_imports(module) if (layer(name) or 0) > own]
    assert upward == [], f"{module} (layer {own}) imports a higher layer"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if (layer(m) or 0) > NO_SQL_ABOVE))
def test_nothing_above_the_services_writes_sql(module: str) -> None:
    # Sessions and engines may be passed through (`sqlalchemy.ext.asyncio` types); statements
    # may not be built.
    sql = [
        name
        for name in imports_of(MODULES[module])
        if (
            (name == "sqlalchemy" or name.startswith("sqlalchemy."))
            and not name.startswith("sqlalchemy.ext.asyncio")
        )
        or name.startswith("bot.storage.sql")
    ]
    assert sql == [], f"{module} builds SQL"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith(("handlers", *VIEWS))))
def test_handlers_and_views_never_reach_storage(module: str) -> None:
    storage = [name for name in imports_of(MODULES[module]) if name.startswith("bot.storage")]
    assert storage == [], f"{module} reaches the storage layer"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith(VIEWS)))
def test_views_speak_domain_types_only(module: str) -> None:
    services = ("bot.services", "bot.users", "bot.catalogue", "bot.payments", "bot.storage")
    wizard_services = ("bot.submission.wizard", "bot.submission.answers")
    allowed = {"bot.submission.wizard"} if module.startswith("bot.submission") else set()
    reached = [
        name
        for name in internal_imports(module)
        if name.startswith(services + wizard_services) and name not in allowed
    ]
    assert reached == [], f"{module} imports a service or storage"


def test_domain_and_codecs_import_nothing_of_ours_but_the_domain() -> None:
    for module in MODULES:
        if module.startswith(("bot.domain", "bot.conversation")):
            ours = {n for n in internal_imports(module) if not n.startswith("bot.conversation")}
            assert all(n == "bot.domain" or n.startswith("bot.domain.") for n in ours), module


def test_no_import_goes_in_a_circle() -> None:
    graph = {module: internal_imports(module) - {module} for module in MODULES}
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for name in sorted(graph[module]):
            if state.get(name) == 1:
                cycle = [*path[path.index(name) :], name]
                pytest.fail("import cycle: " + " → ".join(cycle))
            if name not in state:
                visit(name, [*path, name])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
