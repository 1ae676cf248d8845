"""`zc status` attaches to the workspace's running server, and says so when none runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from zc_lsp.background.live_status import LiveStatusServer, registrations
from zc_lsp.config import load_settings
from zc_lsp.memory.workspace import resolve_data_dir


def _env(tmp: Path) -> dict[str, str]:
    return {**os.environ, "XDG_DATA_HOME": str(tmp / "data"), "XDG_CONFIG_HOME": str(tmp / "config"),
            "OLLAMA_HOST": "http://127.0.0.1:9"}


def _zc(tmp: Path, ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "zc_lsp.cli", "status", "--workspace", str(ws), *args],
                          env=_env(tmp), capture_output=True, text=True, timeout=120, cwd=tmp)


def _data_dir(tmp: Path, ws: Path, monkeypatch) -> Path:
    for key, value in _env(tmp).items():
        monkeypatch.setenv(key, value)
    return resolve_data_dir(ws, load_settings(ws))


def test_status_shows_the_running_servers_live_state(tmp_path: Path, monkeypatch) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    data = _data_dir(tmp_path, ws, monkeypatch)
    calls = []

    def snapshot() -> dict:
        calls.append(1)
        return {"version": "live-test", "agents": [{"name": "programming", "tasks_done": 41, "state": "idle"}]}

    live = LiveStatusServer(data, ws, snapshot)
    live.start()
    try:
        out = _zc(tmp_path, ws, "--json")
        assert out.returncode == 0, out.stderr
        snap = json.loads(out.stdout)
        assert snap["source"]["live"] is True and snap["source"]["pid"] == os.getpid()
        assert snap["agents"][0]["tasks_done"] == 41
        text = _zc(tmp_path, ws)
        assert "done 41" in text.stdout and "live" in text.stderr
        assert calls
    finally:
        live.stop()
    assert registrations(data) == []


def test_status_without_a_server_says_it_shows_stored_state(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    out = _zc(tmp_path, ws)
    assert out.returncode == 0, out.stderr
    assert "no running server" in out.stderr
    assert "agent    programming" in out.stdout
    assert not out.stdout.lstrip().startswith("{")


def test_stale_registration_of_a_dead_server_is_dropped(tmp_path: Path, monkeypatch) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    data = _data_dir(tmp_path, ws, monkeypatch)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    folder = data / "servers"
    folder.mkdir(parents=True)
    stale = folder / f"{dead.stdout.strip()}.json"
    stale.write_text(json.dumps({"pid": int(dead.stdout), "port": 9, "token": "x", "started": 1.0, "workspace": str(ws)}))
    assert registrations(data) == []
    assert not stale.exists()
    out = _zc(tmp_path, ws, "--json")
    assert json.loads(out.stdout)["source"]["live"] is False


def test_a_wrong_token_gets_no_status(tmp_path: Path, monkeypatch) -> None:
    import socket

    ws = tmp_path / "ws"
    ws.mkdir()
    data = _data_dir(tmp_path, ws, monkeypatch)
    live = LiveStatusServer(data, ws, lambda: {"secret": "state"})
    live.start()
    try:
        reg = registrations(data)[0]
        assert oct(reg.path.stat().st_mode & 0o777) == "0o600"
        with socket.create_connection(("127.0.0.1", reg.port), timeout=5) as sock:
            sock.sendall(b'{"token": "guess", "op": "status"}\n')
            reply = json.loads(sock.makefile().readline())
        assert reply == {"error": "bad token"}
    finally:
        live.stop()


def test_dashboard_shows_the_live_server_and_falls_back_when_it_stops(tmp_path: Path, monkeypatch) -> None:
    from types import SimpleNamespace

    from zc_lsp.background.live_status import LiveStatusError
    from zc_lsp.background.status import StatusHub
    from zc_lsp.dashboard.data import DashboardData

    hub = StatusHub()
    services = SimpleNamespace(status=hub, background=None, memory=None)
    answers = [{"agents": [{"name": "ops", "tasks_done": 7}], "reports": []}]

    def live() -> dict:
        if not answers:
            raise LiveStatusError("server pid 1 on port 9 did not answer")
        return answers.pop()

    data = DashboardData(services, live=live)
    first = data.snapshot()
    assert first["dashboard"]["live"] is True and first["agents"][0]["tasks_done"] == 7
    second = data.snapshot()
    assert second["dashboard"]["live"] is False and "stopped answering" in second["dashboard"]["note"]
    data.close()
