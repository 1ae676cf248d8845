"""Issue 13.5: the workspace review's content-hash cache. Behaviour only: what is served, what is
re-reviewed, what invalidates, what is stored and where; never how fast (bench/review_bench.py)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.unit.security_engine.config_apps import make_vulnerable
from zc_lsp.agents.base import AgentRequest
from zc_lsp.agents.best_practices.agent import BestPracticesAgent
from zc_lsp.agents.engines import batch_review
from zc_lsp.agents.engines.batch_review import review_files
from zc_lsp.agents.engines.review_cache import CACHE_FILE, ReviewCache, encode_finding, open_cache, storable
from zc_lsp.agents.engines.ruff_engine import RuffOptions
from zc_lsp.core.types import Finding, Span, TextEdit

pytestmark = pytest.mark.timeout(120)
GITHUB_TOKEN = "ghp_" + "Zq8xR2mV7kLp4NwT9sYb3HcJ6fDg1AeU0iOo"  # split: this file holds no token itself
AWS_KEY = "AKIA" + "QW3ERT7YUI2OPA5SDF9G"
SECRETS_PY = f'GITHUB = "{GITHUB_TOKEN}"\nAWS_ACCESS_KEY_ID = "{AWS_KEY}"\n\n\ndef ok() -> int:\n    return 1\n'

PLAIN = "import subprocess\n\nfrom flask import request\n\n\ndef run():\n    subprocess.call(request.args['c'], shell=True)\n"
# Secret values of the vulnerable app (config_apps) and of keys.py: none may be stored.
STORED_NEVER = [
    GITHUB_TOKEN,
    AWS_KEY,
    "Sup3r-S3cret!",
    "hunter22x",
    "Mailp4ss-9911",
    "sk_live_51HxAbCdEfGhIjKlMnOpQrStUv",
    "pr0d-Passw0rd-42",
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = make_vulnerable(tmp_path / "shop")
    (root / "keys.py").write_text(SECRETS_PY)
    (root / "plain.py").write_text(PLAIN)
    return root


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    """The seam: the names of the files each engine run got (cache misses only)."""
    seen: list[set[str]] = []
    real = batch_review.review_uncached

    async def counting(files: dict[Path, str], *args: Any, **kw: Any) -> Any:
        seen.append({p.name for p in files})
        return await real(files, *args, **kw)

    monkeypatch.setattr(batch_review, "review_uncached", counting)
    return seen


def _files(root: Path) -> dict[Path, str]:
    return {p: p.read_text() for p in sorted(root.iterdir()) if p.is_file()}


async def _review(root: Path, cache: ReviewCache | None, settings_state: str = "s") -> tuple[dict, list[str]]:
    opts = RuffOptions(root=root, select=("S",))
    return await review_files(
        _files(root), opts, bandit=False, secrets=True, cache=cache, settings_state=settings_state
    )


def _rows(reviews: dict) -> dict[str, list[dict[str, Any]]]:
    return {p.name: [encode_finding(f) for f in r.findings] for p, r in reviews.items()}


async def test_a_cache_hit_gives_the_same_findings_as_a_cold_run(project: Path, tmp_path: Path, runs) -> None:
    cache = ReviewCache(tmp_path / "data" / CACHE_FILE)
    cold, errors = await _review(project, cache)
    assert errors == []
    warm, errors = await _review(project, cache)
    assert errors == [] and len(runs) == 1  # the second review ran no engine
    assert _rows(warm) == _rows(cold)
    assert {r.counts.get("taint", 0) for r in warm.values()} != {0}
    found = [f for r in warm.values() for f in r.findings]
    assert any(f.code == "ZC-SECRET-GITHUB" for f in found)  # secret findings are shown from the cache too
    assert all(f.data.get("id") for f in found) and any(f.data.get("cwe") for f in found)


async def test_editing_one_file_reviews_only_that_file(project: Path, tmp_path: Path, runs) -> None:
    cache = ReviewCache(tmp_path / "data" / CACHE_FILE)
    await _review(project, cache)
    (project / "plain.py").write_text("# moved down a line\n" + PLAIN)
    after, _ = await _review(project, cache)
    assert runs[1] == {"plain.py"}
    assert [
        f.span.start_line for f in after[(project / "plain.py").resolve()].findings if f.code == "ZC-TAINT-CMD"
    ] == [7]


@pytest.mark.parametrize("change", ["ruff_config", "setting"])
async def test_a_new_ruff_config_or_setting_reviews_everything_again(
    project: Path, tmp_path: Path, runs, change: str
) -> None:
    cache = ReviewCache(tmp_path / "data" / CACHE_FILE)
    await _review(project, cache)
    state = "s"
    if change == "ruff_config":
        (project / "ruff.toml").write_text("line-length = 100\n")
    else:
        state = "s2"
    await _review(project, cache, settings_state=state)
    assert runs[1] >= {p.name for p in project.glob("*.py")}


async def test_a_corrupt_cache_file_degrades_to_no_cache_with_one_warning(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "data" / CACHE_FILE
    path.parent.mkdir()
    path.write_bytes(b"this is not a database at all" * 100)
    first, errors = await _review(project, ReviewCache(path))
    assert len(errors) == 1 and "review cache off" in errors[0]
    second, errors = await _review(project, ReviewCache(path))
    assert errors == []  # said once per process
    assert _rows(first) == _rows(second) and any(r.findings for r in first.values())
    assert path.read_bytes().startswith(b"this is not")  # left as it was


async def test_a_cache_that_cannot_be_created_is_no_cache(project: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    cache = ReviewCache(blocker / "data" / CACHE_FILE)  # a folder under a file: cannot be made
    reviews, errors = await _review(project, cache)
    assert cache.store is None and any("review cache off" in e for e in errors)
    assert any(r.findings for r in reviews.values())


async def test_unreadable_rows_are_dropped_and_reviewed_again(project: Path, tmp_path: Path, runs) -> None:
    path = tmp_path / "data" / CACHE_FILE
    cache = ReviewCache(path)
    cold, _ = await _review(project, cache)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE review_cache SET payload = '{broken' WHERE path LIKE '%keys.py'")
    again, errors = await _review(project, cache)
    assert errors == [] and runs[1] == {"keys.py"} and _rows(again) == _rows(cold)


async def test_files_an_engine_could_not_parse_are_not_cached(project: Path, tmp_path: Path, runs) -> None:
    (project / "broken.yaml").write_text("db:\n  password: [unclosed\n")
    (project / "broken.py").write_text("def broken(:\n    pass\n")
    cache = ReviewCache(tmp_path / "data" / CACHE_FILE)
    cold, _ = await _review(project, cache)
    warm, _ = await _review(project, cache)
    assert runs[1] == {"broken.yaml"}  # its parse failure stands alone: reviewed every time
    py = (project / "broken.py").resolve()  # its failures are said by a syntax-error finding, which is cached
    assert [f.code for f in warm[py].findings] == [f.code for f in cold[py].findings] and warm[py].findings
    assert [f.engine for f in warm[(project / "broken.yaml").resolve()].failures] == ["config"]


async def test_no_secret_bytes_reach_the_cache_file(project: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    cache = ReviewCache(data / CACHE_FILE)
    reviews, _ = await _review(project, cache)
    assert any(f.code == "ZC-SECRET-AWS" for r in reviews.values() for f in r.findings)
    cache.store.close()  # type: ignore[union-attr]  # folds the WAL back in
    stored = b"".join(p.read_bytes() for p in data.iterdir())
    assert [s for s in STORED_NEVER if s.encode() in stored] == []
    assert b"ZC-SECRET-GITHUB" in stored


def test_least_recently_used_rows_go_past_the_bound(tmp_path: Path) -> None:
    cache = ReviewCache(tmp_path / CACHE_FILE, max_rows=2)
    row = '{"findings": [], "counts": {}}'
    cache.put([("a", "a.py", row), ("b", "b.py", row)])
    assert set(cache.get(["a"])) == {"a"}  # a is used again: b is now the oldest
    cache.put([("c", "c.py", row)])
    assert set(cache.get(["a", "b", "c"])) == {"a", "c"}


async def test_the_agent_uses_the_data_folder_and_no_cache_bypasses_it(project: Path, tmp_path: Path, make_ctx) -> None:
    data = tmp_path / "data"
    agent = BestPracticesAgent()
    paths = [str(p) for p in sorted(project.glob("*.py"))]
    off = await agent.handle(
        AgentRequest("review_files", args={"paths": paths, "cache": False}), make_ctx(project, data_dir=data)
    )
    assert off.ok and not (data / CACHE_FILE).exists()
    on = await agent.handle(AgentRequest("review_files", args={"paths": paths}), make_ctx(project, data_dir=data))
    assert on.ok and (data / CACHE_FILE).exists()
    assert sorted(f.data["id"] for f in on.findings) == sorted(f.data["id"] for f in off.findings)
    assert open_cache(data).store is not None


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_zc_review_caches_outside_the_project_and_no_cache_stores_nothing(project: Path, tmp_path: Path) -> None:
    before = _tree(project)
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(tmp_path / "xdg"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "OLLAMA_HOST": "http://127.0.0.1:9",
    }

    def zc(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "zc_lsp.cli", "review", str(project), "--format", "json", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=110,
        )

    bypass = zc("--no-cache")
    assert bypass.returncode == 1, bypass.stderr
    assert list((tmp_path / "xdg").rglob(CACHE_FILE)) == []
    cold, warm = zc(), zc()
    assert cold.stdout == warm.stdout == bypass.stdout
    assert len(list((tmp_path / "xdg").rglob(CACHE_FILE))) == 1
    assert _tree(project) == before  # nothing written into the project


async def test_bandit_never_imports_a_module_of_the_reviewed_folder(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    (root / "logging").mkdir(parents=True)
    marker = tmp_path / "imported"
    (root / "logging" / "__init__.py").write_text(f"open({str(marker)!r}, 'w').close()\nraise SystemExit(3)\n")
    (root / "app.py").write_text("import subprocess\nsubprocess.call('ls', shell=True)\n")
    reviews, errors = await review_files(
        {root / "app.py": (root / "app.py").read_text()}, RuffOptions(root=root), bandit=True, secrets=False
    )
    assert errors == [] and not marker.exists()
    assert reviews[(root / "app.py").resolve()].counts.get("bandit") is not None


def test_a_row_whose_quick_fix_holds_a_secret_is_not_stored_and_messages_are_scrubbed() -> None:
    text = f'token = "{GITHUB_TOKEN}"\n'
    span = Span(0, 9, 0, 9 + len(GITHUB_TOKEN))
    secret = Finding(span, "error", "ZC-SECRET-GITHUB", "Hard-coded GitHub token", engine="secrets", data={"cwe": 798})
    talks = Finding(span, "warning", "X1", f"value {GITHUB_TOKEN} here", engine="ruff")
    stored = storable(text, [secret, talks], {"secrets": 1, "ruff": 1})
    assert stored is not None and GITHUB_TOKEN not in stored and "ZC-SECRET-GITHUB" in stored
    fixing = Finding(span, "info", "X2", "quote it", engine="ruff", fix=[TextEdit(span, f"'{GITHUB_TOKEN}'")])
    assert storable(text, [secret, fixing], {}) is None  # a placeholder in a fix would break the code


async def test_the_scan_helper_process_finds_what_the_in_process_scans_find(
    project: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from zc_lsp.agents.engines import secrets_worker

    (project / "broken.py").write_text("DEBUG = True\ndef broken(:\n    pass\n")  # settings cannot parse it
    monkeypatch.setattr(secrets_worker, "MIN_BYTES", 10**9)
    here, errors = await _review(project, None)
    monkeypatch.setattr(secrets_worker, "MIN_BYTES", 0)
    monkeypatch.setattr(secrets_worker.os, "cpu_count", lambda: 2)
    helped, helped_errors = await _review(project, None)
    assert errors == helped_errors == []
    assert not [r for r in caplog.records if "in this process" in r.getMessage()]  # the helper answered
    assert _rows(helped) == _rows(here)
    assert any(f.code == "ZC-SECRET-GITHUB" for r in helped.values() for f in r.findings)
    assert any(f.code.startswith("ZC-CONF-") for r in helped.values() for f in r.findings)

    def failures(reviews: dict) -> set[tuple[str, str, str]]:
        return {(Path(f.path).name, f.engine, f.reason) for r in reviews.values() for f in r.failures}

    assert failures(helped) == failures(here)
