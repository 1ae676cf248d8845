"""The secret scan of an edited document filters only the changed lines, with the same findings."""

from __future__ import annotations

import random

from zc_lsp.agents.engines.lines import changed_window
from zc_lsp.agents.engines.secrets_engine import scan_secrets

SECRETS = [
    'AWS_KEY = "AKIAIOSFODNN7EXAMPLE"',
    'token = "ghp_' + "a1B2" * 9 + '"',
    "-----BEGIN RSA PRIVATE KEY-----",
    "MIIEowIBAAKCAQEA7VJTUt9Us8cKjMzEfYyjiWA4R4",
    "-----END RSA PRIVATE KEY-----",
    'password = "Xk9#mQ2$vL7pR4wZ"',
    "x = 1",
    "",
    "def f():",
    "    return 'sk-" + "Q" * 30 + "'",
]


def _key(findings):
    return [(f.code, f.span, f.data.get("detector")) for f in findings]


def test_incremental_candidates_give_the_same_findings_edit_after_edit() -> None:
    rng = random.Random(3)
    lines = [rng.choice(SECRETS) for _ in range(120)]
    doc = "file:///secrets_incremental.py"
    for step in range(300):
        op = rng.random()
        at = rng.randrange(len(lines) + 1)
        if op < 0.4:
            lines.insert(at, rng.choice(SECRETS))
        elif op < 0.6 and len(lines) > 5:
            del lines[min(at, len(lines) - 1)]
        else:
            n = min(at, len(lines) - 1)
            col = rng.randrange(len(lines[n]) + 1)
            lines[n] = lines[n][:col] + rng.choice(["x", "AKIA", "key", "=", '"', "  "]) + lines[n][col:]
        text = "\n".join(lines) + "\n"
        with_detect = step % 25 == 0  # detect-secrets costs ~0.2 ms a new line: now and then
        incremental = scan_secrets(text, "app.py", with_detect, doc_key=doc)
        assert _key(incremental) == _key(scan_secrets(text, "app.py", with_detect)), step


def test_changed_window_names_the_lines_that_differ() -> None:
    old = ["a", "b", "c", "d"]
    assert changed_window(old, ["a", "x", "c", "d"]) == (1, 2, 2)
    assert changed_window(old, ["new", *old]) == (0, 0, 1)
    assert changed_window(old, ["a", "d"]) == (1, 3, 1)
    assert changed_window(old, old) == (4, 4, 4)
    assert changed_window(["a", "a"], ["a", "a", "a"]) == (2, 2, 3)
