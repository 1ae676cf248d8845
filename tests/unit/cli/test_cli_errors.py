"""Every bad input to `zc` gets one clear line on stderr and a non-zero exit, never a traceback or a wrong answer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def zc(*args: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp / "data"), "XDG_CONFIG_HOME": str(tmp / "config"),
           "OLLAMA_HOST": "http://127.0.0.1:9"}
    return subprocess.run([sys.executable, "-m", "zc_lsp.cli", *args], cwd=tmp, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "small.py"
    path.write_text("".join(f"x{n} = {n}\n" for n in range(30)))
    return path


def _one_clear_line(out: subprocess.CompletedProcess[str], *words: str) -> None:
    assert out.returncode == 2, (out.returncode, out.stdout, out.stderr)
    assert "Traceback" not in out.stderr
    errors = [line for line in out.stderr.splitlines() if "error" in line]
    assert len(errors) == 1, out.stderr
    for word in words:
        assert word in errors[0], errors[0]
    assert out.stdout == ""


def test_explain_line_out_of_range_is_refused(small: Path, tmp_path: Path) -> None:
    _one_clear_line(zc("explain", f"{small}:999", tmp=tmp_path), "30 line(s)", "999")


def test_explain_line_zero_is_refused(small: Path, tmp_path: Path) -> None:
    _one_clear_line(zc("explain", f"{small}:0", tmp=tmp_path), "out of range")


def test_explain_of_a_binary_file_is_refused(tmp_path: Path) -> None:
    blob = tmp_path / "blob.py"
    blob.write_bytes(b"\x7fELF\x00\x01\x02" * 100)
    _one_clear_line(zc("explain", f"{blob}:1", tmp=tmp_path), "binary")


def test_explain_of_a_missing_file_is_refused(tmp_path: Path) -> None:
    _one_clear_line(zc("explain", f"{tmp_path}/nope.py:1", tmp=tmp_path), "no such file")


def test_test_of_a_missing_path_is_refused(tmp_path: Path) -> None:
    _one_clear_line(zc("test", "/nonexistent/zc-test-path", tmp=tmp_path), "no such file or folder")


def test_dashboard_port_out_of_range_is_refused(tmp_path: Path) -> None:
    out = zc("dashboard", "--port", "99999", tmp=tmp_path)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "out of range" in out.stderr


def test_closed_pipe_is_one_line_and_exit_141(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    proc = subprocess.Popen([sys.executable, "-m", "zc_lsp.cli", "--help"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None
    proc.stdout.close()  # the reader is gone before the writer starts
    _, err = proc.communicate(timeout=60)
    assert b"Traceback" not in err
    assert proc.returncode in (0, 141), err  # argparse may finish before noticing


def test_review_with_a_closed_pipe_exits_141(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    many = tmp_path / "many"
    many.mkdir()
    for n in range(40):
        (many / f"m{n}.py").write_text("import os\n" * 30)
    proc = subprocess.Popen([sys.executable, "-m", "zc_lsp.cli", "review", str(many)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, cwd=tmp_path)
    assert proc.stdout is not None
    proc.stdout.close()
    _, err = proc.communicate(timeout=120)
    assert b"Traceback" not in err, err
    assert proc.returncode == 141
    assert b"output pipe closed" in err


def test_help_documents_exit_codes_and_version_works(tmp_path: Path) -> None:
    out = zc("--help", tmp=tmp_path)
    assert "exit codes:" in out.stdout and "141" in out.stdout
    version = zc("--version", tmp=tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("zc ")


def test_review_of_a_missing_path_is_one_line(tmp_path: Path, small: Path) -> None:
    _one_clear_line(zc("review", str(small), str(tmp_path / "nope.py"), tmp=tmp_path), "no such file", "nope.py")


def test_review_of_a_binary_file_named_on_purpose_is_refused(tmp_path: Path) -> None:
    blob = tmp_path / "blob.py"
    blob.write_bytes(b"\x7fELF\x00\x01\x02" * 100)
    _one_clear_line(zc("review", str(blob), tmp=tmp_path), "binary")


def test_a_missing_workspace_folder_is_refused_before_anything_is_made(tmp_path: Path) -> None:
    for verb in ("status", "test", "chat", "dashboard"):
        out = zc(verb, "--workspace", str(tmp_path / "nowhere"), tmp=tmp_path)
        _one_clear_line(out, "--workspace", "no such folder")
    assert not (tmp_path / "data").exists()  # no data folder for a workspace that does not exist


def test_a_bad_test_name_is_refused(tmp_path: Path, small: Path) -> None:
    _one_clear_line(zc("test", str(small), "-k", "bad name!", tmp=tmp_path), "-k", "not a test function name")
