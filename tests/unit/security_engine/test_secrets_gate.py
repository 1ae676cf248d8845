"""The secret scan asks detect-secrets only about lines some plugin can fire on (core/redact/ds_gate.py).

A differential check: over the secrets corpus, the red-team corpus and real standard-library modules,
the findings with the gate are exactly those of scanning every candidate line.
"""

from __future__ import annotations

import sysconfig
from pathlib import Path

import pytest

from tests.unit.security.secrets_corpus import CORPUS
from zc_lsp.agents.engines import secrets_engine

STDLIB = Path(sysconfig.get_paths()["stdlib"])
TEXTS = [(c.filename, c.text) for c in CORPUS]
TEXTS += [(p.name, p.read_text(encoding="utf-8")) for p in sorted((Path(__file__).parent / "redteam").glob("*.py"))]
TEXTS += [(n, (STDLIB / n).read_text(encoding="utf-8")) for n in ("smtplib.py", "netrc.py", "imaplib.py", "ftplib.py")]


def _scan_all(monkeypatch: pytest.MonkeyPatch, gate: bool) -> list[list[tuple[str, int, int]]]:
    secrets_engine._ds_cache.clear()
    if not gate:
        monkeypatch.setattr(secrets_engine, "detect_secrets_may_fire", lambda line: True)
    out = []
    for name, text in TEXTS:
        found = secrets_engine.scan_secrets(text, name)
        out.append(sorted((f.code, f.span.start_line, f.span.start_char) for f in found))
    monkeypatch.undo()
    return out


def test_the_gate_changes_no_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    ungated = _scan_all(monkeypatch, gate=False)
    gated = _scan_all(monkeypatch, gate=True)
    assert sum(map(len, ungated)) > 40  # the corpus does hold secrets: the comparison means something
    for (name, _), a, b in zip(TEXTS, ungated, gated, strict=True):
        assert a == b, name
