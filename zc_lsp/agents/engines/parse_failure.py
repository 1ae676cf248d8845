"""Files an engine could not parse: reported to the user, never dropped on the floor.

A review that silently skips a file (bandit on Python 3.12 syntax under 3.11, a YAML file that is
not YAML) looks exactly like a clean file. Every engine that gives up on a file records a
`ParseFailure`; the CLI prints it (stderr, JSON, SARIF notifications) and the editor shows it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from zc_lsp.core.types import Finding, Span

PARSE_CODE = "ZC-PARSE"


@dataclass(frozen=True)
class ParseFailure:
    """One engine could not read one file; `line` is 1-based when the parser said where."""

    path: str
    engine: str
    reason: str
    line: int | None = None

    def as_row(self) -> dict[str, Any]:
        return asdict(self)

    def describe(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.engine} could not parse this file ({self.reason}); its checks did not run"


def as_finding(failure: ParseFailure) -> Finding:
    """The editor's form: one information diagnostic at the place the parser stopped (or line 1)."""
    line = max((failure.line or 1) - 1, 0)
    return Finding(
        span=Span(line, 0, line, 0),
        severity="info",
        code=PARSE_CODE,
        message=f"{failure.engine} could not parse this file ({failure.reason}), so its checks did not run here.",
        engine=failure.engine,
        data={"parse_failure": True},
    )


def still_unsaid(failures: list[ParseFailure], findings: list[Finding]) -> list[ParseFailure]:
    """The failures to report: when ruff already flagged a syntax error, the file's failure is said
    (and mid-typing the editor would flicker a second note on every keystroke)."""
    if any(f.code == "invalid-syntax" for f in findings):
        return []
    return failures


def explain_parse_failure(message: str) -> str:
    """Markdown for `zc.explainFinding` on a ZC-PARSE note: what did not run and what to do."""
    return (
        f"## What it means\n\n{message}\n\n"
        "## Why it matters\n\nThe checks of that engine did not run on this file, so a clean result from it "
        "means nothing here. The other engines still ran.\n\n"
        "## How to fix\n\nIf the file is valid for its format, the engine's parser is older than the syntax "
        "(bandit parses with the Python that runs it: Python 3.12 f-strings fail under 3.11; run the server "
        "on a newer Python). If the file is really broken (a YAML or TOML error), fix it at the reported line."
    )
