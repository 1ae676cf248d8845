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


def collect_files(paths: list[str], max_files: int | None = None) -> list[Path]:
    """Files given as such, and in folders Python sources plus config files and templates.

    A folder with more than `max_files` such files is reviewed up to that many, and stderr says so."""
    from zc_lsp.agents.engines.config_kinds import reviewable
    from zc_lsp.core.workspace import MAX_FILES, reviewable_files

    limit = max_files or MAX_FILES
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = reviewable_files(path.resolve(), reviewable, limit=limit)
            for why in found.skipped:
                print(f"zc: {raw}: {why}", file=sys.stderr)
            if found.truncated:
                print(f"zc: {raw}: stopped at {limit:,} files; more are there (review subfolders, or pass "
                      "--max-files N)", file=sys.stderr)
            files.extend(found)
        elif path.is_file():
            read_source(path)  # a file named on purpose must be source: binary or not UTF-8 is bad input
            files.append(path.resolve())
        else:
            raise CliError(f"no such file or folder: {raw}")
    return files


def finding_rows(result: Any) -> list[dict[str, Any]]:
    rows = []
    for f in result.findings:
        rows.append({"path": f.data.get("path", ""), "line": f.span.start_line + 1, "column": f.span.start_char + 1,
                     "end_line": f.span.end_line + 1, "end_column": f.span.end_char + 1,
                     "code": f.code, "severity": f.severity, "message": f.message, "engine": f.engine,
                     "url": f.url, "fixable": bool(f.fix),
                     "cwe": f"CWE-{f.data['cwe']}" if f.data.get("cwe") else None,
                     "id": f.data.get("id"), "related": _plain(f.data.get("related") or [])})
    return sorted(rows, key=lambda r: (r["path"], r["line"], r["column"], r["code"]))


def _plain(steps: Any) -> list[Any]:
    """Related spots (a taint path) as JSON-ready dicts, whatever dataclass an engine used."""
    from dataclasses import asdict, is_dataclass

    return [asdict(s) if is_dataclass(s) and not isinstance(s, type) else s for s in steps]


class CliError(Exception):
    """A bad input from the user: `main` prints it as one line on stderr and exits with `code`."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def owner(services: Any, command: str) -> tuple[str, str]:
    """(agent, action) serving the editor command `command`: the CLI runs the same use case, by the registry."""
    try:
        found: tuple[str, str] = services.registry.owner(command)
    except LookupError as exc:
        raise CliError(str(exc), code=1) from exc
    return found


def read_source(path: Path, max_bytes: int = 5_000_000) -> str:
    """The text of a source file, or a CliError saying plainly why it cannot be used."""
    if not path.exists():
        raise CliError(f"no such file: {path}")
    if not path.is_file():
        raise CliError(f"not a file: {path}")
    size = path.stat().st_size
    if size > max_bytes:
        raise CliError(f"{path} is {size:,} bytes, over the {max_bytes:,}-byte limit for this command")
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise CliError(f"{path} is a binary file, not source code")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CliError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def parse_file_line(target: str) -> tuple[Path, int, str]:
    """`FILE:LINE` -> (path, 0-based line, text), checking that the line exists in the file."""
    file_part, _, line_part = target.rpartition(":")
    if not file_part or not line_part.isdigit():
        raise CliError(f"expected FILE:LINE, e.g. calc.py:12 (got {target!r})")
    path = Path(file_part).resolve()
    text = read_source(path)
    lines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    line = int(line_part)
    if line < 1 or line > max(lines, 1):
        raise CliError(f"{file_part} has {lines} line(s); line {line} is out of range")
    return path, line - 1, text


def port_number(raw: str) -> int:
    """argparse type for a TCP port: 0 (pick a free one) to 65535."""
    try:
        port = int(raw)
    except ValueError:
        raise_arg(f"not a port number: {raw!r}")
    if not 0 <= port <= 65535:
        raise_arg(f"port {port} is out of range (0-65535; 0 picks a free one)")
    return port


def raise_arg(message: str) -> None:
    import argparse

    raise argparse.ArgumentTypeError(message)
