"""Run code that a model wrote inside an OS sandbox (bubblewrap), or not at all.

Why: a model that obeys an instruction injected into the workspace can write code that reads
~/.ssh, sends it out, or deletes the user's files; verifying its edit means running that code.
The sandbox sees only the system and interpreter directories (read-only) and a scratch copy of
the workspace (read-write); it has no network, a fake HOME, a scrubbed environment and limits
on memory, processes, file size and CPU. Where no sandbox can start, callers must not run the
code and say why (`SandboxUnavailable`). Stdlib and `core/child_env.py` only.

The environment scrub for every child (this one and the user's own, trusted test runs) is
`core/child_env.py`.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from zc_lsp.core.child_env import scrub_env

NOBODY = 65534  # the uid a root-run sandbox drops to, so RLIMIT_NPROC applies (root ignores it)
INNER_TMP = "/tmp"  # noqa: S108 - a fresh tmpfs inside the sandbox, not the host's /tmp
FAKE_HOME = f"{INNER_TMP}/home"
PROBE_TIMEOUT_S = 15.0
_KEEP_FROM_HOST = ("LANG", "LANGUAGE", "TZ")  # the only host variables a sandbox sees (plus LC_*)
_SYSTEM_RO = tuple(
    [
        "/usr",
        "/etc/alternatives",
        "/etc/ld.so.cache",
        "/etc/ld.so.conf",
        "/etc/ld.so.conf.d",
        "/etc/localtime",
        "/etc/ssl",
        "/etc/ca-certificates",
        "/etc/nsswitch.conf",
        "/etc/mime.types",
    ]
)
_TOP_LINKS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")

# Runs inside the sandbox before the real command: drop root, set the limits, exec.
_LAUNCHER = """
import json, os, resource, sys
cfg = json.loads(sys.argv[1])
if cfg["uid"] is not None:
    os.setgroups([]); os.setgid(cfg["uid"]); os.setuid(cfg["uid"])
for name, value in cfg["limits"].items():
    resource.setrlimit(getattr(resource, name), (value, value))
