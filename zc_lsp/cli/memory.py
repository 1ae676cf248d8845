"""`zc memory list|search|export|wipe` and `zc audit verify|tail`: the user's control over memory.

Exit codes: 0 done, 1 the answer is "no" (audit problems found, wipe declined), 2 memory
unavailable (the message says why).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from zc_lsp.config import load_settings
from zc_lsp.memory import MemoryUnavailable, WorkspaceMemory

EXIT_OK, EXIT_NO, EXIT_UNAVAILABLE = 0, 1, 2


def _root(arg: str | None) -> Path:
    """--workspace, else the nearest folder above cwd with .git or .zombiecoder.yaml, else cwd."""
    if arg:
        return Path(arg).resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists() or (folder / ".zombiecoder.yaml").exists():
            return folder
    return here


def _open(args: argparse.Namespace) -> WorkspaceMemory:
    root = _root(args.workspace)
    return WorkspaceMemory(root, load_settings(root))


def _guarded(fn: Callable[[argparse.Namespace, WorkspaceMemory], int]) -> Callable[[argparse.Namespace], int]:
    """Open the workspace's memory, run `fn`, close; MemoryUnavailable becomes exit code 2."""

    def run(args: argparse.Namespace) -> int:
        memory = _open(args)
        try:
            return fn(args, memory)
        except MemoryUnavailable as exc:
            print(f"zc: memory unavailable: {exc}", file=sys.stderr)
            return EXIT_UNAVAILABLE
        finally:
            memory.close()

    run.__doc__ = fn.__doc__
    return run


def _agents(args: argparse.Namespace, memory: WorkspaceMemory) -> list[str]:
    return [args.agent] if args.agent else memory.agent_names()


def _when(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts))


def _line(text: str, width: int = 100) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


@_guarded
def cmd_list(args: argparse.Namespace, memory: WorkspaceMemory) -> int:
    """Where memory lives, and items per agent (or one agent's newest items)."""
    if args.agent:
        items = memory.agent(args.agent).recent(args.n)
        if args.format == "json":
            print(json.dumps([vars(i) for i in items], indent=2, default=str))
            return EXIT_OK
        for item in items:
            print(f"{item.id:>6}  {_when(item.created_at)}  {item.kind:<12} {_line(item.content)}")
        return EXIT_OK
    rows = {name: memory.agent(name).count() for name in memory.agent_names()}
    if args.format == "json":
        print(json.dumps({"path": str(memory.path), "degraded": memory.degraded,
                          "encrypted": memory.cipher is not None, "agents": rows}, indent=2))
        return EXIT_OK
    print(f"memory folder: {memory.path}")
    if memory.degraded:
        print(f"degraded: {memory.degraded}")
    print(f"encrypted: {'yes' if memory.cipher is not None else 'no'}")
    for name, count in rows.items():
        print(f"  {name:<16} {count} item(s)")
    if not rows:
        print("  (no agent has remembered anything yet)")
    return EXIT_OK


@_guarded
def cmd_search(args: argparse.Namespace, memory: WorkspaceMemory) -> int:
    """Full-text search over one agent's memory, or every agent's."""
    found: list[tuple[str, Any]] = []
    for name in _agents(args, memory):
        found += [(name, item) for item in memory.agent(name).recall(args.query, args.k)]
    found.sort(key=lambda pair: -(pair[1].score or 0))
    if args.format == "json":
        print(json.dumps([{"agent": n, **vars(i)} for n, i in found[: args.k]], indent=2, default=str))
        return EXIT_OK
    for name, item in found[: args.k]:
        print(f"{name:<14} #{item.id:<6} {item.kind:<10} {_line(item.content)}")
    if not found:
        print("no matches")
    return EXIT_OK


@_guarded
def cmd_export(args: argparse.Namespace, memory: WorkspaceMemory) -> int:
    """Everything as JSON. Encrypted items stay ciphertext unless --decrypt is given."""
    data = {name: memory.agent(name).export(decrypt=args.decrypt) for name in _agents(args, memory)}
    text = json.dumps({"workspace": str(memory.workspace_root), "agents": data}, indent=2, default=str)
    if args.output and args.output != "-":
        Path(args.output).write_text(text + "\n", encoding="utf-8")
        print(f"exported {sum(len(v) for v in data.values())} item(s) to {args.output}", file=sys.stderr)
    else:
        print(text)
    return EXIT_OK


