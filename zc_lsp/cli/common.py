"""What every `zc` verb shares: finding the workspace, building services, collecting files, rows."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any


def find_root(start: Path) -> Path:
    start = start.resolve()
    base = start if start.is_dir() else start.parent
    for candidate in [base, *base.parents]:
        if any((candidate / marker).exists() for marker in (".git", "pyproject.toml", ".zombiecoder.yaml", "setup.cfg")):
            return candidate
    return base


def make_services(root: Path, trusted: bool | None = None) -> Any:
    from zc_lsp.config import load_settings
    from zc_lsp.services import build_services

    settings = load_settings(root)
    for issue in settings.issues:
        print(f"config: {issue}", file=sys.stderr)
    services = build_services(root, settings, trusted)
    for problem in services.problems:
        print(f"warning: {problem}", file=sys.stderr)
    return services


def progress_bar(done: int, total: int, label: str) -> None:
    if not sys.stderr.isatty() or total < 2:
        return
    width = 30
    filled = int(width * done / total)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {label[:40]:<40}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def collect_files(paths: list[str]) -> list[Path]:
    from zc_lsp.handlers.commands import workspace_python_files

    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(workspace_python_files(path.resolve()))
        elif path.is_file():
            files.append(path.resolve())
        else:
            print(f"error: no such file or folder: {raw}", file=sys.stderr)
    return files


def finding_rows(result: Any) -> list[dict[str, Any]]:
    rows = []
    for f in result.findings:
        rows.append({"path": f.data.get("path", ""), "line": f.span.start_line + 1, "column": f.span.start_char + 1,
                     "code": f.code, "severity": f.severity, "message": f.message, "engine": f.engine,
                     "url": f.url, "fixable": bool(f.fix)})
    return sorted(rows, key=lambda r: (r["path"], r["line"], r["column"], r["code"]))
