"""The detect-secrets gate skips only lines on which no plugin can report anything.

The gate keeps detect-secrets (and the requests/urllib3 it imports) out of a process whose logs
hold only paths and counts. It must never change what is redacted: every plugin has a condition,
every value any plugin reports passes it, and the log path redacts every kind of secret exactly as
the ungated redactor does.
"""

from __future__ import annotations

import base64
import json
import logging
import string
from collections import OrderedDict
from pathlib import Path

import pytest
from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import zc_lsp.core.redact as redact_module
from tests.unit.security.secrets_corpus import CORPUS
from zc_lsp.core.redact import scrub
from zc_lsp.core.redact.ds_gate import COVERED, detect_secrets_may_fire
from zc_lsp.memory.logs import JsonLineFormatter, install_redaction

PLUGINS = [cls() for cls in get_mapping_from_secret_type_to_class().values()]
# every file type whose keyword rules differ, not only the two the redactor asks for
FILENAMES = ("x.py", "x.yaml", "x.go", "x.java", "x.js", "x.c", "x.cpp", "x.cs", "x.ini", "x.toml", "x.txt", "x.tf")


def plugin_hits(line: str) -> list[tuple[str, str]]:
    hits = []
    for plugin in PLUGINS:
        for filename in FILENAMES:
            for hit in plugin.analyze_line(filename=filename, line=line, line_number=0):
                hits.append((plugin.secret_type, hit.secret_value or ""))
    return hits


def jwt() -> str:
    part = lambda obj: base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")  # noqa: E731
    return f"{part({'alg': 'HS256'})}.{part({'sub': '1234567890'})}.c2lnbmF0dXJlX2J5dGVzXzEyMzQ1Ng"


# One line each plugin reports on: the gate must pass each (checked against the plugin itself).
SAMPLES = {
    "Artifactory Credentials": 'artifactory "AKCp8jQ8tB2rLmN4vX9"',
    "AWS Access Key": "using AKIAQWERTYUIOPASDFGH now",
    "Azure Storage Account access key": "AccountKey=" + "a1B2" * 22,
    "Basic Auth Credentials": "fetching https://deploy:s3cr3tPw9@example.org/repo",
    "Cloudant Credentials": "cloudant_password='" + "0123456789abcdef" * 4 + "'",
    "Discord Bot Token": "MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs",
    "GitHub Token": "cloning with ghp_" + "aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5",
    "GitLab Token": "token glpat-" + "xY7kP2mQ9rT4vW8zA3bC",
    "Hex High Entropy String": 'digest "9f86d081884c7d659a2feaa0c55ad015"',
    "Base64 High Entropy String": 'blob "c2VjcmV0LXZhbHVlLTEyMzQ1Njc4OTBhYmNkZWZnaGlqaw=="',
    "IBM Cloud IAM Key": "ibm_cloud_iam_api_key='" + "aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5oQ7sU9w_" + "'",
    "IBM COS HMAC Credentials": "secret_access_key = '" + "0123456789abcdef" * 3 + "'",
    "Public IP (ipv4)": "connected to 8.8.4.4:443 after retry",
    "JSON Web Token": "session " + "eyJ" + jwt()[3:],
    "Secret Keyword": 'password = "hunter2-Zx9"',
    "Mailchimp Access Key": "mc " + "0123456789abcdef0123456789abcdef-us12",
    "NPM tokens": "//registry.npmjs.org/:_authToken=npm_" + "aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5",
    "OpenAI Token": "sk-" + "aB3dE5gH7jK9mN1pQ3sT" + "T3BlbkFJ" + "aB3dE5gH7jK9mN1pQ3sT",
    "Private Key": "-----BEGIN RSA PRIVATE KEY-----",
    "PyPI Token": "pypi-AgEIcHlwaS5vcmc" + "aB3dE5gH7jK9mN1pQ3sT" * 4,
    "SendGrid API Key": "SG." + "aB3dE5gH7jK9mN1pQ3sT5v" + "." + "aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5oQ7sU9w",
    "Slack Token": "xoxb-123456789012-1234567890123-abcdefghijklmnop",
    "SoftLayer Credentials": "softlayer_api_key = " + "0123456789abcdef" * 4,
    "Square OAuth Secret": "sq0csp-" + "aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5oQ7sU9w",
    "Stripe Access Key": "charge with sk_live_" + "aB3dE5gH7jK9mN1pQ3sT5vX7",
    "Telegram Bot Token": "bot 123456789:" + "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1",
    "Twilio API Key": "sid AC" + "0123456789abcdef0123456789abcdef",
}


def test_every_installed_plugin_has_a_gate_condition() -> None:
    assert set(get_mapping_from_secret_type_to_class()) == set(COVERED)
    assert set(SAMPLES) == set(COVERED)


@pytest.mark.parametrize("secret_type", sorted(SAMPLES))
def test_gate_passes_a_line_each_plugin_reports_on(secret_type: str) -> None:
    line = SAMPLES[secret_type]
    assert secret_type in {kind for kind, _ in plugin_hits(line)}, "the sample no longer triggers its plugin"
    assert detect_secrets_may_fire(line)


