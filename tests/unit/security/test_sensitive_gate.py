"""refuse_reason: the one check before file text becomes a prompt."""

from __future__ import annotations

from pathlib import Path

from zc_lsp.core.sensitive import refuse_reason


def test_env_file_is_refused_with_a_plain_message(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TOKEN=x\n")
    msg = refuse_reason(tmp_path / ".env", tmp_path)
    assert msg is not None and msg.startswith("not sent: .env is a sensitive file")


def test_ordinary_file_may_be_sent(tmp_path: Path) -> None:
    assert refuse_reason(tmp_path / "app.py", tmp_path) is None


def test_new_zombiecoderignore_entry_applies_without_restart(tmp_path: Path) -> None:
    assert refuse_reason(tmp_path / "data.csv", tmp_path) is None
    (tmp_path / ".zombiecoderignore").write_text("*.csv\n")
    assert refuse_reason(tmp_path / "data.csv", tmp_path) is not None


def test_broken_ignore_file_refuses_everything_and_says_why(tmp_path: Path) -> None:
    (tmp_path / ".zombiecoderignore").write_text("ok\nbad\\\n")
    msg = refuse_reason(tmp_path / "app.py", tmp_path)
    assert msg is not None and ".zombiecoderignore" in msg
