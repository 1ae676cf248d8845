"""The scheduled jobs themselves: what each one does when the scheduler fires it.

Each takes its config options (the job's mapping minus interval_s/cron) and returns a small
detail dict that is stored with the run; `JobSkipped` means "not now", not a failure.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zc_lsp.background.scheduler import JobFn, JobSkipped
from zc_lsp.core.workspace import iter_files

if TYPE_CHECKING:
    from zc_lsp.background.service import Background, ChangedFiles

log = logging.getLogger(__name__)
SWEEP_MAX_FILES = 200
KEEP_DAYS = 30


class JobSet:
    def __init__(self, bg: Background, changed_files: ChangedFiles | None) -> None:
        self.bg = bg
        self.changed_files = changed_files
        self.last_sweep = time.time()  # the first sweep looks at edits made after start-up

    def available(self) -> dict[str, JobFn]:
        return {
            "health_check": self.health_check,
            "provider_probe": self.provider_probe,
            "review_sweep": self.review_sweep,
            "memory_retention": self.memory_retention,
            "log_rotation": self.log_rotation,
        }

    def health_check(self, options: dict[str, Any]) -> dict[str, Any]:
        """Sample health, keep the metrics series, and let the alert rules judge it."""
        sample = self.bg.health_sample()
        self.bg.record_metrics(sample)
        conditions = self.bg.alerts.evaluate(sample)
        return {"cpu_percent": sample.get("cpu_percent"), "rss_mb": sample.get("rss_mb"),
                "conditions": [c.rule for c in conditions]}

    def provider_probe(self, options: dict[str, Any]) -> Any:
        router = getattr(self.bg.services, "router", None)
        if router is None:
            raise JobSkipped("no model router")
        # a private loop: the router builds clients for it and closes them when it ends
        return router.run_private(router.probe)

    def review_sweep(self, options: dict[str, Any]) -> dict[str, Any]:
        """Queue a low-priority review of files changed since the last sweep, when idle."""
        idle_s = float(options.get("idle_s", 30))
        since = self.last_sweep
        if self.changed_files is not None:
            files, last_edit = self.changed_files(since)
        else:
            files, last_edit = self._modified_on_disk(since)
        now = time.time()
        if last_edit is not None and now - last_edit < idle_s:
            raise JobSkipped(f"the editor was active {now - last_edit:.0f} s ago")
        queued = 0
        for path in [Path(f) for f in files if str(f).endswith(".py")][:SWEEP_MAX_FILES]:
            self.bg.queue.submit("review_file", {"path": str(path)}, priority=8,
                                 user_requested=False)
            queued += 1
        self.last_sweep = now
        return {"files": queued}

    def _modified_on_disk(self, since: float) -> tuple[list[Path], float | None]:
        root = Path(self.bg.services.workspace_root)
        found: list[Path] = []
        newest: float | None = None
        for path in iter_files(root, "*.py"):
            mtime = path.stat().st_mtime
            if mtime > since:
                found.append(path)
                newest = max(newest or mtime, mtime)
            if len(found) >= SWEEP_MAX_FILES:
                break
        return found, newest

    def memory_retention(self, options: dict[str, Any]) -> dict[str, Any]:
        """Apply each agent store's retention, compact it, and prune our own old rows."""
        memory = getattr(self.bg.services, "memory", None)
        removed: dict[str, int] = {}
        if memory is not None and not getattr(memory, "degraded", None):
            removed = dict(memory.apply_retention())  # every agent store, plus old task rows
            for name in memory.agent_names():
                memory.agent(name).compact()
        cutoff = time.time() - KEEP_DAYS * 86400
        with self.bg.db.write() as conn:
            pruned = conn.execute(
                "DELETE FROM jobs WHERE state IN ('done', 'failed', 'cancelled') AND finished_at < ?",
                (cutoff,)).rowcount
            pruned += conn.execute("DELETE FROM schedule_runs WHERE started_at < ?", (cutoff,)).rowcount
            pruned += conn.execute("DELETE FROM tuner_actions WHERE ts < ?", (cutoff,)).rowcount
            pruned += conn.execute("DELETE FROM autofix_events WHERE ts < ?", (cutoff,)).rowcount
            pruned += conn.execute(
                "DELETE FROM alerts WHERE state = 'resolved' AND resolved_at < ?",
                (cutoff - 60 * 86400,)).rowcount
        return {"removed": removed, "pruned_rows": pruned}

    def log_rotation(self, options: dict[str, Any]) -> dict[str, Any]:
        """Rotate logs over `max_mb` to .1 .. .keep and delete the oldest."""
        memory = getattr(self.bg.services, "memory", None)
        logs_dir = getattr(memory, "logs_dir", None)
        if logs_dir is None or not Path(logs_dir).is_dir():
            raise JobSkipped("no log folder")
        max_bytes = int(float(options.get("max_mb", 10)) * 1_048_576)
        keep = max(1, int(options.get("keep", 5)))
        rotated = []
        for path in sorted(Path(logs_dir).iterdir()):
            if not path.is_file() or path.suffix not in (".log", ".jsonl"):
                continue
            if path.stat().st_size <= max_bytes:
                continue
            oldest = path.with_name(f"{path.name}.{keep}")
            if oldest.exists():
                oldest.unlink()
            for n in range(keep - 1, 0, -1):
                src = path.with_name(f"{path.name}.{n}")
                if src.exists():
                    src.rename(path.with_name(f"{path.name}.{n + 1}"))
            path.rename(path.with_name(f"{path.name}.1"))
            path.touch()
            rotated.append(path.name)
        return {"rotated": rotated}
