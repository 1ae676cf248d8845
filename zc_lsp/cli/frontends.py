"""`zc chat`, `zc dashboard` and `zc speak`: the terminal, browser and voice front ends.

Registered into `zc`'s parser by `zc_lsp.cli.build_parser`; each builds the same services the
language server builds (via `cli.common.make_services`), so answers match the editor's.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import threading
from pathlib import Path
from typing import Any


def _root(args: argparse.Namespace) -> Path:
    from zc_lsp.cli.common import find_root

    return Path(args.workspace).resolve() if args.workspace else find_root(Path.cwd())


async def cmd_chat(args: argparse.Namespace) -> int:
    from zc_lsp.cli.chat_tui import run_chat
    from zc_lsp.cli.common import make_services

    services = make_services(_root(args))
    try:
        return await run_chat(services)
    finally:
        await services.aclose()


def cmd_dashboard(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C or SIGTERM; background services run here too so the charts have data."""
    from zc_lsp.cli.common import make_services
    from zc_lsp.dashboard import DashboardError, DashboardServer, check_bind

    services = make_services(_root(args))
    settings = services.settings
    host = args.host or str(settings.get("dashboard.host", "127.0.0.1"))
    port = args.port if args.port is not None else int(settings.get("dashboard.port", 8765))
    allow_remote = bool(settings.get("dashboard.allow_remote", False))
    try:
        try:
            check_bind(host, allow_remote)  # refuse before starting anything
            live = _attach_live(services)
            if live is None and not args.no_background and services.background is None:
                _start_background(services)  # no editor server runs: this process gathers the data
            server = DashboardServer(services, host, port, allow_remote=allow_remote, live=live)
        except DashboardError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        if server.warning:
            print(server.warning, file=sys.stderr)
        stop = threading.Event()
        previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
        server.start()
        print(f"ZombieCoder dashboard for {services.workspace_root}\n  {server.url}\n(Ctrl-C stops it)", flush=True)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            print("\nstopping", file=sys.stderr)
        finally:
            signal.signal(signal.SIGTERM, previous)
            server.stop()
        return 0
    finally:
        asyncio.run(services.aclose())


def _attach_live(services: Any) -> Any:
    """The running language server's snapshot function, or None (said on stderr either way)."""
    from zc_lsp.background.live_status import attach

    memory = services.memory
    link = attach(Path(memory.path)) if memory is not None and not memory.degraded else None
    if link is None:
        print("note: no running server for this workspace; the dashboard shows this process's view", file=sys.stderr)
        return None
    reg, fetch = link
    print(f"note: attached to the running server (pid {reg.pid})", file=sys.stderr)
    return fetch


def _start_background(services: Any) -> None:
    try:
        from zc_lsp.background import Background

        background = Background(services)
        background.start()
        services.background = background
    except Exception as exc:  # the dashboard still shows what it can without them
        print(f"warning: background services did not start ({type(exc).__name__}: {exc}); "
              "charts and alerts will not update", file=sys.stderr)


async def cmd_speak(args: argparse.Namespace) -> int:
    from zc_lsp.agents.conversational.speech import SpeechError, synthesize
    from zc_lsp.cli.common import make_services

    if bool(args.text) == bool(args.explain):
        print("error: give either TEXT or --explain FILE:LINE", file=sys.stderr)
        return 2
    services = make_services(_root(args))
    try:
        if args.explain:
            text = await _explain_text(services, args.explain)
            if text is None:
                return 2
        else:
            text = " ".join(args.text)
        settings = services.settings
        lang = args.lang or str(settings.get("speech.lang", "en"))
        engine = args.engine or str(settings.get("speech.engine", "auto"))
        try:
            result = await asyncio.to_thread(
                synthesize, text, lang, Path(services.memory.path) / "audio", engine,
                gtts_timeout_s=float(settings.get("speech.gtts_timeout_s", 3.0)),
                max_chars=int(settings.get("speech.max_chars", 50_000)),
                keep_files=int(settings.get("speech.keep_files", 50)),
                allow_cloud=bool(settings.get("privacy.allow_cloud", False)))
        except SpeechError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    finally:
        await services.aclose()
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"{result.path}\n-- {result.engine}, {result.duration_s:.1f} s, {result.chunks} chunk(s)")
    return 0


async def _explain_text(services: Any, target: str) -> str | None:
    from zc_lsp.agents.base import AgentRequest
    from zc_lsp.cli.common import CliError, parse_file_line
    from zc_lsp.core.types import DocSnapshot, Span

    try:
        path, line, text = parse_file_line(target)
    except CliError as exc:  # name the option, so the user knows which argument was wrong
        raise CliError(f"--explain FILE:LINE: {exc}", exc.code) from None
    doc = DocSnapshot(uri=path.as_uri(), path=path, text=text)
    agent, action = services.registry.owner("zc.explain")
    result = await services.agents.run(agent, AgentRequest(action, doc=doc, span=Span(line, 0, line, 0)))
    if not result.ok:
        print(f"error: {result.error}", file=sys.stderr)
        return None
    print(f"-- explanation by {result.provenance or 'offline'}", file=sys.stderr)
    return result.summary


def register(subparsers: Any) -> None:
    from zc_lsp.cli.common import port_number

    p = subparsers.add_parser("chat", help="chat with the Conversational agent in the terminal")
    p.add_argument("--workspace", help="workspace root (default: found from the current folder)")
    p.set_defaults(run=cmd_chat)

    p = subparsers.add_parser("dashboard", help="serve the local web dashboard (127.0.0.1, token-protected)")
    p.add_argument("--port", type=port_number, help="port (default: dashboard.port; 0 picks a free one)")
    p.add_argument("--host", help="address to bind (default: dashboard.host, 127.0.0.1)")
    p.add_argument("--workspace", help="workspace root")
    p.add_argument("--no-background", action="store_true",
                   help="do not run the scheduler, tuner and alerts here (view only)")
    p.set_defaults(run=cmd_dashboard)

    p = subparsers.add_parser("speak", help="turn text, or an explanation of FILE:LINE, into speech")
    p.add_argument("text", nargs="*", help="the text to speak")
    p.add_argument("--explain", metavar="FILE:LINE", help="explain this code first, then speak the explanation")
    p.add_argument("--lang", help="language code (default: speech.lang)")
    p.add_argument("--engine", choices=["auto", "gtts", "espeak"], help="default: speech.engine")
    p.add_argument("--workspace", help="workspace root")
    p.set_defaults(run=cmd_speak)
