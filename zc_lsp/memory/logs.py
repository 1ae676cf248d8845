"""Structured logs: JSON lines in the workspace's `logs/` folder, rotated, with secrets redacted.

Redaction here is a last line of defence (the router redacts prompts before any model call, with core.redact):
anything that looks like a key, token, password assignment, credential in a URL or PEM block
is replaced before the line reaches the disk.
"""

from __future__ import annotations

import json
import logging
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zc_lsp.memory.workspace import WorkspaceMemory

LOG_FILE = "zc.jsonl"
REDACTED = "[REDACTED]"


def redact(text: str) -> str:
    """`text` as it may be written to a log: the router's one redactor, one-way (no restore map)."""
    from zc_lsp.core.redact import scrub

    return scrub(text)


class RedactingFilter(logging.Filter):
    """Put on every handler (stderr, file): the message, its args and the traceback are scrubbed.

    A handler filter, not a logger filter, because records propagated from child loggers skip
    the parent's logger filters but always pass the handler's.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception as exc:  # a bad format string is logged as such, never dropped silently
            message = f"{record.msg!r} (unformattable log args: {exc})"
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        record.exc_info = None if record.exc_text else record.exc_info
        return True


def install_redaction(handler: logging.Handler) -> logging.Handler:
    """Attach the redacting filter to `handler` once; returns it for chaining."""
    if not any(isinstance(f, RedactingFilter) for f in handler.filters):
        handler.addFilter(RedactingFilter())
    return handler


class JsonLineFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, msg, plus exc and any `extra` fields given."""

    _STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": round(record.created, 3),
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": redact(record.getMessage()),
        }
        if record.exc_info:
            entry["exc"] = redact(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["exc"] = redact(record.exc_text)
        for key, value in vars(record).items():
            if key not in self._STANDARD and not key.startswith("_"):
                entry[key] = redact(value) if isinstance(value, str) else value
        return json.dumps(entry, default=lambda v: redact(str(v)), ensure_ascii=False)


def setup_json_log(
    memory: WorkspaceMemory,
    logger: str | None = "zc_lsp",
    max_bytes: int = 5_000_000,
    backup_count: int = 5,
    level: int = logging.INFO,
) -> logging.Handler:
    """A rotating JSON-lines handler on `<data>/logs/zc.jsonl`, attached to `logger` (None: not
    attached). When the folder cannot be written a NullHandler is returned and a warning logged,
    so logging problems never stop the server."""
    from logging.handlers import RotatingFileHandler  # pickle, socket, queue: not on the server's start-up path

    try:
        memory.logs_dir.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = RotatingFileHandler(
            memory.logs_dir / LOG_FILE, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8"
        )
    except OSError as exc:
        logging.getLogger(__name__).warning("JSON log unavailable in %s: %s", memory.logs_dir, exc)
        handler = logging.NullHandler()
    handler.setFormatter(JsonLineFormatter())
    install_redaction(handler)
    handler.setLevel(level)
    if logger is not None:
        target = logging.getLogger(logger)
        target.addHandler(handler)
        if target.level == logging.NOTSET or target.level > level:
            target.setLevel(level)
    return handler
