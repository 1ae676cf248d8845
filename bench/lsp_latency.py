"""LSP latency and memory: our server beside `ruff server`, `pylsp` and a bare pygls server, in ONE run.

Every server gets the same documents (the standard library's `_pydecimal.py`, ~6,400 lines) and the
same messages over stdio; sessions are interleaved round-robin, so load on this shared machine hits
all of them alike. Per server it measures:

- spawn -> initialize reply (every session plus extra bare spawns, taking turns between servers),
- a no-op request round trip just after `initialized` (start-up work competing with the loop) and
  again once the session is idle (an unknown method: every server answers MethodNotFound at once),
- didOpen -> first diagnostics (a fresh copy of the file each time), didChange -> diagnostics
  (one isolated edit at a time, as a user pausing after a change), codeAction p50/p95,
- RSS (the server and its children) idle after start-up and after the session.

Python bytecode is written to a temp prefix and each server runs one untimed session before the
figures, as for an installed package (pip compiles it at install; this machine's
PYTHONDONTWRITEBYTECODE=1 would otherwise add compiling our modules to every start).
`--no-bytecode` measures without that cache, every module compiled at every start.

It prints p50/p95 per measure, our figure divided by each peer's (>1 means we are slower or bigger)
and the issue-15 target with met / not met. `--json FILE` writes the raw figures.
Run: `python bench/lsp_latency.py [--sessions 3] [--rounds 5] [--servers zombiecoder,ruff,pylsp,hello]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import sysconfig
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

HERE = Path(__file__).resolve().parent
OURS = "zombiecoder"


def server_commands() -> dict[str, list[str]]:
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    return {
        OURS: [sys.executable, "-m", "zc_lsp"],
        "ruff": [ruff, "server"],  # the binary itself, as editors start it
        "pylsp": [sys.executable, "-m", "pylsp"],
        "hello": [sys.executable, str(HERE / "hello_server.py")],  # the floor: bare pygls, no work
    }


CAPS = {
    "textDocument": {
        "publishDiagnostics": {"versionSupport": True},
        "codeAction": {
            "codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix", "refactor", "source"]}},
            "resolveSupport": {"properties": ["edit"]},
            "dataSupport": True,
        },
        "synchronization": {"didSave": True},
    },
    "window": {"workDoneProgress": False},
}


class Client:
    """A minimal LSP client: futures for replies, a timestamped queue for publishDiagnostics."""

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

    async def timed(self, method: str, params: Any) -> float:
        t0 = time.perf_counter()
        await self.request(method, params)
        return (time.perf_counter() - t0) * 1000

    def notify(self, method: str, params: Any) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    async def diagnostics_for(self, uri: str, after: float, version: int | None = None) -> float:
        """When the first diagnostics for `uri` arrived after `after`; a publish that names an older
        version than `version` (a review of the text before the change, in flight) does not count."""
        while True:
            at, params = await asyncio.wait_for(self.diagnostics.get(), 60)
            stale = version is not None and isinstance(params.get("version"), int) and params["version"] < version
            if params["uri"] == uri and at >= after and not stale:
                return at

    async def quiet(self, seconds: float, cap: float = 15.0) -> None:
        """Wait until no diagnostics arrived for `seconds` (second passes such as bandit settle)."""
        deadline = time.perf_counter() + cap
        while time.perf_counter() < deadline:
            try:
                await asyncio.wait_for(self.diagnostics.get(), seconds)
            except TimeoutError:
                return

    def rss_mb(self) -> float:
        try:
            proc = psutil.Process(self.proc.pid)
            total = proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(recursive=True))
        except psutil.NoSuchProcess:
            return float("nan")
        return total / 1_048_576

    async def close(self) -> None:
        try:
            await asyncio.wait_for(self.request("shutdown", None), 10)
            self.notify("exit", None)
            await asyncio.wait_for(self.proc.wait(), 5)
        except (TimeoutError, ConnectionError):
            self.proc.kill()
            await self.proc.wait()
        self.reader.cancel()


async def spawn(cmd: list[str], workspace: Path, env: dict[str, str]) -> tuple[Client, float]:
    """Start a server and initialize it; returns the client and the spawn -> initialize reply time."""
    stderr = open(os.environ.get("ZC_BENCH_STDERR", os.devnull), "ab")  # noqa: SIM115 - owned by the child
    started = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        *cmd, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=stderr, env=env, cwd=workspace
    )
    stderr.close()
    client = Client(proc)
    await client.request(
        "initialize",
        {
            "processId": os.getpid(),
            "rootUri": workspace.as_uri(),
            "capabilities": CAPS,
            "initializationOptions": {"trust": {"trusted": True}},
        },
    )
    return client, (time.perf_counter() - started) * 1000


def _change(uri: str, version: int) -> dict[str, Any]:
    edit = {
        "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
        "text": f"import os{version}\n",
    }
    return {"textDocument": {"uri": uri, "version": version}, "contentChanges": [edit]}


def _code_action(uri: str, line: int) -> dict[str, Any]:
    point = {"line": line, "character": 4}
    return {
        "textDocument": {"uri": uri},
        "range": {"start": point, "end": point},
        "context": {"diagnostics": [], "triggerKind": 2},
    }


async def session(
    cmd: list[str], workspace: Path, text: str, rounds: int, env: dict[str, str], tag: str
) -> dict[str, list[float]]:
    """One fresh server: every measure once or `rounds` times."""
    out: dict[str, list[float]] = {}
    client, init_ms = await spawn(cmd, workspace, env)
    out["initialize"] = [init_ms]
    client.notify("initialized", {})
    # Just after start: what a request waits behind while services, warm-up and background start.
    out["noop_start"] = [await client.timed("zc/bench/noop", {}) for _ in range(20)]
    await asyncio.sleep(2.0)
    out["rss_idle"] = [client.rss_mb()]
    out["open_diag"] = []
    for i in range(rounds):
        uri = (workspace / f"open_{tag}_{i}.py").as_uri()
        t0 = time.perf_counter()
        client.notify(
            "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}
        )
        out["open_diag"].append((await client.diagnostics_for(uri, t0) - t0) * 1000)
        await client.quiet(0.6)
        client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        await client.quiet(0.2)
    uri = (workspace / f"edit_{tag}.py").as_uri()
    client.notify(
        "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}
    )
    await client.quiet(1.0)
    out["change_diag"] = []
    for version in range(2, 2 + rounds):
        t0 = time.perf_counter()
        client.notify("textDocument/didChange", _change(uri, version))
        out["change_diag"].append((await client.diagnostics_for(uri, t0, version) - t0) * 1000)
        await client.quiet(0.4)  # a pause after each edit: isolated edits, not a typing burst
    out["code_action"] = [
        await client.timed("textDocument/codeAction", _code_action(uri, (i * 37) % 6000)) for i in range(rounds * 20)
    ]
    out["noop_idle"] = [await client.timed("zc/bench/noop", {}) for _ in range(20)]
    await asyncio.sleep(1.0)
    out["rss_after"] = [client.rss_mb()]
    await client.close()
    return out


async def bare_spawns(cmd: list[str], workspace: Path, env: dict[str, str], count: int) -> list[float]:
    times = []
    for _ in range(count):
        client, ms = await spawn(cmd, workspace, env)
        times.append(ms)
        client.proc.kill()
        await client.proc.wait()
        client.reader.cancel()
    return times


def p(values: list[float], q: float) -> float:
    ordered = sorted(v for v in values if v == v)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


MEASURES = [  # key, label, unit, percentiles shown
    ("initialize", "spawn -> initialize reply", "ms", (0.5, 0.95)),
    ("noop_start", "no-op round trip just after start", "ms", (0.5, 0.95)),
    ("noop_idle", "no-op round trip, idle", "ms", (0.5, 0.95)),
    ("code_action", "codeAction", "ms", (0.5, 0.95)),
    ("open_diag", "didOpen -> diagnostics", "ms", (0.5, 0.95)),
    ("change_diag", "didChange -> diagnostics", "ms", (0.5, 0.95)),
    ("rss_idle", "RSS idle after start", "MB", (0.5,)),
    ("rss_after", "RSS after the session", "MB", (0.5,)),
]


def targets(fig: dict[str, dict[str, float]]) -> dict[str, tuple[str, float]]:
    """Issue 15's targets, the first relative to the bare pygls server measured in this run."""
    hello_init = fig.get("hello", {}).get("initialize p50", float("nan"))
    return {
        "initialize p50": (f"<= hello + 30 = {hello_init + 30:.0f}", hello_init + 30),
        "noop_start p50": ("<= 1", 1.0),
        "code_action p50": ("<= 0.3", 0.3),
        "code_action p95": ("<= 2", 2.0),
        "change_diag p50": ("<= 100", 100.0),
        "rss_idle p50": ("<= 45", 45.0),
        "rss_after p50": ("<= 80", 80.0),
    }


