"""Applying TextEdits to text and to files on disk (the CLI's way; the LSP uses applyEdit)."""

from __future__ import annotations

import logging

from zc_lsp.core.files import read_text_bounded
from zc_lsp.core.types import FileEdit, TextEdit

log = logging.getLogger(__name__)


def _offset(lines: list[str], line: int, char: int) -> int:
    if line >= len(lines):
        return sum(len(x) for x in lines)
    return sum(len(x) for x in lines[:line]) + min(char, len(lines[line]))


def apply_text_edits(text: str, edits: list[TextEdit]) -> str:
    """Apply non-overlapping edits, last first so earlier offsets stay valid."""
    lines = text.splitlines(keepends=True)
    spans = sorted(edits, key=lambda e: (e.span.start_line, e.span.start_char), reverse=True)
    for edit in spans:
        start = _offset(lines, edit.span.start_line, edit.span.start_char)
        end = _offset(lines, edit.span.end_line, edit.span.end_char)
        text = text[:start] + edit.new_text + text[end:]
        lines = text.splitlines(keepends=True)
    return text


def write_file_edits(file_edits: list[FileEdit]) -> bool:
    """Write edits straight to disk: used when no editor is there to apply them (the CLI)."""
    for fe in file_edits:
        if fe.create and fe.path.exists():
            log.warning("refusing to create %s: it exists", fe.path)
            return False
        text = "" if fe.create else read_text_bounded(fe.path)
        fe.path.write_text(apply_text_edits(text, fe.edits), encoding="utf-8")
    return True
