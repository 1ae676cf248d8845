"""Issue 13.4: one finding suppressed on one line, in each engine's own marker, honoured by the review."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from zc_lsp.agents.engines.batch_review import review_files
from zc_lsp.agents.engines.ruff_engine import RuffOptions
from zc_lsp.agents.engines.suppress import drop_suppressed, marked_codes, suppression
from zc_lsp.core.types import Finding, Span


def _apply(lines: list[str], line_no: int, code: str, engine: str, kind: str = "python") -> str:
    marker = suppression(lines, line_no, code, engine, kind)
    assert marker is not None
    text = "\n".join(lines) + "\n"
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    span = marker.edit.span
    start, end = offsets[span.start_line] + span.start_char, offsets[span.end_line] + span.end_char
    return text[:start] + marker.edit.new_text + text[end:]


@pytest.mark.parametrize(
    ("line", "code", "engine", "kind", "expected"),
    [
        ("subprocess.call(cmd, shell=True)", "S602", "ruff", "python", "subprocess.call(cmd, shell=True)  # noqa: S602"),
        ("import os  # noqa: F401", "E501", "ruff", "python", "import os  # noqa: F401, E501"),
        ("x = eval(s)  # nosec B101", "B307", "bandit", "python", "x = eval(s)  # nosec B101, B307"),
        ("DEBUG = True", "ZC-CONF-DEBUG", "settings", "python", "DEBUG = True  # zc: ignore[ZC-CONF-DEBUG]"),
        ("DEBUG = True  # zc: ignore[ZC-CONF-HOSTS]", "ZC-CONF-DEBUG", "settings", "python",
         "DEBUG = True  # zc: ignore[ZC-CONF-HOSTS, ZC-CONF-DEBUG]"),
        ("  debug: true", "ZC-CONF-DEBUG", "config", "yaml", "  debug: true  # zc: ignore[ZC-CONF-DEBUG]"),
        ("{% autoescape off %}", "ZC-CONF-AUTOESCAPE", "config", "template",
         "{% autoescape off %}  {# zc: ignore[ZC-CONF-AUTOESCAPE] #}"),
    ],
)
def test_the_marker_is_appended_or_merged(line: str, code: str, engine: str, kind: str, expected: str) -> None:
    assert _apply([line], 0, code, engine, kind) == expected + "\n"


def test_env_and_ini_get_the_marker_on_a_comment_line_above() -> None:
    assert _apply(["A=1", "DB_PASSWORD=pr0d"], 1, "ZC-CONF-SECRET", "config", "env") == (
        "A=1\n# zc: ignore[ZC-CONF-SECRET]\nDB_PASSWORD=pr0d\n"
    )
    merged = _apply(["[db]", "  # zc: ignore[ZC-CONF-DEBUG]", "  password = x9y8z7"], 2, "ZC-CONF-SECRET", "config", "ini")
    assert merged == "[db]\n  # zc: ignore[ZC-CONF-DEBUG, ZC-CONF-SECRET]\n  password = x9y8z7\n"


def test_no_marker_where_it_cannot_be_written() -> None:
    assert suppression(['{"debug": true}'], 0, "ZC-CONF-DEBUG", "config", "json") is None  # JSON has no comments
    assert suppression(["x = (1 + \\"], 0, "ZC-CONF-DEBUG", "settings", "python") is None  # line continuation
    assert suppression(["x = 1"], 0, "invalid-syntax", "ruff", "python") is None
    assert suppression(["x = 1"], 0, "AI-SQL", "model", "python") is None
    assert suppression(["debug: true"], 0, "S105", "ruff", "yaml") is None  # ruff does not read YAML


def _finding(line: int, code: str) -> Finding:
    return Finding(span=Span(line, 0, line, 4), severity="warning", code=code, message="m", engine="config")


def test_the_review_drops_only_the_suppressed_zc_code() -> None:
    text = "a  # zc: ignore[ZC-CONF-DEBUG]\nb  # noqa: ZC-CONF-HOSTS, E501\nc  # noqa\n# zc: ignore[ZC-CONF-SECRET]\nd\n"
    found = [_finding(0, "ZC-CONF-DEBUG"), _finding(0, "ZC-CONF-CSRF"), _finding(1, "ZC-CONF-HOSTS"),
             _finding(2, "ZC-CONF-DEBUG"), _finding(4, "ZC-CONF-SECRET"), _finding(0, "F401")]
    kept = [(f.span.start_line, f.code) for f in drop_suppressed(found, text)]
    # A blanket `# noqa` was written for ruff: it does not hide a ZC finding; F401 is ruff's own business.
    assert kept == [(0, "ZC-CONF-CSRF"), (2, "ZC-CONF-DEBUG"), (0, "F401")]
    assert marked_codes("x  # noqa: F401,ZC-CONF-DEBUG") == {"F401", "ZC-CONF-DEBUG"}


def test_zc_review_honours_markers_in_python_yaml_and_env(tmp_path: Path) -> None:
    (tmp_path / "settings.py").write_text('DEBUG = True  # zc: ignore[ZC-CONF-DEBUG]\nALLOWED_HOSTS = ["*"]\n')
    (tmp_path / "config.yaml").write_text("app:\n  debug: true  # noqa: ZC-CONF-DEBUG\n  csrf: false\n")
    (tmp_path / ".env").write_text("# zc: ignore[ZC-CONF-SECRET]\nDB_PASSWORD=pr0d-Passw0rd\nFLASK_DEBUG=1\n")
    files = {p: p.read_text() for p in tmp_path.iterdir()}
    reviews, errors = asyncio.run(review_files(files, RuffOptions(root=tmp_path), bandit=False, secrets=True))
    assert errors == []
    codes = {(p.name, f.code) for p, r in reviews.items() for f in r.findings if f.code.startswith("ZC-")}
    assert codes == {("settings.py", "ZC-CONF-HOSTS"), ("config.yaml", "ZC-CONF-CSRF"), (".env", "ZC-CONF-DEBUG")}
