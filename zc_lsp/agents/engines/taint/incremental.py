"""Incremental taint analysis of a document being edited: the last result moved, not recomputed.

Why: the full analysis of a 6,400-line module costs ~45 ms (half of it `ast.parse`, which holds
the GIL), far more than the rest of an editor review. In a module with no source of untrusted data
("lean", see relevance.py) most functions never get analysed: they name no sink or rule call, so
they get a neutral summary and contribute nothing. An edit that only touches such a function, blank
or comment lines between statements, or top-level imports of names nothing else uses, leaves every
other result the same, only moved by the number of lines added or removed.

So per document we keep the text we last analysed in full (or moved a full result to), an outline
of its statements and the raw findings and verdicts. A new text is compared line by line with it;
the changed lines are re-parsed on their own (line numbers kept by a prefix of newlines) and checked
against every condition under which the full analysis would give the same result. Anything else
(module or class-level code, `__init__`, a function that calls a sink, nested definitions, imports of
names in use, a module with sources, an isolated parse that is not exactly the expected statements)
is a full analysis. tests/unit/security_engine/test_taint_incremental.py holds the two equal over
thousands of random edits.
"""

from __future__ import annotations

import ast
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace

from zc_lsp.agents.engines.lines import changed_window as _window
from zc_lsp.agents.engines.lines import split_lines
from zc_lsp.agents.engines.taint.model import RawFinding, Step
from zc_lsp.agents.engines.taint.relevance import _CALL_NAMES, _SOURCE_MODULES, _SOURCE_TEXT, is_relevant
from zc_lsp.agents.engines.taint.sinks import _SQL_DRIVERS
from zc_lsp.agents.engines.taint.sources import frameworks

_STATES_MAX = 32  # documents open in an editor at once; a state is the text plus a few hundred tuples
# Module roots some check of the engine asks about by name: an import of one changes more than a name.
_NAMED_ROOTS = frozenset({"tornado", "ldap", "ldap3"}) | _SOURCE_MODULES | _SQL_DRIVERS
_NOT_SIMPLE = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.Import,
    ast.ImportFrom,
    ast.Global,
    ast.Nonlocal,
)
FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True)
class Unit:
    """One statement of the outline: 0-based first (decorators included) and last line."""

    start: int
    end: int
    kind: str  # "def" (module function or method), "import" (module level), "stmt" (anything else)
    module_level: bool


@dataclass
class DocState:
    """A text whose full result is known, with what the next edit is compared against."""

    text: str
    lines: list[str]
    units: list[Unit]
    raw: list[RawFinding]
    verdicts: dict[tuple[int, str], str]
    aliases: re.Pattern[str] | None


class DocStates:
    """The last state per document (bounded, thread-safe: reviews run in worker threads)."""

    def __init__(self) -> None:
        self._states: OrderedDict[str, DocState] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> DocState | None:
        with self._lock:
            return self._states.get(key)

    def put(self, key: str, state: DocState) -> None:
        with self._lock:
            self._states[key] = state
            self._states.move_to_end(key)
            while len(self._states) > _STATES_MAX:
                self._states.popitem(last=False)

    def drop(self, key: str) -> None:
        with self._lock:
            self._states.pop(key, None)


