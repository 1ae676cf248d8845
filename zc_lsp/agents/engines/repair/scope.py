"""The smallest enclosing scope of a defect, found from indentation (the text may not parse),
and the diff check that keeps a fix inside it.

A fix may change only lines of the `def`/`class` that holds the defect (or, at module level, the
paragraph of statements around it); inserted imports are the one exception and go to the top.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

_BLOCK = re.compile(r"^\s*(?:async\s+def|def|class)\s+(\w+)")
_DECORATOR = re.compile(r"^\s*@")
_METHOD = re.compile(r"^\s*(?:async\s+)?def\s+\w+\s*\(\s*(?:self|cls)\b")


@dataclass(frozen=True)
class Scope:
    """Lines `start..end` (1-based, inclusive) and a name for people: "def foo", "module"."""

    start: int
    end: int
    name: str

    def label(self) -> str:
        return f"`{self.name}`" if self.name != "module" else f"module lines {self.start}-{self.end}"


def indent_of(line: str) -> int:
    return len(line.expandtabs(8)) - len(line.expandtabs(8).lstrip())


def _blank(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _block_end(lines: list[str], header: int) -> int:
    """Last line (0-based) of the block opened at `header`; a body-less header spans its paragraph."""
    h = indent_of(lines[header])
    saw_body = methods = False
    is_class = lines[header].lstrip().startswith("class")
    last = header
    for j in range(header + 1, len(lines)):
        if _blank(lines[j]):
            continue
        ind = indent_of(lines[j])
        if ind > h:
            saw_body, last = saw_body or not methods, j
            continue
        if is_class and not saw_body and _METHOD.match(lines[j]):
            methods, last = True, j  # a body-less class followed by `def m(self` lines: its lost methods
            continue
        starts_block = bool(_BLOCK.match(lines[j]) or _DECORATOR.match(lines[j]))
        if saw_body or methods or starts_block or not lines[j - 1].strip():
            break
        last = j  # a header whose body lost its indentation: the paragraph is its body
    return last


def enclosing_scope(text: str, line: int) -> Scope:
    """The innermost def/class around 1-based `line` (a def/class header is its own scope)."""
    lines = text.splitlines() or [""]
    idx = min(max(line - 1, 0), len(lines) - 1)
    while idx > 0 and _blank(lines[idx]):
        idx -= 1
    threshold = indent_of(lines[idx]) + 1
    for j in range(idx, -1, -1):
        if _blank(lines[j]) or indent_of(lines[j]) >= threshold:
            continue
        threshold = indent_of(lines[j])
        match = _BLOCK.match(lines[j])
        if match:
            end = _block_end(lines, j)
            if end >= idx:
                kind = "class" if lines[j].lstrip().startswith("class") else "def"
                start = j
                while start > 0 and _DECORATOR.match(lines[start - 1]):
                    start -= 1
                return Scope(start + 1, end + 1, f"{kind} {match.group(1)}")
        if threshold == 0:
            break
    return _module_paragraph(lines, idx)


def _module_paragraph(lines: list[str], idx: int) -> Scope:
    start = idx
    while start > 0 and lines[start - 1].strip() and not _BLOCK.match(lines[start]):
        start -= 1
    end = idx
    while (
        end + 1 < len(lines)
        and lines[end + 1].strip()
        and not (indent_of(lines[end + 1]) == 0 and _BLOCK.match(lines[end + 1]))
    ):
        end += 1
    return Scope(start + 1, end + 1, "module")


def changed_lines(old: str, new: str) -> list[tuple[int, int]]:
    """(first, last) 1-based old-line ranges touched; an insertion before line k is (k, k-1)."""
    a, b = old.splitlines(), new.splitlines()
    spans = []
    for tag, i1, i2, _j1, _j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            spans.append((i1 + 1, i2))
    return spans


def import_region_end(text: str) -> int:
    """1-based last line of the module head (docstring, comments, __future__ and other imports)."""
    import ast

    try:
        body = ast.parse(text).body
    except SyntaxError:
        body = []
    end = 0
    for index, node in enumerate(body):
        is_doc = (
            index == 0
            and isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        )
        if not (is_doc or isinstance(node, (ast.Import, ast.ImportFrom))):
            break
        end = node.end_lineno or end
    return end + 1  # the blank line after the imports may be inserted or removed too


def within(old: str, new: str, scope: Scope, *, allow_head: bool = False) -> tuple[bool, str]:
    """Whether every changed line of `old` lies in `scope` (or in the import head when allowed)."""
    head = import_region_end(old) if allow_head else 0
    for first, last in changed_lines(old, new):
        if allow_head and max(first, last) <= head + 1:
            continue
        inside = (
            (scope.start <= first and last <= scope.end) if last >= first else (scope.start <= first <= scope.end + 1)
        )
        if not inside:
            return False, f"it would change line {first} outside {scope.label()}"
    return True, ""
