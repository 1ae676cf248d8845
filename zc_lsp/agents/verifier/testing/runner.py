"""Run pytest in its own process group, with a time limit, an output cap and live progress.

The run gets a new session so that a timeout or a cancellation can kill the whole group:
tests that spawn servers or sleep forever must not outlive the run. Output is read as it
streams, both to report progress and to keep memory bounded on chatty test suites.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zc_lsp.core import procs
from zc_lsp.core.cancel import CancelToken
from zc_lsp.core.child_env import scrub_env
from zc_lsp.core.interpreter import is_tool_python
from zc_lsp.core.sandbox import Limits, SandboxSpec, interpreter_dirs, limited_command, sandbox_command

log = logging.getLogger(__name__)

_PERCENT = re.compile(r"\[\s*(\d+)%\]\s*$")
_COUNT = re.compile(r"\[\s*(\d+)/(\d+)\]\s*$")
_OUTCOME_LINE = re.compile(r"^[.FEsxXp]+$")
KILL_GRACE_S = 2.0
OUTPUT_STOP_FACTOR = 16  # output past 16x the kept cap stops the run: endless output must not run to the timeout
# The user's own tests (trusted) run unsandboxed but bounded; no process limit, it would count the user's desktop.
TRUSTED_LIMITS = Limits(memory_bytes=8 << 30, processes=None, file_bytes=1 << 30, cpu_s=None, open_files=None)


@dataclass
class PytestRun:
    """What happened to one pytest process; `junit_xml` is None when it never wrote a report."""

    command: list[str]
    exit_code: int | None
    output: str
    truncated: bool
    timed_out: bool
    cancelled: bool
    ran: int
    total: int | None
    percent: int | None
    wall_s: float
    junit_xml: str | None
    pid: int

    def how_far(self) -> str:
        of_total = f" of {self.total}" if self.total else ""
        pct = f" ({self.percent}%)" if self.percent is not None else ""
        return f"{self.ran}{of_total} tests had run{pct} after {self.wall_s:.1f}s"


class _OutputTracker:
    """Keeps the first `cap` bytes and counts finished tests from pytest's progress output."""

    def __init__(self, cap: int, on_progress: Callable[[int, int | None, int | None], None]) -> None:
        self.cap = cap
        self.kept = bytearray()
        self.truncated = False
        self.seen_bytes = 0
        self.ran_done_lines = 0
        self.partial = ""
        self.ran = 0
        self.total: int | None = None
        self.percent: int | None = None
        self._on_progress = on_progress

    def feed(self, chunk: bytes) -> None:
        self.seen_bytes += len(chunk)
        room = self.cap - len(self.kept)
        if room > 0:
            self.kept += chunk[:room]
        if len(chunk) > max(room, 0):
            self.truncated = True
        text = self.partial + chunk.decode("utf-8", errors="replace")
        lines = text.split("\n")
        self.partial = lines.pop()
        before = (self.ran, self.percent)
        for line in lines:
            self._finish_line(line.rstrip("\r"))
        self._count_partial()
        if (self.ran, self.percent) != before:
            self._on_progress(self.ran, self.total, self.percent)

    def _finish_line(self, line: str) -> None:
        count = _COUNT.search(line)
        percent = _PERCENT.search(line)
        marker = count or percent
        head = line[: marker.start()].strip() if marker else line.strip()
        if count:
            self.ran_done_lines = int(count.group(1))
            self.total = int(count.group(2))
            self.percent = round(100 * self.ran_done_lines / max(self.total, 1))
        elif _OUTCOME_LINE.match(head):
            self.ran_done_lines += len(head)
        elif marker is not None and head.endswith(("PASSED", "FAILED", "ERROR", "SKIPPED", "XFAIL", "XPASS")):
            self.ran_done_lines += 1  # verbose output: one test per line
        if percent:
            self.percent = int(percent.group(1))
        self.ran = self.ran_done_lines

    def _count_partial(self) -> None:
        head = self.partial.strip()
        self.ran = self.ran_done_lines + (len(head) if _OUTCOME_LINE.match(head) else 0)

    def text(self) -> str:
        return self.kept.decode("utf-8", errors="replace")


async def kill_process_group(proc: asyncio.subprocess.Process, grace_s: float = KILL_GRACE_S) -> None:
    """SIGTERM the whole group, give it `grace_s`, then SIGKILL whatever is left."""
    pgid = proc.pid
    try:
        os.killpg(pgid, signal.SIGTERM)
    except ProcessLookupError:
        return
    except PermissionError as exc:
        log.warning("cannot signal process group %s: %s", pgid, exc)
        return
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(proc.wait(), grace_s)
    try:
        os.killpg(pgid, signal.SIGKILL)  # children that ignored SIGTERM, or outlived the leader
    except ProcessLookupError:
        log.debug("process group %s already gone", pgid)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(proc.wait(), grace_s)


def key_env_names(settings: Any) -> list[str]:
    """The variables config names as providers' API keys: scrubbed even when their names look harmless."""
    providers = settings.get("providers", {}) if hasattr(settings, "get") else {}
    if not isinstance(providers, dict):
        return []
    return [str(p["api_key_env"]) for p in providers.values() if isinstance(p, dict) and p.get("api_key_env")]


