"""Per-workspace memory: per-agent stores, the task database and the audit log (docs/memory.md)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zc_lsp.memory.agent import AgentMemory, MemoryItem, fts_query
    from zc_lsp.memory.audit import AUDIT_KINDS, AuditLog
    from zc_lsp.memory.crypto import EncryptionKeyError
    from zc_lsp.memory.db import MemoryUnavailable
    from zc_lsp.memory.logs import redact, setup_json_log
    from zc_lsp.memory.tasks import TaskDB
    from zc_lsp.memory.workspace import WorkspaceMemory, resolve_data_dir, workspace_id

# Names resolve lazily (PEP 562) so that importing one submodule stays cheap.
_WHERE = {
    "AgentMemory": "agent", "MemoryItem": "agent", "fts_query": "agent",
    "AUDIT_KINDS": "audit", "AuditLog": "audit", "EncryptionKeyError": "crypto",
    "MemoryUnavailable": "db", "redact": "logs", "setup_json_log": "logs", "TaskDB": "tasks",
    "WorkspaceMemory": "workspace", "resolve_data_dir": "workspace", "workspace_id": "workspace",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"zc_lsp.memory.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'zc_lsp.memory' has no attribute {name!r}")


__all__ = [
    "AUDIT_KINDS",
    "AgentMemory",
    "AuditLog",
    "EncryptionKeyError",
    "MemoryItem",
    "MemoryUnavailable",
    "TaskDB",
    "WorkspaceMemory",
    "fts_query",
    "redact",
    "resolve_data_dir",
    "setup_json_log",
    "workspace_id",
]
