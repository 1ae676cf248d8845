"""Per-workspace memory: per-agent stores, the task database and the audit log (docs/memory.md)."""

from zc_lsp.memory.agent import AgentMemory, MemoryItem, fts_query
from zc_lsp.memory.audit import AUDIT_KINDS, AuditLog
from zc_lsp.memory.crypto import EncryptionKeyError
from zc_lsp.memory.db import MemoryUnavailable
from zc_lsp.memory.logs import redact, setup_json_log
from zc_lsp.memory.tasks import TaskDB
from zc_lsp.memory.workspace import WorkspaceMemory, resolve_data_dir, workspace_id

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
