"""`repair_source`: the one repair every entry point uses (CLI `zc fix`, editor actions, auto-fix).

Rounds: compile -> repair the first error -> compile again, until the module parses; then
strings silently joined for a lost comma; then undefined names (imports, typos); then lint fixes. Each fix is kept only if it verifies: the
result parses (or the first syntax error moves on), ruff finds nothing new, and the diff stays in
the defect's smallest enclosing scope (inserted imports excepted).
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from zc_lsp.agents.engines.repair import names
from zc_lsp.agents.engines.repair.calls import unbindable_calls
from zc_lsp.agents.engines.repair.findings import (
    LINT_FIX_RULES,
    RuffFinding,
    RuffUnavailable,
    describe,
    new_findings,
    ruff_findings,
)
from zc_lsp.agents.engines.repair.indent import indentation_candidates
from zc_lsp.agents.engines.repair.literals import merged_items
from zc_lsp.agents.engines.repair.result import Fix, RepairResult
from zc_lsp.agents.engines.repair.scope import enclosing_scope, within
from zc_lsp.agents.engines.repair.syntax import syntax_candidates
from zc_lsp.agents.engines.repair.textpos import Candidate, split_lines

MAX_ROUNDS = 25
# Findings a syntax fix may uncover because a later phase of this repair fixes them.
LATER_PHASES = frozenset({"F821", *LINT_FIX_RULES})


def compile_error(text: str, path: Path) -> SyntaxError | None:
    try:
        compile(text, str(path), "exec", dont_inherit=True)
    except SyntaxError as exc:  # IndentationError and TabError included
        return exc
    except ValueError as exc:  # NUL bytes
        return SyntaxError(str(exc))
    return None


def _pos(err: SyntaxError) -> tuple[int, int]:
    return err.lineno or 0, err.offset or 0


class Repairer:
    """One repair of one text; holds the running text and the fixes so far."""

    def __init__(self, text: str, path: Path, root: Path, max_rounds: int) -> None:
        self.path, self.root, self.max_rounds = path, root, max_rounds
        self.result = RepairResult(original=text, text=text)
        self.text = text
        self.findings = ruff_findings(text, path, root)
        self.baseline = list(self.findings)

    focus: tuple[int, str] | None = None

    def wanted(self, line: int, code: str = "") -> bool:
        """Everything without a focus; with one, only that line (and that code, for lint)."""
        if self.focus is None:
            return True
        return line == self.focus[0] and (not code or code == self.focus[1])

    # -- verification ----------------------------------------------------------------------------
    def verify(
        self, cand: Candidate, *, ignore: frozenset[str] = frozenset(), parses_now: bool | None = None
    ) -> tuple[bool, str, list[RuffFinding]]:
        scope = enclosing_scope(self.text, cand.line)
        ok, why = within(self.text, cand.text, scope, allow_head=cand.allow_head)
        if not ok:
            return False, f"held back: {why}", []
        after = ruff_findings(cand.text, self.path, self.root)
        extra = new_findings(self.findings, after, ignore)
        if extra:
            return False, f"held back: it would add findings: {describe(extra)}", after
        parses = compile_error(cand.text, self.path) is None if parses_now is None else parses_now
        where = "within the import block" if cand.allow_head and cand.kind == "import" else f"within {scope.label()}"
        first = "parses" if parses else "the first syntax error moves on"
        return True, f"verified: {first}, no new findings, {where}", after

    def apply(self, cand: Candidate, note: str, after: list[RuffFinding]) -> None:
        scope = enclosing_scope(self.text, cand.line)
        changed = _changed_span(self.text, cand.text)
        self.result.fixes.append(
            Fix(cand.kind, cand.message, changed[0], changed[1], cand.code, scope.name, True, note, True)
        )
        self.text, self.findings = cand.text, after

    def hold(self, cand: Candidate, note: str) -> None:
        scope = enclosing_scope(self.text, cand.line)
        self.result.fixes.append(
            Fix(cand.kind, cand.message, cand.line, cand.line, cand.code, scope.name, False, note, False)
        )

    # -- phases ------------------------------------------------------------------------------------
    def syntax_rounds(self) -> bool:
        for _ in range(self.max_rounds):
            err = compile_error(self.text, self.path)
            if err is None:
                return True
            self.result.rounds += 1
            cands = (
                indentation_candidates(self.text, err)
                if isinstance(err, IndentationError)
                else syntax_candidates(self.text, err)
            )
            if not self._pick(err, cands):
                where = f"line {err.lineno}: " if err.lineno else ""
                self.result.reason = f"{where}{err.msg}: no repair could be verified"
                return False
        self.result.reason = f"stopped after {self.max_rounds} rounds with syntax errors left"
        return compile_error(self.text, self.path) is None

    def _pick(self, err: SyntaxError, cands: list[Candidate]) -> bool:
        ranked: list[tuple[int, tuple[int, int], int, Candidate]] = []
        for order, cand in enumerate(cands):
            new_err = compile_error(cand.text, self.path)
            if new_err is None:
                ranked.append((0, (unbindable_calls(cand.text), 0), order, cand))
            elif _pos(new_err) > _pos(err):
                ranked.append((1, (-_pos(new_err)[0], -_pos(new_err)[1]), order, cand))
        ranked.sort(key=lambda r: (r[0], r[1], r[2]))
        held: tuple[Candidate, str] | None = None
        for rank, _p, _o, cand in ranked:
            ok, note, after = self.verify(cand, ignore=LATER_PHASES, parses_now=rank == 0)
            if ok:
                self.apply(cand, note, after)
                return True
            held = held or (cand, note)
        if held:
            self.hold(*held)
        return False

    def literal_rounds(self) -> None:
        """Commas lost between one-per-line strings: the text parses, so Python cannot say."""
        tried: set[int] = set()
        for _ in range(self.max_rounds):
            cands = [c for c in merged_items(self.text) if c.line not in tried and self.wanted(c.line)]
            if not cands:
                return
            cand = cands[0]
            tried.add(cand.line)
            self.result.rounds += 1
            ok, note, after = self.verify(cand)
            if ok:
                self.apply(cand, note, after)
            else:
                self.hold(cand, note)

    def name_rounds(self) -> None:
        tried: set[tuple[str, int]] = set()
        for _ in range(self.max_rounds):
            todo = [
                f
                for f in self.findings
                if f.code == "F821" and (f.message, f.line) not in tried and self.wanted(f.line)
            ]
            cands = (
                []
                if todo or self.focus
                else [c for c in names.attribute_typos(self.text) if (c.message, c.line) not in tried]
            )
            if not todo and not cands:
                return
            if todo:
                finding = todo[0]
                tried.add((finding.message, finding.line))
                cand = self._name_candidate(finding)
                if cand is None:
                    continue
            else:
                cand = cands[0]
                tried.add((cand.message, cand.line))
            self.result.rounds += 1
            ok, note, after = self.verify(cand, ignore=frozenset({"F401"}))
            if ok:
                self.apply(cand, note, after)
            else:
                self.hold(cand, note)

    def _name_candidate(self, finding: RuffFinding) -> Candidate | None:
        name = names.undefined_name(finding.message)
        if name is None:
            return None
        tree = ast.parse(self.text)
        assigned = any(
            isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store) for n in ast.walk(tree)
        )
        # a name the module assigns somewhere (`count += 1` before `count = 0`) is a scope slip, not an import
        line = (
            None if assigned else names.stdlib_import(name, tree) or names.workspace_import(name, self.root, self.path)
        )
        if line:
            return names.import_candidate(self.text, line, name)
        return names.typo_candidate(self.text, name, finding.line, finding.col)

    def lint_rounds(self) -> None:
        skipped: set[tuple[str, str, int]] = set()
        for _ in range(self.max_rounds * 2):
            fixable = [
                f
                for f in self.findings
                if f.code in LINT_FIX_RULES
                and f.fix
                and f.fix.get("edits")
                and (f.code, f.message, f.line) not in skipped
                and self.wanted(f.line, f.code)
            ]
            if not fixable:
                return
            finding = fixable[0]
            skipped.add((finding.code, finding.message, finding.line))
            cand = Candidate(
                _apply_ruff_fix(self.text, finding.fix or {}),
                "lint",
                f"{finding.code}: {(finding.fix or {}).get('message') or finding.message}",
                finding.line,
                finding.code,
                allow_head=finding.code == "F401",
            )
            self.result.rounds += 1
            ok, note, after = self.verify(cand)
            if ok:
                self.apply(cand, note, after)
            else:
                self.hold(cand, note)


def _changed_span(old: str, new: str) -> tuple[int, int]:
    from zc_lsp.agents.engines.repair.scope import changed_lines

    spans = changed_lines(old, new) or [(1, 1)]
    return spans[0][0], max(max(s[1] for s in spans), spans[0][0])


def _apply_ruff_fix(text: str, fix: dict[str, Any]) -> str:
    lines = split_lines(text)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(loc: dict[str, int]) -> int:
        row = loc["row"] - 1
        return len(text) if row >= len(lines) else starts[row] + loc["column"] - 1

    edits = sorted(fix.get("edits") or [], key=lambda e: offset(e["location"]), reverse=True)
    for e in edits:
        text = text[: offset(e["location"])] + (e.get("content") or "") + text[offset(e["end_location"]) :]
    return text


BOM = "\ufeff"
SYNTAX_CODES = frozenset({"invalid-syntax", "E999", "syntax", "indentation", "implicit-concatenation"})


def repair_source(
    text: str,
    path: str | Path,
    *,
    workspace_root: str | Path | None = None,
    settings: Any = None,
    max_rounds: int | None = None,
    focus: tuple[int, str] | None = None,
) -> RepairResult:
    """Repair `text` offline (never writes files).

    `focus=(line, code)` is a quick fix for one diagnostic: syntax codes run the syntax rounds (the
    module must parse before anything else can be judged), F821 and the lint codes fix only the
    findings with that code on that 1-based line.
    """
    path = Path(path)
    if text.startswith(BOM):  # compile() refuses a BOM in a str: repair without it, give it back
        res = repair_source(
            text[1:], path, workspace_root=workspace_root, settings=settings, max_rounds=max_rounds, focus=focus
        )
        res.original, res.text = text, BOM + res.text
        return res
    root = Path(workspace_root) if workspace_root else path.parent
    rounds = max_rounds or int(_setting(settings, "repair.max_rounds", MAX_ROUNDS))
    try:
        rep = Repairer(text, path, root, rounds)
    except RuffUnavailable as exc:
        return RepairResult(original=text, text=text, reason=str(exc), parses=compile_error(text, path) is None)
    rep.focus = focus
    code = focus[1] if focus else ""
    try:
        if rep.syntax_rounds() and code not in SYNTAX_CODES - {"implicit-concatenation"}:
            if not focus or code == "implicit-concatenation":
                rep.literal_rounds()
            if not focus or code == "F821":
                rep.name_rounds()
            if not focus or code in LINT_FIX_RULES:
                rep.lint_rounds()
    except RuffUnavailable as exc:
        rep.result.reason = f"stopped: {exc}"
    res = rep.result
    res.text = rep.text
    res.parses = compile_error(rep.text, path) is None
    if res.parses and not res.reason:
        left = new_findings(rep.baseline, rep.findings)
        if left:
            res.reason = f"findings remain that the original did not show: {describe(left)}"
    res.tests = "not verified by tests: no covering tests were run offline"
    return res


def _setting(settings: Any, key: str, default: Any) -> Any:
    getter = getattr(settings, "get", None)
    return getter(key, default) if callable(getter) else default
