"""The dashboard over real HTTP: token, loopback, static folder, malformed requests, data endpoints."""

from __future__ import annotations

import http.client
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from zc_lsp.dashboard import DashboardError, DashboardServer, check_bind
from zc_lsp.dashboard.server import STATIC_DIR

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def dash(services: Any) -> Iterator[DashboardServer]:
    from zc_lsp.background import Background

    background = Background(services)
    background.start()
    services.background = background
    server = DashboardServer(services, "127.0.0.1", 0)
    server.start()
    yield server
    server.stop()


def request(server: DashboardServer, method: str, path: str, headers: dict[str, str] | None = None,
            token: bool = True) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    sent = dict(headers or {})
    if token:
        sent.setdefault("X-ZC-Token", server.token)
    conn.request(method, path, headers=sent)
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body


def raw(server: DashboardServer, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(data)
        chunks = []
        while True:
            part = s.recv(65536)
            if not part:
                break
            chunks.append(part)
    return b"".join(chunks)


def test_requests_without_the_right_token_get_401(dash: DashboardServer) -> None:
    for path in ("/", "/api/status", "/static/dashboard.js", "/api/events", "/nothing"):
        status, _, body = request(dash, "GET", path, token=False)
        assert status == 401, path
        assert b"token" in body
    wrong = dash.token[:-1] + ("A" if dash.token[-1] != "A" else "B")
    assert request(dash, "GET", "/api/status", {"X-ZC-Token": wrong})[0] == 401
    assert request(dash, "GET", f"/api/status?token={wrong}", token=False)[0] == 401
    assert request(dash, "GET", "/api/status", {"Cookie": f"zc_dashboard={wrong}"}, token=False)[0] == 401


def test_query_token_becomes_an_httponly_cookie_and_is_dropped_from_the_url(dash: DashboardServer) -> None:
    status, headers, _ = request(dash, "GET", f"/?token={dash.token}", token=False)
    assert status == 303 and headers["location"] == "/"
    cookie = headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    status, headers, body = request(dash, "GET", "/", {"Cookie": cookie.split(";")[0]}, token=False)
    assert status == 200
    assert "script-src 'self'" in headers["content-security-policy"]
    assert f'content="{dash.token}"'.encode() in body  # for the page's POST header


def test_a_post_needs_the_header_not_only_the_cookie(dash: DashboardServer, services: Any) -> None:
    alert = services.background.alerts.raise_alert("test_rule", "warning", "cookie only")
    status, _, _ = request(dash, "POST", f"/api/alerts/{alert}/ack", {"Cookie": f"zc_dashboard={dash.token}"},
                           token=False)
    assert status == 401
    assert services.background.alerts.list()[0]["state"] == "open"


def test_ack_then_resolve_clears_an_alert(dash: DashboardServer, services: Any) -> None:
    alert = services.background.alerts.raise_alert("test_rule", "warning", "something to look at")
    snap = json.loads(request(dash, "GET", "/api/status")[2])
    assert [a["id"] for a in snap["alerts"]["open"]] == [alert]
    status, _, body = request(dash, "POST", f"/api/alerts/{alert}/ack")
    assert status == 200 and json.loads(body)["ok"] is True
    snap = json.loads(request(dash, "GET", "/api/status")[2])
    assert snap["alerts"]["open"][0]["acked"] is True
    assert request(dash, "POST", f"/api/alerts/{alert}/ack")[0] == 404  # already acked
    assert request(dash, "POST", f"/api/alerts/{alert}/resolve")[0] == 200
    snap = json.loads(request(dash, "GET", "/api/status")[2])
    assert snap["alerts"]["open"] == []


def test_alert_actions_without_background_say_so(services: Any) -> None:
    server = DashboardServer(services, "127.0.0.1", 0)
    server.start()
    try:
        status, _, body = request(server, "POST", "/api/alerts/1/ack")
        assert status == 503 and b"background" in body
    finally:
        server.stop()


@pytest.mark.parametrize("path", [
    "/static/../server.py", "/static/..%2fserver.py", "/static/%2e%2e%2fdata.py", "/static/%2e%2e/server.py",
    "/static/..", "/static/.hidden", "/static//etc/passwd", "/static/%2fetc%2fpasswd", "/static/a%5c..%5cserver.py",
    "/static/%00index.html", "/../zc_lsp/dashboard/server.py", "/static/__init__.py",
])
def test_nothing_outside_the_static_folder_is_served(dash: DashboardServer, path: str) -> None:
    reply = raw(dash, f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{dash.port}\r\nX-ZC-Token: {dash.token}\r\n"
                      "Connection: close\r\n\r\n".encode())
    status = int(reply.split(b" ", 2)[1])
    assert status in (400, 404), reply[:200]
    assert b"import " not in reply and b"root:" not in reply


def test_static_files_and_the_shared_renderer_are_served(dash: DashboardServer) -> None:
    status, headers, body = request(dash, "GET", "/static/status-render.js")
    assert status == 200 and headers["content-type"].startswith("text/javascript")
    assert b"ZcStatusRender" in body


def test_the_renderer_copy_equals_the_side_panels_source() -> None:
    source = REPO / "editors" / "vscode" / "media" / "status-render.js"
    if not source.exists():
        pytest.skip("not running from the repository")
    assert (STATIC_DIR / "status-render.js").read_bytes() == source.read_bytes(), (
        "zc_lsp/dashboard/static/status-render.js must be the side panel's renderer (a symlink to "
        "editors/vscode/media/status-render.js)")


def test_static_files_load_nothing_remote() -> None:
    for path in STATIC_DIR.iterdir():
        text = path.read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text and "//cdn" not in text, path.name


@pytest.mark.parametrize("path", [
    "/api/metrics", "/api/metrics?name=cpu_percent&since=yesterday", "/api/metrics?name=a%20b",
    "/api/metrics?name=cpu_percent&since=nan", "/api/reports/abc",
])
def test_malformed_queries_get_400(dash: DashboardServer, path: str) -> None:
    status, _, body = request(dash, "GET", path)
    assert status == 400, body
    assert json.loads(body)["ok"] is False


def test_malformed_requests_get_400(dash: DashboardServer) -> None:
    assert request(dash, "POST", "/api/alerts/abc/ack")[0] == 400
    assert request(dash, "POST", "/api/alerts/1/ack", {"Content-Length": "-5"})[0] == 400
    assert raw(dash, b"GARBAGE\r\n\r\n").split(b" ")[1] == b"400"
    assert raw(dash, b"GET /api/status HTTP/1.1\r\nHost: evil.example:80\r\nX-ZC-Token: "
               + dash.token.encode() + b"\r\nConnection: close\r\n\r\n").split(b" ")[1] == b"400"


def test_non_loopback_bind_is_refused_unless_allowed(services: Any) -> None:
    with pytest.raises(DashboardError, match="allow_remote"):
        DashboardServer(services, "0.0.0.0", 0)  # noqa: S104 - the point of the test
    with pytest.raises(DashboardError):
        check_bind("192.168.1.20", allow_remote=False)
    assert check_bind("127.0.0.1", False) is None and check_bind("localhost", False) is None
    assert check_bind("::1", False) is None
    server = DashboardServer(services, "0.0.0.0", 0, allow_remote=True)  # noqa: S104
    try:
        assert server.warning and "other machines" in server.warning
    finally:
        server.stop()


def test_metrics_reports_and_task_counts_come_from_the_task_db(dash: DashboardServer, services: Any) -> None:
    tasks = services.memory.tasks
    now = time.time()
    for n in range(5):
        tasks.record_metric("model_latency_ms", 100.0 + n, now - 300 + n * 60)
    tasks.record_metric("model_latency_ms", 999.0, now - 7200)  # outside the window asked for
    task = tasks.start_task("verifier", "run_tests")
    tasks.finish_task(task, "done")
    report = tasks.add_report("verifier", "Nightly tests", "# 3 passed")

    body = json.loads(request(dash, "GET", "/api/metrics?name=model_latency_ms&since=-600")[2])
    assert [p[1] for p in body["points"]] == [100.0, 101.0, 102.0, 103.0, 104.0]
    body = json.loads(request(dash, "GET", "/api/metrics?name=tasks&since=-600")[2])
    assert sum(p[1] for p in body["points"]) >= 1
    listed = json.loads(request(dash, "GET", "/api/reports")[2])["reports"]
    assert listed[0]["title"] == "Nightly tests"
    full = json.loads(request(dash, "GET", f"/api/reports/{report}")[2])
    assert full["markdown"] == "# 3 passed"
    assert request(dash, "GET", "/api/reports/99999")[0] == 404
    snap = json.loads(request(dash, "GET", "/api/status")[2])
    assert snap["reports"][0]["id"] == report


def test_events_stream_pushes_the_snapshot_on_change(dash: DashboardServer, services: Any) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", dash.port, timeout=10)
    conn.request("GET", "/api/events", headers={"X-ZC-Token": dash.token})
    resp = conn.getresponse()
    assert resp.status == 200 and resp.getheader("Content-Type") == "text/event-stream"
    first = resp.fp.readline()
    assert first == b"event: status\n"
    snap = json.loads(resp.fp.readline()[len(b"data: "):])
    assert snap["workspace"] == str(services.workspace_root)
    resp.fp.readline()
    started = time.monotonic()
    services.background.alerts.raise_alert("pushed", "warning", "arrives by the stream")
    while True:
        assert resp.fp.readline() == b"event: status\n"
        snap = json.loads(resp.fp.readline()[len(b"data: "):])
        resp.fp.readline()
        if any(a["rule"] == "pushed" for a in snap["alerts"]["open"]):
            break
        assert time.monotonic() - started < 5
    assert time.monotonic() - started < 2.5
    conn.close()
