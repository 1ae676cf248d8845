"""Structured logs: JSON lines in the workspace's `logs/` folder, rotated, with secrets redacted.

Redaction here is a last line of defence (the router redacts prompts before any model call, with core.redact):
anything that looks like a key, token, password assignment, credential in a URL or PEM block
is replaced before the line reaches the disk.
"""

from __future__ import annotations

import json
import logging
import os
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


class SizeRotatingFileHandler(logging.FileHandler):
    """logging.handlers.RotatingFileHandler's rotation (over `max_bytes`: name.1 .. name.<backup_count>).

    Ours because logging.handlers imports pickle and socket for its network handlers, ~0.3 MB of
    every idle server (issue 15); and each line is formatted (redacted) once, not twice.
    """

    def __init__(self, path: os.PathLike[str] | str, max_bytes: int, backup_count: int) -> None:
        super().__init__(path, encoding="utf-8")
        self.max_bytes, self.backup_count = max_bytes, backup_count

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record) + self.terminator
            if self.stream is None:
                self.stream = self._open()
            if 0 < self.max_bytes <= self.stream.tell() + len(line) and self.backup_count > 0:
                self._rotate()
            self.stream.write(line)
            self.flush()
        except RecursionError:
            raise
        except Exception:
            self.handleError(record)  # logging's own report on stderr: a log line never stops the server

    def _rotate(self) -> None:
        self.stream.close()
        for n in range(self.backup_count - 1, 0, -1):
            if os.path.exists(older := f"{self.baseFilename}.{n}"):
                os.replace(older, f"{self.baseFilename}.{n + 1}")
        if os.path.isfile(self.baseFilename):
            os.replace(self.baseFilename, f"{self.baseFilename}.1")
        self.stream = self._open()


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
    try:
        memory.logs_dir.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = SizeRotatingFileHandler(memory.logs_dir / LOG_FILE, max_bytes, backup_count)
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
