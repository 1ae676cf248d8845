"""`zc doctor`: the checks a user runs when something does not work, each with a fix hint.

Every probe is a subprocess, a socket or a temp file, all async, and each check is independent,
so one broken tool never hides the state of the others. Providers and speech are advisory:
the server works offline without them, so they do not make the whole report fail.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from zc_lsp.agents.base import AgentContext
from zc_lsp.agents.verifier.testing.discovery import project_interpreter
from zc_lsp.agents.verifier.testing.runner import TRUSTED_LIMITS
from zc_lsp.core.child_env import scrub_env
from zc_lsp.core.sandbox import limited_command

Which = Callable[..., str | None]
MIN_PYTHON = (3, 11)
TOOL_TIMEOUT_S = 20.0


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    hint: str = ""
    required: bool = True

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


async def _version(
    cmd: list[str], env: Mapping[str, str] | None = None, cwd: str | None = None
) -> tuple[bool, str]:
    """(exit code 0, first line of output) of `cmd --version`-style probes."""
    try:
        proc = await asyncio.create_subprocess_exec(
            *cmd,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            stdin=asyncio.subprocess.DEVNULL,
            env=dict(env) if env is not None else None,
            cwd=cwd,
        )
    except OSError as exc:
        return False, f"cannot start {cmd[0]}: {exc}"
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), TOOL_TIMEOUT_S)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        return False, f"`{' '.join(cmd)}` did not answer within {TOOL_TIMEOUT_S:.0f}s"
    text = out.decode(errors="replace").strip()
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return proc.returncode == 0, (lines[0] if proc.returncode == 0 else (lines[-1] if lines else ""))[:200]


def find_tool(name: str, which: Which, env: Mapping[str, str]) -> str | None:
    """A tool on PATH or next to this interpreter (a venv's bin folder is often not on PATH)."""
    search = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return which(name, path=search)


async def check_tool(name: str, which: Which, env: Mapping[str, str], hint: str) -> Check:
    path = find_tool(name, which, env)
    if path is None:
        return Check(name, False, f"`{name}` was not found on PATH", hint)
    ok, detail = await _version([path, "--version"])
    return Check(name, ok, f"{detail} ({path})" if ok else f"`{path} --version` failed: {detail}", "" if ok else hint)


async def check_pytest(root: Path, env: Mapping[str, str], trusted: bool | None = None, settings: Any = None) -> Check:
    """pytest in the interpreter that runs the tests; a workspace's own `.venv` runs only if trusted.

    The probe runs isolated (-I) from an empty folder, without credentials and with limits, so
    neither a `pytest.py` in the workspace nor its site hooks can run through it.
    """
    interp = project_interpreter(root, settings)
    python = interp.path
    if not interp.is_tool_python and trusted is not True:
        detail = f"not checked: the workspace is not trusted, so its interpreter {interp.describe()} is not run"
        return Check("pytest", True, detail, "trust the workspace to check its interpreter", False)
    probe_env = {**scrub_env(env), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}  # plugins make `--version` slow
    with tempfile.TemporaryDirectory(prefix="zc-doctor-") as empty:
        argv = limited_command([python, "-I", "-m", "pytest", "--version"], TRUSTED_LIMITS)
        ok, detail = await _version(argv, probe_env, cwd=empty)
    hint = f"install pytest into the interpreter that runs the tests: `{python} -m pip install pytest`"
    return Check(
        "pytest", ok, f"{detail} with {interp.describe()}" if ok else f"{interp.describe()} -m pytest: {detail or 'failed'}",
        "" if ok else hint,
    )


def check_python(version: tuple[int, ...] = tuple(sys.version_info[:3])) -> Check:
    shown = ".".join(map(str, version))
    ok = version[:2] >= MIN_PYTHON
    return Check(
        "python",
        ok,
        f"Python {shown} ({sys.executable})",
        "" if ok else f"ZombieCoder needs Python {'.'.join(map(str, MIN_PYTHON))} or newer",
    )


def _probe_write(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".zc-doctor-", delete=True) as fh:
        fh.write(b"ok")
        fh.flush()


def data_dir(ctx: AgentContext) -> Path:
    if ctx.data_dir is not None:
        return ctx.data_dir
    from zc_lsp.memory.workspace import resolve_data_dir

    return resolve_data_dir(ctx.workspace_root, ctx.settings)


async def check_data_dir(ctx: AgentContext) -> Check:
    try:
        folder = await asyncio.to_thread(data_dir, ctx)
        await asyncio.to_thread(_probe_write, folder)
    except (OSError, ValueError) as exc:
        return Check(
            "data dir",
            False,
            f"not writable: {exc}",
            "set `memory.path` to a writable folder, or free disk space / fix permissions",
        )
    return Check("data dir", True, f"{folder} is writable")


def check_config(ctx: AgentContext) -> Check:
    issues = list(getattr(ctx.settings, "issues", []))
    if not issues:
        sources = getattr(ctx.settings, "sources", [])
        return Check("config", True, f"valid ({len(sources)} layer(s))")
    listed = "; ".join(str(issue) for issue in issues[:10])
    return Check(
        "config",
        False,
        f"{len(issues)} problem(s): {listed}",
        "fix these keys in the files named; their defaults are used until then",
    )


def check_agents(ctx: AgentContext) -> Check:
    """The agents found through the `zombiecoder.agents` entry points, and any plug-in that was skipped."""
    snap = ctx.status() if ctx.status is not None else {}
    found = [str(a.get("name")) for a in snap.get("agent_plugins") or [] if isinstance(a, dict)]
    problems = [str(p) for p in snap.get("problems") or [] if "agent" in str(p)]
    if not found and not problems:
        return Check("agents", True, "not listed in this context", required=False)
    detail = f"{len(found)} agent(s): {', '.join(found)}" + (f"; {'; '.join(problems)}" if problems else "")
    hint = "fix or uninstall the plug-in named; the other agents work meanwhile" if problems else ""
    return Check("agents", not problems, detail, hint, required=False)


def _ollama_address(ctx: AgentContext, env: Mapping[str, str]) -> tuple[str, int]:
    raw = ctx.settings.get("providers.ollama.host") or env.get("OLLAMA_HOST") or "127.0.0.1:11434"
    parts = urlsplit(raw if "://" in raw else f"http://{raw}")
    host = parts.hostname or "127.0.0.1"
    if host in ("0.0.0.0", "::"):  # noqa: S104 - a listen-everywhere address is reached on loopback
        host = "127.0.0.1"
    try:
        port = parts.port or 11434
    except ValueError:
        port = 11434
    return host, port


async def check_providers(ctx: AgentContext, env: Mapping[str, str]) -> Check:
    hint = (
        "start Ollama (`ollama serve`), or set OPENAI_API_KEY / ANTHROPIC_API_KEY and "
        "`privacy.allow_cloud: true`; the offline engines work meanwhile"
    )
    router = ctx.router
    if router is not None:
        try:
            models = await asyncio.wait_for(router.list_models(), 15)
        except Exception as exc:  # any provider failure is the finding itself, not a crash of doctor
            return Check("providers", False, f"could not ask the providers: {type(exc).__name__}: {exc}", hint, False)
        parts = [
            f"{name}: {_model_list(found)}" if isinstance(found, list) else f"{name}: {found}"
            for name, found in models.items()
        ]
        ok = any(isinstance(found, list) and found for found in models.values())
        return Check("providers", ok, "; ".join(parts) or "none configured", "" if ok else hint, False)
    host, port = _ollama_address(ctx, env)
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 0.5)
        writer.close()
        ollama = f"ollama reachable at {host}:{port}"
        reachable = True
    except (OSError, TimeoutError) as exc:
        ollama = f"ollama not reachable at {host}:{port} ({type(exc).__name__})"
        reachable = False
    keys = [name for name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY") if env.get(name)]
    detail = ollama + "; " + (f"keys set: {', '.join(keys)}" if keys else "no cloud API keys set")
    ok = reachable or bool(keys)
    return Check("providers", ok, detail, "" if ok else hint, False)


def _model_list(found: list[str], shown: int = 8) -> str:
    """The models a provider reports, by name: what users need to pick `providers.<name>.models`."""
    if not found:
        return "reachable, but it reports no models"
    more = f" and {len(found) - shown} more" if len(found) > shown else ""
    return f"{len(found)} model(s): " + ", ".join(found[:shown]) + more


def check_speech(which: Which, env: Mapping[str, str]) -> Check:
    gtts = importlib.util.find_spec("gtts") is not None
    espeak = find_tool("espeak-ng", which, env) or find_tool("espeak", which, env)
    found = [name for name, present in (("gTTS", gtts), ("espeak-ng", bool(espeak))) if present]
    ok = bool(found)
    detail = ("available: " + ", ".join(found)) if ok else "neither gTTS nor espeak-ng is available"
    return Check(
        "speech",
        ok,
        detail + ("" if espeak else "; espeak-ng missing (offline speech)"),
        "" if espeak else "`apt install espeak-ng` for offline speech (gTTS needs internet)",
        False,
    )


async def run_doctor(
    ctx: AgentContext, *, which: Which = shutil.which, env: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """{ok, checks: [{name, ok, detail, hint, required}]}; ok means every required check passed."""
    env = dict(os.environ if env is None else env)
    results = await asyncio.gather(
        check_tool("ruff", which, env, "pip install ruff (it comes with zombiecoder)"),
        check_tool("bandit", which, env, "pip install bandit (it comes with zombiecoder)"),
        check_pytest(ctx.workspace_root, env, ctx.trusted, ctx.settings),
        check_data_dir(ctx),
        check_providers(ctx, env),
    )
    checks = [check_python(), *results[:3], results[3], check_config(ctx), results[4], check_speech(which, env)]
    agents = check_agents(ctx)
    if not agents.ok:  # a skipped plug-in: shown only when there is one (the usual report stays as it was)
        checks.append(agents)
    return {"ok": all(c.ok for c in checks if c.required), "checks": [c.as_dict() for c in checks]}


def render(report: dict[str, Any]) -> str:
    head = "**All required checks passed.**" if report["ok"] else "**Some required checks failed.**"
    rows = ["| check | result | detail | fix |", "|---|---|---|---|"]
    for c in report["checks"]:
        mark = "pass" if c["ok"] else ("FAIL" if c.get("required", True) else "warn")
        cell = str(c["detail"]).replace("|", "\\|")
        rows.append(f"| {c['name']} | {mark} | {cell} | {str(c.get('hint') or '').replace('|', '/')} |")
    return head + "\n\n" + "\n".join(rows)
