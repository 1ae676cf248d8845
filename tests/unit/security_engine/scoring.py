"""Scoring a security engine on the labelled corpus: per-category TPR - FPR with the CWE matching,
file-level precision/recall/F1, and how many safe look-alikes (traps) were flagged.

Corpus files are named `<category>__vuln__<what>.py` or `<category>__safe__<what>.py`. Used by the
tests (on the taint engine) and by bench/security_bench.py (on the review, ruff and bandit).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

CORPUS = Path(__file__).parent / "corpus"
# Category -> the CWEs that count as finding it (a tool reporting a sibling CWE still found it).
CATEGORY_CWES: dict[str, set[int]] = {
    "sql": {89},
    "cmd": {78, 77},
    "code": {94, 95},
    "path": {22, 23, 36, 73},
    "redirect": {601},
    "xss": {79, 80},
    "xxe": {611, 776},
    "xpath": {643},
    "ldap": {90},
    "deser": {502},
    "trust": {501},
    "cookie": {614, 1004},
    "hash": {328, 327, 916},
    "rand": {330, 338},
    "ssrf": {918},
}


@dataclass
class Score:
    """The figures for one engine over the corpus."""

    per_category: dict[str, float] = field(default_factory=dict)  # TPR - FPR
    tp: int = 0
    fp: int = 0
    fn: int = 0
    traps_flagged: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    safe_files: int = 0

    @property
    def score(self) -> float:
        return sum(self.per_category.values()) / max(len(self.per_category), 1)

    @property
    def f1(self) -> float:
        precision = self.tp / max(self.tp + self.fp, 1)
        recall = self.tp / max(self.tp + self.fn, 1)
        return 2 * precision * recall / max(precision + recall, 1e-9)


def corpus_files() -> list[tuple[Path, str, bool]]:
    """(path, category, vulnerable) for every corpus file."""
    out = []
    for path in sorted(CORPUS.glob("*.py")):
        category, label, _rest = path.name.split("__", 2)
        out.append((path, category, label == "vuln"))
    return out


def score(
    cwes_of: Callable[[Path], Iterable[int]],
    files: Iterable[tuple[Path, str, bool]] | None = None,
    trap_cwes: frozenset[int] | None = None,
) -> Score:
    """Score an engine given as `path -> CWEs it reported for that file`.

    `files`: (path, category, vulnerable), this corpus by default. A safe look-alike counts as a
    trap flagged when any CWE is reported on it, or, with `trap_cwes`, one of those.
    """
    result = Score()
    counts: dict[str, list[int]] = {}  # category -> [tp, vuln, fp, safe]
    for path, category, vulnerable in corpus_files() if files is None else files:
        found = set(cwes_of(path))
        hit = bool(found & CATEGORY_CWES[category])
        c = counts.setdefault(category, [0, 0, 0, 0])
        if vulnerable:
            c[1] += 1
            c[0] += hit
            result.tp += hit
            result.fn += not hit
            if not hit:
                result.missed.append(path.name)
        else:
            result.safe_files += 1
            c[3] += 1
            c[2] += hit
            if found if trap_cwes is None else found & trap_cwes:  # a finding on a safe look-alike
                result.fp += 1
                result.traps_flagged.append(path.name)
    for category, (tp, vuln, fp, safe) in counts.items():
        result.per_category[category] = tp / max(vuln, 1) - fp / max(safe, 1)
    return result
