"""The taint engine scored on its corpus: vulnerable snippets and safe look-alikes per CWE.

The floors are well below what the engine reaches today, so that a regression in one kind of flow
(not a reworded snippet) is what fails; the corpus is varied on purpose (frameworks, aliases,
helpers, multi-step flows) rather than one pattern per category.
"""

from __future__ import annotations

from pathlib import Path

from tests.unit.security_engine.scoring import CATEGORY_CWES, corpus_files, score
from zc_lsp.agents.engines.taint import scan_taint


def _taint_cwes(path: Path) -> list[int]:
    report = scan_taint(path.read_text(encoding="utf-8"), path.name)
    assert report.problem is None, f"{path.name}: {report.problem}"
    return [int(f.data["cwe"]) for f in report.findings]


def test_corpus_is_large_and_covers_every_category_both_ways():
    files = corpus_files()
    assert len(files) >= 120
    for category in CATEGORY_CWES:
        vulnerable = [f for f in files if f[1] == category and f[2]]
        safe = [f for f in files if f[1] == category and not f[2]]
        assert len(vulnerable) >= 3 and len(safe) >= 2, category


def test_taint_engine_scores_above_the_floors_on_the_corpus():
    result = score(_taint_cwes)
    assert result.f1 >= 0.85, (result.f1, result.missed, result.traps_flagged)
    assert len(result.traps_flagged) <= 0.10 * result.safe_files, result.traps_flagged
    assert result.score >= 0.75, result.per_category
    weak = {c: s for c, s in result.per_category.items() if s < 0.5}
    assert not weak, (weak, result.missed, result.traps_flagged)


def test_every_finding_names_its_source_and_carries_the_path():
    for path, _category, vulnerable in corpus_files():
        if not vulnerable:
            continue
        for finding in scan_taint(path.read_text(encoding="utf-8"), path.name).findings:
            assert finding.engine == "taint" and finding.data["cwe"]
            assert f"CWE-{finding.data['cwe']}" in finding.message
            if finding.code.startswith("ZC-TAINT-"):
                assert "untrusted data from" in finding.message
                steps = finding.data["related"]
                assert steps and steps[-1]["note"].startswith("sink:"), (path.name, steps)
                assert steps[0]["line"] <= finding.span.start_line or "passed to" in str(steps)
