"""Idle CPU of the whole language server (all background services on), over N seconds.

Spawns `python -m zc_lsp`, initializes it on a small workspace, opens one file, then measures the
process tree's CPU time while nothing happens. Run: `python bench/idle_cpu.py [--seconds 60]`.
Target (issue 4): <= 2 % over 60 s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).parent))
from lsp_latency import Client  # noqa: E402 - a sibling script, not a package


def tree_cpu_seconds(pid: int) -> float:
    total = 0.0
    proc = psutil.Process(pid)
    for p in [proc, *proc.children(recursive=True)]:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            continue
    return total


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        ws.mkdir()
        (ws / "app.py").write_text("import os\n\n\ndef f(x):\n    return x + 1\n")
        env = {**os.environ, "XDG_DATA_HOME": str(Path(tmp) / "data"), "OLLAMA_HOST": "http://127.0.0.1:9"}
        proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "zc_lsp", stdin=asyncio.subprocess.PIPE,
                                                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
                                                    env=env, cwd=ws)
        client = Client(proc)
        await client.request("initialize", {"processId": os.getpid(), "rootUri": ws.as_uri(), "capabilities": {},
                                            "initializationOptions": {"trust": {"trusted": True}}})
        client.notify("initialized", {})
        uri = (ws / "app.py").as_uri()
        client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1,
                                                                "text": (ws / "app.py").read_text()}})
        await client.diagnostics_for(uri, 0.0, nonempty=False)
        await asyncio.sleep(5)  # start-up work (warm-up, bandit pass, first status pushes) settles
        cpu0, t0 = tree_cpu_seconds(proc.pid), time.perf_counter()
        await asyncio.sleep(args.seconds)
        cpu1, t1 = tree_cpu_seconds(proc.pid), time.perf_counter()
        status = await client.request("workspace/executeCommand", {"command": "zc.status", "arguments": []})
        scheduled = len(status["result"].get("scheduler") or [])
        await client.request("shutdown", None)
        client.notify("exit", None)
        await asyncio.wait_for(proc.wait(), 10)
        client.reader.cancel()
    percent = 100 * (cpu1 - cpu0) / (t1 - t0)
    print(f"idle CPU of the whole server over {t1 - t0:.0f} s: {percent:.2f}% "
          f"({scheduled} scheduled jobs, 3 batch workers on; target <= 2%)")


if __name__ == "__main__":
    asyncio.run(main())
