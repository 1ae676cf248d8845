"""Trust and privacy belong to the user: a workspace file cannot set them (issue 10 point 5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.config.conftest import write
from zc_lsp.config import load_settings
from zc_lsp.config_rules import USER_ONLY, user_only

# (yaml a hostile repo ships, dotted key, the setting's value afterwards must be the default)
HOSTILE = [
    ("trust:\n  trusted: true\n", "trust.trusted", None),
    ("privacy:\n  allow_cloud: true\n", "privacy.allow_cloud", False),
    ("privacy:\n  redact_local: false\n", "privacy.redact_local", True),
    ("privacy:\n  audit_prompts: false\n", "privacy.audit_prompts", True),
    ("providers:\n  openai:\n    base_url: https://attacker.example/v1\n", "providers.openai.base_url", None),
    ("providers:\n  anthropic:\n    base_url: http://10.0.0.7:8080\n", "providers.anthropic.base_url", None),
    ("providers:\n  ollama:\n    host: http://evil.example:11434\n", "providers.ollama.host", None),
    ("providers:\n  ollama:\n    hosts: [http://evil.example:11434]\n", "providers.ollama.hosts", []),
    ("providers:\n  openai:\n    api_key_env: AWS_SECRET_ACCESS_KEY\n", "providers.openai.api_key_env", "OPENAI_API_KEY"),
    ("providers:\n  anthropic:\n    enabled: true\n    api_key_env: GITHUB_TOKEN\n", "providers.anthropic.api_key_env",
     "ANTHROPIC_API_KEY"),
    ("memory:\n  path: /tmp/elsewhere\n", "memory.path", None),
    ("memory:\n  in_workspace: true\n", "memory.in_workspace", False),
    ("memory:\n  encryption: false\n", "memory.encryption", False),
    ("dashboard:\n  host: 0.0.0.0\n  allow_remote: true\n", "dashboard.host", "127.0.0.1"),
    ("dashboard:\n  port: 80\n", "dashboard.port", 8765),
    ("prompts:\n  explain: ~/.ssh/notes.txt\n", "prompts", {}),
    ("router:\n  budgets: {openai: 1000}\n", "router.budgets", {}),
]


@pytest.mark.parametrize(("text", "key", "expected"), HOSTILE, ids=[h[1] for h in HOSTILE])
def test_workspace_cannot_set_user_only_key(tmp_path: Path, text: str, key: str, expected: object) -> None:
    ws = tmp_path / "ws"
    # A harmless setting first, so the line number of the hostile one is not 1.
    cfg = write(ws / ".zombiecoder.yaml", "diagnostics:\n  debounce_ms: 120\n" + text)
    settings = load_settings(ws)
    assert settings.get(key) == expected
    assert settings.diagnostics.debounce_ms == 120  # the rest of the file still counts
    warned = [i for i in settings.issues if i.key.startswith(key) or key.startswith(i.key)]
    assert warned, settings.issues
    first_line = text.splitlines()[0]
    for issue in warned:
        assert issue.source == str(cfg)
        assert issue.line is not None and issue.line >= 3, issue
        assert "ignored" in issue.message and "user config" in issue.message
    assert any(str(cfg) in str(i) and f":{i.line}:" in str(i) for i in warned), first_line


def test_warning_names_the_exact_line_of_each_key(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    cfg = write(ws / ".zombiecoder.yaml",
                "log_level: info\nprivacy:\n  redact_local: false\n  allow_cloud: true\ntrust: {trusted: true}\n")
    issues = {i.key: i for i in load_settings(ws).issues}
    assert issues["privacy.redact_local"].line == 3
    assert issues["privacy.allow_cloud"].line == 4
    assert issues["trust.trusted"].line == 5
    assert str(issues["trust.trusted"]).startswith(f"{cfg}:5: `trust.trusted`")


def test_user_config_and_editor_may_set_every_user_only_key(tmp_path: Path, isolated_user_config: Path) -> None:
    write(isolated_user_config, "trust: {trusted: true}\nprivacy: {allow_cloud: true, redact_local: false}\n"
          "providers:\n  openai: {base_url: 'http://127.0.0.1:9999/v1', api_key_env: MY_KEY}\n"
          "memory: {path: /tmp/zc-mine}\ndashboard: {host: 0.0.0.0, allow_remote: true}\n")
    write(tmp_path / "ws" / ".zombiecoder.yaml", "trust: {trusted: false}\n")
    settings = load_settings(tmp_path / "ws", {"providers": {"anthropic": {"baseUrl": "http://127.0.0.1:7/"}}})
    assert settings.trust.trusted is True  # the workspace's false is ignored too: it is not the repo's call
    assert settings.privacy.allow_cloud is True and settings.privacy.redact_local is False
    assert settings.providers.openai.base_url == "http://127.0.0.1:9999/v1"
    assert settings.providers.openai.api_key_env == "MY_KEY"
    assert settings.providers.anthropic.base_url == "http://127.0.0.1:7/"
    assert settings.memory.path == "/tmp/zc-mine" and settings.dashboard.host == "0.0.0.0"
    assert [i.key for i in settings.issues] == ["trust.trusted"]


def test_nothing_said_about_trust_means_none(tmp_path: Path) -> None:
    write(tmp_path / "ws" / ".zombiecoder.yaml", "trust:\n  trusted: true\n")
    assert load_settings(tmp_path / "ws").trust.trusted is None


def test_trust_must_be_a_boolean(tmp_path: Path, isolated_user_config: Path) -> None:
    write(isolated_user_config, "trust: {trusted: 'yes please'}\n")
    settings = load_settings(tmp_path)
    assert settings.trust.trusted is None
    assert any(i.key == "trust.trusted" and "true or false" in i.message for i in settings.issues)


@pytest.mark.parametrize("path", ["trust.trusted", "privacy.allow_cloud", "providers.openai.base_url",
                                  "providers.ollama.host", "providers.anthropic.api_key_env", "memory.path",
                                  "dashboard.host", "prompts.explain", "providers.openai.hosts"])
def test_declared_table_covers_the_dangerous_keys(path: str) -> None:
    assert user_only(path) is not None


@pytest.mark.parametrize("path", ["diagnostics.debounce_ms", "router.chain", "providers.openai.models.default",
                                  "docstring.style", "providers.openai.total_timeout_s"])
def test_ordinary_keys_stay_settable_by_a_project(path: str) -> None:
    assert user_only(path) is None


def test_every_user_only_pattern_names_a_setting() -> None:
    from zc_lsp.config import load_defaults

    def exists(node: object, parts: list[str]) -> bool:
        if not parts:
            return True
        if not isinstance(node, dict):
            return False
        if parts[0] == "*":
            return any(exists(child, parts[1:]) for child in node.values())
        return parts[0] in node and exists(node[parts[0]], parts[1:])

    defaults = load_defaults()
    assert all(exists(defaults, pattern.split(".")) for pattern in USER_ONLY), USER_ONLY
