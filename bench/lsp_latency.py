"""LSP latency, our server beside `ruff server` and `pylsp`, in one run on this machine.

Measures: spawn -> initialize reply, codeAction listing p50/p95, didOpen -> first diagnostics and
didChange -> diagnostics on the standard library's `_pydecimal.py` (~6,400 lines), idle RSS.
Prints a table with ratios against our server. Run: `python bench/lsp_latency.py [--rounds N]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import sys
import sysconfig
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

SERVERS = {
    "zombiecoder": [sys.executable, "-m", "zc_lsp"],
    "ruff server": [sys.executable, "-m", "ruff", "server"],
    "pylsp": [sys.executable, "-m", "pylsp"],
}


class Client:
    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.next_id = 0
        self.waiters: dict[int, asyncio.Future[Any]] = {}
        self.diagnostics: asyncio.Queue[tuple[float, dict[str, Any]]] = asyncio.Queue()
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        assert self.proc.stdout is not None
        while True:
            length = 0
            while True:
                line = await self.proc.stdout.readline()
                if not line:
                    return
                if line == b"\r\n":
                    break
                if line.lower().startswith(b"content-length"):
                    length = int(line.split(b":")[1])
            msg = json.loads(await self.proc.stdout.readexactly(length))
            now = time.perf_counter()
            if "id" in msg and "method" in msg:  # a server->client request: answer it plainly
                result: Any = None
                if msg["method"] == "workspace/configuration":
                    result = [None for _ in msg["params"]["items"]]
                self.send({"jsonrpc": "2.0", "id": msg["id"], "result": result})
            elif "id" in msg:
                fut = self.waiters.pop(msg["id"], None)
                if fut is not None and not fut.done():
                    fut.set_result(msg)
            elif msg.get("method") == "textDocument/publishDiagnostics":
                self.diagnostics.put_nowait((now, msg["params"]))

    def send(self, msg: dict[str, Any]) -> None:
        body = json.dumps(msg).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    async def request(self, method: str, params: Any) -> dict[str, Any]:
        self.next_id += 1
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.waiters[self.next_id] = fut
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return await asyncio.wait_for(fut, 60)

    def notify(self, method: str, params: Any) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    async def diagnostics_for(self, uri: str, after: float, nonempty: bool = True) -> float:
        while True:
            at, params = await asyncio.wait_for(self.diagnostics.get(), 60)
            if params["uri"] == uri and at >= after and (params["diagnostics"] or not nonempty):
                return at


async def spawn_to_initialize(cmd: list[str], workspace: Path, env: dict[str, str], rounds: int) -> float:
    """Median over `rounds` fresh processes: one spawn is too noisy on a shared machine."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(*cmd, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                                                    stderr=asyncio.subprocess.DEVNULL, env=env, cwd=workspace)
        client = Client(proc)
        await client.request("initialize", {"processId": os.getpid(), "rootUri": workspace.as_uri(), "capabilities": {}})
        times.append((time.perf_counter() - started) * 1000)
        proc.kill()
        await proc.wait()
        client.reader.cancel()
    return statistics.median(times)


