"""The shipped defaults come from default.yaml, or from a JSON copy of the same text's parse (issue 15)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from zc_lsp import config, config_defaults, config_yaml


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(config, "_defaults", None)
    return tmp_path / "cache"


def shipped() -> dict:
    return config_yaml.parse_shipped(config.DEFAULTS_PATH.read_text(encoding="utf-8"))


def test_first_start_parses_the_yaml_and_keeps_a_copy_that_later_starts_read(cache_home: Path) -> None:
    assert config.load_defaults() == shipped()
    copies = list((cache_home / "zombiecoder").glob("defaults-*.json"))
    assert len(copies) == 1 and json.loads(copies[0].read_text()) == shipped()
    config._defaults = None
    assert config.load_defaults() == shipped()


def test_the_copy_is_named_by_the_text_so_an_edited_default_yaml_is_parsed_again(cache_home: Path) -> None:
    text = config.DEFAULTS_PATH.read_text(encoding="utf-8")
    assert config_defaults.defaults_cache_path(text) != config_defaults.defaults_cache_path(text + "\n# edited\n")
    assert config_defaults.defaults_cache_path(text).parent == cache_home / "zombiecoder"


def test_a_damaged_copy_is_reported_and_the_yaml_parsed(cache_home: Path, caplog: pytest.LogCaptureFixture) -> None:
    copy = config_defaults.defaults_cache_path(config.DEFAULTS_PATH.read_text(encoding="utf-8"))
    copy.parent.mkdir(parents=True)
    copy.write_text("[1, 2")
    with caplog.at_level(logging.WARNING, logger="zc_lsp.config_defaults"):
        assert config.load_defaults() == shipped()
    assert "unusable" in caplog.text
    assert json.loads(copy.read_text()) == shipped()  # written again, whole


def test_an_unwritable_cache_folder_only_costs_the_parse(cache_home: Path) -> None:
    cache_home.mkdir()
    (cache_home / "zombiecoder").write_text("a file where the folder should be")
    assert config.load_defaults() == shipped()


def test_settings_without_any_file_load_without_pyyaml(cache_home: Path, tmp_path: Path) -> None:
    config_defaults.shipped_defaults(config.DEFAULTS_PATH)  # the copy exists, as after any earlier start
    script = (
        "import sys; from zc_lsp.config import load_settings; "
        "s = load_settings(sys.argv[1], {'log_level': 'info'}); "
        "print(s.get('log_level'), 'yaml' in sys.modules)"
    )
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "no-config"), "XDG_CACHE_HOME": str(cache_home)}
    out = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert out.stdout.split() == ["info", "False"], out.stderr


def test_an_oversized_copy_is_not_read_and_the_yaml_is_parsed_again(cache_home: Path, caplog) -> None:
    text = config.DEFAULTS_PATH.read_text(encoding="utf-8")
    copy_path = config_defaults.defaults_cache_path(text)
    copy_path.parent.mkdir(parents=True)
    copy_path.write_text('{"pad": "' + "x" * (5 * len(text)) + '"}', encoding="utf-8")  # valid JSON, not ours
    with caplog.at_level(logging.WARNING, logger="zc_lsp.config_defaults"):
        assert config.load_defaults() == shipped()
    assert "unusable" in caplog.text and "bytes" in caplog.text
    assert json.loads(copy_path.read_text()) == shipped()  # replaced by a good copy
