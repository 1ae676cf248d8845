"""Stable finding ids: the same problem keeps its id when lines above it are added or removed.

The id hashes (path relative to the workspace, rule code, the flagged line(s) with whitespace
collapsed and suppression comments removed, occurrence index of that triple in the file). It never
includes a line number, so CI baselines, SARIF uploads and the editor agree on "the same finding"
across edits elsewhere in the file.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict

from zc_lsp.agents.engines.lines import split_lines
from zc_lsp.core.types import Finding

ID_KEY = "id"  # Finding.data key; the diagnostic's data carries it too
_MARKERS = re.compile(r"#\s*(?:noqa|nosec)\b.*$|\{#\s*zc:.*?#\}|#?\s*zc:\s*ignore\[[^\]]*\]", re.IGNORECASE)
_MAX_LINES = 5


def normalised(lines: list[str], start: int, end: int) -> str:
    """The flagged text with whitespace runs collapsed and suppression markers dropped."""
    chunk = lines[max(start, 0) : min(end, start + _MAX_LINES - 1) + 1]
    return " ".join(" ".join(_MARKERS.sub("", line).split()) for line in chunk).strip()


def fingerprint(rel_path: str, code: str, text: str, occurrence: int) -> str:
    raw = "\x1f".join((rel_path.replace("\\", "/"), code, text, str(occurrence)))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def assign_ids(findings: list[Finding], text: str, rel_path: str) -> None:
    """Set `data["id"]` on every finding of one file (in place)."""
    lines = split_lines(text)
    seen: dict[tuple[str, str], int] = defaultdict(int)
    for f in sorted(findings, key=lambda f: (f.span.start_line, f.span.start_char, f.code)):
        end = f.span.end_line - 1 if f.span.end_char == 0 and f.span.end_line > f.span.start_line else f.span.end_line
        snippet = normalised(lines, f.span.start_line, end)
        key = (f.code, snippet)
        f.data[ID_KEY] = fingerprint(rel_path, f.code, snippet, seen[key])
        seen[key] += 1
