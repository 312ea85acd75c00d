"""How often the moderators' chat hears about one error: at most once per interval.

Users can trigger errors (a bug on a path anyone reaches); one report per occurrence would let
anybody flood the moderators' chat. The log keeps every occurrence; the chat gets the first,
then one per interval saying how many were not reported in between.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass

REPORT_INTERVAL = 600.0  # seconds between two reports of the same error
MAX_KINDS = 1_000  # distinct errors remembered; past that, the oldest are forgotten


@dataclass
class _Seen:
    reported_at: float
    suppressed: int = 0


class ErrorReports:
    """Decides which errors are reported; an error is its type and where it was raised."""

    def __init__(
        self, interval: float = REPORT_INTERVAL, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._interval = interval
        self._clock = clock
        self._seen: dict[str, _Seen] = {}

    def admit(self, error: BaseException | None) -> int | None:
        """None: do not report (counted). Else report, with how many went unreported since."""
        key, now = signature(error), self._clock()
        seen = self._seen.get(key)
        if seen is not None and now - seen.reported_at < self._interval:
            seen.suppressed += 1
            return None
        suppressed = seen.suppressed if seen else 0
        self._seen.pop(key, None)
        if len(self._seen) >= MAX_KINDS:
            del self._seen[next(iter(self._seen))]
        self._seen[key] = _Seen(now)
        return suppressed


def signature(error: BaseException | None) -> str:
    """The error's type and the place that raised it (not its message: ids and amounts vary)."""
    if error is None:
        return "None"
    frames = traceback.extract_tb(error.__traceback__)
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    return f"{type(error).__name__}@{where}"
