"""`zc`: the agents from a terminal (review, test, explain, status, doctor, memory, chat, ...).

It builds the same services the language server builds and calls agents through the same
AgentRunner, so the terminal and the editor give the same answers. One module per group of verbs:
`agents` (review, test, explain, status, doctor), `memory` (memory, audit), `frontends` (chat,
dashboard, speak); `common` holds what they share.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import sysconfig

from zc_lsp import __version__

EXIT_CODES = """exit codes:
  0    done, nothing found (review: no findings; test: all passed; fix --check: nothing to fix)
  1    done, something found (findings, failing tests, fixes that would be made, a failed check)
  2    bad input (missing path, line out of range, binary file, bad option) or the job could not run
  130  interrupted (Ctrl-C)
  141  the output pipe was closed (e.g. `zc doctor | head`)"""


def build_parser() -> argparse.ArgumentParser:
    from zc_lsp.cli import agents, fix, frontends, memory, status

    parser = argparse.ArgumentParser(
        prog="zc", description="ZombieCoder: five AI agents from your terminal.", epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"zc {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    agents.register(sub)
    status.register(sub)
    fix.register(sub)
    memory.register(sub)
    frontends.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    # sysconfig fills its variables lazily and not thread-safely (CPython): fill them now, before
    # worker threads can see a half-made dict (seen as `EXE` = None while locating ruff).
    sysconfig.get_config_vars()
    args = parser.parse_args(argv)
    from zc_lsp.cli.common import CliError

    workspace = getattr(args, "workspace", None)
    if workspace and not os.path.isdir(workspace):  # before any data folder is made for it
        print(f"zc {args.command}: error: --workspace {workspace}: no such folder", file=sys.stderr)
        return 2

    from zc_lsp.core.child_watch import watch_children_with_pidfd

    watch_children_with_pidfd()  # ruff, bandit and the helper process are reaped without a thread each
    try:
        result = args.run(args)
        code = asyncio.run(result) if asyncio.iscoroutine(result) else result
        sys.stdout.flush()
    except CliError as exc:
        print(f"zc {args.command}: error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`zc doctor | head`): say so once, and stop Python's own flush-at-exit
        # from raising a second time.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        print(f"zc {args.command}: output pipe closed", file=sys.stderr)
        return 141
    return int(code or 0)

