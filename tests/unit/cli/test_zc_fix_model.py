"""`zc fix --model`: the model's fix (through the router, here the fake loopback server) is verified and written;
without `--model` nothing is asked of a model."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.model_server import FakeModelServer, Script

pytestmark = pytest.mark.timeout(180)
BUGGY = 'def csv_line(values):\n    return ",".join(values)\n\n\ndef keep(a,b):\n    return  a+b\n'
REPLY = '```python\ndef csv_line(values):\n    return ",".join(str(v) for v in values)\n```'
UNCHANGED_KEEP = "```python\ndef keep(a,b):\n    return  a+b\n```"


@pytest.fixture
def model_server() -> Iterator[FakeModelServer]:
    server = FakeModelServer().start()
    yield server
    server.stop()


def _zc(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    config = tmp_path / ".config" / "zombiecoder"
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.yaml").write_text(
        f"providers:\n  ollama:\n    host: {url}\n    models: {{default: fake-small}}\n"
        "router:\n  chain: [ollama, offline]\n  cache: false\n"
    )
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / ".data"), "XDG_CONFIG_HOME": str(tmp_path / ".config")}
    return subprocess.run(
        [sys.executable, "-m", "zc_lsp.cli", "fix", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=150,
    )


def test_zc_fix_model_writes_the_verified_model_fix(tmp_path: Path, model_server: FakeModelServer) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    module = tmp_path / "lines.py"
    module.write_text(BUGGY)
    model_server.push(Script(text=UNCHANGED_KEEP), Script(text=REPLY))  # asked bottom up: keep, then csv_line
    out = _zc(tmp_path, model_server.url, "--model", str(module))
    assert out.returncode == 0, out.stderr
    fixed = module.read_text()
    assert 'return ",".join(str(v) for v in values)' in fixed, out.stderr
    assert fixed.endswith("def keep(a,b):\n    return  a+b\n")  # the other function is as it was
    assert "fixed model: model fix of `csv_line`" in out.stderr and "verified: parses" in out.stderr
    run = subprocess.run(
        [sys.executable, "-c", "import lines; assert lines.csv_line([1, 2]) == '1,2'"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr


def test_zc_fix_without_model_asks_no_model(tmp_path: Path, model_server: FakeModelServer) -> None:
    module = tmp_path / "lines.py"
    module.write_text(BUGGY)
    out = _zc(tmp_path, model_server.url, "--check", str(module))
    assert out.returncode == 0 and module.read_text() == BUGGY
    assert not [r for r in model_server.requests if r.method == "POST"]


def test_zc_fix_model_refuses_a_reply_outside_the_function(tmp_path: Path, model_server: FakeModelServer) -> None:
    module = tmp_path / "lines.py"
    module.write_text(BUGGY)
    outside = "```python\nimport json\n\n\ndef csv_line(values):\n    return json.dumps(values)\n```"
    model_server.push(Script(text=UNCHANGED_KEEP), Script(text=outside))
    out = _zc(tmp_path, model_server.url, "--model", str(module))
    assert out.returncode == 0 and module.read_text() == BUGGY
    assert "held back model: model fix of `csv_line` refused" in out.stderr
    assert "the reply has code outside `def csv_line`" in out.stderr
