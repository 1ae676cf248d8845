"""Structured logs: JSON lines in the workspace's `logs/` folder, rotated, with secrets redacted.

Redaction here is a last line of defence (the router redacts prompts before any model call):
anything that looks like a key, token, password assignment, credential in a URL or PEM block
is replaced before the line reaches the disk.
"""

from __future__ import annotations

import json
import logging
import re
import time
from logging.handlers import RotatingFileHandler
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zc_lsp.memory.workspace import WorkspaceMemory

LOG_FILE = "zc.jsonl"
REDACTED = "[REDACTED]"
_SECRET_PATTERNS = [
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.S),
    re.compile(r"\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}"),          # OpenAI / Anthropic keys
    re.compile(r"\b(?:ghp|gho|ghu|ghs|ghr|github_pat)_[A-Za-z0-9_]{20,}"),  # GitHub tokens
    re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"),                   # AWS access key ids
    re.compile(r"\bxox[abpors]-[A-Za-z0-9-]{10,}"),                 # Slack tokens
    re.compile(r"\bgAAAAA[A-Za-z0-9_=-]{40,}"),                     # Fernet tokens
    re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]{8,}"),
]
_ASSIGNMENT = re.compile(
    r"(?i)\b([A-Za-z0-9_]*(?:password|passwd|secret|token|api[_-]?key|access[_-]?key|"
    r"private[_-]?key|zc_memory_key)[A-Za-z0-9_]*)(\s*[:=]\s*)(['\"]?)([^\s'\",;]+)")
_URL_CREDENTIALS = re.compile(r"(\b[a-z][a-z0-9+.-]*://)([^/\s:@]+):([^/\s@]+)@", re.I)


def redact(text: str) -> str:
    """`text` with obvious secrets replaced by [REDACTED]."""
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(REDACTED, text)
    text = _ASSIGNMENT.sub(lambda m: f"{m[1]}{m[2]}{m[3]}{REDACTED}", text)
    return _URL_CREDENTIALS.sub(lambda m: f"{m[1]}{m[2]}:{REDACTED}@", text)


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
        for key, value in vars(record).items():
            if key not in self._STANDARD and not key.startswith("_"):
                entry[key] = redact(value) if isinstance(value, str) else value
        return json.dumps(entry, default=lambda v: redact(str(v)), ensure_ascii=False)


def setup_json_log(memory: WorkspaceMemory, logger: str | None = "zc_lsp",
                   max_bytes: int = 5_000_000, backup_count: int = 5,
                   level: int = logging.INFO) -> logging.Handler:
    """A rotating JSON-lines handler on `<data>/logs/zc.jsonl`, attached to `logger` (None: not
    attached). When the folder cannot be written a NullHandler is returned and a warning logged,
    so logging problems never stop the server."""
    try:
        memory.logs_dir.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = RotatingFileHandler(
            memory.logs_dir / LOG_FILE, maxBytes=max_bytes, backupCount=backup_count,
            encoding="utf-8")
    except OSError as exc:
        logging.getLogger(__name__).warning("JSON log unavailable in %s: %s", memory.logs_dir, exc)
        handler = logging.NullHandler()
    handler.setFormatter(JsonLineFormatter())
    handler.setLevel(level)
    if logger is not None:
        target = logging.getLogger(logger)
        target.addHandler(handler)
        if target.level == logging.NOTSET or target.level > level:
            target.setLevel(level)
    return handler
