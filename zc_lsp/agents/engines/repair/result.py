"""What a repair produces: the fixed text and, per fix, what it did and how it was verified.

Every entry point (the `zc fix` CLI, the editor's "Fix all (ZombieCoder)" action and quick fixes,
background auto-fix) shows these same records, so "verified: ..." reads the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Fix:
    """One repair. Lines are 1-based lines of the text the fix was applied to."""

    kind: str  # syntax | indentation | import | typo | lint | model
    message: str  # what was done, for a person: "inserted ':' after `def foo(x)`"
    line: int
    end_line: int
    code: str = ""  # the error or rule it answers: "expected ':'", "F401", ...
    scope: str = "module"  # "def foo", "class Foo", "module"
    verified: bool = False
    verification: str = ""  # "verified: parses, no new findings, within `def foo`" or why held back
    applied: bool = False

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class RepairResult:
    """`text` is the repaired source; `fixes` lists applied and held-back fixes alike."""

    original: str
    text: str
    fixes: list[Fix] = field(default_factory=list)
    reason: str = ""  # why repair stopped short of a clean module ("" when it did not)
    rounds: int = 0
    parses: bool = True
    tests: str = ""  # "tests passed: 3" or "not verified by tests: <reason>"

    @property
    def changed(self) -> bool:
        return self.text != self.original

    @property
    def applied(self) -> list[Fix]:
        return [f for f in self.fixes if f.applied]

    @property
    def held_back(self) -> list[Fix]:
        return [f for f in self.fixes if not f.applied]

    def as_dict(self) -> dict[str, Any]:
        return {
            "changed": self.changed,
            "fixes": [f.as_dict() for f in self.fixes],
            "reason": self.reason,
            "rounds": self.rounds,
            "parses": self.parses,
            "tests": self.tests,
        }
