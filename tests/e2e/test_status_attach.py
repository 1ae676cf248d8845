"""`zc status` in a terminal shows the editor's running server, not a fresh process of its own."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

from pytest_lsp import LanguageClient

from tests.e2e.conftest import SERVER_ENV, execute, open_doc, wait_for_diagnostics


def _status(workspace: Path) -> dict:
    out = subprocess.run([sys.executable, "-m", "zc_lsp.cli", "status", "--json", "--workspace", str(workspace)],
                         env=SERVER_ENV, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


async def test_zc_status_attaches_to_the_running_server(client: LanguageClient, workspace: Path) -> None:
    uri = open_doc(client, workspace / "calc.py")
    await wait_for_diagnostics(client, uri)
    await execute(client, "zc.status")
    for _ in range(100):
        snap = await asyncio.to_thread(_status, workspace)
        if snap["source"]["live"]:
            break
        await asyncio.sleep(0.2)
    assert snap["source"]["live"] is True, snap["source"]
    done = {a["name"]: a.get("tasks_done", 0) for a in snap["agents"]}
    assert done["best_practices"] >= 1  # the review the server ran for the open document, seen from outside
    # What the editor shows now is in the attached status too (and so in `zc dashboard`'s findings).
    findings = snap["findings"]
    calc = next(f for f in findings["files"] if f["path"] == str(workspace / "calc.py"))
    shown = {d.code for d in client.diagnostics[uri]}
    assert calc["count"] >= 1 and {i["code"] for i in calc["items"]} <= shown
