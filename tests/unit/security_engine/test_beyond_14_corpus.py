"""The review on problems outside the 14 web categories: ciphers, TLS, file modes, temp files, log
injection, debug mode, CSRF, template injection, SSRF, secrets and config files.

`tests/unit/security_engine/redteam/beyond_14/` holds the third blind wave's files of these kinds
(written by someone who never saw the engine) and look-alikes added with the fixes it led to
(`*__own_*`). Each file's first line says what it is (`# expect: CWE-N`, `# expect: safe`; `{# ... #}`
in templates; `config/EXPECT.txt` for JSON). The floors are per file, as the corpus is small: every
vulnerable file is flagged with its CWE, and no safe file gets any security finding, except the ones
listed below with the reason the engine cannot see it yet.
"""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path

import pytest

from zc_lsp.agents.engines.batch_review import review_files
from zc_lsp.agents.engines.ruff_engine import RuffOptions

CORPUS = Path(__file__).parent / "redteam" / "beyond_14"
_EXPECT = re.compile(r"expect:\s*(safe|CWE-\d+(?:\s*,\s*CWE-\d+)*)")
# Known misses, each a case the engine does not model (docs/security-engine.md, "third blind wave").
KNOWN_MISSES: frozenset[str] = frozenset()


def labels() -> dict[str, set[int] | None]:
    """File (relative to the corpus) -> the CWEs it must be flagged with, or None for a safe look-alike."""
    out: dict[str, set[int] | None] = {}
    for path in sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "EXPECT.txt"):
        rel = path.relative_to(CORPUS).as_posix()
        first = path.read_text(encoding="utf-8").splitlines()[0]
        m = _EXPECT.search(first)
        if m is None:
            continue  # JSON: labelled in EXPECT.txt
        out[rel] = None if m.group(1) == "safe" else {int(c) for c in re.findall(r"CWE-(\d+)", m.group(1))}
    for line in (CORPUS / "config" / "EXPECT.txt").read_text(encoding="utf-8").splitlines():
        if ":" in line:
            name, label = (part.strip() for part in line.split(":", 1))
            out[f"config/{name}"] = None if label == "safe" else {int(c) for c in re.findall(r"CWE-(\d+)", label)}
    return out


@pytest.fixture(scope="module")
def found(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[int]]:
    """CWEs the CLI's review path reports per file, on a copy outside the project (its excludes must not apply)."""
    root = tmp_path_factory.mktemp("beyond14")
    shutil.copytree(CORPUS, root, dirs_exist_ok=True)
    files = {p: p.read_text(encoding="utf-8") for p in root.rglob("*") if p.is_file() and p.name != "EXPECT.txt"}
    reviews, _problems = asyncio.run(
        review_files(files, RuffOptions(root=root, select=("S",)), bandit=False, secrets=True)
    )
    out: dict[str, set[int]] = {}
    for path, review in reviews.items():
        rel = path.relative_to(root.resolve()).as_posix()
        out[rel] = {int(f.data["cwe"]) for f in review.findings if f.data.get("cwe")}
    return out


def test_corpus_has_both_sides_of_every_kind():
    kinds: dict[str, list[bool]] = {}
    for rel, want in labels().items():
        kinds.setdefault(rel.split("__", 1)[0], []).append(want is not None)
    for kind, sides in kinds.items():
        if kind.startswith("config/"):
            continue
        assert any(sides) and not all(sides), kind
    assert len(labels()) >= 60


def test_every_vulnerable_file_is_flagged_with_its_cwe(found):
    missed = {
        rel: (want, sorted(found.get(rel, ())))
        for rel, want in labels().items()
        if want is not None and rel not in KNOWN_MISSES and not want & found.get(rel, set())
    }
    assert not missed, missed


def test_no_safe_file_gets_a_security_finding(found):
    flagged = {rel: sorted(found[rel]) for rel, want in labels().items() if want is None and found.get(rel)}
    assert not flagged, flagged