async def measure(name: str, cmd: list[str], workspace: Path, text: str, rounds: int, data_home: str) -> dict[str, Any]:
    env = {**os.environ, "XDG_DATA_HOME": data_home, "OLLAMA_HOST": "http://127.0.0.1:9"}
    stderr = open(os.environ.get("ZC_BENCH_STDERR", os.devnull), "ab")  # noqa: SIM115 - closed below
    started = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(*cmd, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                                                stderr=stderr, env=env, cwd=workspace)
    client = Client(proc)
    caps = {"textDocument": {"publishDiagnostics": {}, "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix", "refactor", "source"]}}}},
            "window": {"workDoneProgress": False}}
    await client.request("initialize", {"processId": os.getpid(), "rootUri": workspace.as_uri(), "capabilities": caps,
                                        "initializationOptions": {"trust": {"trusted": True}}})
    init_ms = (time.perf_counter() - started) * 1000
    client.notify("initialized", {})
    await asyncio.sleep(1.0)
    uri = (workspace / "_pydecimal.py").as_uri()
    t0 = time.perf_counter()
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}})
    first = await client.diagnostics_for(uri, t0, nonempty=False)
    open_ms = (first - t0) * 1000
    await asyncio.sleep(3.0)  # let slower second passes (bandit) settle
    change_ms: list[float] = []
    for version in range(2, 2 + rounds):
        t0 = time.perf_counter()
        client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                  "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                                                                      "text": f"import os{version}\n"}]})
        at = await client.diagnostics_for(uri, t0, nonempty=False)
        change_ms.append((at - t0) * 1000)
        await asyncio.sleep(0.3)
    action_ms: list[float] = []
    for i in range(rounds * 10):
        line = (i * 37) % 6000
        t0 = time.perf_counter()
        await client.request("textDocument/codeAction", {"textDocument": {"uri": uri},
                                                         "range": {"start": {"line": line, "character": 4}, "end": {"line": line, "character": 4}},
                                                         "context": {"diagnostics": []}})
        action_ms.append((time.perf_counter() - t0) * 1000)
    await asyncio.sleep(2.0)
    rss = psutil.Process(proc.pid).memory_info().rss / 1_048_576
    rss += sum(c.memory_info().rss for c in psutil.Process(proc.pid).children(recursive=True)) / 1_048_576
    try:
        await client.request("shutdown", None)
        client.notify("exit", None)
        await asyncio.wait_for(proc.wait(), 5)
    except TimeoutError:
        proc.kill()
    client.reader.cancel()
    stderr.close()
    action_ms.sort()
    init_ms = await spawn_to_initialize(cmd, workspace, env, rounds)
    return {
        "server": name,
        "init_ms": init_ms,
        "action_p50": statistics.median(action_ms),
        "action_p95": action_ms[int(len(action_ms) * 0.95) - 1],
        "open_diag_ms": open_ms,
        "change_diag_ms": statistics.median(change_ms),
        "idle_rss_mb": rss,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--servers", default=",".join(SERVERS))
    args = parser.parse_args()
    source = Path(sysconfig.get_paths()["stdlib"]) / "_pydecimal.py"
    text = source.read_text()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp) / "ws"
        workspace.mkdir()
        (workspace / "_pydecimal.py").write_text(text)
        for name in args.servers.split(","):
            cmd = SERVERS[name]
            if name == "pylsp" and shutil.which("pylsp") is None and not _importable("pylsp"):
                print(f"skipping {name}: not installed", file=sys.stderr)
                continue
            rows.append(await measure(name, cmd, workspace, text, args.rounds, str(Path(tmp) / f"data-{len(rows)}")))
    ours = rows[0]
    print(f"_pydecimal.py: {len(text.splitlines())} lines; {args.rounds} change rounds, {args.rounds * 10} codeAction requests\n")
    header = f"{'server':<14}{'init ms':>10}{'action p50':>12}{'action p95':>12}{'open->diag':>12}{'change->diag':>14}{'idle RSS MB':>13}"
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r['server']:<14}{r['init_ms']:>10.0f}{r['action_p50']:>12.2f}{r['action_p95']:>12.2f}{r['open_diag_ms']:>12.0f}{r['change_diag_ms']:>14.0f}{r['idle_rss_mb']:>13.0f}")
    print("\nratios (peer / zombiecoder; >1 means we are faster or smaller):")
    for r in rows[1:]:
        ratios = {k: r[k] / ours[k] for k in ("init_ms", "action_p50", "open_diag_ms", "change_diag_ms", "idle_rss_mb") if ours[k]}
        print(f"  {r['server']:<12} " + "  ".join(f"{k}={v:.2f}" for k, v in ratios.items()))


def _importable(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


if __name__ == "__main__":
    asyncio.run(main())