os.execvp(sys.argv[2], sys.argv[2:])
"""


class SandboxUnavailable(RuntimeError):
    """No sandbox can start on this machine; the message says why, for the user."""


@dataclass(frozen=True)
class Limits:
    """Per-process rlimits (memory is address space, so it bounds one process); None leaves one as is."""

    memory_bytes: int | None = 4 << 30
    processes: int | None = 256
    file_bytes: int | None = 256 << 20
    cpu_s: int | None = 600
    open_files: int | None = 1024

    def as_rlimits(self) -> dict[str, int]:
        named = {
            "RLIMIT_AS": self.memory_bytes,
            "RLIMIT_NPROC": self.processes,
            "RLIMIT_FSIZE": self.file_bytes,
            "RLIMIT_CPU": self.cpu_s,
            "RLIMIT_NOFILE": self.open_files,
            "RLIMIT_CORE": 0,
        }
        return {name: value for name, value in named.items() if value is not None}


@dataclass(frozen=True)
class SandboxSpec:
    """What one sandboxed command may see: `scratch` (read-write, the cwd) and little else."""

    scratch: Path
    writable: Sequence[Path] = ()  # more read-write dirs (e.g. where pytest writes its report)
    readable: Sequence[Path] = ()  # more read-only dirs (the interpreter's, see interpreter_dirs)
    env: Mapping[str, str] = field(default_factory=dict)  # set inside, after scrubbing
    limits: Limits = field(default_factory=Limits)


@dataclass(frozen=True)
class SandboxStatus:
    available: bool
    kind: str  # "bwrap" or "none"
    reason: str  # why it is unavailable; empty when available


@dataclass(frozen=True)
class SandboxRun:
    exit_code: int | None
    output: str
    truncated: bool
    timed_out: bool
    wall_s: float


def _dropping_root() -> bool:
    return os.geteuid() == 0


def interpreter_dirs(python: str) -> list[Path]:
    """Directories `python` needs to start: its install prefix and, for a venv, the venv and its base."""
    dirs: list[Path] = []
    exe = Path(python)
    venv = exe.parent.parent
    if (venv / "pyvenv.cfg").is_file():
        dirs.append(venv)
        for line in (venv / "pyvenv.cfg").read_text(encoding="utf-8", errors="replace").splitlines():
            key, _, value = line.partition("=")
            if key.strip() == "home" and value.strip():
                dirs.append(Path(value.strip()).parent)
    dirs.append(Path(os.path.realpath(exe)).parent.parent)
    dirs += [Path(sys.base_prefix), Path(sys.prefix)]  # the launcher runs on the server's interpreter
    unique: list[Path] = []
    for d in dirs:
        if d not in unique and str(d) not in ("/", ""):
            unique.append(d)
    return unique


def _parents(path: Path) -> list[Path]:
    return [p for p in reversed(path.parents) if str(p) != "/"]


def _bwrap_args(spec: SandboxSpec, uid: int | None) -> list[str]:
    args = ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    args += ["--die-with-parent", "--new-session", "--hostname", "sandbox"]
    if uid is None:
        args.append("--unshare-user")
    else:
        args += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]  # for the launcher's drop to nobody
    for top in _TOP_LINKS:
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    made: set[Path] = set()

    def bind(kind: str, path: Path) -> None:
        for parent in _parents(path):
            if parent not in made:
                made.add(parent)
                args.extend(["--perms", "0755", "--dir", str(parent)])
        args.extend([kind, str(path), str(path)])

    for path in _SYSTEM_RO:
        if os.path.exists(path):
            args += ["--ro-bind", path, path]
    args += ["--proc", "/proc", "--dev", "/dev", "--perms", "01777", "--tmpfs", INNER_TMP]
    args += ["--perms", "01777", "--dir", FAKE_HOME]
    made.add(Path(INNER_TMP))
    for path in spec.readable:
        if path.exists():
            bind("--ro-bind", path)
    for path in (spec.scratch, *spec.writable):
        bind("--bind", path)
    return [*args, "--chdir", str(spec.scratch)]


def _env_args(spec: SandboxSpec) -> list[str]:
    inside = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": FAKE_HOME, "TMPDIR": INNER_TMP, "USER": "sandbox"}
    inside.update({"LOGNAME": "sandbox", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONNOUSERSITE": "1"})
    inside.update({k: v for k, v in os.environ.items() if k in _KEEP_FROM_HOST or k.startswith("LC_")})
    inside.update(scrub_env(spec.env))
    args = ["--clearenv"]
    for name, value in inside.items():
        args += ["--setenv", name, value]
    return args


def _chown_tree(root: Path, uid: int) -> None:
    for dirpath, dirnames, filenames in os.walk(root):
        os.chown(dirpath, uid, uid, follow_symlinks=False)
        for name in (*dirnames, *filenames):
            os.chown(os.path.join(dirpath, name), uid, uid, follow_symlinks=False)


def sandbox_command(argv: Sequence[str], spec: SandboxSpec) -> list[str]:
    """The full command line that runs `argv` in the sandbox described by `spec`.

    Raises SandboxUnavailable when the probe found no working sandbox. When the server runs as
    root the writable dirs are handed to `nobody`, because the sandboxed code runs as that user.
    """
    status = sandbox_status()
    if not status.available:
        raise SandboxUnavailable(status.reason)
    return _build(argv, spec)


def _build(argv: Sequence[str], spec: SandboxSpec) -> list[str]:
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable("bubblewrap (bwrap) is not installed")
    uid = NOBODY if _dropping_root() else None
    if uid is not None:
        for path in (spec.scratch, *spec.writable):
            _chown_tree(path, uid)
    readable = [*spec.readable, *(d for d in interpreter_dirs(sys.executable) if d not in spec.readable)]
    full = SandboxSpec(spec.scratch, spec.writable, readable, spec.env, spec.limits)
    return [bwrap, *_bwrap_args(full, uid), *_env_args(full), "--", *_launcher(argv, full.limits, uid)]


def _launcher(argv: Sequence[str], limits: Limits, uid: int | None) -> list[str]:
    config = json.dumps({"uid": uid, "limits": limits.as_rlimits()})
    return [sys.executable, "-I", "-S", "-c", _LAUNCHER, config, *argv]


def limited_command(argv: Sequence[str], limits: Limits) -> list[str]:
    """`argv` with rlimits but no sandbox: for the user's own, trusted test runs.

    The limits are set by a tiny launcher that then execs `argv`, not by preexec_fn, which is
    unsafe in a process with threads (the server has several).
    """
    return _launcher(argv, limits, None)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    except PermissionError:
        proc.kill()


def run(
    argv: Sequence[str], spec: SandboxSpec, *, timeout_s: float = 60.0, max_output_bytes: int = 1 << 20
) -> SandboxRun:
    """Run `argv` in the sandbox to completion (blocking): stdout+stderr capped, wall clock bounded.

    Output past the cap stops the run (endless output must not keep it busy); so does the timeout.
    """
    cmd = sandbox_command(argv, spec)
    started = time.monotonic()
    proc = subprocess.Popen(
        cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    assert proc.stdout is not None
    kept = bytearray()
    truncated = timed_out = False
    fd = proc.stdout.fileno()
    try:
        while True:
            remaining = started + timeout_s - time.monotonic()
            if remaining <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([fd], [], [], min(remaining, 0.2))
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            kept += chunk
            if len(kept) > max_output_bytes:
                truncated = True
                del kept[max_output_bytes:]
                break
    finally:
        if timed_out or truncated or proc.poll() is None:
            _kill_group(proc)
        proc.stdout.close()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            proc.wait()
    return SandboxRun(
        exit_code=None if timed_out else proc.returncode,
        output=kept.decode("utf-8", errors="replace"),
        truncated=truncated,
        timed_out=timed_out,
        wall_s=time.monotonic() - started,
    )


_status: SandboxStatus | None = None
_status_lock = threading.Lock()


def _probe() -> SandboxStatus:
    if shutil.which("bwrap") is None:
        return SandboxStatus(False, "none", "bubblewrap (bwrap) is not installed; install Debian's `bubblewrap`")
    scratch = Path(tempfile.mkdtemp(prefix="zc-sandbox-probe-"))
    try:
        spec = SandboxSpec(scratch, limits=Limits(cpu_s=10))
        cmd = _build([sys.executable, "-I", "-c", "import socket, sys; sys.exit(0)"], spec)
        done = subprocess.run(
            cmd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=PROBE_TIMEOUT_S,
            start_new_session=True,
            check=False,
        )
    except (OSError, subprocess.SubprocessError, SandboxUnavailable) as exc:
        return SandboxStatus(False, "none", f"bubblewrap cannot start here: {exc}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
        why = lines[-1] if lines else f"exit code {done.returncode}"
        return SandboxStatus(False, "none", f"bubblewrap cannot start here ({why}); user namespaces may be blocked")
    return SandboxStatus(True, "bwrap", "")


def sandbox_status(refresh: bool = False) -> SandboxStatus:
    """Whether a sandbox can start on this machine; probed once and cached (it is a fact of the host)."""
    global _status
    with _status_lock:
        if _status is None or refresh:
            _status = _probe()
        return _status


def not_verified_reason() -> str | None:
    """The "not verified: sandbox unavailable: <why>" note when model code cannot run here, else None."""
    status = sandbox_status()
    return None if status.available else f"not verified: sandbox unavailable: {status.reason}"
