"""`zc fix` over the broken-module corpus: at least 0.85 fixed offline, nothing outside a defect's scope changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.cli.corpus_score import copy_corpus, load_cases, run_checks, run_zc_fix, score, table

pytestmark = pytest.mark.timeout(900)


def test_corpus_is_honest_every_case_is_broken_before_repair(tmp_path: Path) -> None:
    cases = load_cases()
    assert len(cases) >= 40
    folder = copy_corpus(tmp_path / "ws")
    outcomes = score(folder, cases)
    assert not [o.case.file for o in outcomes if o.fixed], "these corpus modules are not broken"


def test_zc_fix_repairs_the_corpus_offline_without_touching_other_code(tmp_path: Path) -> None:
    cases = load_cases()
    folder = copy_corpus(tmp_path / "ws")
    run = run_zc_fix(folder)
    assert run.returncode == 0, run.stderr[-2000:]
    outcomes = score(folder, cases)
    result = table(outcomes)
    print(result)
    assert result["rate"] >= 0.85, result
    strays = {o.case.file: o.why for o in outcomes if "outside" in o.why}
    assert not strays, strays
    untouched = sorted(p.name for p in folder.glob("*.py") if p.name not in {c.file for c in cases})
    for name in untouched:  # helper modules that were never broken stay byte-identical
        assert (folder / name).read_bytes() == (copy_corpus.__globals__["CORPUS"] / "modules" / name).read_bytes()


def test_checks_fail_on_a_wrong_repair(tmp_path: Path) -> None:
    """The scorer itself can fail: a module that imports but answers wrongly is not fixed."""
    folder = tmp_path / "ws"
    folder.mkdir()
    (folder / "colon_def.py").write_text("def to_fahrenheit(celsius):\n    return celsius\n")
    [case] = [c for c in load_cases() if c.file == "colon_def.py"]
    assert run_checks(folder, [case])["colon_def"][0] is False