@_guarded
def cmd_wipe(args: argparse.Namespace, memory: WorkspaceMemory) -> int:
    """Delete memory (one agent's or all) after confirmation; the files are rewritten, not kept."""
    names = _agents(args, memory)
    what = f"agent {args.agent!r}" if args.agent else f"all agents ({', '.join(names) or 'none'})"
    if not args.yes:
        try:
            answer = input(f"Wipe the memory of {what} in {memory.path}? This cannot be undone [y/N] ")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            print("nothing wiped")
            return EXIT_NO
    removed = memory.wipe(args.agent)
    for name, n in removed.items():
        print(f"wiped {name}: {n} item(s)")
    return EXIT_OK


@_guarded
def cmd_audit_verify(args: argparse.Namespace, memory: WorkspaceMemory) -> int:
    """Walk the hash chain; exit 1 and list the rows when anything was edited or deleted."""
    ok, problems = memory.audit.verify()
    if ok:
        print(f"audit log ok: {memory.audit.count()} row(s), chain intact ({memory.audit.path})")
        return EXIT_OK
    print(f"audit log TAMPERED ({memory.audit.path}):")
    for problem in problems:
        print(f"  - {problem}")
    return EXIT_NO


@_guarded
def cmd_audit_tail(args: argparse.Namespace, memory: WorkspaceMemory) -> int:
    """The newest audit rows; the last hash is the head to anchor elsewhere if needed."""
    rows = memory.audit.tail(args.n)
    if args.format == "json":
        print(json.dumps(rows, indent=2, default=str))
        return EXIT_OK
    for row in rows:
        fields = " ".join(f"{k}={v}" for k, v in row["fields"].items())
        print(f"{row['id']:>6}  {_when(row['ts'])}  {row['kind']:<14} {_line(fields, 120)}")
    if rows:
        print(f"head: {rows[-1]['hash']}")
    return EXIT_OK


def _common(p: argparse.ArgumentParser, agent: bool = True) -> None:
    p.add_argument("--workspace", metavar="DIR", help="workspace root (default: found from cwd)")
    if agent:
        p.add_argument("--agent", metavar="NAME", help="only this agent's memory")


def register(subparsers: Any) -> None:
    """Add `memory` and `audit` to the `zc` parser; each command sets `run(args) -> int`."""
    mem = subparsers.add_parser("memory", help="inspect, search, export or wipe workspace memory")
    msub = mem.add_subparsers(dest="memory_command", required=True)
    p = msub.add_parser("list", help="where memory lives and what it holds")
    _common(p)
    p.add_argument("-n", type=int, default=20, help="items to show with --agent")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(run=cmd_list)
    p = msub.add_parser("search", help="full-text search")
    p.add_argument("query")
    _common(p)
    p.add_argument("-k", type=int, default=10, help="results to show")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(run=cmd_search)
    p = msub.add_parser("export", help="write memory as JSON")
    _common(p)
    p.add_argument("--output", "-o", metavar="FILE", help="file to write (default: stdout)")
    p.add_argument("--decrypt", action="store_true", help="decrypt encrypted items (plaintext!)")
    p.set_defaults(run=cmd_export)
    p = msub.add_parser("wipe", help="delete memory (asks first)")
    _common(p)
    p.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    p.set_defaults(run=cmd_wipe)

    audit = subparsers.add_parser("audit", help="check or show the audit log")
    asub = audit.add_subparsers(dest="audit_command", required=True)
    p = asub.add_parser("verify", help="check the hash chain for edited or deleted rows")
    _common(p, agent=False)
    p.set_defaults(run=cmd_audit_verify)
    p = asub.add_parser("tail", help="show the newest rows")
    _common(p, agent=False)
    p.add_argument("-n", type=int, default=20)
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(run=cmd_audit_tail)