def build_command(
    python: str, junit_path: Path, targets: Sequence[str], extra_args: Sequence[str], keyword: str | None = None
) -> list[str]:
    cmd = [
        python,
        "-m",
        "pytest",
        f"--junitxml={junit_path}",
        "-q",
        "-p",
        "no:cacheprovider",
        "-o",
        "console_output_style=count",
        "--color=no",
        *extra_args,
    ]
    if keyword:
        cmd += ["-k", keyword]
    return cmd + ["--", *targets] if targets else cmd


async def run_pytest(
    root: Path,
    targets: Sequence[str],
    *,
    python: str,
    timeout_s: float,
    max_output_bytes: int,
    extra_args: Sequence[str] = (),
    keyword: str | None = None,
    env: dict[str, str] | None = None,
    progress: Callable[[int, int | None, int | None], None] | None = None,
    cancel: CancelToken | None = None,
    sandbox: SandboxSpec | None = None,
    scrub_names: Sequence[str] = (),
) -> PytestRun:
    """Run pytest once. Asyncio cancellation kills the group and re-raises; `cancel` kills and returns.

    With `sandbox` (model-written code) pytest runs inside it, `env` being the only variables it
    gets (scrubbed); raises SandboxUnavailable if none can start. Without, it runs with `env` (or the
    server's) less every credential (`scrub_names` adds config-named key variables) and with limits.
    """
    tmp = Path(tempfile.mkdtemp(prefix="zc-pytest-"))
    junit_path = tmp / "junit.xml"
    cmd = build_command(python, junit_path, targets, extra_args, keyword)
    fixed = {"PYTHONUNBUFFERED": "1", "PY_COLORS": "0", "PYTHONDONTWRITEBYTECODE": "1"}
    if is_tool_python(python):  # a project without an environment: the tool's pytest plug-ins stay out
        fixed["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    if sandbox is not None:
        spec = SandboxSpec(
            sandbox.scratch,
            writable=[*sandbox.writable, tmp],
            readable=[*sandbox.readable, *interpreter_dirs(python)],
            env={**(env or {}), **sandbox.env, **fixed},
            limits=sandbox.limits,
        )
        try:
            argv = await asyncio.to_thread(sandbox_command, cmd, spec)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        run_env = {}
    else:
        argv = limited_command(cmd, TRUSTED_LIMITS)
        run_env = {**scrub_env(os.environ if env is None else env, also=scrub_names), **fixed}
    tracker = _OutputTracker(max_output_bytes, progress or (lambda ran, total, pct: None))
    started = time.monotonic()
    proc = await asyncio.create_subprocess_exec(
        *argv,
        cwd=str(root),
        env=run_env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,
    )
    procs.REGISTRY.track(proc.pid)
    log.info("pytest pid %s%s: %s", proc.pid, " (sandboxed)" if sandbox else "", " ".join(cmd))

    async def pump() -> None:
        assert proc.stdout is not None
        while chunk := await proc.stdout.read(65536):
            tracker.feed(chunk)
        await proc.wait()

    pump_task = asyncio.create_task(pump())
    timed_out = cancelled = False
    try:
        deadline = started + timeout_s
        while not pump_task.done():
            if cancel is not None and cancel.cancelled:
                cancelled = True
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = True
                break
            if tracker.seen_bytes > OUTPUT_STOP_FACTOR * max_output_bytes:
                log.warning("pytest pid %s stopped: more than %d bytes of output", proc.pid, tracker.seen_bytes)
                break
            procs.REGISTRY.observe(proc.pid)
            if proc.returncode is not None:
                # pytest is done; a child it left behind may still hold the pipe open
                await asyncio.wait({pump_task}, timeout=min(1.0, remaining))
                break
            await asyncio.wait({pump_task}, timeout=min(0.1, remaining))
        if timed_out or cancelled:
            await kill_process_group(proc)
        else:
            await kill_process_group(proc, grace_s=0.5)  # leftovers a finished test forgot
        procs.REGISTRY.kill_group(proc.pid)  # and grandchildren that left the group with setsid
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(pump_task), KILL_GRACE_S)
    except asyncio.CancelledError:
        await asyncio.shield(kill_process_group(proc))
        procs.REGISTRY.kill_group(proc.pid)
        pump_task.cancel()
        shutil.rmtree(tmp, ignore_errors=True)
        log.info("pytest pid %s cancelled: %d tests had run", proc.pid, tracker.ran)
        raise
    finally:
        procs.REGISTRY.untrack(proc.pid)
    if not pump_task.done():
        pump_task.cancel()  # a daemon escaped the group and holds the pipe open
    junit_xml = None
    if junit_path.is_file() and not (timed_out or cancelled):
        junit_xml = await asyncio.to_thread(junit_path.read_text, encoding="utf-8", errors="replace")
    shutil.rmtree(tmp, ignore_errors=True)
    return PytestRun(
        command=cmd,
        exit_code=proc.returncode,
        output=tracker.text(),
        truncated=tracker.truncated or tracker.seen_bytes > OUTPUT_STOP_FACTOR * max_output_bytes,
        timed_out=timed_out,
        cancelled=cancelled,
        ran=tracker.ran,
        total=tracker.total,
        percent=tracker.percent,
        wall_s=time.monotonic() - started,
        junit_xml=junit_xml,
        pid=proc.pid,
    )
