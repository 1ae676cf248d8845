"""The local web dashboard: the side panel's status view plus charts over time, in a browser.

`DashboardServer(services, host, port, allow_remote=False)` serves it; `zc dashboard` starts one.
"""

from __future__ import annotations

from zc_lsp.dashboard.server import DashboardError, DashboardServer, check_bind

__all__ = ["DashboardError", "DashboardServer", "check_bind"]
