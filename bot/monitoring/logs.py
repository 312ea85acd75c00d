"""Logging set-up: one line per event (JSON when LOG_FORMAT=json), secrets scrubbed everywhere."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from datetime import UTC, datetime

from pythonjsonlogger.json import JsonFormatter

REDACTED = "[redacted]"
LINE_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _Redactor:
    def __init__(self, secrets: Iterable[str]) -> None:
        # Longest first, so a secret containing another is replaced whole.
        self._secrets = sorted({s for s in secrets if len(s) >= 8}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text


def utc_timestamp(record: logging.LogRecord) -> str:
    """ISO 8601 in UTC to the millisecond (2026-12-06T12:34:56.789Z): lines from workers on
    hosts in other zones, or across a change of summer time, sort and compare as they are."""
    moment = datetime.fromtimestamp(record.created, UTC)
    return moment.isoformat(timespec="milliseconds").removesuffix("+00:00") + "Z"


class RedactingFormatter(logging.Formatter):
    """Format, then blank out every known secret, tracebacks included (URLs carry the token)."""

    def __init__(self, secrets: Iterable[str], fmt: str = LINE_FORMAT) -> None:
        super().__init__(fmt)
        self._redact = _Redactor(secrets)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return utc_timestamp(record)

    def format(self, record: logging.LogRecord) -> str:
        return self._redact(super().format(record))


class RedactingJsonFormatter(JsonFormatter):
    """One JSON object per line (with any `extra=` fields, e.g. update_id), secrets blanked."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
        self._redact = _Redactor(secrets)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return utc_timestamp(record)

    def format(self, record: logging.LogRecord) -> str:
        return self._redact(super().format(record))


def configure_logging(level: str, secrets: Iterable[str], log_format: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    secrets = list(secrets)
    if log_format == "json":
        handler.setFormatter(RedactingJsonFormatter(secrets))
    else:
        handler.setFormatter(RedactingFormatter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