def summarise(raw: dict[str, dict[str, list[float]]]) -> dict[str, dict[str, float]]:
    fig: dict[str, dict[str, float]] = {}
    for server, measures in raw.items():
        for key, _label, _unit, qs in MEASURES:
            for q in qs:
                fig.setdefault(server, {})[f"{key} p{round(q * 100)}"] = p(measures.get(key, []), q)
    return fig


def report(fig: dict[str, dict[str, float]], samples: dict[str, dict[str, list[float]]]) -> None:
    servers = list(fig)
    peers = [s for s in servers if s != OURS]
    goal = targets(fig)
    head = f"{'measure':<46}" + "".join(f"{s:>12}" for s in servers) + "".join(f"{'/ ' + s:>10}" for s in peers)
    head += f"  {'target':<22}"
    print(head)
    print("-" * len(head))
    for key, label, unit, qs in MEASURES:
        for q in qs:
            col = f"{key} p{round(q * 100)}"
            n = len(samples.get(OURS, {}).get(key, []))
            name = f"{label} p{round(q * 100)} ({unit}, n={n})"
            row = f"{name:<46}" + "".join(f"{fig[s][col]:>12.2f}" for s in servers)
            ours = fig.get(OURS, {}).get(col, float("nan"))
            row += "".join(f"{ours / fig[s][col]:>10.2f}" if fig[s][col] else f"{'-':>10}" for s in peers)
            if col in goal:
                text, limit = goal[col]
                row += f"  {text:<16} {'met' if ours <= limit else 'NOT met'}"
            print(row)
    print(f"\n'/ peer' = {OURS}'s figure divided by that peer's: 2.00 means twice as slow (or big), 0.50 half.")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=3, help="fresh sessions per server (interleaved)")
    parser.add_argument("--rounds", type=int, default=5, help="opens and changes per session (codeActions: 20x)")
    parser.add_argument("--spawns", type=int, default=5, help="extra spawn -> initialize samples per server")
    parser.add_argument("--servers", default=",".join(server_commands()))
    parser.add_argument("--json", help="write the raw samples and the figures to this file")
    parser.add_argument("--no-bytecode", action="store_true", help="no bytecode cache: compile at every start")
    args = parser.parse_args()
    commands = server_commands()
    names = [n for n in args.servers.split(",") if n]
    if OURS not in names:
        parser.error(f"--servers must include {OURS}")
    for name in list(names):
        if name == "pylsp" and not _importable("pylsp"):
            print("skipping pylsp: not installed", file=sys.stderr)
            names.remove(name)
    text = (Path(sysconfig.get_paths()["stdlib"]) / "_pydecimal.py").read_text()
    samples: dict[str, dict[str, list[float]]] = {n: {} for n in names}
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp) / "ws"
        workspace.mkdir()

        def env_for(name: str, tag: str) -> dict[str, str]:
            env = {
                **os.environ,
                "XDG_DATA_HOME": str(Path(tmp) / f"data-{name}-{tag}"),
                "OLLAMA_HOST": "http://127.0.0.1:9",
            }
            if not args.no_bytecode:
                env.pop("PYTHONDONTWRITEBYTECODE", None)
                env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pyc")
            return env

        if not args.no_bytecode:
            for name in names:  # untimed, a whole session: writes the bytecode of what any measure loads
                print(f"warm-up: {name}", file=sys.stderr)
                await session(commands[name], workspace, text, 1, env_for(name, "warm-up"), f"{name}_warm")
        for i in range(args.sessions):
            for name in names:  # round-robin: drift in the machine's load hits every server alike
                print(f"session {i + 1}/{args.sessions}: {name}", file=sys.stderr)
                got = await session(commands[name], workspace, text, args.rounds, env_for(name, str(i)), f"{name}_{i}")
                for key, values in got.items():
                    samples[name].setdefault(key, []).extend(values)
        for _ in range(args.spawns):
            for name in names:  # taking turns here too
                samples[name]["initialize"] += await bare_spawns(commands[name], workspace, env_for(name, "spawn"), 1)
    fig = summarise(samples)
    print(
        f"\n{time.strftime('%Y-%m-%d %H:%M %Z')}, {os.cpu_count()} cores, Python {sys.version.split()[0]}; "
        f"_pydecimal.py ({len(text.splitlines())} lines); {args.sessions} sessions per server; "
        f"{'no bytecode cache' if args.no_bytecode else 'bytecode cached'}\n"
    )
    report(fig, samples)
    if args.json:
        Path(args.json).write_text(json.dumps({"figures": fig, "samples": samples}, indent=1))


def _importable(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


if __name__ == "__main__":
    asyncio.run(main())
