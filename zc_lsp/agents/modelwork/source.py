"""Reading the code around a request and what a model reply touches; parsing only, never executing.

Model edits replace whole lines: the function around a stub, or the selected lines. These helpers
find those lines, gather context for the prompt, put the reply back at the right indentation, and
tell which names and files a reply would rewrite, so an edit can be refused when it strays.
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

from zc_lsp.agents.engines.lines import split_keepends, split_lines
from zc_lsp.core.types import Span
from zc_lsp.core.workspace import is_inside

Def = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
STUB_LINE = re.compile(
    r"^\s*(?:\.\.\.|pass|raise\s+NotImplementedError\b.*|#\s*(?:TODO|FIXME)\b.*|.*#\s*(?:TODO|FIXME)\b.*)\s*$"
)
MAX_CONTEXT_LINES = 60
MAX_TARGET_LINES = 400  # a function longer than this is not sent whole; the selection is
# "# File: x.py", "# path/to/x.py", "--- a/x.py", "+++ b/x.py" at the top of a reply or a block.
_FILE_MARK = re.compile(
    r"^\s*(?:#|//)\s*(?:file(?:name)?|path)?\s*:?\s*(?P<p1>[\w./\\~-]+\.pyi?)\s*$"
    r"|^(?:---|\+\+\+)\s+(?:[ab]/)?(?P<p2>\S+\.pyi?)\s*$",
    re.I | re.M,
)
_FENCE_PATH = re.compile(r"^\s*`{3,}\s*\w*[ \t:]+(?:title=|file=|path=)?[\"']?(?P<p>[\w./\\~-]+\.pyi?)[\"']?\s*$", re.M)


@dataclass(frozen=True)
class Block:
    """Whole lines first..last (0-based, inclusive) of a document."""

    first: int
    last: int
    name: str | None = None  # the def/class they hold, if any

    def span(self, text: str) -> Span:
        lines = split_keepends(text)
        if self.last < self.first:  # an insertion point
            return Span(self.first, 0, self.first, 0)
        if self.last + 1 < len(lines) or (lines and lines[-1].endswith(("\n", "\r"))):
            return Span(self.first, 0, self.last + 1, 0)
        return Span(self.first, 0, self.last, len(split_lines(text)[self.last]))


def parse_or_none(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        return None


def def_lines(node: Def) -> tuple[int, int]:
    """0-based (first, last) lines of a def/class, decorators included."""
    top = min([node.lineno, *[d.lineno for d in node.decorator_list]])
    return top - 1, (node.end_lineno or node.lineno) - 1


def innermost_def(tree: ast.Module, line: int, functions_only: bool = True) -> Def | None:
    """The innermost function (or class) whose lines hold the 0-based `line`."""
    best: Def | None = None
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if functions_only and isinstance(node, ast.ClassDef):
            continue
        first, last = def_lines(node)
        if first <= line <= last and (best is None or def_lines(best)[0] <= first):
            best = node
    return best


def is_stub_line(line: str) -> bool:
    return bool(STUB_LINE.match(line))


def has_stub(lines: list[str], first: int, last: int) -> bool:
    return any(is_stub_line(lines[n]) for n in range(max(first, 0), min(last + 1, len(lines))))


def stub_block(text: str, line: int) -> Block | None:
    """The function around `line` when it holds a stub, else the stub line itself, else None."""
    lines = split_lines(text)
    tree = parse_or_none(text)
    node = innermost_def(tree, line) if tree is not None else None
    if node is not None:
        first, last = def_lines(node)
        if has_stub(lines, first, last) and last - first < MAX_TARGET_LINES:
            return Block(first, last, node.name)
    for n in (line, line + 1):
        if 0 <= n < len(lines) and is_stub_line(lines[n]):
            return Block(n, n)
    return None


def selection_block(text: str, span: Span) -> Block | None:
    """The whole lines a selection touches; None for an empty selection."""
    if (span.start_line, span.start_char) == (span.end_line, span.end_char):
        return None
    last = span.end_line if span.end_char > 0 else span.end_line - 1
    count = len(split_lines(text))
    last = min(max(last, span.start_line), count - 1)
    return Block(span.start_line, last) if count else None


def enclosing_or_lines(text: str, span: Span) -> Block:
    """The function holding a diagnostic, or the diagnostic's own lines when there is none (or it is huge)."""
    tree = parse_or_none(text)
    node = innermost_def(tree, span.start_line) if tree is not None else None
    if node is not None:
        first, last = def_lines(node)
        if first <= span.end_line <= last and last - first < MAX_TARGET_LINES:
            return Block(first, last, node.name)
    count = max(len(split_lines(text)), 1)
    last = span.end_line if span.end_char > 0 or span.end_line == span.start_line else span.end_line - 1
    return Block(span.start_line, min(max(last, span.start_line), count - 1))


