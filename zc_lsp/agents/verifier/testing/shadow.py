"""A throw-away copy of the workspace where proposed edits are applied and checked.

Edits proposed by the agents are verified here, never in the user's files: the copy skips
VCS data, virtualenvs, caches and big files, so copying stays cheap on ordinary projects.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from zc_lsp.agents.engines.proc import run_process
from zc_lsp.agents.engines.ruff_engine import RuffOptions, check_returncode, parse_json, ruff_command, rule_args
from zc_lsp.core.types import FileEdit, TextEdit
from zc_lsp.core.workspace import skip_dir

log = logging.getLogger(__name__)
MAX_COPY_BYTES = 2_000_000  # files larger than this are not copied (data dumps, binaries)
MAX_COPY_FILES = 20_000


class EditError(ValueError):
    """An edit that cannot be applied (outside the workspace, overlapping, bad position...)."""


def copy_workspace(root: Path, dest: Path) -> int:
    """Copy the project's own files into `dest`; returns how many were copied."""
    copied = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not skip_dir(d)]
        rel = Path(dirpath).relative_to(root)
        target_dir = dest / rel
        target_dir.mkdir(parents=True, exist_ok=True)
        for filename in filenames:
            source = Path(dirpath) / filename
            try:
                if source.is_symlink() or not source.is_file() or source.stat().st_size > MAX_COPY_BYTES:
                    continue
                shutil.copy2(source, target_dir / filename)
            except OSError as exc:
                log.debug("not copied %s: %s", source, exc)
                continue
            copied += 1
            if copied >= MAX_COPY_FILES:
                log.warning("shadow copy of %s stopped at %d files", root, copied)
                return copied
    return copied


def _offset(lines: list[str], line: int, char: int) -> int:
    if line < 0 or char < 0:
        raise EditError(f"negative position {line}:{char}")
    if line >= len(lines):
        if line == len(lines) and char == 0:
            return sum(len(x) for x in lines)
        raise EditError(f"line {line + 1} is past the end of the file ({len(lines)} lines)")
    content = lines[line].rstrip("\r\n")
    return sum(len(x) for x in lines[:line]) + min(char, len(content))


def apply_text_edits(text: str, edits: Sequence[TextEdit]) -> str:
    """Apply LSP-style edits (positions in the original text), last first; overlaps are refused."""
    lines = text.splitlines(keepends=True)
    located = []
    for edit in edits:
        start = _offset(lines, edit.span.start_line, edit.span.start_char)
        end = _offset(lines, edit.span.end_line, edit.span.end_char)
        if end < start:
            raise EditError(f"edit ends before it starts at line {edit.span.start_line + 1}")
        located.append((start, end, edit.new_text))
    located.sort(key=lambda item: (item[0], item[1]))
    for (_, prev_end, _), (start, _, _) in zip(located, located[1:], strict=False):
        if start < prev_end:
            raise EditError("edits overlap")
    for start, end, new_text in reversed(located):
        text = text[:start] + new_text + text[end:]
    return text


def apply_file_edits(root: Path, shadow: Path, edits: Sequence[FileEdit]) -> list[Path]:
    """Apply `edits` (paths in the real workspace) to the shadow copy; returns changed relative paths."""
    changed: list[Path] = []
    root = root.resolve()
    for file_edit in edits:
        try:
            rel = (
                Path(file_edit.path).resolve().relative_to(root)
                if Path(file_edit.path).is_absolute()
                else Path(file_edit.path)
            )
        except ValueError:
            raise EditError(f"{file_edit.path} is outside the workspace") from None
        if ".." in rel.parts:
            raise EditError(f"{file_edit.path} is outside the workspace")
        target = shadow / rel
        if file_edit.create:
            if (root / rel).exists():
                raise EditError(f"{rel} already exists")
            original = ""
        else:
            if not target.is_file():
                raise EditError(f"{rel} does not exist (or is too big to check)")
            original = target.read_text(encoding="utf-8")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(apply_text_edits(original, file_edit.edits), encoding="utf-8")
        changed.append(rel)
    return changed


async def ruff_problems(cwd: Path, files: Sequence[Path], opts: RuffOptions) -> Counter[tuple[str, str, str]]:
    """Ruff findings as a multiset of (file, code, message): positions move, identities don't.

    The same rules as the editor's review (`rule_args`), so "adds no ruff findings" means what the
    user would see; `opts.root` is the real workspace, `cwd` the copy being checked.
    """
    existing = [str(f) for f in files if (cwd / f).is_file()]
    if not existing:
        return Counter()
    args = [*ruff_command(), "check", "--no-cache", "--exit-zero", *rule_args(opts), "--", *existing]
    res = await run_process(args, cwd=cwd, timeout_s=opts.timeout_s)
    check_returncode(res.returncode, res.stderr, "check")
    problems: Counter[tuple[str, str, str]] = Counter()
    for item in parse_json(res.stdout, "check"):
        try:
            rel = Path(item["filename"]).resolve().relative_to(cwd.resolve()).as_posix()
        except ValueError:
            rel = item["filename"]
        problems[(rel, item.get("code") or "syntax", item.get("message", ""))] += 1
    return problems
