"""Scores a repair over the broken-module corpus in tests/unit/repair_corpus (issue 14).

A case counts as fixed when the repaired module imports, its hidden check returns the expected
value, the lint codes it names are gone, and every changed line lies in the case's declared scope
(`def name`, `class Name`, `lines a-b` of the broken file, or `imports`: the import head).
The scope is read from the broken text here, independently of the engine's own scope finder.

Run it directly for the per-class table: `python -m tests.unit.cli.corpus_score [--model-url URL]`.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parents[1] / "repair_corpus"
_IMPORT = re.compile(r"^\s*(import\s|from\s+\S+\s+import\s)")


@dataclass
class Case:
    file: str
    cls: str
    check: str
    expect: str
    scope: list[str]
    lint: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    case: Case
    fixed: bool
    why: str = ""


def load_cases() -> list[Case]:
    data = tomllib.loads((CORPUS / "cases.toml").read_text(encoding="utf-8"))
    return [Case(**row) for row in data["case"]]


def _indent(line: str) -> int:
    return len(line.expandtabs(8)) - len(line.expandtabs(8).lstrip())


def _block(lines: list[str], kind: str, name: str) -> tuple[int, int]:
    """0-based [start, end) of `def name`/`class name` in possibly broken text, by indentation."""
    pattern = re.compile(rf"^\s*(async\s+)?{kind}\s+{re.escape(name)}\b")
    start = next(i for i, line in enumerate(lines) if pattern.match(line))
    base = _indent(lines[start])
    end = start + 1
    for j in range(start + 1, len(lines)):
        if lines[j].strip() and _indent(lines[j]) <= base and not lines[j].lstrip().startswith(("#", ")", "]", "}")):
            break
        end = j + 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    while start > 0 and lines[start - 1].lstrip().startswith("@"):
        start -= 1
    return start, end


def allowed_ranges(text: str, scope: list[str]) -> tuple[list[tuple[int, int]], bool]:
    lines = text.splitlines()
    ranges = []
    imports = False
    for item in scope:
        if item == "imports":
            imports = True
        elif item.startswith("lines "):
            a, b = item.removeprefix("lines ").split("-")
            ranges.append((int(a) - 1, int(b)))
        else:
            kind, name = item.split()
            ranges.append(_block(lines, kind, name))
    return ranges, imports


def _head_end(lines: list[str]) -> int:
    """0-based index of the first line after the module head (docstring, comments, imports, blanks)."""
    in_doc = False
    for i, line in enumerate(lines):
        s = line.strip()
        if in_doc:
            in_doc = not (s.endswith('"""') or s.endswith("'''"))
            continue
        if s.startswith(('"""', "'''")):
            in_doc = not (len(s) > 3 and s.endswith(s[:3]))
            continue
        if not s or s.startswith("#") or _IMPORT.match(line):
            continue
        return i
    return len(lines)


def outside_scope(before: str, after: str, scope: list[str]) -> str:
    """'' when every change lies in the declared scope, else the first offending old line."""
    ranges, imports = allowed_ranges(before, scope)
    a, b = before.splitlines(), after.splitlines()
    head = _head_end(a)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if any(lo <= i1 and i2 <= hi for lo, hi in ranges) or (i1 == i2 and any(lo <= i1 <= hi for lo, hi in ranges)):
            continue
        touched = a[i1:i2] + b[j1:j2]
        if imports and i1 <= head and all(not t.strip() or _IMPORT.match(t) for t in touched):
            continue
        return f"changed line {i1 + 1} outside {scope}: {touched[:2]!r}"
    return ""


_CHECKER = r"""
import importlib, json, sys
sys.path.insert(0, sys.argv[1])
out = {}
for row in json.loads(sys.argv[2]):
    try:
        m = importlib.import_module(row["module"])
        got = eval(row["check"], {"m": m})
        want = eval(row["expect"])
        out[row["module"]] = [got == want, repr(got)[:200]]
    except BaseException as exc:
        out[row["module"]] = [False, f"{type(exc).__name__}: {exc}"[:200]]
print(json.dumps(out))
"""


def run_checks(folder: Path, cases: list[Case]) -> dict[str, tuple[bool, str]]:
    rows = [{"module": c.file[:-3], "check": c.check, "expect": c.expect} for c in cases]
    res = subprocess.run(
        [sys.executable, "-c", _CHECKER, str(folder), json.dumps(rows)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=folder,
    )
    if res.returncode != 0:
        raise RuntimeError(res.stderr)
    return {k: (bool(v[0]), str(v[1])) for k, v in json.loads(res.stdout).items()}


def lint_left(path: Path, codes: list[str]) -> list[str]:
    if not codes:
        return []
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--no-cache",
            "--isolated",
            "--output-format",
            "json",
            "--select",
            ",".join(codes),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return [row["code"] for row in json.loads(res.stdout or "[]")]


def copy_corpus(dest: Path) -> Path:
    shutil.copytree(CORPUS / "modules", dest)
    return dest


def run_zc_fix(folder: Path, *extra: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {
        **os.environ,
        "XDG_DATA_HOME": str(folder.parent / ".data"),
        "XDG_CONFIG_HOME": str(folder.parent / ".config"),
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "zc_lsp.cli", "fix", "--workspace", str(folder), *extra, str(folder)],
        capture_output=True,
        text=True,
        timeout=900,
        env=full,
        check=False,
    )


def score(folder: Path, cases: list[Case]) -> list[Outcome]:
    checks = run_checks(folder, cases)
    out = []
    for c in cases:
        before = (CORPUS / "modules" / c.file).read_text(encoding="utf-8")
        after = (folder / c.file).read_text(encoding="utf-8")
        ok, got = checks[c.file[:-3]]
        if not ok:
            out.append(Outcome(c, False, f"check failed: {got}"))
            continue
        stray = outside_scope(before, after, c.scope)
        if stray:
            out.append(Outcome(c, False, stray))
            continue
        left = lint_left(folder / c.file, c.lint)
        out.append(Outcome(c, not left, f"lint left: {left}" if left else ""))
    return out


def table(outcomes: list[Outcome]) -> dict[str, Any]:
    by: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for o in outcomes:
        by[o.case.cls][0] += o.fixed
        by[o.case.cls][1] += 1
    fixed = sum(o.fixed for o in outcomes)
    return {
        "fixed": fixed,
        "total": len(outcomes),
        "rate": round(fixed / len(outcomes), 3),
        "by_class": {k: f"{v[0]}/{v[1]}" for k, v in sorted(by.items())},
        "failures": {o.case.file: o.why for o in outcomes if not o.fixed},
    }


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        folder = copy_corpus(Path(tmp) / "ws")
        cases = load_cases()
        run = run_zc_fix(folder, *sys.argv[1:])
        print(run.stderr[-3000:], file=sys.stderr)
        print(json.dumps(table(score(folder, cases)), indent=2))
