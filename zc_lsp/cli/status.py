"""`zc status [--watch] [--json]`: the running server's live state, or the stored state when none runs.

A server registers itself in the workspace's data folder (`background/live_status.py`); this
attaches to it. Without one it says so and shows what the workspace's task DB holds, read-only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from zc_lsp.cli.common import find_root, make_services


def live_or_stored(services: Any) -> tuple[Callable[[], dict[str, Any]], dict[str, Any]]:
    """The snapshot function to show and a `source` note: the live server's, or the stored state."""
    from zc_lsp.background.live_status import attach

    memory = services.memory
    link = attach(Path(memory.path)) if memory is not None and not memory.degraded else None
    if link is not None:
        reg, fetch = link
        started = time.strftime("%H:%M:%S", time.localtime(reg.started))
        return fetch, {"live": True, "pid": reg.pid,
                       "note": f"live: the running server (pid {reg.pid}, started {started})"}
    try:
        from zc_lsp.background import Background

        # Not started: no jobs run here; it only reads what the workspace's task DB holds (queue,
        # alerts, scheduler runs, metrics), which an editor's server may be writing meanwhile.
        Background(services)
    except Exception as exc:
        print(f"warning: background status unavailable: {exc}", file=sys.stderr)
    return services.status.snapshot, {
        "live": False, "note": "no running server for this workspace: showing its stored state (read-only)"}


async def cmd_status(args: argparse.Namespace) -> int:
    services = make_services(Path(args.workspace).resolve() if args.workspace else find_root(Path.cwd()))
    try:
        fetch, source = live_or_stored(services)
        if args.watch:
            from zc_lsp.cli.status_watch import watch

            print(source["note"], file=sys.stderr)
            await asyncio.to_thread(watch, fetch)
            return 0
        snap = fetch()
        if args.json:
            print(json.dumps({**snap, "source": source}, indent=2, default=str))
        else:
            from zc_lsp.cli.status_watch import render

            print(render(snap, colour=sys.stdout.isatty()))
            print(f"-- {source['note']}", file=sys.stderr)
    finally:
        await services.aclose()
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("status", help="show the running server's status (Ops agent); --json for the raw snapshot")
    p.add_argument("--watch", action="store_true", help="refresh live in the terminal")
    p.add_argument("--json", action="store_true", help="print the raw snapshot as JSON")
    p.add_argument("--workspace", help="workspace root")
    p.set_defaults(run=cmd_status)
