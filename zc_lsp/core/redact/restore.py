"""Placeholders back to secrets, only for what the user sees or what is applied as an edit.

The placeholder -> secret map lives only in a `Redaction` object, in memory; it is never
persisted, logged (its repr hides it) or sent. Streams are restored chunk by chunk, holding back a
tail that may be half a placeholder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

PLACEHOLDER_PREFIX = "[[ZC_SECRET_"
PLACEHOLDER_RE = re.compile(r"\[\[ZC_SECRET_(\d+)\]\]")
_PLACEHOLDER_RE = PLACEHOLDER_RE


@dataclass
class Redaction:
    """Redacted texts plus the in-memory map to restore them. Never persist `mapping`."""

    texts: list[str]
    mapping: dict[str, str] = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:  # never show secrets in logs or tracebacks
        return f"Redaction(secrets={len(self.mapping)})"

    @property
    def count(self) -> int:
        return len(self.mapping)

    @property
    def stored(self) -> list[str]:
        """The texts as they may be stored or sent again: placeholders, never secrets."""
        return list(self.texts)

    def restore(self, text: str) -> str:
        if not self.mapping:
            return text
        return _PLACEHOLDER_RE.sub(lambda m: self.mapping.get(m.group(0), m.group(0)), text)

    def restorer(self) -> StreamRestorer:
        return StreamRestorer(self)


class StreamRestorer:
    """Restores placeholders in a stream, holding back a chunk tail that may be half a placeholder."""

    def __init__(self, redaction: Redaction) -> None:
        self._redaction = redaction
        self._buffer = ""

    def feed(self, chunk: str) -> str:
        if not self._redaction.mapping:
            return chunk
        self._buffer = self._redaction.restore(self._buffer + chunk)
        cut = _partial_start(self._buffer)
        out, self._buffer = self._buffer[:cut], self._buffer[cut:]
        return out

    def flush(self) -> str:
        out, self._buffer = self._redaction.restore(self._buffer), ""
        return out


def _partial_start(buf: str) -> int:
    """Index where a possibly incomplete placeholder starts at the end of `buf`, else len(buf).

    The earliest candidate wins: in "use [[" the partial placeholder starts at the first "[".
    """
    floor = max(0, len(buf) - 32)
    i = buf.find("[", floor)
    while i != -1:
        tail = buf[i:]
        if len(tail) <= len(PLACEHOLDER_PREFIX):
            if PLACEHOLDER_PREFIX.startswith(tail):
                return i
        elif tail.startswith(PLACEHOLDER_PREFIX) and re.fullmatch(r"\d+\]?", tail[len(PLACEHOLDER_PREFIX):]):
            return i
        i = buf.find("[", i + 1)
    return len(buf)
