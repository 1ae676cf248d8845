"""Background automation: scheduler, batch queue, tuner, auto-fix, alerts, status. Threads only.

`Background` is imported lazily so that importing `zc_lsp.background.status` (needed at start-up)
does not pull in apscheduler.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Background", "ChangedFiles"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from zc_lsp.background import service

        return getattr(service, name)
    raise AttributeError(name)
