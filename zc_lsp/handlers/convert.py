"""Conversions between the agents' plain types and lsprotocol types.

Agents count Python characters; clients count UTF-16 code units by default. Lines that are pure
ASCII (nearly all code) take a fast path.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path

from zc_lsp.core.types import DocSnapshot, FileEdit, Finding, Span, TextEdit

SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}


HUGE_TEXT = 50_000_000  # above the highest diagnostics.max_file_bytes: never analysed, never split whole


class Lines:
    """Column conversion for one text in one position encoding."""

    def __init__(self, text: str, encoding: str = "utf-16") -> None:
        self.text = text
        self.encoding = encoding
        self._lines: list[str] | None = None

    @property
    def lines(self) -> list[str]:
        """Every line, split on first use: most conversions touch a few lines of a text that may be huge."""
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines

    def _line(self, n: int) -> str:
        if self._lines is not None or n < 0:
            return self.lines[n] if 0 <= n < len(self.lines) else ""
        start = 0
        for _ in range(n):  # a few lines near the top of a big text: no split of the whole of it
            found = self.text.find("\n", start)
            if found < 0:
                return ""
            start = found + 1
            if start > 1_000_000:  # deep into the text: one split is cheaper than walking on...
                if len(self.text) > HUGE_TEXT:  # ...unless it is a document no agent will look at:
                    return ""  # its columns pass through unconverted (as for ASCII)
                return self.lines[n] if n < len(self.lines) else ""
        end = self.text.find("\n", start)
        return self.text[start:] if end < 0 else self.text[start:end]

    def to_client(self, line: int, char: int) -> types.Position:
        text = self._line(line)
        if self.encoding == "utf-32" or text.isascii():
            return types.Position(line=max(line, 0), character=max(char, 0))
        prefix = text[: max(char, 0)]
        units = len(prefix.encode("utf-16-le")) // 2 if self.encoding == "utf-16" else len(prefix.encode())
        return types.Position(line=max(line, 0), character=units)

    def from_client(self, pos: types.Position) -> tuple[int, int]:
        text = self._line(pos.line)
        if self.encoding == "utf-32" or text.isascii():
            return pos.line, pos.character
        codec = "utf-16-le" if self.encoding == "utf-16" else "utf-8"
        width = 2 if self.encoding == "utf-16" else 1
        raw = text.encode(codec)[: pos.character * width]
        return pos.line, len(raw.decode(codec, errors="ignore"))

    def range(self, span: Span) -> types.Range:
        return types.Range(
            start=self.to_client(span.start_line, span.start_char), end=self.to_client(span.end_line, span.end_char)
        )

    def span(self, rng: types.Range) -> Span:
        sl, sc = self.from_client(rng.start)
        el, ec = self.from_client(rng.end)
        return Span(sl, sc, el, ec)


@functools.lru_cache(maxsize=4096)  # pure; asked several times per code-action listing (folder lookups)
def uri_to_path(uri: str) -> Path | None:
    path = to_fs_path(uri)
    return Path(path) if path and uri.startswith("file:") else None


def path_to_uri(path: Path) -> str:
    uri = from_fs_path(str(path))
    assert uri is not None
    return uri


def snapshot(doc: Any) -> DocSnapshot:
    """An immutable copy of a pygls TextDocument: agents work on this, never the live document."""
    return DocSnapshot(
        uri=doc.uri,
        path=uri_to_path(doc.uri),
        text=doc.source,
        version=doc.version,
        language_id=doc.language_id or "python",
    )


def diagnostic(finding: Finding, lines: Lines, version: int | None = None, uri: str | None = None) -> types.Diagnostic:
    """`version`: the document version the finding was computed on; its quick fix is offered only
    while the document is still at that version (clients echo `data` back with the diagnostic).
    `uri`: the document's, for `relatedInformation` (a taint finding's source-to-sink path)."""
    data: dict[str, Any] = {"engine": finding.engine, **finding.data}
    related = data.pop("related", None)  # sent as relatedInformation, not echoed back in data
    if version is not None:
        data["version"] = version
    if finding.fix:
        data["fix"] = [
            {"s": [e.span.start_line, e.span.start_char, e.span.end_line, e.span.end_char], "t": e.new_text}
            for e in finding.fix
        ]
        data["fix_title"] = finding.fix_title or f"Fix {finding.code}"
    return types.Diagnostic(
        range=lines.range(finding.span),
        message=finding.message,
        severity=SEVERITY.get(finding.severity, types.DiagnosticSeverity.Warning),
        code=finding.code,
        code_description=types.CodeDescription(href=finding.url) if finding.url else None,
        source=source_name(finding),
        data=data,
        related_information=related_information(related, lines, uri),
    )


def related_information(steps: Any, lines: Lines, uri: str | None) -> list[types.DiagnosticRelatedInformation] | None:
    """A finding's related spots (0-based `line`/`col`/`end_line`/`end_col` and a `note`) as LSP locations."""
    if not uri or not isinstance(steps, list) or not steps:
        return None
    out = []
    for step in steps:
        if not isinstance(step, dict):
            continue
        try:
            span = Span(int(step["line"]), int(step["col"]), int(step["end_line"]), int(step["end_col"]))
        except (KeyError, TypeError, ValueError):
            continue
        location = types.Location(uri=str(step.get("uri") or uri), range=lines.range(span))
        out.append(types.DiagnosticRelatedInformation(location=location, message=str(step.get("note") or "")))
    return out or None


