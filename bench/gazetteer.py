"""The gazetteer's costs: loading the 1,409 communes, finding one by a typed name, and suggesting
the closest names to a misspelt one (the wizard's commune step does both on every answer).

Run from the repository root: `.venv/bin/python bench/gazetteer.py`. Target: a suggestion well
under 10 ms, so that a typo never makes the wizard feel slow.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TYPED = ["Quimpr", "Plouguernau", "Saint Brieu", "Trifouillis", "Lanbal", "Kergrist-Moelo",
         "Plouezoch", "Roazon", "Pleiben", "Naoned"]  # fmt: skip
SUGGESTION_TARGET_MS = 10.0


def _per_call_ms(call: Callable[[str], object], runs: int = 50) -> list[float]:
    """Milliseconds per call of `call` over TYPED, for each of `runs` rounds."""
    rounds = []
    for _ in range(runs):
        started = time.perf_counter()
        for name in TYPED:
            call(name)
        rounds.append((time.perf_counter() - started) * 1000 / len(TYPED))
    return rounds


def main() -> None:
    started = time.perf_counter()
    from bot.search import places

    imported = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    count = len(places.communes())
    loaded = (time.perf_counter() - started) * 1000
    print(f"import bot.search.places: {imported:.1f} ms; first load of {count} communes: "
          f"{loaded:.1f} ms")  # fmt: skip
    for label, call in (("find_commune", places.find_commune),
                        ("suggest_communes", places.suggest_communes)):  # fmt: skip
        rounds = _per_call_ms(call)
        median, worst = statistics.median(rounds), max(rounds)
        print(f"{label}: median {median:.3f} ms per call, worst round {worst:.3f} ms")
    worst = max(_per_call_ms(places.suggest_communes))
    verdict = "OK" if worst < SUGGESTION_TARGET_MS else "OVER TARGET"
    print(
        f"suggestions: worst round {worst:.2f} ms against {SUGGESTION_TARGET_MS:.0f} ms: {verdict}"
    )


if __name__ == "__main__":
    main()