def test_gate_skips_the_log_lines_an_idle_server_writes() -> None:
    for line in (
        "migrated /home/u/.local/share/zombiecoder/workspaces/688b0d3a821939dc/tasks.db to schema v1",
        "background services started (6 scheduled jobs, 3 workers)",
        "5 agent(s) from the zombiecoder.agents entry points in 2.5 ms",
    ):
        assert not detect_secrets_may_fire(line)


def test_gate_passes_every_corpus_line_a_plugin_reports_on() -> None:
    for case in CORPUS:
        for line in case.text.splitlines():
            if plugin_hits(line):
                assert detect_secrets_may_fire(line), (case.kind, line)


FRAGMENTS = [
    "password",
    "PassWord",
    "paſsword",
    "API_KEY",
    "\u212aey",
    "secret",
    "token",
    "pwd",
    "contraseña",
    "aws",
    "cloudant",
    "softlayer",
    "xoxb-",
    "hooks.slack.com",
    "AKIA",
    "AKC",
    "AP1",
    "://",
    "@",
    "ghp_",
    "glpat-",
    "GR1348941",
    "eyJ",
    "-us1",
    "T3BlbkFJ",
    "pypi-AgE",
    "SG.",
    "sq0csp-",
    "sk_live_",
    "rk_live_",
    "AC",
    "SK",
    "M",
    "8.8.8.8",
    "1.2.3.4:80",
    "123456789:",
    "=",
    ":",
    ":=",
    "=>",
    " ",
    '"',
    "'",
    "`",
    "[",
    "]",
    ";",
    ".",
    "-",
    "_",
    "/",
    "+",
    "\\",
    "(",
    ")",
    "!=",
    "==",
]
TOKENS = st.text(alphabet=string.ascii_letters + string.digits + "+/=_-", min_size=1, max_size=70)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), TOKENS), min_size=1, max_size=8))
def test_gate_passes_every_generated_line_a_plugin_reports_on(parts: list[str]) -> None:
    line = "".join(parts)
    if plugin_hits(line):
        assert detect_secrets_may_fire(line), line


def _scrub_ungated(text: str, monkeypatch: pytest.MonkeyPatch) -> str:
    with monkeypatch.context() as m:
        m.setattr(redact_module, "detect_secrets_may_fire", lambda _line: True)
        m.setattr(redact_module, "_known", OrderedDict())
        return scrub(text)


def _scrub_gated(text: str, monkeypatch: pytest.MonkeyPatch) -> str:
    with monkeypatch.context() as m:
        m.setattr(redact_module, "_known", OrderedDict())
        return scrub(text)


LOG_LINES = [
    "provider call failed for {s}",
    "retrying with credentials {s} (attempt 2)",
    "config loaded: {s}",
    "user said: {s}",
]


@pytest.mark.parametrize("case", CORPUS, ids=[c.kind for c in CORPUS])
def test_log_scrub_matches_the_ungated_redactor(case, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    for template in LOG_LINES:
        for text in (template.format(s=case.text), template.format(s=case.secret)):
            assert _scrub_gated(text, monkeypatch) == _scrub_ungated(text, monkeypatch)
    assert case.secret not in _scrub_gated(case.text, monkeypatch)


def test_log_file_holds_no_secret_of_any_kind(tmp_path: Path) -> None:
    kinds = {
        "aws": "AKIAQWERTYUIOPASDFGH",
        "github": "ghp_" + "aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5",
        "jwt": "eyJ" + jwt()[3:],
        "pem": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----",
        "password": "Zq8#xLw2vR9kT",
        "entropy": "q9Xv3Lm8Tz2Rk7Wp4Ny6Bc1Hd5Gf0Js",
        "base64": base64.b64encode(b"admin:Sup3rS3cret!").decode(),
    }
    log_file = tmp_path / "zc.jsonl"
    handler = install_redaction(logging.FileHandler(log_file))
    handler.setFormatter(JsonLineFormatter())
    logger = logging.getLogger("zc_lsp.test_redact_ds_gate")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        logger.info("password = '%s'", kinds["password"])
        logger.info("deploy key %s", kinds["aws"])
        logger.info("git push https://%s@github.com/o/r", kinds["github"])
        logger.info("Authorization: Bearer %s", kinds["jwt"])
        logger.warning("key file:\n%s", kinds["pem"])
        logger.info("sent %s to the server", kinds["entropy"])
        logger.info("basic auth blob %s", kinds["base64"])
        logger.info("the password was %s earlier", kinds["password"])
    finally:
        logger.removeHandler(handler)
        handler.close()
    text = log_file.read_text()
    assert [k for k, v in kinds.items() if v in text or v.splitlines()[1 if "\n" in v else 0] in text] == []


def test_a_plugin_the_gate_does_not_know_opens_it_for_every_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from zc_lsp.core.redact import ds_gate

    monkeypatch.setattr(ds_gate, "_open", False)
    line = "migrated /home/u/.local/share/zombiecoder/workspaces/688b0d3a821939dc/tasks.db"
    ds_gate.note_installed_plugins(set(COVERED))
    assert not detect_secrets_may_fire(line)
    ds_gate.note_installed_plugins({*COVERED, "Some Future Token"})
    assert detect_secrets_may_fire(line)
