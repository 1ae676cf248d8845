"""Plain value types every layer shares: spans, snapshots, edits and findings.

Positions are 0-based lines and characters (UTF-16 code units are the handlers' business; agents
count Python str characters). Handlers convert to and from lsprotocol.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Severity = Literal["error", "warning", "info", "hint"]


@dataclass(frozen=True)
class Span:
    """A range in a document: 0-based, end exclusive."""

    start_line: int
    start_char: int
    end_line: int
    end_char: int

    @classmethod
    def lines(cls, start: int, end: int | None = None) -> Span:
        """Whole lines start..end inclusive (end defaults to start)."""
        end = start if end is None else end
        return cls(start, 0, end + 1, 0)


@dataclass(frozen=True)
class DocSnapshot:
    """An immutable copy of a document at one version; what every agent works on."""

    uri: str
    path: Path | None
    text: str
    version: int | None = None
    language_id: str = "python"


@dataclass(frozen=True)
class TextEdit:
    span: Span
    new_text: str


@dataclass
class FileEdit:
    """Edits to one file, computed on one version of it.

    `create=True` creates the file first (it must not exist yet). `base_version` is the version of the
    document snapshot the edit was computed on (None: computed from disk or a file not open). The edit
    guard refuses an edit whose base version is not the live one, so a slow model edit never lands
    on lines the user has changed since (the client's stale-edit check needs the true version).
    """

    path: Path
    edits: list[TextEdit]
    create: bool = False
    base_version: int | None = None


@dataclass
class Finding:
    """One diagnostic-worthy finding. `fix` is a ready edit for a quick fix (same file)."""

    span: Span
    severity: Severity
    code: str
    message: str
    source: str = "zombiecoder"
    url: str | None = None
    fix: list[TextEdit] | None = None
    fix_title: str | None = None
    engine: str = ""  # ruff | bandit | secrets | pytest | model
    data: dict[str, Any] = field(default_factory=dict)
