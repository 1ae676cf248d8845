"""ruff as the judge of "no new findings" and the source of lint fixes (stdin only, no writes).

Findings are compared as multisets of (code, message) so a fix that only moves code does not
count as new findings; positions are ignored on purpose.
"""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zc_lsp.agents.engines.ruff_engine import ruff_command

# What "no new findings" is judged by: ruff's default rules (pyflakes, statements, syntax).
JUDGE_RULES = ("E4", "E7", "E9", "F")
# What the lint phase fixes; unsafe fixes among them are selected on purpose (issue 14).
LINT_FIX_RULES = ("F401", "F541", "F632", "F841", "E711", "E712", "E713", "E714")
SYNTAX = "invalid-syntax"
TIMEOUT_S = 30.0


class RuffUnavailable(RuntimeError):
    """ruff could not run: repairs that need its judgement are held back, never guessed."""


@dataclass(frozen=True)
class RuffFinding:
    code: str
    message: str
    line: int  # 1-based
    col: int  # 1-based
    end_line: int
    end_col: int
    fix: dict[str, Any] | None

    @property
    def key(self) -> tuple[str, str]:
        return self.code, self.message


def _run(args: list[str], text: str, path: Path, root: Path) -> subprocess.CompletedProcess[bytes]:
    cmd = [*ruff_command(), "check", "--no-cache", *args, "--stdin-filename", str(path), "-"]
    try:
        res = subprocess.run(
            cmd, input=text.encode("utf-8"), capture_output=True, cwd=root, timeout=TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RuffUnavailable(f"ruff could not run: {exc}") from exc
    if res.returncode not in (0, 1):
        detail = res.stderr.decode("utf-8", "replace").strip().splitlines()[:3]
        raise RuffUnavailable(f"ruff failed: {' '.join(detail) or res.returncode}")
    return res


def ruff_findings(text: str, path: Path, root: Path, rules: tuple[str, ...] = JUDGE_RULES) -> list[RuffFinding]:
    """ruff's findings for unsaved text, with each fix it offers (safe and unsafe)."""
    res = _run(["--no-fix", "--unsafe-fixes", "--output-format", "json", "--select", ",".join(rules)], text, path, root)
    try:
        rows = json.loads(res.stdout.decode("utf-8") or "[]")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RuffUnavailable(f"ruff printed output that is not JSON: {exc}") from exc
    out = []
    for row in rows:
        loc, end = row["location"], row["end_location"]
        out.append(
            RuffFinding(
                row.get("code") or SYNTAX,
                row.get("message", ""),
                loc["row"],
                loc["column"],
                end["row"],
                end["column"],
                row.get("fix"),
            )
        )
    return out


def new_findings(
    before: list[RuffFinding], after: list[RuffFinding], ignore: frozenset[str] = frozenset()
) -> list[RuffFinding]:
    """Findings in `after` beyond those in `before` (syntax errors and `ignore` codes aside)."""
    budget = Counter(f.key for f in before)
    extra = []
    for f in after:
        if f.code == SYNTAX or f.code in ignore:
            continue
        if budget[f.key] > 0:
            budget[f.key] -= 1
        else:
            extra.append(f)
    return extra


def describe(findings: list[RuffFinding]) -> str:
    return "; ".join(f"{f.code} {f.message} (line {f.line})" for f in findings[:3])
