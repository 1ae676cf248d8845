"""Security findings side by side: the project's review, `ruff check --select S` and bandit.

Over the labelled corpus (tests/unit/security_engine/corpus, copied to a temp folder so the
project's own excludes do not apply) it prints, per tool: the mean of per-category TPR - FPR (a
category counts only when the CWE matches), file-level F1, and how many safe look-alikes (traps)
got any security finding. Over the standard library's `_pydecimal.py` (~6,400 lines) it prints
the time of the taint engine alone, the project's editor review (ruff + taint + secrets, one
document), `ruff check` on the same text, and bandit, with the ratios between them.
Run: `python bench/security_bench.py [--rounds 5] [--json FILE]`.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import json
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.unit.security_engine.scoring import CORPUS, Score, score  # noqa: E402
from zc_lsp.agents.base import AgentContext, AgentRequest  # noqa: E402
from zc_lsp.agents.best_practices.agent import BestPracticesAgent  # noqa: E402
from zc_lsp.agents.engines.batch_review import review_files  # noqa: E402
from zc_lsp.agents.engines.ruff_engine import RuffOptions, ruff_command  # noqa: E402
from zc_lsp.agents.engines.taint import _CACHE as taint_cache  # noqa: E402
from zc_lsp.agents.engines.taint import scan_taint  # noqa: E402
from zc_lsp.agents.engines.taint.model import KINDS  # noqa: E402
from zc_lsp.agents.engines.taint.precision import pattern_kind  # noqa: E402
from zc_lsp.config import load_settings  # noqa: E402
from zc_lsp.core.types import DocSnapshot, Finding  # noqa: E402

_RUFF_CWE = {
    code: KINDS[kind][1]
    for code, kind in (
        ("S" + n, k)
        for n, k in [
            ("608", "SQL"),
            ("602", "CMD"),
            ("603", "CMD"),
            ("604", "CMD"),
            ("605", "CMD"),
            ("606", "CMD"),
            ("607", "CMD"),
            ("609", "CMD"),
            ("307", "CODE"),
            ("102", "CODE"),
            ("301", "DESER"),
            ("302", "DESER"),
            ("506", "DESER"),
            ("303", "HASH"),
            ("324", "HASH"),
            ("311", "RAND"),
            ("313", "XXE"),
            ("314", "XXE"),
            ("318", "XXE"),
            ("319", "XXE"),
            ("320", "XXE"),
            ("308", "XSS"),
            ("701", "XSS"),
            ("704", "XSS"),
            ("310", "SSRF"),
            ("610", "SQL"),
            ("611", "SQL"),
        ]
    )
}


def _cwe(finding: Finding) -> int | None:
    """The CWE a finding claims; ruff's S rules carry none, so they get their bandit twin's."""
    if finding.data.get("cwe"):
        return int(finding.data["cwe"])
    kind = pattern_kind(finding)
    return KINDS[kind][1] if kind else None


def _copy_corpus(dest: Path) -> dict[str, Path]:
    dest.mkdir(parents=True, exist_ok=True)
    out = {}
    for path in sorted(CORPUS.glob("*.py")):
        target = dest / path.name
        shutil.copyfile(path, target)
        out[path.name] = target
    return out


def _by_name(rows: Iterable[tuple[str, int]]) -> Callable[[Path], list[int]]:
    table: dict[str, list[int]] = {}
    for name, cwe in rows:
        table.setdefault(name, []).append(cwe)
    return lambda path: table.get(path.name, [])


def score_review(copies: dict[str, Path], root: Path, *, bandit: bool) -> tuple[Score, float]:
    files = {p: p.read_text(encoding="utf-8") for p in copies.values()}
    started = time.perf_counter()
    reviews, _errors = asyncio.run(
        review_files(files, RuffOptions(root=root, select=("S",)), bandit=bandit, secrets=True)
    )
    elapsed = time.perf_counter() - started
    rows = [(path.name, cwe) for path, r in reviews.items() for f in r.findings if (cwe := _cwe(f))]
    return score(_by_name(rows)), elapsed


def score_ruff(root: Path) -> tuple[Score, float]:
    started = time.perf_counter()
    out = subprocess.run(
        [*ruff_command(), "check", "--isolated", "--select", "S", "--output-format", "json", "--no-cache", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    rows = [
        (Path(item["filename"]).name, _RUFF_CWE[item["code"]])
        for item in json.loads(out.stdout or "[]")
        if item.get("code") in _RUFF_CWE
    ]
    return score(_by_name(rows)), elapsed


def score_bandit(root: Path) -> tuple[Score, float, int]:
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "bandit", "-q", "-f", "json", "-r", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    data = json.loads(out.stdout or "{}")
    rows = [
        (Path(item["filename"]).name, int(item["issue_cwe"]["id"]))
        for item in data.get("results", [])
        if item.get("issue_cwe")
    ]
    return score(_by_name(rows)), elapsed, len(data.get("errors") or [])


def _median_ms(fn: Callable[[], Any], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _median_cpu_ms(fn: Callable[[], Any], rounds: int) -> float:
    """CPU time of this thread: steadier than wall time on a shared, busy machine."""
    times = []
    for _ in range(rounds):
        started = time.thread_time()
        fn()
        times.append((time.thread_time() - started) * 1000)
    return statistics.median(times)


def timings(rounds: int, tmp: Path) -> dict[str, float]:
    source = Path(sysconfig.get_paths()["stdlib"]) / "_pydecimal.py"
    text = source.read_text(encoding="utf-8")
    target = tmp / "big" / "_pydecimal.py"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    settings = load_settings(target.parent, user_file=tmp / "no-user-config.yaml")
    ctx = AgentContext(workspace_root=target.parent, settings=settings)
    doc = DocSnapshot(uri=target.as_uri(), path=target, text=text, version=1)
    agent = BestPracticesAgent()

    def review() -> None:
        taint_cache.clear()  # every round a first review of the text, not a cache hit
        result = asyncio.run(agent.handle(AgentRequest("review", doc=doc, args={"bandit": False}), ctx))
        assert result.ok, result.error

    ruff = [
        *ruff_command(),
        "check",
        "--no-cache",
        "--select",
        "S",
        "--output-format",
        "json",
        "--stdin-filename",
        str(target),
        "-",
    ]
    bandit = [sys.executable, "-m", "bandit", "-q", "-f", "json", str(target)]
    return {
        "lines": text.count("\n"),
        "taint_ms": _median_ms(lambda: scan_taint(text, "_pydecimal.py"), rounds),
        "taint_cpu_ms": _median_cpu_ms(lambda: scan_taint(text, "_pydecimal.py"), rounds),
        "parse_cpu_ms": _median_cpu_ms(lambda: ast.parse(text), rounds),
        "review_ms": _median_ms(review, rounds),
        "ruff_ms": _median_ms(lambda: subprocess.run(ruff, input=text, capture_output=True, text=True), rounds),
        "bandit_ms": _median_ms(lambda: subprocess.run(bandit, capture_output=True, check=False), max(rounds // 2, 1)),
    }


def _row(name: str, s: Score, seconds: float, extra: str = "") -> str:
    traps = f"{len(s.traps_flagged)}/{s.safe_files}"
    return f"{name:<22} {s.score:>6.3f} {s.f1:>6.3f} {traps:>7} {s.tp:>4} {s.fn:>4} {seconds * 1000:>8.0f}  {extra}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zc-secbench-") as raw:
        tmp = Path(raw)
        copies = _copy_corpus(tmp / "corpus")
        taint = score(lambda p: [int(f.data["cwe"]) for f in scan_taint(p.read_text(), p.name).findings])
        review, review_s = score_review(copies, tmp / "corpus", bandit=False)
        review_b, review_b_s = score_review(copies, tmp / "corpus", bandit=True)
        ruff, ruff_s = score_ruff(tmp / "corpus")
        bandit, bandit_s, bandit_errors = score_bandit(tmp / "corpus")
        print(f"corpus: {len(copies)} files ({taint.tp + taint.fn} vulnerable, {taint.safe_files} safe look-alikes)")
        print(f"{'tool':<22} {'score':>6} {'F1':>6} {'traps':>7} {'TP':>4} {'FN':>4} {'time ms':>8}")
        print(_row("taint engine alone", taint, 0))
        print(_row("review (editor)", review, review_s, "ruff S + taint + secrets"))
        print(_row("review + bandit (CLI)", review_b, review_b_s))
        print(_row("ruff --select S", ruff, ruff_s))
        print(_row("bandit", bandit, bandit_s, f"{bandit_errors} file(s) it could not parse"))
        print("per category (TPR - FPR):")
        for category in sorted(taint.per_category):
            print(
                f"  {category:<9} taint {taint.per_category[category]:>5.2f}  review {review.per_category[category]:>5.2f}"
                f"  ruff {ruff.per_category[category]:>5.2f}  bandit {bandit.per_category[category]:>5.2f}"
            )
        times = timings(args.rounds, tmp)
        print(f"_pydecimal.py ({times['lines']:.0f} lines), median of {args.rounds}:")
        print(
            f"  taint engine alone   {times['taint_ms']:8.1f} ms  ({times['taint_cpu_ms']:.1f} ms CPU, of which "
            f"parsing {times['parse_cpu_ms']:.1f})"
        )
        print(f"  editor review        {times['review_ms']:8.1f} ms  (ruff + taint + secrets + settings, in process)")
        print(f"  ruff check --select S {times['ruff_ms']:7.1f} ms")
        print(f"  bandit               {times['bandit_ms']:8.1f} ms  (a fresh process, as the old review ran it)")
        print(
            f"  ratios: review/ruff {times['review_ms'] / times['ruff_ms']:.2f}, taint/ruff "
            f"{times['taint_ms'] / times['ruff_ms']:.2f}, bandit/review {times['bandit_ms'] / times['review_ms']:.2f}"
        )
        if args.json:
            report = {
                "taint": taint.__dict__,
                "review": review.__dict__,
                "review_bandit": review_b.__dict__,
                "ruff": ruff.__dict__,
                "bandit": bandit.__dict__,
                "timings": times,
            }
            args.json.write_text(json.dumps(report, indent=2, default=str))


if __name__ == "__main__":
    main()
