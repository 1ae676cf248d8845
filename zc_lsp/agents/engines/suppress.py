"""Suppressing one finding on one line: the markers the review honours and the edit that writes one.

Each engine's own marker, so the other tools read it too: `# noqa: CODE` for ruff codes (merged
into an existing `# noqa:` list), `# nosec CODE` for bandit codes, and `# zc: ignore[CODE]` for
ZombieCoder's own ZC-* codes (ruff would warn about a hyphenated code in `noqa`). The review drops
a ZC-* finding whose line carries `# zc: ignore[CODE]` or `# noqa: CODE`; in `.env` and INI files,
where a trailing comment would become part of the value, the marker goes on a comment line just
above. A blanket `# noqa` never hides a ZC-* finding: it was written for ruff, not for a leaked key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zc_lsp.agents.engines.lines import split_lines
from zc_lsp.core.types import Finding, Span, TextEdit

_ZC_IGNORE = re.compile(r"zc:\s*ignore\[(?P<codes>[^\]]*)\]")
_NOQA = re.compile(r"#\s*noqa:\s*(?P<codes>[A-Za-z0-9_\-]+(?:[,\s]+[A-Za-z0-9_\-]+)*)", re.IGNORECASE)
_NOSEC = re.compile(r"#\s*nosec\b(?P<codes>(?:[ \t,]+B\d{3})*)")
_BANDIT = re.compile(r"^B\d{3}$")
_UNSUPPRESSABLE = {"invalid-syntax", "ZC-PARSE", "test-failure"}
# File kinds -> how a comment is written; None: the format has no comments (JSON).
LINE_ABOVE = {"env", "ini"}
_TEMPLATE = "template"


def _codes(raw: str) -> list[str]:
    return [c for c in re.split(r"[,\s]+", raw.strip()) if c]


def marked_codes(line: str) -> set[str]:
    """Codes this line suppresses with `zc: ignore[...]` or `# noqa: ...`."""
    found: set[str] = set()
    for m in _ZC_IGNORE.finditer(line):
        found.update(_codes(m.group("codes")))
    for m in _NOQA.finditer(line):
        found.update(_codes(m.group("codes")))
    return found


def _comment_only(line: str) -> bool:
    return line.lstrip().startswith(("#", ";", "{#"))


def is_suppressed(lines: list[str], line_no: int, code: str) -> bool:
    """True when line `line_no` (or a comment-only line right above it) suppresses `code`."""
    if 0 <= line_no < len(lines) and code in marked_codes(lines[line_no]):
        return True
    above = line_no - 1
    return 0 <= above < len(lines) and _comment_only(lines[above]) and code in marked_codes(lines[above])


def drop_suppressed(findings: list[Finding], text: str) -> list[Finding]:
    """The findings minus the ZC-* ones the user suppressed (ruff and bandit honour their own)."""
    if not any(f.code.startswith("ZC-") for f in findings):
        return findings  # nothing of ours to drop: no look at a text of maybe megabytes
    if "ignore[" not in text and "noqa" not in text.lower():
        return findings
    lines = split_lines(text)
    return [
        f
        for f in findings
        if not (f.code.startswith("ZC-") and f.code not in _UNSUPPRESSABLE and _suppressed_span(lines, f))
    ]


def _suppressed_span(lines: list[str], f: Finding) -> bool:
    end = f.span.end_line - 1 if f.span.end_char == 0 and f.span.end_line > f.span.start_line else f.span.end_line
    return any(is_suppressed(lines, n, f.code) for n in {f.span.start_line, end})


@dataclass(frozen=True)
class Suppression:
    title: str
    edit: TextEdit


def marker_style(code: str, engine: str = "") -> str | None:
    """ "zc" | "nosec" | "noqa" for a code that can be suppressed on its line, else None."""
    if not code or code in _UNSUPPRESSABLE or engine in ("pytest", "model"):
        return None
    if code.startswith("ZC-"):
        return "zc"
    if _BANDIT.match(code) and engine != "ruff":
        return "nosec"
    return "noqa" if re.fullmatch(r"[A-Z]+[0-9]+", code) else None


def suppression(
    lines: list[str], line_no: int, code: str, engine: str = "", kind: str = "python"
) -> Suppression | None:
    """The edit that suppresses `code` on line `line_no`, merged into a marker already there."""
    style = marker_style(code, engine)
    if style is None or kind == "json" or not 0 <= line_no < len(lines):
        return None
    if style != "zc" and kind != "python":
        return None  # ruff and bandit only read Python files
    title = f"Suppress {code} on this line"
    line = lines[line_no]
    if kind in LINE_ABOVE:
        above = line_no - 1
        if above >= 0 and _comment_only(lines[above]) and (m := _ZC_IGNORE.search(lines[above])):
            return Suppression(title, _merge(lines[above], above, m, code))
        indent = line[: len(line) - len(line.lstrip())]
        prefix = ";" if kind == "ini" and line.lstrip().startswith(";") else "#"
        return Suppression(title, TextEdit(Span(line_no, 0, line_no, 0), f"{indent}{prefix} zc: ignore[{code}]\n"))
    if line.rstrip().endswith("\\"):
        return None  # a trailing comment would end the line continuation
    pattern = {"zc": _ZC_IGNORE, "noqa": _NOQA, "nosec": _NOSEC}[style]
    if (m := pattern.search(line)) is not None:
        return Suppression(title, _merge(line, line_no, m, code))
    marker = {"zc": f"zc: ignore[{code}]", "noqa": f"noqa: {code}", "nosec": f"nosec {code}"}[style]
    comment = f"{{# {marker} #}}" if kind == _TEMPLATE else f"# {marker}"
    end = len(line.rstrip())
    return Suppression(title, TextEdit(Span(line_no, end, line_no, len(line)), f"  {comment}"))


def _merge(line: str, line_no: int, m: re.Match[str], code: str) -> TextEdit:
    """Add `code` to the marker's list: `# noqa: F401` -> `# noqa: F401, S602`."""
    codes = _codes(m.group("codes").replace(",", " "))
    if code in codes:
        codes.remove(code)
    joined = ", ".join([*codes, code])
    if m.re is _ZC_IGNORE:
        new = f"zc: ignore[{joined}]"
    elif m.re is _NOSEC:
        new = f"# nosec {joined}"
    else:
        new = f"# noqa: {joined}"
    return TextEdit(Span(line_no, m.start(), line_no, m.end()), new)
