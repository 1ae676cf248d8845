"""The environment scrub and the 'sandbox unavailable' answer."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from zc_lsp.core import sandbox
from zc_lsp.core.child_env import is_secret_name, scrub_env
from zc_lsp.core.sandbox import SandboxSpec, SandboxUnavailable

SECRET_NAMES = [
    "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AZURE_CLIENT_SECRET",
    "GOOGLE_APPLICATION_CREDENTIALS",
    "GCP_SERVICE_ACCOUNT",
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "GITLAB_PRIVATE_TOKEN",
    "NPM_TOKEN",
    "PGPASSWORD",
    "MYSQL_PWD_PASSWORD",
    "DB_PASS",
    "HF_TOKEN",
    "stripe_secret",
    "DJANGO_SECRET_KEY",
    "SSH_AUTH_SOCK",
    "DATABASE_URL",
    "SENTRY_DSN",
    "VAULT_ADDR",
    "TWINE_USERNAME",
    "SLACK_WEBHOOK",
    "MISTRAL_API_KEY",
    "CI_JOB_JWT",
    "DOCKER_AUTH_CONFIG",
]
KEPT_NAMES = ["PATH", "LANG", "LC_ALL", "TERM", "PYTHONPATH", "VIRTUAL_ENV", "TZ", "COLUMNS", "DISPLAY", "SHELL"]


@pytest.mark.parametrize("name", SECRET_NAMES)
def test_credential_names_are_scrubbed(name: str) -> None:
    assert is_secret_name(name)
    assert name not in scrub_env({name: "value", "PATH": "/usr/bin"})


@pytest.mark.parametrize("name", KEPT_NAMES)
def test_ordinary_names_are_kept(name: str) -> None:
    assert scrub_env({name: "/some/plain value"}) == {name: "/some/plain value"}


def test_urls_with_passwords_are_scrubbed_whatever_the_name() -> None:
    env = {
        "CACHE_BACKEND": "redis://:hunter2@cache:6379/0",
        "BROKER": "amqp://user:pw@rabbit//",
        "HOMEPAGE": "https://example.org/path",
        "MIRROR": "https://user@host/simple",
    }
    assert scrub_env(env) == {"HOMEPAGE": "https://example.org/path", "MIRROR": "https://user@host/simple"}


def test_names_from_config_are_scrubbed_too() -> None:
    assert scrub_env({"MY_LLM": "x", "OTHER": "y"}, also=["my_llm"]) == {"OTHER": "y"}


def test_unavailable_sandbox_refuses_to_run_and_says_why(tmp_path: Path, monkeypatch) -> None:
    real_which = shutil.which
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None if name == "bwrap" else real_which(name))
    try:
        status = sandbox.sandbox_status(refresh=True)
        assert not status.available and "bwrap" in status.reason
        reason = sandbox.not_verified_reason()
        assert reason is not None and reason.startswith("not verified: sandbox unavailable: ")
        marker = tmp_path / "ran"
        with pytest.raises(SandboxUnavailable):
            sandbox.run([sys.executable, "-c", f"open({str(marker)!r}, 'w')"], SandboxSpec(tmp_path))
        assert not marker.exists()
    finally:
        monkeypatch.undo()
        sandbox.sandbox_status(refresh=True)


def test_probe_is_cached() -> None:
    first = sandbox.sandbox_status()
    assert sandbox.sandbox_status() is first
