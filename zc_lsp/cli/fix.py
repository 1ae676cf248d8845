"""`zc fix PATH... [--diff] [--check]`: offline, verified repairs, like `ruff check --fix`.

The fixes are the repair engine's (`agents/engines/repair`), the same the editor and auto-fix use.
The default writes each repaired file atomically (a temporary file, then a rename); `--diff` prints
a unified diff and changes nothing; `--check` changes nothing and exits 1 when something would be fixed.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from zc_lsp.cli.common import CliError, collect_files, find_root, read_source


def _write_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".zcfix", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cmd_fix(args: argparse.Namespace) -> int:
    from zc_lsp.agents.engines.repair import repair_source
    from zc_lsp.config import load_settings

    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        raise CliError(f"no such file or folder: {missing[0]}")
    files = collect_files(args.paths)
    if not files:
        raise CliError("no Python files to fix")
    root = Path(args.workspace).resolve() if args.workspace else find_root(files[0])
    settings = load_settings(root)
    would_fix = 0
    unreadable = 0
    report: list[dict[str, Any]] = []
    cwd = Path.cwd()
    for path in files:
        shown = str(path.relative_to(cwd)) if path.is_relative_to(cwd) else str(path)
        try:
            text = read_source(path)
        except CliError as exc:
            print(f"{shown}: not fixed: {exc}", file=sys.stderr)
            unreadable += 1
            continue
        result = repair_source(text, path, workspace_root=root, settings=settings)
        report.append({"path": shown, **result.as_dict()})
        if args.format == "text":
            for fix in result.applied:
                print(f"{shown}:{fix.line}: fixed {fix.kind}: {fix.message} ({fix.verification})", file=sys.stderr)
            for fix in result.held_back:
                print(f"{shown}:{fix.line}: held back {fix.kind}: {fix.message} ({fix.verification})", file=sys.stderr)
            if result.reason:
                print(f"{shown}: stopped: {result.reason}", file=sys.stderr)
        if not result.changed:
            continue
        would_fix += 1
        if args.diff:
            sys.stdout.writelines(difflib.unified_diff(
                text.splitlines(keepends=True), result.text.splitlines(keepends=True),
                fromfile=f"a/{shown.lstrip('/')}", tofile=f"b/{shown.lstrip('/')}"))
        elif not args.check:
            _write_atomically(path, result.text)
    if args.format == "json":
        print(json.dumps({"files": report, "changed": would_fix}, indent=2, default=str))
    verb = "would fix" if (args.check or args.diff) else "fixed"
    print(f"{verb} {would_fix} of {len(files)} file(s)" + (f"; {unreadable} could not be read" if unreadable else ""),
          file=sys.stderr)
    if unreadable:
        return 2
    return 1 if (args.check and would_fix) else 0


def register(sub: Any) -> None:
    p = sub.add_parser("fix", help="repair broken code offline, each fix verified (like `ruff check --fix`)")
    p.add_argument("paths", nargs="+", help="files or folders")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--diff", action="store_true", help="print a unified diff and change nothing")
    mode.add_argument("--check", action="store_true", help="change nothing; exit 1 when something would be fixed")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--workspace", help="workspace root (default: found from the first path)")
    p.set_defaults(run=cmd_fix)
