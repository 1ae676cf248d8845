"""Layered settings: bad values are reported with file, key and line, and defaults keep working."""

from __future__ import annotations

from pathlib import Path

from zc_lsp.config import load_settings


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_layers_merge_in_order(tmp_path: Path) -> None:
    user = write(tmp_path / "user.yaml", "diagnostics:\n  debounce_ms: 100\n  on_change: false\n")
    write(tmp_path / "ws" / ".zombiecoder.yaml", "diagnostics:\n  debounce_ms: 200\n")
    settings = load_settings(tmp_path / "ws", {"diagnostics": {"debounceMs": 300}}, user_file=user)
    assert settings.diagnostics.debounce_ms == 300  # editor wins
    assert settings.diagnostics.on_change is False  # user layer kept where nobody overrides it
    assert settings.tests.timeout_s == 300  # default
    assert settings.valid


def test_invalid_values_name_file_key_and_line_and_fall_back(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    cfg = write(ws / ".zombiecoder.yaml", "log_level: info\ndiagnostics:\n  debounce_ms: fast\n  nope: 1\nautofix:\n  mode: always\n")
    settings = load_settings(ws, user_file=tmp_path / "none.yaml")
    messages = [str(i) for i in settings.issues]
    assert any(f"{cfg}:3" in m and "diagnostics.debounce_ms" in m and "whole number" in m for m in messages), messages
    assert any(f"{cfg}:4" in m and "diagnostics.nope" in m and "not a setting" in m for m in messages), messages
    assert any(f"{cfg}:6" in m and "autofix.mode" in m and "suggest" in m for m in messages), messages
    assert settings.diagnostics.debounce_ms == 300
    assert settings.autofix.mode == "suggest"


def test_broken_yaml_is_reported_and_ignored(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    cfg = write(ws / ".zombiecoder.yaml", "diagnostics:\n  debounce_ms: [1, 2\n")
    settings = load_settings(ws, user_file=tmp_path / "none.yaml")
    assert len(settings.issues) == 1
    assert str(cfg) in str(settings.issues[0]) and "not valid YAML" in str(settings.issues[0])
    assert settings.diagnostics.debounce_ms == 300


def test_editor_only_keys_are_ignored_and_camel_case_accepted(tmp_path: Path) -> None:
    settings = load_settings(tmp_path, {"server": {"python": "/usr/bin/python3"}, "trace": {"server": "verbose"},
                                        "privacy": {"allowCloud": True}}, user_file=tmp_path / "none.yaml")
    assert settings.valid, settings.issues
    assert settings.privacy.allow_cloud is True
