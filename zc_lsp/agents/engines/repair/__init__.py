"""Offline, verified repair of broken Python modules (issue 14); see engine.repair_source."""

from zc_lsp.agents.engines.repair.engine import repair_source
from zc_lsp.agents.engines.repair.result import Fix, RepairResult

__all__ = ["Fix", "RepairResult", "repair_source"]