def source_name(finding: Finding) -> str:
    """`zombiecoder/ruff`, `zombiecoder/bandit`, `zombiecoder/config`...: the engine that found it."""
    if finding.source == "zombiecoder" and finding.engine:
        return f"zombiecoder/{finding.engine}"
    return finding.source


def fix_edits(diag: types.Diagnostic) -> tuple[str, list[TextEdit]] | None:
    """The quick fix stored in a diagnostic's data by `diagnostic()`, if any (clients echo data back)."""
    data = diag.data if isinstance(diag.data, dict) else None
    if not data or not isinstance(data.get("fix"), list):
        return None
    edits = []
    for item in data["fix"]:
        try:
            sl, sc, el, ec = (int(v) for v in item["s"])
            edits.append(TextEdit(Span(sl, sc, el, ec), str(item["t"])))
        except (KeyError, TypeError, ValueError):
            return None
    return str(data.get("fix_title") or "Apply fix"), edits


def workspace_edit(
    edits: list[FileEdit],
    versions: dict[str, int | None],
    encoding: str,
    texts: dict[str, str],
    document_changes: bool = True,
) -> types.WorkspaceEdit:
    """FileEdits -> a WorkspaceEdit: versioned document changes with file creation, or the plain
    `changes` map for clients that support nothing else (files to create must then exist already)."""
    if not document_changes:
        plain: dict[str, list[types.TextEdit]] = {}
        for fe in edits:
            uri = path_to_uri(fe.path)
            lines = Lines(texts.get(uri, ""), encoding)
            plain.setdefault(uri, []).extend(types.TextEdit(range=lines.range(e.span), new_text=e.new_text) for e in fe.edits)
        return types.WorkspaceEdit(changes=plain)
    changes: list[Any] = []
    for fe in edits:
        uri = path_to_uri(fe.path)
        if fe.create:
            changes.append(
                types.CreateFile(uri=uri, options=types.CreateFileOptions(overwrite=False, ignore_if_exists=True))
            )
        lines = Lines(texts.get(uri, ""), encoding)
        text_edits: list[types.TextEdit | types.AnnotatedTextEdit | types.SnippetTextEdit] = [
            types.TextEdit(range=lines.range(e.span), new_text=e.new_text) for e in fe.edits
        ]
        changes.append(
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=versions.get(uri)),
                edits=text_edits,
            )
        )
    return types.WorkspaceEdit(document_changes=changes)
