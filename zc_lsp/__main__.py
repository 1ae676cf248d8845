"""`zc-lsp`: the language server on stdio (default) or TCP."""

from __future__ import annotations

import gc
import logging
import sys
import sysconfig
from types import SimpleNamespace
from typing import Any

from zc_lsp import __version__

# What an editor starts (`zc-lsp`, `zc-lsp --stdio`) gets these without argparse: it and the
# modules its help formatter pulls in (shutil, bz2, lzma, gettext) are ~3 ms of the path to the
# initialize reply. tests/unit/perf/test_startup_imports.py checks they are argparse's defaults.
EDITOR_DEFAULTS = {"tcp": None, "log_level": "WARNING", "log_file": None}


def make_parser() -> Any:
    import argparse

    parser = argparse.ArgumentParser(prog="zc-lsp", description="ZombieCoder language server (stdio by default).")
    parser.add_argument("--stdio", action="store_true", help="serve on stdin/stdout (the default)")
    parser.add_argument("--tcp", metavar="HOST:PORT", help="serve on TCP instead, e.g. 127.0.0.1:2087")
    parser.add_argument("--log-level", default="WARNING", help="stderr log level (DEBUG, INFO, WARNING, ERROR)")
    parser.add_argument("--log-file", help="also log to this file")
    parser.add_argument("--version", action="version", version=f"zc-lsp {__version__}")
    return parser


def parse_args(argv: list[str] | None = None) -> Any:
    argv = sys.argv[1:] if argv is None else argv
    if all(arg == "--stdio" for arg in argv):
        return SimpleNamespace(stdio=bool(argv), **EDITOR_DEFAULTS)
    return make_parser().parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Start-up creates ~100,000 long-lived objects (lsprotocol's types, our modules) and the cyclic GC
    # would walk them over and over (~30 ms of the path to the initialize reply). It stays off until
    # the services' thread starts, after the reply (core/memtrim.settle_start_up_heap: one
    # collection, the survivors frozen so later collections never rescan them, GC on again).
    gc.disable()
    # One malloc arena for every thread, set before the first thread exists: the thread that reads
    # the settings and imports the handlers got an arena of its own before the services' thread
    # limited them, ~0.8 MB of idle RSS (issue 15; ctypes costs ~1.5 ms here).
    from zc_lsp.core.memtrim import limit_malloc_arenas

    limit_malloc_arenas()
    # sysconfig fills its variables lazily and not thread-safely (CPython): fill them now, before
    # worker threads can see a half-made dict (seen as `EXE` = None while locating ruff).
    sysconfig.get_config_vars()
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if args.log_file:
        handlers.append(logging.FileHandler(args.log_file))
    from zc_lsp.memory.logs import install_redaction  # every level, every handler: secrets never logged

    handlers = [install_redaction(h) for h in handlers]
    logging.basicConfig(
        level=args.log_level.upper(), handlers=handlers, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # pygls logs every message body at INFO: keep that out of the editor's stderr channel.
    logging.getLogger("pygls").setLevel(max(logging.WARNING, logging.getLogger().level))

    from zc_lsp.app import create_server, run_stdio

    server = create_server()
    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        if not port.isdigit():
            make_parser().error("--tcp takes HOST:PORT")
        server.start_tcp(host or "127.0.0.1", int(port))
        return 0
    return run_stdio(server)


if __name__ == "__main__":
    sys.exit(main())
