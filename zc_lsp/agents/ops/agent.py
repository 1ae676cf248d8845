"""The Ops agent: the status snapshot and `doctor`, for people and for the status panel.

Run through the AgentRunner it reports what the status hub assembles (`ctx.status`); without one
(a bare context) it still answers with a minimal snapshot of this process, so `zc status` never fails.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import psutil

from zc_lsp import __version__
from zc_lsp.agents.base import AgentContext, AgentRequest, AgentResult, SpecAgent
from zc_lsp.agents.ops.doctor import render, run_doctor
from zc_lsp.agents.registry import AgentRegistry


def minimal_snapshot(ctx: AgentContext) -> dict[str, Any]:
    process = psutil.Process()
    with process.oneshot():
        uptime = time.time() - process.create_time()
        info = {
            "cpu_percent": round(process.cpu_percent(interval=None), 1),
            "rss_mb": round(process.memory_info().rss / 1_048_576, 1),
        }
    return {
        "version": __version__,
        "uptime_s": round(uptime, 1),
        "workspace": str(ctx.workspace_root),
        "trusted": ctx.trusted,
        "agents": [  # no runner here, so nothing has run: the installed agents, idle
            {"name": name, "tasks_done": 0, "tasks_failed": 0, "state": "idle", "last_error": None}
            for name in AgentRegistry.from_entry_points().names()
        ],
        "providers": [],
        "memory": {"path": None, "degraded": "no memory service in this context"},
        "process": info,
    }


def render_status(snap: dict[str, Any]) -> str:
    out = [f"**ZombieCoder {snap.get('version', '?')}**, up {snap.get('uptime_s', 0):.0f}s"]
    if snap.get("workspace"):
        out.append(f"Workspace `{snap['workspace']}` (trusted: {snap.get('trusted')})")
    agents = snap.get("agents") or []
    if agents:
        out += ["", "| agent | state | done | failed |", "|---|---|---|---|"]
        out += [
            f"| {a.get('name')} | {a.get('state')} | {a.get('tasks_done', 0)} | {a.get('tasks_failed', 0)} |"
            for a in agents
            if isinstance(a, dict)
        ]
    providers = snap.get("providers") or []
    if isinstance(providers, list) and providers:
        out += [
            "",
            "**Providers:** "
            + ", ".join(
                f"{p.get('name')} ({'healthy' if p.get('healthy') else 'down' if p.get('enabled') else 'off'})"
                for p in providers
                if isinstance(p, dict)
            ),
        ]
    else:
        out += ["", "**Providers:** none available; the offline engines answer"]
    memory = snap.get("memory") or {}
    if isinstance(memory, dict):
        degraded = f" (degraded: {memory['degraded']})" if memory.get("degraded") else ""
        out.append(f"**Memory:** `{memory.get('path')}`{degraded}")
    process = snap.get("process") or {}
    if isinstance(process, dict):
        out.append(f"**Process:** {process.get('cpu_percent')}% CPU, {process.get('rss_mb')} MB RSS")
    return "\n".join(out)


class OpsAgent(SpecAgent):
    name = "ops"
    spec_actions = ("status", "doctor", "probe")

    async def status(self, request: AgentRequest, ctx: AgentContext) -> AgentResult:
        if ctx.status is not None:
            snap = await asyncio.to_thread(ctx.status)
        else:
            snap = await asyncio.to_thread(minimal_snapshot, ctx)
        return AgentResult(
            ok=True,
            agent=self.name,
            action=request.action,
            summary=render_status(snap),
            data=snap,
            provider="offline",
            model="status",
        )

    async def doctor(self, request: AgentRequest, ctx: AgentContext) -> AgentResult:
        ctx.progress("running checks", None)
        report = await run_doctor(ctx)
        return AgentResult(
            ok=True,
            agent=self.name,
            action=request.action,
            summary=render(report),
            data=report,
            provider="offline",
            model="doctor",
        )

    async def probe(self, request: AgentRequest, ctx: AgentContext) -> AgentResult:
        """Time every configured model now; the router then prefers the fastest healthy one per role."""
        router = ctx.router
        if router is None:
            return AgentResult.failure(self.name, request.action, "There is no model router to probe; "
                                       "the offline engines answer.")
        ctx.progress("probing the configured models", None)
        rows = await router.probe()
        table = render_probe(rows)
        healthy = [r for r in rows if r.get("ok")]
        fastest = min(healthy, key=lambda r: r["latency_ms"]) if healthy else None
        head = (f"**Fastest healthy model:** {fastest['provider']}/{fastest['model']} ({fastest['latency_ms']} ms)"
                if fastest else "**No configured model answered the probe**; the offline engines answer.")
        return AgentResult(ok=True, agent=self.name, action=request.action, summary=f"{head}\n\n{table}",
                           data={"probes": rows, "fastest": fastest}, provider="offline", model="probe")


def render_probe(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "No model is configured for any enabled provider."
    out = ["| provider | model | result | latency |", "|---|---|---|---|"]
    for r in rows:
        result = "ok" if r.get("ok") else str(r.get("error") or "failed").replace("|", "/")
        latency = f"{r['latency_ms']} ms" if r.get("latency_ms") is not None else "-"
        out.append(f"| {r.get('provider')} | {r.get('model')} | {result} | {latency} |")
    return "\n".join(out)
