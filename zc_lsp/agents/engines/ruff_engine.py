"""ruff as an engine: lint (with its own fix edits), fix-all, format, and rule docs.

The text is fed on stdin with `--stdin-filename` so unsaved buffers are checked, and ruff runs
with cwd = workspace root so the workspace's own ruff config (per-file ignores, excludes, line
length, target version) applies. Our rules come from settings and are *added* (`--extend-select`):
security rules are part of what the product promises even when a project's config selects fewer,
and the project's own selection still holds. A review never writes: `--no-fix` always.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import stat
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from zc_lsp.agents.engines.proc import ToolError, run_process
from zc_lsp.core.files import read_text_bounded
from zc_lsp.core.types import Finding, Severity, Span, TextEdit

log = logging.getLogger(__name__)
SYNTAX_CODE = "invalid-syntax"
_ERROR_CODES = re.compile(r"^(E9\d\d|F63\d|F7\d\d|F82[123]|PLE\d+)$")
_WARNING_PREFIXES = ("S", "F", "B", "E7", "PLW", "ASYNC")


@cache
def ruff_command() -> tuple[str, ...]:
    """The ruff binary shipped with the `ruff` wheel, else `python -m ruff`."""
    try:
        from ruff import find_ruff_bin

        return (str(find_ruff_bin()),)
    except (ImportError, FileNotFoundError, TypeError) as exc:
        # TypeError: sysconfig seen half-initialised by another thread (a CPython race); `-m ruff`
        # finds the same binary without it.
        log.debug("ruff binary not found (%s); using python -m ruff", exc)
        return (sys.executable, "-P", "-m", "ruff")  # -P: no module of the reviewed folder (cwd) is imported


def ruff_env() -> dict[str, str]:
    """The environment ruff runs in: ours, with its allocator (jemalloc) asked for transparent huge pages.

    A lint run is one short process that faults in its whole heap; with huge pages (where the kernel
    offers them on request, as with the common `madvise` setting) ruff on a 6,400-line file took 7.7 ms
    instead of 9.2 (bench/review_bench.py's file). A value the user set is kept; another allocator ignores it.
    """
    return {"_RJEM_MALLOC_CONF": "thp:always,metadata_thp:always", **os.environ}


def severity_for(code: str) -> Severity:
    """Syntax and runtime-breaking rules are errors; security and likely bugs warnings; style info."""
    if code == SYNTAX_CODE or _ERROR_CODES.match(code):
        return "error"
    if code.startswith(_WARNING_PREFIXES):
        return "warning"
    return "info"


def _span(loc: dict[str, int], end: dict[str, int]) -> Span:
    # ruff: 1-based rows, 1-based columns counted in characters -> our 0-based spans.
    return Span(loc["row"] - 1, loc["column"] - 1, end["row"] - 1, end["column"] - 1)


def finding_from_ruff(item: dict[str, Any]) -> Finding:
    """Convert one entry of `ruff check --output-format json` into a Finding."""
    code = item.get("code") or SYNTAX_CODE
    fix = item.get("fix") or None
    edits: list[TextEdit] | None = None
    title: str | None = None
    applicability = None
    if fix and fix.get("applicability") in ("safe", "unsafe") and fix.get("edits"):
        applicability = fix["applicability"]
        edits = [TextEdit(_span(e["location"], e["end_location"]), e.get("content") or "") for e in fix["edits"]]
        title = fix.get("message") or f"Fix {code}"
        if applicability == "unsafe":
            title += " (unsafe fix: may change behaviour)"
    message = item.get("message", "")
    if code == SYNTAX_CODE:
        message = f"Syntax error: {message}"
    return Finding(
        span=_span(item["location"], item["end_location"]),
        severity=severity_for(code),
        code=code,
        message=message,
        url=item.get("url"),
        fix=edits,
        fix_title=title,
        engine="ruff",
        data={"name": item.get("name"), "applicability": applicability},
    )


@dataclass(frozen=True)
class RuffOptions:
    """What every ruff run needs: where, which rules, how long."""

    root: Path
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    test_ignore: tuple[str, ...] = ()  # rules that make no sense in tests (assert, magic numbers)
    timeout_s: float = 60.0
    base_select: tuple[str, ...] = ()  # the selection used when no ruff config of the project's own applies


_CONFIG_NAMES = (".ruff.toml", "ruff.toml")


def _names_ruff_config(folder: Path) -> bool:
    if any((folder / name).is_file() for name in _CONFIG_NAMES):
        return True
    pyproject = folder / "pyproject.toml"
    try:
        return pyproject.exists() and "[tool.ruff" in read_text_bounded(pyproject, 4_000_000, errors="replace")
    except OSError as exc:  # UnreadableFile included: a FIFO or /dev/zero behind the name
        log.info("cannot read %s (%s): taken as a ruff config", pyproject, exc)
        return True


def has_own_ruff_config(root: Path) -> bool:
    """Whether ruff would find a config for files under `root`: the project's, an ancestor's or the
    user's (`~/.config/ruff`). Only then does the project's selection stand on its own; otherwise
    ruff's bare defaults (E4, E7, E9, F) would hide `== None`, bare `except:` or trailing spaces."""
    if any(_names_ruff_config(folder) for folder in (root, *root.parents)):
        return True
    user = user_ruff_config()
    return _names_ruff_config(user) or (user / "pyproject.toml").is_file()


def user_ruff_config() -> Path:
    """The folder of the user's own ruff config (`~/.config/ruff`), which ruff falls back to."""
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "ruff"


READ_ONLY_ARGS = ("--no-fix", "--no-unsafe-fixes", "--output-format", "json", "--force-exclude")
_MAX_CONFIG_BYTES = 4_000_000
_warned: set[str] = set()


def unusable_ruff_config(root: Path) -> str | None:
    """Why ruff must not read the config files it would find for `root`, else None.

    ruff reads them without a bound: a clone's `pyproject.toml -> /dev/zero` (git stores symlinks)
    made it allocate until the machine ran out, and a FIFO would block it. Such a project is
    checked with `--isolated` (our rules only) and the reason is logged.
    """
    for folder in (root, *root.parents):
        for name in (*_CONFIG_NAMES, "pyproject.toml"):
            path = folder / name
            try:
                info = path.stat()
            except FileNotFoundError:
                continue
            except OSError as exc:  # a symlink loop, no permission
                return f"{path} cannot be read ({exc.strerror or exc})"
            if not stat.S_ISREG(info.st_mode):
                return f"{path} is not a regular file"
            if info.st_size > _MAX_CONFIG_BYTES:
                return f"{path} is larger than {_MAX_CONFIG_BYTES:,} bytes"
    return None


TEST_FILE_PATTERNS = ("tests/**/*.py", "**/test_*.py", "**/*_test.py", "**/conftest.py")  # where test_ignore applies


def may_be_test_file(path: Path) -> bool:
    """False only when no pattern of TEST_FILE_PATTERNS can match `path`, however ruff anchors them:
    no folder named `tests` anywhere above it and a name that is not test_*, *_test.py or conftest.py.
    The reviews apply `test_ignore` to bandit's findings on the same files."""
    name = path.name
    return "tests" in path.parts[:-1] or name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"


def rule_args(opts: RuffOptions, only_for: Path | None = None) -> list[str]:
    """ruff's arguments for `opts`; `only_for`: the one file this run checks (the test-file
    exceptions are left out when it cannot be a test file: ruff compiles each glob, ~0.6 ms a run)."""
    # Read-only and additive: never apply fixes (a project's `fix = true` / `unsafe-fixes = true`
    # must not turn a review into an edit), JSON whatever `output-format` the project sets, our
    # rules added to the project's selection (not replacing it), its excludes kept for stdin too.
    args: list[str] = [*READ_ONLY_ARGS]
    unusable = unusable_ruff_config(opts.root)
    if unusable:
        if unusable not in _warned:
            _warned.add(unusable)
            log.warning("%s: ruff runs without the project's config (--isolated)", unusable)
        args.append("--isolated")
    if opts.base_select and (unusable or not has_own_ruff_config(opts.root)):
        args += ["--select", ",".join(opts.base_select)]
    if opts.select:
        args += ["--extend-select", ",".join(opts.select)]
    if opts.ignore:
        args += ["--ignore", ",".join(opts.ignore)]
    if opts.test_ignore and (only_for is None or may_be_test_file(only_for)):
        pairs = [f"{pattern}:{rule}" for pattern in TEST_FILE_PATTERNS for rule in opts.test_ignore]
        args += ["--extend-per-file-ignores", ",".join(pairs)]
    return args


def parse_json(raw: bytes, what: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(raw.decode("utf-8") or "[]")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ToolError(f"ruff {what} printed output that is not JSON: {exc}") from exc
    if not isinstance(data, list):
        raise ToolError(f"ruff {what} printed unexpected JSON")
    return data


def check_returncode(rc: int, stderr: bytes, what: str) -> None:
    # ruff: 0 clean, 1 findings, 2 = it could not run (bad config, bad arguments).
    if rc not in (0, 1):
        detail = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()]
        text = " ".join(line for line in detail[:4] if line)
        raise ToolError(f"ruff {what} failed: {text or f'exit code {rc}'}")


async def ruff_check(
    text: str,
    filename: Path,
    opts: RuffOptions,
    started: asyncio.Event | None = None,
    warm_for: str | None = None,
) -> list[Finding]:
    """Lint unsaved text; syntax errors come back as `invalid-syntax` findings. `started`: see run_process.

    `warm_for` (the editor's document uri): the run may use the ruff process left waiting after the
    last run of the same command, and leaves one waiting for the next (agents/engines/warm_process.py)."""
    args = [*ruff_command(), "check", "--no-cache", *rule_args(opts, filename), "--stdin-filename", str(filename), "-"]
    data = text.encode("utf-8")
    res = None
    if warm_for is not None:
        from zc_lsp.agents.engines import warm_process as warm

        # A waiting ruff runs without the huge-page request: it would hold ~4.8 MB more while it
        # waits (16.0 against 11.2 MB) to lint ~1.4 ms faster.
        folders = (*(filename.parent, *filename.parent.parents), user_ruff_config())
        launch = warm.Launch(tuple(args), opts.root, dict(os.environ), folders, _pipe_size(len(data)), warm_for)
        entry = warm.POOL.take(launch.key, warm.fingerprint(folders), len(data))
        if entry is not None:
            if started is not None:
                started.set()
            with contextlib.suppress(BrokenPipeError):  # it died waiting: a fresh run below
                res = await warm.POOL.run(entry, data, opts.timeout_s)
    if res is None:
        res = await run_process(
            args, stdin=data, cwd=opts.root, timeout_s=opts.timeout_s, env=ruff_env(), started=started
        )
    check_returncode(res.returncode, res.stderr, "check")
    if warm_for is not None:  # not after a failed run: a broken config would fail it again
        warm.POOL.start_later(launch)
    return [finding_from_ruff(item) for item in parse_json(res.stdout, "check")]


def _pipe_size(size: int) -> int:
    """Room for the next version of a text of `size` bytes (typing makes it grow)."""
    return max(65536, size + size // 4)


async def ruff_fix(text: str, filename: Path, opts: RuffOptions) -> tuple[str, list[Finding]]:
    """Apply ruff's safe fixes; returns the fixed text and the findings that remain."""
    args = [
        *ruff_command(),
        "check",
        "--fix",
        "--exit-zero",
        "--output-format",
        "json",
        "--no-cache",
    ]
    args += [*rule_args(opts, filename)[len(READ_ONLY_ARGS) :], "--no-unsafe-fixes", "--force-exclude"]
    args += ["--stdin-filename", str(filename), "-"]
    res = await run_process(args, stdin=text.encode("utf-8"), cwd=opts.root, timeout_s=opts.timeout_s, env=ruff_env())
    check_returncode(res.returncode, res.stderr, "check --fix")
    # With --fix on stdin, ruff prints the fixed source on stdout and the remaining findings
    # (our JSON) on stderr.
    remaining = [finding_from_ruff(i) for i in parse_json(res.stderr, "check --fix")]
    return res.stdout.decode("utf-8"), remaining


async def ruff_format(text: str, filename: Path, opts: RuffOptions) -> str:
    """Format unsaved text with the workspace's formatter settings."""
    args = [*ruff_command(), "format", "--no-cache", "--stdin-filename", str(filename), "-"]
    res = await run_process(args, stdin=text.encode("utf-8"), cwd=opts.root, timeout_s=opts.timeout_s, env=ruff_env())
    if res.returncode != 0:
        detail = res.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ToolError(f"ruff format failed: {' '.join(detail[:3]) or res.returncode}")
    return res.stdout.decode("utf-8")


_RULE_CODE = re.compile(r"^[A-Z]{1,6}\d{1,4}$")


async def ruff_rule_doc(code: str, timeout_s: float = 20.0) -> str | None:
    """The rule's own documentation (`ruff rule CODE`), or None when ruff has no such rule."""
    if not _RULE_CODE.match(code):
        return None
    res = await run_process([*ruff_command(), "rule", code], timeout_s=timeout_s)
    if res.returncode != 0:
        return None
    return res.stdout.decode("utf-8", "replace").strip() or None