def block_text(text: str, block: Block) -> str:
    if block.last < block.first:
        return ""
    return "".join(split_keepends(text)[block.first : block.last + 1])


def context_for(text: str, block: Block) -> str:
    """Imports and the headers of the classes/functions around `block`: what the model must not invent."""
    lines = split_lines(text)
    tree = parse_or_none(text)
    picked: dict[int, None] = {}
    if tree is not None:
        for stmt in tree.body:
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                for n in range(stmt.lineno - 1, (stmt.end_lineno or stmt.lineno)):
                    picked[n] = None
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                first, last = def_lines(node)
                if first < block.first and last >= max(block.last, block.first):
                    picked[node.lineno - 1] = None  # the header of an enclosing class or function
            elif isinstance(node, ast.Assign) and node in tree.body and node.lineno - 1 < block.first:
                picked[node.lineno - 1] = None  # module constants the code may use
    else:
        for n, line in enumerate(lines[: block.first]):
            if line.startswith(("import ", "from ")):
                picked[n] = None
    chosen = sorted(n for n in picked if n < len(lines) and not block.first <= n <= block.last)
    return "\n".join(lines[n] for n in chosen[:MAX_CONTEXT_LINES])


def indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def reindent(code: str, indent: str) -> str:
    """The reply dedented, then indented to where it goes (models often drop a method's indent)."""
    body = textwrap.dedent(code.expandtabs(4) if "\t" in code and " " in indent else code)
    return "\n".join((indent + line) if line.strip() else "" for line in body.splitlines())


def defined_names(code: str) -> dict[str, int]:
    """Top-level function/class names a piece of code defines -> 1-based line (of the dedented code)."""
    tree = parse_or_none(textwrap.dedent(code))
    if tree is None:
        return {}
    return {
        node.name: node.lineno
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    }


def names_outside(text: str, block: Block) -> dict[str, int]:
    """Function/class names defined in the document outside `block` -> 0-based line (any depth)."""
    tree = parse_or_none(text)
    if tree is None:
        return {}
    found: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first, last = def_lines(node)
            inside = block.first <= first and last <= block.last
            holds = first <= block.first and block.last <= last  # an enclosing class is not "other code"
            if not inside and not holds:
                found.setdefault(node.name, node.lineno - 1)
    return found


def named_file(reply: str) -> str | None:
    """A file path the reply says it is for ("# File: x.py", "```python x.py", a diff header)."""
    fence = _FENCE_PATH.search(reply)
    if fence:
        return fence.group("p")
    lines = reply.splitlines()
    previous = ""
    for line in lines:
        if not line.strip():
            continue
        match = _FILE_MARK.match(line)
        first_in_block = not previous or previous.lstrip().startswith(("```", "~~~"))
        if match and (first_in_block or match.group("p2")):
            return match.group("p1") or match.group("p2")
        previous = line
    return None


def foreign_file(reply: str, doc_path: Path, root: Path) -> str | None:
    """Why a reply naming another file (or a place outside the workspace) is refused, else None."""
    named = named_file(reply)
    if named is None:
        return None
    raw = Path(named.replace("\\", "/")).expanduser()
    target = raw if raw.is_absolute() else (doc_path.parent / raw)
    alt = root / raw if not raw.is_absolute() else raw
    try:
        resolved = {target.resolve(), alt.resolve()}
    except (OSError, RuntimeError):
        return f"the reply names a path that cannot be resolved ({named})"
    if doc_path.resolve() in resolved or (not raw.is_absolute() and len(raw.parts) == 1 and raw.name == doc_path.name):
        return None
    if not any(is_inside(root, p) for p in resolved):
        return f"the reply targets `{named}`, outside the workspace; only {doc_path.name} may be edited"
    return f"the reply targets another file (`{named}`); only {doc_path.name} may be edited"
