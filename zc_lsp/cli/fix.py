"""`zc fix PATH... [--diff] [--check]`: offline, verified repairs, like `ruff check --fix`.

The fixes are the Programming agent's `fix_all` (the repair engine, `agents/programming/repair.py`), the
same the editor's "Fix all" and background auto-fix run; `--model` adds model fixes, verified the same way.
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


async def cmd_fix(args: argparse.Namespace) -> int:
    from zc_lsp.agents.base import AgentRequest
    from zc_lsp.background.textedits import apply_text_edits
    from zc_lsp.cli.common import make_services
    from zc_lsp.core.types import DocSnapshot

    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        raise CliError(f"no such file or folder: {missing[0]}")
    files = collect_files(args.paths)
    if not files:
        raise CliError("no Python files to fix")
    root = Path(args.workspace).resolve() if args.workspace else find_root(files[0])
    # The editor's "Fix all" and background auto-fix run this same agent action (one use case).
    services = make_services(root)
    would_fix = 0
    unreadable = 0
    report: list[dict[str, Any]] = []
    cwd = Path.cwd()
    try:
        for path in files:
            shown = str(path.relative_to(cwd)) if path.is_relative_to(cwd) else str(path)
            try:
                text = read_source(path)
            except CliError as exc:
                print(f"{shown}: not fixed: {exc}", file=sys.stderr)
                unreadable += 1
                continue
            doc = DocSnapshot(uri=path.as_uri(), path=path, text=text)
            try:
                agent, action = services.registry.serving("fix_all")  # the editor's Fix all, by the registry
            except LookupError as exc:
                raise CliError(str(exc), code=1) from exc
            result = await services.agents.run(agent, AgentRequest(action, doc=doc, args={"model": bool(args.model)}))
            if not result.ok:
                print(f"{shown}: not fixed: {result.error}", file=sys.stderr)
                unreadable += 1
                continue
            data = result.data
            fixed = apply_text_edits(text, [e for fe in result.edits for e in fe.edits]) if result.edits else text
            report.append(
                {
                    "path": shown,
                    "changed": fixed != text,
                    "verification": data.get("verification", ""),
                    "fixes": data.get("fixes", []),
                    "reason": data.get("reason", ""),
                    "model_notes": data.get("model_notes", []),
                }
            )
            if args.format == "text":
                _print_fixes(shown, data)
            if fixed == text:
                continue
            would_fix += 1
            if args.diff:
                sys.stdout.writelines(
                    difflib.unified_diff(
                        text.splitlines(keepends=True),
                        fixed.splitlines(keepends=True),
                        fromfile=f"a/{shown.lstrip('/')}",
                        tofile=f"b/{shown.lstrip('/')}",
                    )
                )
            elif not args.check:
                _write_atomically(path, fixed)
    finally:
        await services.aclose()
    if args.format == "json":
        print(json.dumps({"files": report, "changed": would_fix}, indent=2, default=str))
    verb = "would fix" if (args.check or args.diff) else "fixed"
    print(
        f"{verb} {would_fix} of {len(files)} file(s)" + (f"; {unreadable} could not be fixed" if unreadable else ""),
        file=sys.stderr,
    )
    if unreadable:
        return 2
    return 1 if (args.check and would_fix) else 0


def _print_fixes(shown: str, data: dict[str, Any]) -> None:
    for fix in data.get("fixes", []):
        verb = "fixed" if fix["applied"] else "held back"
        print(f"{shown}:{fix['line']}: {verb} {fix['kind']}: {fix['message']} ({fix['verification']})", file=sys.stderr)
    if data.get("held"):
        print(f"{shown}: held back: {data.get('verification')}", file=sys.stderr)
    elif data.get("verification"):
        print(f"{shown}: {data['verification']}", file=sys.stderr)
    if data.get("reason"):
        print(f"{shown}: stopped: {data['reason']}", file=sys.stderr)
    for note in data.get("model_notes", []):
        print(f"{shown}: model: {note}", file=sys.stderr)


def register(sub: Any) -> None:
    p = sub.add_parser("fix", help="repair broken code offline, each fix verified (like `ruff check --fix`)")
    p.add_argument("paths", nargs="+", help="files or folders")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--diff", action="store_true", help="print a unified diff and change nothing")
    mode.add_argument("--check", action="store_true", help="change nothing; exit 1 when something would be fixed")
    p.add_argument(
        "--model",
        action="store_true",
        help="also ask a model (router, local first) about each function; its fixes are verified too",
    )
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--workspace", help="workspace root (default: found from the first path)")
    p.set_defaults(run=cmd_fix)
