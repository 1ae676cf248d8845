"""`zc review|test|explain|doctor`: the agents' own verbs, through the same AgentRunner as the editor."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from zc_lsp.cli.common import (
    CliError,
    collect_files,
    find_root,
    finding_rows,
    make_services,
    owner,
    parse_file_line,
    progress_bar,
)
from zc_lsp.cli.render import print_markdown
from zc_lsp.core.files import read_text_bounded


async def cmd_review(args: argparse.Namespace) -> int:
    from zc_lsp.agents.base import AgentRequest
    from zc_lsp.core.types import DocSnapshot

    files = collect_files(args.paths, args.max_files)
    if not files:
        print("error: nothing to review", file=sys.stderr)
        return 2
    root = Path(args.workspace).resolve() if args.workspace else find_root(files[0])
    services = make_services(root)
    reviewer, review = owner(services, "zc.review")
    results: list[dict[str, Any]] = []
    skipped: list[str] = []
    failures: list[dict[str, Any]] = []  # files an engine could not parse: printed, never dropped

    def progress(message: str, pct: int | None = None) -> None:
        if not sys.stderr.isatty() or len(files) < 2:
            return
        if pct is None:
            sys.stderr.write(f"\r{message[:70]:<70}")
        else:
            filled = int(30 * min(pct, 100) / 100)
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {pct:3d}% {message[:45]:<45}")
        sys.stderr.flush()

    try:
        if args.model:
            # A model reviews one file at a time; the offline engines run per file alongside it.
            for n, path in enumerate(files, 1):
                progress_bar(n - 1, len(files), path.name)
                try:
                    text = read_text_bounded(path)
                except (OSError, UnicodeDecodeError) as exc:
                    skipped.append(f"{path}: cannot be read as UTF-8 ({exc})")
                    continue
                doc = DocSnapshot(uri=path.as_uri(), path=path, text=text)
                result = await services.agents.run(reviewer, AgentRequest(
                    review, doc=doc, args={"bandit": True, "model": True}))
                if not result.ok:
                    skipped.append(f"{path}: {result.error}")
                    continue
                skipped += [f"{path}: {e}" for e in result.data.get("errors") or []]
                failures += [{**f, "path": str(path)} for f in result.data.get("parse_failures") or []]
                for finding in result.findings:
                    finding.data["path"] = str(path)
                results += finding_rows(result)
            progress_bar(len(files), len(files), "done")
        else:
            result = await services.agents.run(
                reviewer, AgentRequest("review_files", args={"paths": [str(p) for p in files], "cache": not args.no_cache,
                                                             **({"bandit": True} if args.bandit else {})}),
                progress=progress)
            if sys.stderr.isatty() and len(files) > 1:
                sys.stderr.write("\r" + " " * 90 + "\r")
            skipped += result.data.get("skipped", [])
            skipped += result.data.get("errors", [])
            failures += result.data.get("parse_failures") or []
            if not result.ok and not result.data.get("skipped"):
                skipped.append(result.error or "the review failed")
            results += finding_rows(result)
    finally:
        await services.aclose()
    cwd = Path.cwd()
    for failure in failures:
        where = f"{failure['path']}:{failure['line']}" if failure.get("line") else failure["path"]
        print(f"{where}: {failure['engine']} could not parse this file ({failure['reason']})", file=sys.stderr)
    if args.format == "json":
        print(json.dumps({"findings": results, "files": len(files), "skipped": skipped, "parse_failures": failures},
                         indent=2))
    elif args.format == "sarif":
        from zc_lsp.cli.report_formats import sarif_report

        print(json.dumps(sarif_report(results, failures, root, skipped), indent=2))
    elif args.format == "github":
        from zc_lsp.cli.report_formats import github_annotations

        for line in github_annotations(results, failures, root):
            print(line)
    if args.format in ("sarif", "github"):
        for s in skipped:
            print(s, file=sys.stderr)
    if args.format not in ("json", "sarif", "github"):
        for r in results:
            shown = Path(r["path"])
            shown_str = str(shown.relative_to(cwd)) if shown.is_relative_to(cwd) else str(shown)
            print(f"{shown_str}:{r['line']}:{r['column']}: {r['code']} {r['message']} [{r['engine']}]")
        for s in skipped:
            print(s, file=sys.stderr)
        fixable = sum(1 for r in results if r["fixable"])
        print(f"Found {len(results)} finding(s) in {len(files)} file(s)" + (f" ({fixable} fixable)." if fixable else "."), file=sys.stderr)
    return 1 if results else 0


async def cmd_test(args: argparse.Namespace) -> int:
    from zc_lsp.agents.base import AgentRequest

    target = Path(args.path).resolve()
    if not target.exists():
        raise CliError(f"no such file or folder: {args.path}")
    root = Path(args.workspace).resolve() if args.workspace else find_root(target)
    services = make_services(root, trusted=True)  # the user asked for it from their own shell
    request_args: dict[str, Any] = {} if target == root else {"path": str(target)}
    if args.k and not str(args.k).replace(".", "_").isidentifier():
        raise CliError(f"-k {args.k!r} is not a test function name (letters, digits, _ and .)")
    if not target.is_relative_to(root):
        raise CliError(f"{target} is outside the workspace {root}")
    if args.k:
        request_args["function"] = args.k

    def progress(message: str, pct: int | None = None) -> None:
        if sys.stderr.isatty():
            sys.stderr.write(f"\r{message[:70]:<70}")
            sys.stderr.flush()

    try:
        tester, run_tests = owner(services, "zc.runTests")
        result = await services.agents.run(tester, AgentRequest(run_tests, args=request_args), progress=progress)
    finally:
        await services.aclose()
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    if args.format == "json":
        print(json.dumps({"ok": result.ok, "error": result.error, **result.data}, indent=2, default=str))
    else:
        print_markdown(result.summary or result.error or "")  # rendered on a terminal, plain Markdown in a pipe
    if not result.ok:
        return 2
    return 1 if result.data.get("failed") or result.data.get("errors") else 0


async def cmd_explain(args: argparse.Namespace) -> int:
    from zc_lsp.agents.base import AgentRequest
    from zc_lsp.core.types import DocSnapshot, Span

    path, line, text = parse_file_line(args.target)
    services = make_services(find_root(path))
    doc = DocSnapshot(uri=path.as_uri(), path=path, text=text)
    try:
        explainer, explain = owner(services, "zc.explain")
        result = await services.agents.run(
            explainer, AgentRequest(explain, doc=doc, span=Span(line, 0, line, 0)),
            on_token=(lambda t: (sys.stdout.write(t), sys.stdout.flush())) if args.stream else None,
        )
    finally:
        await services.aclose()
    if not args.stream:
        if result.ok:
            print_markdown(result.summary)
        else:
            print(f"error: {result.error}")
    print(f"\n-- answered by {result.provenance or 'offline'}", file=sys.stderr)
    return 0 if result.ok else 1


async def cmd_doctor(args: argparse.Namespace) -> int:
    from zc_lsp.agents.base import AgentRequest

    services = make_services(Path(args.workspace).resolve() if args.workspace else find_root(Path.cwd()))
    try:
        agent, action = owner(services, "zc.doctor")
        result = await services.agents.run(agent, AgentRequest(action))
    finally:
        await services.aclose()
    if args.format == "json":
        print(json.dumps(result.data, indent=2, default=str))
    else:
        for check in result.data.get("checks", []):
            mark = "ok  " if check["ok"] else "FAIL"
            print(f"[{mark}] {check['name']}: {check['detail']}")
            if not check["ok"] and check.get("hint"):
                print(f"       fix: {check['hint']}")
    return 0 if result.data.get("ok") else 1


def register(sub: Any) -> None:
    """Add the agent verbs to `zc`'s sub-command parser."""
    p = sub.add_parser("review", help="review files and folders (Best Practices agent)")
    p.add_argument("paths", nargs="+", help="files or folders (Python, YAML, TOML, JSON, INI, .env, templates)")
    p.add_argument("--format", choices=["text", "json", "sarif", "github"], default="text",
                   help="sarif: SARIF 2.1.0 for code scanning; github: workflow annotations (docs/contracts.md)")
    p.add_argument("--model", action="store_true", help="also ask a model for a review")
    p.add_argument("--bandit", action="store_true", help="also run bandit (default: diagnostics.bandit_in_review)")
    p.add_argument("--no-cache", action="store_true",
                   help="review every file again (default: unchanged files come from the review cache)")
    p.add_argument("--max-files", type=int, metavar="N",
                   help="review at most N files per folder (default 5000; stderr says when a folder has more)")
    p.add_argument("--workspace", help="workspace root (default: found from the first path)")
    p.set_defaults(run=cmd_review)

    p = sub.add_parser("test", help="run the project's tests (Verifier agent)")
    p.add_argument("path", nargs="?", default=".", help="a test file, a source file or the project folder")
    p.add_argument("-k", help="only tests whose name contains this")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--workspace", help="workspace root")
    p.set_defaults(run=cmd_test)

    p = sub.add_parser("explain", help="explain the code at FILE:LINE (Conversational agent)")
    p.add_argument("target", metavar="FILE:LINE")
    p.add_argument("--stream", action="store_true", help="print a model's answer as it arrives")
    p.set_defaults(run=cmd_explain)

    p = sub.add_parser("doctor", help="check the installation and the providers")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--workspace", help="workspace root")
    p.set_defaults(run=cmd_doctor)
