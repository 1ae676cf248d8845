"""The secret scan after an edit rescans only the lines that changed, with the same findings."""

from __future__ import annotations

from typing import Any

import pytest

from zc_lsp.agents.engines import secrets_engine
from zc_lsp.agents.engines.lines import split_keepends, split_lines

KEY_LINE = 'aws_secret = "AKIAIOSFODNN7EXAMPLF"\n'
TOKEN_LINE = 'github_token = "ghp_' + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8" + '"\n'


@pytest.fixture
def scanned(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Records the lines handed to detect-secrets on each uncached scan."""
    secrets_engine._ds_cache.clear()
    calls: list[list[str]] = []
    real = secrets_engine._scan_uncached

    def spy(lines: list[str], stem: str) -> Any:
        calls.append(list(lines))
        return real(lines, stem)

    monkeypatch.setattr(secrets_engine, "_scan_uncached", spy)
    return calls


def test_unchanged_lines_are_not_rescanned_by_detect_secrets(scanned: list[list[str]]) -> None:
    text = "import os\n" + KEY_LINE + "x = 1\n" + TOKEN_LINE
    first = secrets_engine.scan_secrets(text, "mod.py")
    assert len(scanned) == 1
    again = secrets_engine.scan_secrets("# edited\n" + text, "mod.py")
    assert len(scanned) == 1  # every candidate line was seen before: nothing handed to detect-secrets
    assert [(f.code, f.span.start_line - 1) for f in again] == [(f.code, f.span.start_line) for f in first]
    secrets_engine.scan_secrets(text + 'api_key = "Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0Lm"\n', "mod.py")
    assert scanned[-1] == ['api_key = "Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0Lm"']  # only the new line


def test_cached_findings_equal_a_fresh_scan(scanned: list[list[str]]) -> None:
    text = KEY_LINE + "y = 2\n" + TOKEN_LINE
    secrets_engine.scan_secrets(text, "mod.py")
    cached = secrets_engine.scan_secrets(text, "mod.py")
    secrets_engine._ds_cache.clear()
    fresh = secrets_engine.scan_secrets(text, "mod.py")
    assert cached == fresh and fresh


def test_split_lines_fast_path_agrees_with_the_line_end_rules() -> None:
    for text in ["", "a", "a\n", "a\n\n", "\n", "a\nb", "a\x0cb\n", "x\u2028y\n", "a\r\nb\r", "a\rb"]:
        expected = [line.rstrip("\r\n") for line in split_keepends(text)]
        assert split_lines(text) == expected, text