def _start(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", ())
    return min([node.lineno, *(d.lineno for d in decorators)]) - 1


def _kind(node: ast.stmt) -> str:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return "def"
    return "import" if isinstance(node, (ast.Import, ast.ImportFrom)) else "stmt"


def outline(tree: ast.Module) -> list[Unit]:
    """Module statements and the statements of top-level class bodies, in order; statements that share
    a line (`import a; import b`, `class A: pass`) merge into one "stmt" unit nobody edits in place."""
    units: list[Unit] = []
    for stmt in tree.body:
        end = (stmt.end_lineno or stmt.lineno) - 1
        if isinstance(stmt, ast.ClassDef) and stmt.body:
            units.append(Unit(_start(stmt), max(_start(stmt), _start(stmt.body[0]) - 1), "stmt", True))
            for item in stmt.body:
                kind = "def" if _kind(item) == "def" else "stmt"
                units.append(Unit(_start(item), (item.end_lineno or item.lineno) - 1, kind, False))
        else:
            units.append(Unit(_start(stmt), end, _kind(stmt), True))
    merged: list[Unit] = []
    for unit in units:
        if merged and unit.start <= merged[-1].end:
            prev = merged.pop()
            merged.append(Unit(prev.start, max(prev.end, unit.end), "stmt", prev.module_level and unit.module_level))
        else:
            merged.append(unit)
    return merged


def _blankish(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _parse_at(lines: list[str], first: int, last: int, indented: bool) -> list[ast.stmt] | None:
    """Lines first..last parsed on their own with their real line numbers; None when they do not parse."""
    body = "\n".join(lines[first : last + 1]) + "\n"
    source = ("\n" * (first - 1) + "if 1:\n" + body) if indented else ("\n" * first + body)
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return None
    if not indented:
        return tree.body
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.If):
        return None
    return tree.body[0].body


def _sources_near(lines: list[str], first: int, last: int) -> bool:
    """Whether lines first..last (with the blank lines around and one line beyond, since `input (`
    may span lines) name a source of untrusted data or hold `global `."""
    lo, hi = first, last
    while lo > 0 and not lines[lo - 1].strip():
        lo -= 1
    while hi + 1 < len(lines) and not lines[hi + 1].strip():
        hi += 1
    text = "\n".join(lines[max(lo - 1, 0) : hi + 2])
    return bool(_SOURCE_TEXT.search(text)) or "global " in text


def _moved(
    state: DocState, first: int, old_end: int, delta: int
) -> tuple[list[RawFinding], dict[tuple[int, str], str]] | None:
    """The results moved: lines before `first` stay, lines from `old_end` on move by `delta`; a result in
    between means the changed lines took part in the analysis, and the caller must analyse in full."""

    def line(n: int) -> int:
        if n < first:
            return n
        if n >= old_end:
            return n + delta
        raise _Touched

    def step(s: Step) -> Step:
        return replace(s, line=line(s.line), end_line=line(s.end_line))

    try:
        raw = [
            replace(r, line=line(r.line), end_line=line(r.end_line), path=tuple(step(s) for s in r.path))
            for r in state.raw
        ]
        verdicts = {(line(n), kind): v for (n, kind), v in state.verdicts.items()}
    except _Touched:
        return None
    return raw, verdicts


class _Touched(Exception):
    """A result lies in the changed lines."""


def _shift(units: list[Unit], delta: int) -> list[Unit]:
    return [Unit(u.start + delta, u.end + delta, u.kind, u.module_level) for u in units] if delta else units


def advance(state: DocState, text: str) -> DocState | None:
    """The state for `text` without a full analysis, or None when only a full analysis is exact."""
    if "\r" in text or "\r" in state.text:
        return None  # offsets below assume one character per line end
    new = split_lines(text)
    old = state.lines
    a, old_end, new_end = _window(old, new)
    delta = new_end - old_end
    units = state.units
    if old_end > a:
        touched = [i for i, u in enumerate(units) if u.start < old_end and u.end >= a]
    else:
        touched = [i for i, u in enumerate(units) if u.start < a <= u.end]
    if not touched:
        if all(_blankish(line) for line in (*old[a:old_end], *new[a:new_end])):
            return _gap_edit(state, text, new, a, old_end, new_end, delta)
        # A new line at the end of a function's body lands between it and the next statement.
        preceding = next((i for i in range(len(units) - 1, -1, -1) if units[i].end < a), None)
        if preceding is not None and units[preceding].kind == "def":
            moved = _def_edit(state, text, new, preceding, delta)
            if moved is not None:
                return moved
        return _import_edit(state, text, new, a, old_end, new_end, delta, touched)
    if len(touched) == 1 and units[touched[0]].kind == "def" and a >= units[touched[0]].start:
        return _def_edit(state, text, new, touched[0], delta)
    if all(units[i].kind == "import" for i in touched):
        return _import_edit(state, text, new, a, old_end, new_end, delta, touched)
    return None


def _gap_edit(
    state: DocState, text: str, new: list[str], a: int, old_end: int, new_end: int, delta: int
) -> DocState | None:
    """Blank or comment lines between statements: nothing the parser sees, unless they name a source."""
    if _sources_near(new, a, max(a, new_end - 1)) or _sources_near(state.lines, a, max(a, old_end - 1)):
        return None
    moved = _moved(state, a, old_end, delta)
    if moved is None:
        return None
    units = [u for u in state.units if u.end < a] + _shift([u for u in state.units if u.start >= old_end], delta)
    return DocState(text, new, units, moved[0], moved[1], state.aliases)


def _def_edit(state: DocState, text: str, new: list[str], index: int, delta: int) -> DocState | None:
    """Inside one function that calls no sink, before and after: its neutral summary is all it gives."""
    unit = state.units[index]
    following = state.units[index + 1] if index + 1 < len(state.units) else None
    old_limit = following.start if following else len(state.lines)
    new_limit = old_limit + delta
    last = next((n for n in range(new_limit - 1, unit.start - 1, -1) if not _blankish(new[n])), None)
    if last is None:
        return None
    indented = not unit.module_level
    before = _single_def(_parse_at(state.lines, unit.start, unit.end, indented), unit.start, unit.end)
    after = _single_def(_parse_at(new, unit.start, last, indented), unit.start, last)
    if before is None or after is None or not _same_signature(before, after):
        return None
    if is_relevant(before, state.lines, state.aliases) or is_relevant(after, new, state.aliases):
        return None
    if _sources_near(new, unit.start, new_limit - 1) or _sources_near(state.lines, unit.start, old_limit - 1):
        return None
    moved = _moved(state, unit.start, old_limit, delta)
    if moved is None:
        return None
    units = [
        *state.units[:index],
        Unit(unit.start, last, "def", unit.module_level),
        *_shift(state.units[index + 1 :], delta),
    ]
    return DocState(text, new, units, moved[0], moved[1], state.aliases)


def _single_def(body: list[ast.stmt] | None, first: int, last: int) -> FunctionNode | None:
    """The one simple function the lines hold, spanning exactly first..last; else None."""
    if body is None or len(body) != 1 or not isinstance(body[0], (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    fn = body[0]
    if _start(fn) != first or (fn.end_lineno or 0) - 1 != last or fn.name == "__init__":
        return None
    if any(isinstance(node, _NOT_SIMPLE) for node in ast.walk(fn) if node is not fn):
        return None  # nested definitions, imports and `global` reach beyond the function
    return fn


def _same_signature(before: FunctionNode, after: FunctionNode) -> bool:
    return (
        type(before) is type(after)
        and before.name == after.name
        and before.col_offset == after.col_offset
        and ast.dump(before.args) == ast.dump(after.args)
        and [ast.dump(d) for d in before.decorator_list] == [ast.dump(d) for d in after.decorator_list]
        and (before.returns is None) == (after.returns is None)
        and (before.returns is None or ast.dump(before.returns) == ast.dump(after.returns))  # type: ignore[arg-type]
    )


def _import_edit(
    state: DocState, text: str, new: list[str], a: int, old_end: int, new_end: int, delta: int, touched: list[int]
) -> DocState | None:
    """Top-level imports of names nothing else in the module mentions: they change no lookup."""
    units = state.units
    first = min([a, *(units[i].start for i in touched)])
    old_stop = max([old_end, *(units[i].end + 1 for i in touched)])  # exclusive
    new_stop = old_stop + delta
    if any(not units[i].module_level for i in touched):
        return None
    following = next((u for u in units if u.start >= old_stop), None)
    if following is not None and not following.module_level:
        return None  # between methods: a top-level import would end the class
    old_body = _parse_at(state.lines, first, old_stop - 1, False) if old_stop > first else []
    new_body = _parse_at(new, first, new_stop - 1, False) if new_stop > first else []
    if old_body is None or new_body is None:
        return None
    if not all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in (*old_body, *new_body)):
        return None
    bound: dict[str, str] = {}
    for stmt in (*old_body, *new_body):
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                bound[alias.asname or alias.name.split(".")[0]] = alias.name
        elif isinstance(stmt, ast.ImportFrom):
            for alias in stmt.names:
                bound[alias.asname or alias.name] = f"{stmt.module or ''}.{alias.name}"
    for qual in bound.values():
        if qual.split(".")[0] in _NAMED_ROOTS or "ldap" in qual.lower() or qual.rsplit(".", 1)[-1] in _CALL_NAMES:
            return None
    if frameworks(dict(enumerate(bound.values()))):  # type: ignore[arg-type]
        return None
    if bound and _used_elsewhere(text, new, first, new_stop, bound):
        return None
    if new_stop > first and _sources_near(new, first, new_stop - 1):
        return None
    if old_stop > first and _sources_near(state.lines, first, old_stop - 1):
        return None
    moved = _moved(state, first, old_stop, delta)
    if moved is None:
        return None
    added = [Unit(_start(s), (s.end_lineno or s.lineno) - 1, "import", True) for s in new_body]
    if any(b.start <= a.end for a, b in zip(added, added[1:], strict=False)):
        return None  # two imports on one line: leave that to a full analysis
    kept = [u for u in units if u.end < first]
    rest = _shift([u for u in units if u.start >= old_stop], delta)
    return DocState(text, new, [*kept, *added, *rest], moved[0], moved[1], state.aliases)


def _used_elsewhere(text: str, lines: list[str], first: int, stop: int, names: dict[str, str]) -> bool:
    """Whether any of the names occurs as a word outside lines first..stop-1 (str.find, not a regex:
    `\\b(?:name)\\b` scans a 230 KB module at ~4 ms)."""
    begin = sum(map(len, lines[:first])) + first
    end = begin + sum(map(len, lines[first:stop])) + (stop - first)
    for name in names:
        at = text.find(name)
        while at >= 0:
            after = at + len(name)
            word = (at == 0 or not _is_word(text[at - 1])) and (after >= len(text) or not _is_word(text[after]))
            if word and not begin <= at < end:
                return True
            at = text.find(name, at + 1)
    return False


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"
