"""`zc status --watch`: the status snapshot, redrawn live in a terminal (a rich status screen).

`render` is a pure function of the snapshot (tested on its own); `watch` only loops, clears the
screen and redraws, and leaves cleanly on Ctrl-C. Missing sections are skipped: a snapshot from
an older server still renders.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

CLEAR = "\x1b[H\x1b[2J"
HIDE, SHOW = "\x1b[?25l", "\x1b[?25h"
COLOURS = {"info": "36", "warning": "33", "error": "31", "critical": "1;31", "ok": "32"}
SPARK = "▁▂▃▄▅▆▇█"


def _c(text: str, colour: str, enabled: bool) -> str:
    code = COLOURS.get(colour, colour)
    return f"\x1b[{code}m{text}\x1b[0m" if enabled else text


def sparkline(points: list[Any], width: int = 30) -> str:
    values = [float(p[1]) for p in points[-width:] if isinstance(p, (list, tuple)) and len(p) > 1]
    if not values:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    return "".join(SPARK[int((v - low) / span * (len(SPARK) - 1))] for v in values)


def render(snap: dict[str, Any], colour: bool = True) -> str:
    out: list[str] = []
    head = f"ZombieCoder {snap.get('version', '?')}  up {snap.get('uptime_s', 0):.0f}s"
    if snap.get("workspace"):
        head += f"  {snap['workspace']}"
    out.append(_c(head, "1", colour))
    proc = snap.get("process") or {}
    if proc:
        out.append(f"process  cpu {proc.get('cpu_percent', 0)}%  rss {proc.get('rss_mb', 0)} MB")
    for agent in snap.get("agents") or []:
        state = agent.get("state", "?")
        out.append(f"agent    {agent.get('name', '?'):<15} {_c(state, 'ok' if state != 'error' else 'error', colour)}"
                   f"  done {agent.get('tasks_done', 0)} failed {agent.get('tasks_failed', 0)}")
    for p in snap.get("providers") or []:
        healthy = p.get("healthy")
        health = "disabled" if p.get("enabled") is False else {True: "healthy", False: "down"}.get(healthy, "unknown")
        tone = "ok" if health == "healthy" else "error" if health == "down" else "warning"
        out.append(f"provider {p.get('name', '?'):<15} {_c(health, tone, colour)}"
                   f"  breaker {p.get('breaker', '-')}  p50 {p.get('latency_p50_ms') or '-'} ms")
    for folder in snap.get("folders") or []:
        if isinstance(folder, dict) and len(snap.get("folders") or []) > 1:
            trust = {True: "trusted", False: "untrusted"}.get(folder.get("trusted"), "trust unknown")
            out.append(f"folder   {folder.get('root', '?')}  {trust}")
    findings = snap.get("findings")
    if isinstance(findings, dict):
        files = findings.get("files") or []
        out.append(f"findings {findings.get('total', 0)} in {len(files) + int(findings.get('more_files') or 0)} file(s)")
        for f in files[:5]:
            out.append(f"  {f.get('count', 0):>4}  {f.get('path', '?')}")
    queue = snap.get("queue")
    if isinstance(queue, dict):
        out.append(f"queue    depth {queue.get('depth', 0)}  running {queue.get('running', 0)}"
                   f"  workers {queue.get('workers', 0)}")
    for job in snap.get("scheduler") or []:
        state = "disabled" if job.get("disabled") else "paused" if job.get("paused") else "next " + str(job.get("next_run") or "-")
        last = f"  last {job['last_outcome']}" if job.get("last_outcome") else ""
        out.append(f"job      {job.get('id', '?'):<17} {state}{last}")
    alerts = snap.get("alerts")
    if isinstance(alerts, dict):
        counts = ", ".join(f"{k} {v}" for k, v in (alerts.get("by_severity") or {}).items()) or "none"
        out.append(f"alerts   {counts}")
        for alert in alerts.get("open") or []:
            sev = alert.get("severity", "info")
            out.append(f"  #{alert.get('id')} {_c(sev, sev, colour)} {alert.get('rule')}: "
                       f"{alert.get('message')} (x{alert.get('count', 1)})")
    metrics = snap.get("metrics")
    if isinstance(metrics, dict):
        for name, points in metrics.items():
            if points:
                out.append(f"{name:<12} {sparkline(points)} {points[-1][1]:g}")
    tuner = snap.get("tuner")
    if isinstance(tuner, dict) and tuner.get("actions"):
        last = tuner["actions"][-1]
        out.append(f"tuner    {last.get('detail')} ({last.get('reason')})")
    autofix = snap.get("autofix")
    if isinstance(autofix, dict):
        out.append(f"autofix  {autofix.get('mode', '?')}  detected {autofix.get('detected', 0)}"
                   f"  fixed {autofix.get('fixed', 0)}")
    return "\n".join(out)


def watch(snapshot_fn: Callable[[], dict[str, Any]], interval: float = 1.0, *,
          out: TextIO | None = None, iterations: int | None = None) -> int:
    """Redraw until Ctrl-C (or `iterations` frames, for tests); returns an exit code."""
    stream = out or sys.stdout
    tty = stream.isatty()
    if tty:
        return _watch_rich(snapshot_fn, interval, stream, iterations)
    frames = 0
    try:
        if tty:
            stream.write(HIDE)
        while iterations is None or frames < iterations:
            try:
                text = render(snapshot_fn(), colour=tty)
            except Exception as exc:  # a dead server is shown, not a traceback
                text = f"status unavailable: {type(exc).__name__}: {exc}"
            stream.write((CLEAR if tty else "") + text + "\n")
            stream.flush()
            frames += 1
            if iterations is None or frames < iterations:
                time.sleep(interval)
    except KeyboardInterrupt:
        stream.write("\n")
    finally:
        if tty:
            stream.write(SHOW)
            stream.flush()
    return 0


def _frame(snapshot_fn: Callable[[], dict[str, Any]]) -> str:
    try:
        return render(snapshot_fn(), colour=True)
    except Exception as exc:  # a dead server is shown, not a traceback
        return f"status unavailable: {type(exc).__name__}: {exc}"


def _watch_rich(snapshot_fn: Callable[[], dict[str, Any]], interval: float, stream: TextIO,
                iterations: int | None) -> int:
    """A full-screen status screen (rich.live) that redraws in place and restores the terminal."""
    from rich.console import Console
    from rich.live import Live
    from rich.panel import Panel
    from rich.text import Text

    console = Console(file=stream)
    frames = 0

    def panel() -> Panel:
        return Panel(Text.from_ansi(_frame(snapshot_fn)), title="ZombieCoder status",
                     subtitle="Ctrl-C to leave", border_style="cyan")

    try:
        with Live(panel(), console=console, screen=True, auto_refresh=False) as live:
            frames = 1
            while iterations is None or frames < iterations:
                time.sleep(interval)
                live.update(panel(), refresh=True)
                frames += 1
    except KeyboardInterrupt:
        pass
    return 0
