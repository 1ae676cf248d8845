"""Every number has a documented range; out of range is reported (file, key, line) and bounded."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.unit.config.conftest import write
from zc_lsp.config import DEFAULTS_PATH, FREEFORM, load_defaults, load_settings
from zc_lsp.config_rules import RANGES, USER_ONLY, range_for
from zc_lsp.config_yaml import line_map

# (yaml line under its section, dotted key, expected value after loading)
OUT_OF_RANGE = [
    ("background:\n  batch_workers: 2000\n", "background.batch_workers", 32),
    ("background:\n  batch_workers: -4\n", "background.batch_workers", 1),
    ("diagnostics:\n  debounce_ms: 1e30\n", "diagnostics.debounce_ms", 10_000),
    ("diagnostics:\n  debounce_ms: 1.0e+30\n", "diagnostics.debounce_ms", 10_000),
    ("diagnostics:\n  max_file_bytes: 0\n", "diagnostics.max_file_bytes", 1_000),
    ("diagnostics:\n  engine_timeout_s: -1\n", "diagnostics.engine_timeout_s", 1),
    ("tests:\n  timeout_s: 0\n", "tests.timeout_s", 1),
    ("providers:\n  openai:\n    total_timeout_s: -30\n", "providers.openai.total_timeout_s", 1.0),
    ("providers:\n  ollama:\n    connect_timeout_s: 0\n", "providers.ollama.connect_timeout_s", 0.1),
    ("router:\n  retries: 1e6\n", "router.retries", 10),
    ("router:\n  retries: 1000000\n", "router.retries", 10),
    ("router:\n  backoff_s: 0\n", "router.backoff_s", 0.05),
    ("status:\n  min_interval_s: 0\n", "status.min_interval_s", 0.05),
    ("background:\n  queue_cap: 99999999999999999999999999999999999\n", "background.queue_cap", 100_000),
    ("tuner:\n  calm_ratio: 7\n", "tuner.calm_ratio", 1.0),
    ("memory:\n  busy_timeout_ms: .inf\n", "memory.busy_timeout_ms", 600_000),
    ("background:\n  jobs:\n    health_check: {interval_s: 0}\n", "background.jobs.health_check.interval_s", 1),
    ("memory:\n  retention:\n    chat: {max_items: -5, max_age_days: 365}\n", "memory.retention.chat.max_items", 1),
]


@pytest.mark.parametrize(("text", "key", "expected"), OUT_OF_RANGE, ids=[f"{k}={t.split()[-1]}" for t, k, _ in OUT_OF_RANGE])
def test_out_of_range_is_reported_and_bounded(tmp_path: Path, text: str, key: str, expected: Any) -> None:
    ws = tmp_path / "ws"
    cfg = write(ws / ".zombiecoder.yaml", "log_level: info\n" + text)
    settings = load_settings(ws)
    assert settings.get(key) == expected
    assert type(settings.get(key)) is type(expected)
    (issue,) = [i for i in settings.issues if i.key == key]
    assert issue.source == str(cfg)
    assert issue.line == len(("log_level: info\n" + text).splitlines())
    bounds = range_for(key)
    assert bounds is not None and bounds.doc() in issue.message


def test_nan_falls_back_to_the_default(tmp_path: Path) -> None:
    write(tmp_path / "ws" / ".zombiecoder.yaml", "router:\n  backoff_s: .nan\n")
    settings = load_settings(tmp_path / "ws")
    assert settings.router.backoff_s == 0.5
    assert any(i.key == "router.backoff_s" and i.line == 2 for i in settings.issues)


def test_editor_numbers_are_bounded_too(tmp_path: Path) -> None:
    settings = load_settings(tmp_path, {"background": {"batchWorkers": 2000}, "diagnostics": {"debounceMs": 1e30},
                                        "status": {"minIntervalS": 0}})
    assert settings.background.batch_workers == 32
    assert settings.diagnostics.debounce_ms == 10_000 and isinstance(settings.diagnostics.debounce_ms, int)
    assert settings.status.min_interval_s == 0.05
    assert {i.key for i in settings.issues} == {"background.batch_workers", "diagnostics.debounce_ms",
                                                  "status.min_interval_s"}
    assert all(i.source.startswith("editor settings") for i in settings.issues)


def test_in_range_values_are_kept_and_typed(tmp_path: Path) -> None:
    write(tmp_path / "ws" / ".zombiecoder.yaml",
          "background:\n  batch_workers: 4.0\n  retry_backoff_s: 3\nrouter:\n  retries: 0\n")
    settings = load_settings(tmp_path / "ws")
    assert settings.valid, settings.issues
    assert settings.background.batch_workers == 4 and isinstance(settings.background.batch_workers, int)
    assert settings.background.retry_backoff_s == 3.0 and isinstance(settings.background.retry_backoff_s, float)
    assert settings.router.retries == 0


def test_a_fraction_for_a_whole_number_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "ws" / ".zombiecoder.yaml", "background:\n  batch_workers: 2.5\n")
    settings = load_settings(tmp_path / "ws")
    assert settings.background.batch_workers == 3
    assert any(i.key == "background.batch_workers" and "whole number" in i.message for i in settings.issues)


def _numeric_leaves(node: Any, prefix: str = "") -> list[str]:
    out: list[str] = []
    for key, value in node.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            out.extend(_numeric_leaves(value, path))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            out.append(path)
    return out


def test_every_numeric_default_has_a_range_that_holds_it() -> None:
    defaults = load_defaults()
    for path in _numeric_leaves(defaults):
        bounds = range_for(path)
        assert bounds is not None, f"{path} has no range in config_rules.RANGES"
        value = defaults
        for part in path.split("."):
            value = value[part]
        assert bounds.lo <= value <= bounds.hi, path  # type: ignore[operator]


def test_default_yaml_documents_every_range_and_user_only_key() -> None:
    text = DEFAULTS_PATH.read_text(encoding="utf-8")
    source_lines = text.splitlines()
    lines = line_map(text)
    for path in _numeric_leaves(load_defaults()):
        bounds = range_for(path)
        assert bounds is not None
        if any(path.startswith(f + ".") for f in FREEFORM):  # inline mappings: `name [lo..hi]` in a comment
            assert f"{path.rsplit('.', 1)[-1]} {bounds.doc()}" in text, path
        else:
            assert bounds.doc() in source_lines[lines[path] - 1], path
    for pattern in USER_ONLY:
        for path, line in lines.items():
            parts, want = path.split("."), pattern.split(".")
            if len(parts) == len(want) and all(w in ("*", p) for w, p in zip(want, parts, strict=True)):
                assert "(user only)" in source_lines[line - 1], path
    documented = set(re.findall(r"\[(\S+?\.\.\S+?)\]", text))
    assert {b.doc().strip("[]") for b in RANGES.values()} <= documented
