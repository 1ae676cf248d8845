"""Reviews side by side, in one run: `zc review` cold and warm, ruff and bandit, and the editor vs ruff server.

1. A 64-file project is copied from the running Python's standard library (email/, json/, http/,
   logging/, urllib/, xmlrpc/, concurrent/futures/ and 18 top-level modules, ~52,000 lines) into a
   temp folder at bench time. On it, each a fresh process as a user runs it:
   - `zc review DIR` cold (an empty data folder: no review cache) and warm (nothing changed since),
     and after one file changed; `zc review --no-cache` for the record;
   - `ruff check --select S DIR` and `bandit -r DIR` (bandit as the project ran it before: a process).
   Python bytecode is written to a temp prefix and one untimed run comes first, as for an installed
   package (this machine's PYTHONDONTWRITEBYTECODE=1 would add ~0.1 s of compiling to every run).
2. The editor on `_pydecimal.py` (6,400 lines): didChange -> first diagnostics and -> all
   diagnostics (the last publish for that version before a quiet second), for our server with its
   default debounce and with `diagnostics.debounce_ms: 0`, and for `ruff server`; sessions take
   turns, so the machine's load hits them alike, after one untimed session of ours that writes the
   bytecode. The LSP client is bench/lsp_latency.py's.

It prints medians, the ratios and the issue-13 targets. Tests never assert timings.
Run: `python bench/review_bench.py [--rounds 5] [--edits 8] [--skip-editor] [--json FILE]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path
from typing import Any

from lsp_latency import CAPS, Client, _change, server_commands

STDLIB = Path(sysconfig.get_paths()["stdlib"])
PACKAGES = ["email", "json", "http", "logging", "urllib", "xmlrpc", "concurrent/futures"]
MODULES = [
    "argparse",
    "base64",
    "calendar",
    "csv",
    "difflib",
    "ftplib",
    "gzip",
    "hmac",
    "imaplib",
    "ipaddress",
    "mailbox",
    "netrc",
    "pickle",
    "plistlib",
    "poplib",
    "shlex",
    "smtplib",
    "tarfile",
]
OURS = "zombiecoder"
TYPING_LINE = "            return -1"  # in Decimal._round_down of _pydecimal.py: digits are typed after it


def make_project(dest: Path) -> list[Path]:
    """~64 real modules: every .py of the packages (not their subfolders) plus the listed modules."""
    for package in PACKAGES:
        (dest / package).mkdir(parents=True)
        for src in sorted((STDLIB / package).glob("*.py")):
            shutil.copy2(src, dest / package / src.name)
    for name in MODULES:
        shutil.copy2(STDLIB / f"{name}.py", dest / f"{name}.py")
    return sorted(dest.rglob("*.py"))


def _env(tmp: Path, data: str) -> dict[str, str]:
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(tmp / data),
        "XDG_CONFIG_HOME": str(tmp / "config"),
        "OLLAMA_HOST": "http://127.0.0.1:9",
        "PYTHONPYCACHEPREFIX": str(tmp / "pyc"),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _timed(args: list[str], env: dict[str, str], cwd: Path, ok: tuple[int, ...] = (0, 1)) -> float:
    started = time.perf_counter()
    res = subprocess.run(args, env=env, cwd=cwd, capture_output=True, check=False)
    elapsed = (time.perf_counter() - started) * 1000
    if res.returncode not in ok:
        raise SystemExit(f"{' '.join(args[:6])}... exited {res.returncode}: {res.stderr.decode()[-400:]}")
    return elapsed


def batch_figures(project: Path, tmp: Path, rounds: int) -> dict[str, list[float]]:
    zc = [sys.executable, "-m", "zc_lsp.cli", "review", str(project), "--format", "json"]
    ruff = [
        server_commands()["ruff"][0],
        "check",
        "--no-cache",
        "--select",
        "S",
        "--output-format",
        "json",
        str(project),
    ]
    bandit = [sys.executable, "-P", "-m", "bandit", "-r", "-q", "-f", "json", str(project)]
    _timed([*zc, "--no-cache"], _env(tmp, "warmup"), tmp)  # compiles bytecode, warms the file cache
    out: dict[str, list[float]] = {k: [] for k in ("cold", "warm", "one_edit", "no_cache", "ruff", "bandit")}
    edited = project / "json" / "decoder.py"
    for i in range(rounds):
        env = _env(tmp, f"data-{i}")  # a fresh data folder: an empty review cache
        out["cold"].append(_timed(zc, env, tmp))
        out["warm"].append(_timed(zc, env, tmp))
        with edited.open("a") as fh:
            fh.write(f"# edit {i}\n")
        out["one_edit"].append(_timed(zc, env, tmp))
        out["no_cache"].append(_timed([*zc, "--no-cache"], env, tmp))
        out["ruff"].append(_timed(ruff, env, tmp))
        if i < max(rounds // 2, 1):
            out["bandit"].append(_timed(bandit, env, tmp))
    return out


def _typing(uri: str, version: int, line: int, character: int) -> dict[str, Any]:
    """One keystroke inside a function body: a digit typed at (line, character)."""
    point = {"line": line, "character": character}
    edit = {"range": {"start": point, "end": point}, "text": "1"}
    return {"textDocument": {"uri": uri, "version": version}, "contentChanges": [edit]}


async def _arrivals(client: Client, uri: str, version: int, t0: float, quiet_s: float) -> tuple[float, float] | None:
    """ms from t0 to the first and to the last publish for that version (quiet_s of silence ends it)."""
    arrivals: list[float] = []
    deadline = t0 + 15
    while time.perf_counter() < deadline:
        try:
            at, params = await asyncio.wait_for(client.diagnostics.get(), quiet_s if arrivals else 15)
        except TimeoutError:
            break
        if params["uri"] == uri and params.get("version") in (version, None) and at >= t0:
            arrivals.append(at)
    return ((arrivals[0] - t0) * 1000, (arrivals[-1] - t0) * 1000) if arrivals else None


async def _changes(
    client: Client, uri: str, versions: range, quiet_s: float, typing_at: tuple[int, int] | None = None
) -> tuple[list[float], list[float]]:
    """Per didChange: ms to the first and to the last publish for that version. Without `typing_at`
    each edit inserts an import line at the top (bench/lsp_latency.py's edit); with it, a digit is
    typed inside a function body."""
    first: list[float] = []
    last: list[float] = []
    for n, version in enumerate(versions):
        t0 = time.perf_counter()
        if typing_at is None:
            client.notify("textDocument/didChange", _change(uri, version))
        else:
            client.notify("textDocument/didChange", _typing(uri, version, typing_at[0], typing_at[1] + n))
        got = await _arrivals(client, uri, version, t0, quiet_s)
        if got:
            first.append(got[0])
            last.append(got[1])
    return first, last


async def editor_session(
    cmd: list[str], tmp: Path, text: str, edits: int, tag: str, options: dict[str, Any]
) -> dict[str, list[float]]:
    workspace = tmp / "ws"
    workspace.mkdir(exist_ok=True)
    env = {**_env(tmp, f"lsp-{tag}"), "OLLAMA_HOST": "http://127.0.0.1:9"}
    proc = await asyncio.create_subprocess_exec(
        *cmd,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        env=env,
        cwd=workspace,
    )
    client = Client(proc)
    await client.request(
        "initialize",
        {
            "processId": os.getpid(),
            "rootUri": workspace.as_uri(),
            "capabilities": CAPS,
            "initializationOptions": {"trust": {"trusted": True}, **options},
        },
    )
    client.notify("initialized", {})
    await asyncio.sleep(2.0)
    uri = (workspace / f"_pydecimal_{tag}.py").as_uri()
    t0 = time.perf_counter()
    client.notify(
        "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}
    )
    opened = await _arrivals(client, uri, 1, t0, 2.5)
    await client.quiet(1.0)
    first, last = await _changes(client, uri, range(2, 2 + edits), quiet_s=2.5)  # a deep pass may follow ~1.2 s later
    # As many digits typed inside a function body (its line moved down by the imports above).
    line = text.split("\n").index(TYPING_LINE) + edits
    typing = await _changes(client, uri, range(2 + edits, 2 + 2 * edits), 2.5, (line, len(TYPING_LINE)))
    await client.close()
    return {
        "open_first": [opened[0]] if opened else [],
        "open_all": [opened[1]] if opened else [],
        "first": first,
        "all": last,
        "typing_first": typing[0],
        "typing_all": typing[1],
    }


async def editor_figures(tmp: Path, edits: int, sessions: int) -> dict[str, dict[str, list[float]]]:
    text = (STDLIB / "_pydecimal.py").read_text()
    commands = server_commands()
    variants = {
        "zombiecoder (debounce 300 ms, default)": (commands[OURS], {}),
        "zombiecoder (debounce_ms: 0)": (commands[OURS], {"diagnostics": {"debounce_ms": 0}}),
        "ruff server": (commands["ruff"], {}),
    }
    out: dict[str, dict[str, list[float]]] = {name: {} for name in variants}
    # One untimed session first: it writes the bytecode of the modules a review imports (the LSP
    # handlers, the engines), as installing the package does. Without it the first timed didOpen paid
    # for compiling them (~200 ms) and the medians of two sessions mixed a cold and a warm start.
    print("editor warm-up session (untimed)", file=sys.stderr)
    await editor_session(commands[OURS], tmp, text, 1, "warm-up", {})
    for i in range(sessions):
        for n, (name, (cmd, options)) in enumerate(variants.items()):
            print(f"editor session {i + 1}/{sessions}: {name}", file=sys.stderr)
            got = await editor_session(cmd, tmp, text, edits, f"{n}-{i}", options)
            for key, values in got.items():
                out[name].setdefault(key, []).extend(values)
    return out


def med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def report(
    batch: dict[str, list[float]], editor: dict[str, dict[str, list[float]]] | None, files: int, lines: int
) -> None:
    print(
        f"\n{time.strftime('%Y-%m-%d %H:%M %Z')}, {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    if batch:
        _batch_report(batch, files, lines)
    if not editor:
        return
    _editor_report(editor)


def _batch_report(batch: dict[str, list[float]], files: int, lines: int) -> None:
    print(f"\n`zc review` on {files} standard-library files ({lines:,} lines), each a fresh process; median ms")
    for key, label in [
        ("cold", "zc review, cold (empty cache)"),
        ("warm", "zc review, warm (nothing changed)"),
        ("one_edit", "zc review, one file changed"),
        ("no_cache", "zc review --no-cache"),
        ("ruff", "ruff check --select S"),
        ("bandit", "bandit -r"),
    ]:
        print(f"  {label:<36} {med(batch[key]):>7.0f}   (n={len(batch[key])}, min {min(batch[key]):.0f})")
    cold, warm = med(batch["cold"]), med(batch["warm"])
    print(
        f"  cold / ruff {cold / med(batch['ruff']):.1f}x, cold / bandit {cold / med(batch['bandit']):.2f}x, "
        f"warm / cold {warm / cold:.2f}"
    )
    print(
        f"  target cold <= 1500 ms: {'met' if cold <= 1500 else 'NOT met'} ({cold:.0f}); "
        f"warm <= 300 ms: {'met' if warm <= 300 else 'NOT met'} ({warm:.0f})"
    )


def _editor_report(editor: dict[str, dict[str, list[float]]]) -> None:
    print("\nEditor, _pydecimal.py, median ms from the notification to the first and to the last publish")
    for kind, label in [
        ("", "didChange: an import line inserted at the top"),
        ("typing_", "didChange: a digit typed inside a function body"),
        ("open_", "didOpen"),
    ]:
        print(f"  {label}")
        ruff_all = med(editor["ruff server"][f"{kind}all"])
        for name, fig in editor.items():
            first, last = med(fig[f"{kind}first"]), med(fig[f"{kind}all"])
            print(
                f"    {name:<40} first {first:>6.0f}  all {last:>6.0f}  all / ruff server {last / ruff_all:>5.1f}x"
                f"  (n={len(fig[f'{kind}all'])})"
            )
        for name, fig in editor.items():
            if name.startswith(OURS) and kind != "open_":
                ratio = med(fig[f"{kind}all"]) / ruff_all
                print(f"    target all <= 2x ruff server, {name}: {'met' if ratio <= 2 else 'NOT met'} ({ratio:.1f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="zc review / ruff rounds (bandit: half)")
    parser.add_argument("--edits", type=int, default=8, help="didChange per editor session")
    parser.add_argument("--sessions", type=int, default=2, help="editor sessions per server (interleaved)")
    parser.add_argument("--skip-editor", action="store_true")
    parser.add_argument("--skip-batch", action="store_true", help="only the editor figures")
    parser.add_argument("--json", help="write the raw samples to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zc-review-bench-") as raw:
        tmp = Path(raw)
        files = make_project(tmp / "project")
        lines = sum(p.read_text(encoding="utf-8").count("\n") for p in files)
        batch = {} if args.skip_batch else batch_figures(tmp / "project", tmp, args.rounds)
        editor = None if args.skip_editor else asyncio.run(editor_figures(tmp, args.edits, args.sessions))
    report(batch, editor, len(files), lines)
    if args.json:
        Path(args.json).write_text(json.dumps({"batch": batch, "editor": editor}, indent=1))


if __name__ == "__main__":
    main()
