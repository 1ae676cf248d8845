"""The dashboard's own sections: open findings, the last test run, model latency and cost per provider.

They are read from the workspace's data folder, the one the editor's server writes too, so they
are the same with or without a live server. Open findings are the live server's current
diagnostics when the dashboard is attached (unsaved buffers included), else the stored review
records (the newest review of each file that still had findings).
"""

from __future__ import annotations

import json
import logging
import statistics
import time
from typing import Any
from urllib.parse import unquote, urlsplit

log = logging.getLogger(__name__)
USAGE_WINDOW_S = 86_400  # model calls counted over the last day
MAX_FILES = 30
MAX_CALLS = 5_000  # audit rows read for the usage table, newest first


def _path_of(uri: str | None, root: Any = None) -> str:
    """A file URI or path as a path relative to the workspace when it is inside it."""
    if not uri:
        return "?"
    path = unquote(urlsplit(uri).path) if uri.startswith("file:") else uri
    base = str(root) if root else ""
    return path[len(base) + 1 :] if base and path.startswith(base + "/") else path


def open_findings(snapshot: dict[str, Any], memory: Any) -> dict[str, Any]:
    """{source, total, files: [{path, count, items?, codes?}]}: live diagnostics, else stored reviews."""
    live = snapshot.get("findings")
    root = getattr(memory, "workspace_root", None)
    if isinstance(live, dict) and isinstance(live.get("files"), list):
        files = [{**f, "path": _path_of(str(f.get("path")), root)} for f in live["files"] if isinstance(f, dict)]
        return {**live, "files": files, "source": "live"}
    store = memory.agent("best_practices")
    newest: dict[str, Any] = {}
    for item in store.recent(500, kind="review"):  # newest first: the first one seen per file wins
        newest.setdefault(item.uri or item.content, item)
    files = []
    for key, item in newest.items():
        counts = item.metadata.get("counts") if isinstance(item.metadata, dict) else None
        count = sum(int(v) for v in counts.values()) if isinstance(counts, dict) else 0
        if count:
            files.append(
                {
                    "path": _path_of(item.uri or key, root),
                    "count": count,
                    "counts": counts,
                    "codes": list(item.metadata.get("codes") or [])[:20],
                    "reviewed_at": item.created_at,
                }
            )
    files.sort(key=lambda f: (-f["count"], f["path"]))
    return {
        "source": "stored",
        "total": sum(f["count"] for f in files),
        "files": files[:MAX_FILES],
        "more_files": max(0, len(files) - MAX_FILES),
    }


def last_test_run(memory: Any) -> dict[str, Any] | None:
    """The verifier's newest remembered test run: counts, failures, when; None before any."""
    found = memory.agent("verifier").recent(1, kind="test_run")
    if not found:
        return None
    item = found[0]
    meta = item.metadata if isinstance(item.metadata, dict) else {}
    out = {k: meta.get(k) for k in ("passed", "failed", "errors", "skipped", "duration", "scope", "interpreter")}
    out["failures"] = [f for f in meta.get("failures") or [] if isinstance(f, dict)][:20]
    out["summary"] = item.content.splitlines()[0][:300] if item.content else ""
    out["at"] = item.created_at
    out["state"] = (
        "cancelled"
        if meta.get("cancelled")
        else "timed out"
        if meta.get("timed_out")
        else "failed"
        if (meta.get("failed") or meta.get("errors"))
        else "passed"
    )
    return out


def provider_usage(memory: Any, providers: list[dict[str, Any]], now: float | None = None) -> list[dict[str, Any]]:
    """Per provider over the last day, from the audit log (every process's calls) and the spend table.

    Latency is of answered calls (cache hits excluded); cost is what the router accounted in
    `model_spend` (today and in total), so a free local model shows 0.
    """
    now = time.time() if now is None else now
    rows = memory.audit.query(
        "SELECT ts, fields FROM audit WHERE kind = 'model_call' AND ts >= ? ORDER BY id DESC LIMIT ?",
        [now - USAGE_WINDOW_S, MAX_CALLS],
    )
    usage: dict[str, dict[str, Any]] = {}

    def entry(name: str) -> dict[str, Any]:
        return usage.setdefault(
            name,
            {
                "name": name,
                "calls": 0,
                "errors": 0,
                "cached": 0,
                "tokens_in": 0,
                "tokens_out": 0,
                "latencies": [],
                "models": set(),
            },
        )

    for row in rows:
        try:
            fields = json.loads(row["fields"])
        except (TypeError, ValueError):
            log.warning("skipping an unreadable audit row")
            continue
        e = entry(str(fields.get("provider") or "?"))
        e["calls"] += 1
        outcome = str(fields.get("outcome") or "")
        if outcome == "cached":
            e["cached"] += 1
        elif outcome != "ok":
            e["errors"] += 1
        else:
            e["latencies"].append(float(fields.get("latency_ms") or 0))
        e["tokens_in"] += int(fields.get("tokens_in") or 0)
        e["tokens_out"] += int(fields.get("tokens_out") or 0)
        if fields.get("model"):
            e["models"].add(str(fields["model"]))
    today = time.strftime("%Y-%m-%d", time.localtime(now))
    for spend in _spend_rows(memory):
        e = entry(str(spend["provider"]))
        e["cost_total_usd"] = e.get("cost_total_usd", 0.0) + float(spend["usd"])
        if spend["day"] == today:
            e["cost_today_usd"] = e.get("cost_today_usd", 0.0) + float(spend["usd"])
    for row in providers:  # every configured provider gets a row, with its health, even without calls
        if isinstance(row, dict) and row.get("name") and row.get("name") != "offline":
            e = entry(str(row["name"]))
            e["healthy"] = row.get("healthy")
            e["enabled"] = row.get("enabled")
    out = []
    for e in usage.values():
        lat = sorted(e.pop("latencies"))
        e["models"] = sorted(e["models"])
        e["latency_p50_ms"] = round(statistics.median(lat), 1) if lat else None
        e["latency_p95_ms"] = round(lat[min(len(lat) - 1, int(0.95 * len(lat)))], 1) if lat else None
        e["cost_today_usd"] = round(e.get("cost_today_usd", 0.0), 6)
        e["cost_total_usd"] = round(e.get("cost_total_usd", 0.0), 6)
        out.append(e)
    return sorted(out, key=lambda e: (-e["calls"], e["name"]))


def _spend_rows(memory: Any) -> list[dict[str, Any]]:
    """model_spend exists once the router's cache has opened tasks.db; none yet means no spend."""
    tables = memory.tasks.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'model_spend'")
    if not tables:
        return []
    return list(memory.tasks.query("SELECT day, provider, usd FROM model_spend"))


def insights(snapshot: dict[str, Any], memory: Any) -> dict[str, Any]:
    """All three sections; one that fails says why and the others still show."""
    out: dict[str, Any] = {}
    parts = (
        ("findings", lambda: open_findings(snapshot, memory)),
        ("last_test_run", lambda: last_test_run(memory)),
        ("provider_usage", lambda: provider_usage(memory, list(snapshot.get("providers") or []))),
    )
    for name, read in parts:
        try:
            out[name] = read()
        except Exception as exc:  # a damaged store costs its section only; the reason is shown in it
            log.exception("dashboard section %s failed", name)
            out[name] = {"error": f"{type(exc).__name__}: {exc}"}
    return out
