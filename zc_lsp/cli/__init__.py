"""`zc`: the agents from a terminal (review, test, explain, status, doctor, memory, chat, ...).

It builds the same services the language server builds and calls agents through the same
AgentRunner, so the terminal and the editor give the same answers. One module per group of verbs:
`agents` (review, test, explain, status, doctor), `memory` (memory, audit), `frontends` (chat,
dashboard, speak); `common` holds what they share.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import sysconfig

from zc_lsp import __version__


def build_parser() -> argparse.ArgumentParser:
    from zc_lsp.cli import agents, frontends, memory

    parser = argparse.ArgumentParser(prog="zc", description="ZombieCoder: five AI agents from your terminal.")
    parser.add_argument("--version", action="version", version=f"zc {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    agents.register(sub)
    memory.register(sub)
    frontends.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    # sysconfig fills its variables lazily and not thread-safely (CPython): fill them now, before
    # worker threads can see a half-made dict (seen as `EXE` = None while locating ruff).
    sysconfig.get_config_vars()
    args = parser.parse_args(argv)
    try:
        result = args.run(args)
        code = asyncio.run(result) if asyncio.iscoroutine(result) else result
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    return int(code or 0)

