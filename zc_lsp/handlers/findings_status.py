"""The `findings` status section: what the editor shows right now, for `zc status` and the dashboard.

Built from the diagnostics publisher's merged sources (unsaved buffers included). It is read from
other threads (the status pusher, the live-status link), so it copies the dicts before walking them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from zc_lsp.handlers.convert import uri_to_path

MAX_FILES = 30
ITEMS_PER_FILE = 5
SEVERITY = {1: "error", 2: "warning", 3: "information", 4: "hint"}


def findings_section(diagnostics: Any, under: Path | None = None) -> dict[str, Any]:
    """Every open document's findings, or only those under `under` (one workspace folder's status)."""
    files: list[dict[str, Any]] = []
    by_severity: dict[str, int] = {}
    for uri, sources in list(diagnostics.sources.items()):
        found = [d for diags in list(sources.values()) for d in list(diags)]
        path = uri_to_path(uri)
        if not found or (under is not None and (path is None or under not in path.parents)):
            continue
        for d in found:
            name = SEVERITY.get(int(d.severity or 1), "error")
            by_severity[name] = by_severity.get(name, 0) + 1
        found.sort(key=lambda d: (int(d.severity or 1), d.range.start.line))
        files.append(
            {
                "path": str(path) if path is not None else uri,
                "count": len(found),
                "items": [
                    {
                        "line": d.range.start.line + 1,
                        "code": str(d.code) if d.code is not None else "",
                        "severity": SEVERITY.get(int(d.severity or 1), "error"),
                        "source": d.source or "",
                        "message": d.message.splitlines()[0][:200] if d.message else "",
                    }
                    for d in found[:ITEMS_PER_FILE]
                ],
            }
        )
    files.sort(key=lambda f: (-f["count"], f["path"]))
    return {
        "total": sum(f["count"] for f in files),
        "by_severity": by_severity,
        "files": files[:MAX_FILES],
        "more_files": max(0, len(files) - MAX_FILES),
    }
