"""WorkspaceMemory: the per-workspace data folder and the stores inside it.

Built once per workspace by the services factory. It never raises: any problem (read-only
folder, corrupt or foreign file, locked database, missing or wrong encryption key) ends up in
`degraded`, the server keeps serving, and memory calls raise `MemoryUnavailable` saying why.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from zc_lsp.config import Settings
from zc_lsp.core.files import read_text_bounded
from zc_lsp.memory.agent import DEFAULT_SCAN_LIMIT, AgentMemory
from zc_lsp.memory.audit import AuditLog
from zc_lsp.memory.crypto import Cipher, EncryptionKeyError, is_encrypted_folder, load_cipher
from zc_lsp.memory.db import MemoryUnavailable
from zc_lsp.memory.tasks import TaskDB

log = logging.getLogger(__name__)

IN_WORKSPACE_DIR = ".zombiecoder"
_AGENT_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$")


def workspace_id(root: Path) -> str:
    """The data folder's name: the first 16 hex digits of sha256(resolved root path)."""
    return hashlib.sha256(str(Path(root).resolve()).encode("utf-8")).hexdigest()[:16]


def default_data_root() -> Path:
    """platformdirs' user data dir (honours XDG_DATA_HOME on Linux) / zombiecoder / workspaces."""
    return user_data_path() / "workspaces"


def user_data_path() -> Path:
    """platformdirs.user_data_path("zombiecoder"), without importing platformdirs on Linux.

    platformdirs (with the tempfile, shutil, bz2 and lzma it imports) is ~1 MB of an idle server's RSS
    (issue 15). On Linux its answer is $XDG_DATA_HOME when that is an absolute path, else
    ~/.local/share; tests/unit/memory/test_data_path.py holds the two equal. Elsewhere: platformdirs.
    """
    if sys.platform.startswith("linux"):
        xdg = os.environ.get("XDG_DATA_HOME", "")
        return Path(xdg if os.path.isabs(xdg) else os.path.expanduser("~/.local/share")) / "zombiecoder"
    import platformdirs

    return platformdirs.user_data_path("zombiecoder", appauthor=False)


def resolve_data_dir(root: Path, settings: Settings | None) -> Path:
    """Where this workspace's memory lives: `memory.path`, `<root>/.zombiecoder/`, or user data."""
    get = settings.get if settings is not None else (lambda _k, d=None: d)
    override = get("memory.path")
    if override:
        path = Path(os.path.expanduser(str(override)))
        return path if path.is_absolute() else Path(root).resolve() / path
    if get("memory.in_workspace", False):
        return Path(root).resolve() / IN_WORKSPACE_DIR
    return default_data_root() / workspace_id(root)


def ensure_gitignored(root: Path) -> bool:
    """Add `.zombiecoder/` to the workspace .gitignore (git repos, or where a .gitignore exists)."""
    root = Path(root)
    gitignore = root / ".gitignore"
    if not (root / ".git").exists() and not (gitignore.exists() or gitignore.is_symlink()):
        return False
    if gitignore.is_symlink():  # a clone's `.gitignore -> ~/.bashrc` must not get our lines appended
        raise OSError(f"{gitignore} is a symlink; not written through")
    text = read_text_bounded(gitignore, 1_000_000) if gitignore.exists() else ""
    wanted = {f"{IN_WORKSPACE_DIR}", f"{IN_WORKSPACE_DIR}/", f"/{IN_WORKSPACE_DIR}", f"/{IN_WORKSPACE_DIR}/"}
    if any(line.strip() in wanted for line in text.splitlines()):
        return False
    sep = "" if not text or text.endswith("\n") else "\n"
    with gitignore.open("a", encoding="utf-8") as fh:
        fh.write(f"{sep}# ZombieCoder memory (per-workspace data)\n{IN_WORKSPACE_DIR}/\n")
    return True


class WorkspaceMemory:
    """The workspace's memory: one store per agent, the task DB, the audit log, the logs folder."""

    def __init__(self, workspace_root: Path, settings: Settings | None = None,
                 env: Mapping[str, str] | None = None) -> None:
        self.workspace_root = Path(workspace_root)
        self.settings = settings
        get = settings.get if settings is not None else (lambda _k, d=None: d)
        self.busy_timeout_ms = int(get("memory.busy_timeout_ms", 10000) or 10000)
        self.scan_limit = int(get("memory.encrypted_scan_limit", DEFAULT_SCAN_LIMIT) or DEFAULT_SCAN_LIMIT)
        self.retention: dict[str, Any] = dict(get("memory.retention", {}) or {})
        self.encryption = bool(get("memory.encryption", False))
        self.tasks_max_age_days = float(get("memory.tasks_max_age_days", 30) or 30)
        self.cipher: Cipher | None = None
        self._problem: str | None = None
        self._agents: dict[str, AgentMemory] = {}
        self._lock = threading.Lock()
        self._tasks: TaskDB | None = None
        self._audit: AuditLog | None = None
        self.path = resolve_data_dir(self.workspace_root, settings)
        try:
            self._prepare(get, env)
        except (OSError, EncryptionKeyError) as exc:
            self._problem = f"memory is off: {exc}"
            log.warning("%s", self._problem)
        if self._problem is None:
            self._tasks = TaskDB(self.path / "tasks.db", cipher=self.cipher,
                                 busy_timeout_ms=self.busy_timeout_ms)
            self._audit = AuditLog(self.path / "audit.db", busy_timeout_ms=self.busy_timeout_ms)

    def _prepare(self, get: Any, env: Mapping[str, str] | None) -> None:
        if get("memory.in_workspace", False) and not get("memory.path"):
            try:
                ensure_gitignored(self.workspace_root)
            except OSError as exc:
                log.warning("could not add %s/ to .gitignore: %s", IN_WORKSPACE_DIR, exc)
        if get("memory.in_workspace", False) and not get("memory.path") and self.path.is_symlink():
            # The workspace controls that name: a clone's `.zombiecoder -> ~/.ssh` would put our files there.
            raise OSError(f"{self.path} is a symlink in the workspace; the memory is not kept there")
        self.path.mkdir(parents=True, exist_ok=True)
        self.logs_dir.mkdir(exist_ok=True)
        probe = self.path / ".write-probe"
        probe.write_text("ok", encoding="utf-8")  # a read-only folder fails here, clearly
        probe.unlink()
        info = self.path / "workspace.json"
        if not info.exists():
            info.write_text(json.dumps({"root": str(self.workspace_root.resolve())}), encoding="utf-8")
        if self.encryption or is_encrypted_folder(self.path):
            self.cipher = load_cipher(self.path, workspace_id(self.workspace_root), env)

    # -- the contract ------------------------------------------------------------------------
    @property
    def degraded(self) -> str | None:
        """Why memory (or part of it) is unavailable, else None."""
        if self._problem:
            return self._problem
        reasons = [s.degraded for s in (self._tasks, self._audit) if s is not None and s.degraded]
        with self._lock:
            reasons += [a.degraded for a in self._agents.values() if a.degraded]
        return "; ".join(reasons) if reasons else None

    @property
    def logs_dir(self) -> Path:
        return self.path / "logs"

    def agent(self, name: str) -> AgentMemory:
        """This agent's own store (agents/<name>/memory.db); it can see nothing else."""
        if not _AGENT_NAME.match(name) or ".." in name:
            raise ValueError(f"invalid agent name {name!r}")
        with self._lock:
            store = self._agents.get(name)
            if store is None:
                store = self._open_agent(name)
                self._agents[name] = store
            return store

    def _open_agent(self, name: str) -> AgentMemory:
        path = self.path / "agents" / name / "memory.db"
        if self._problem is None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                log.warning("memory for agent %s: %s", name, exc)
        return AgentMemory(path, name, cipher=self.cipher, retention=self.retention,
                           busy_timeout_ms=self.busy_timeout_ms, scan_limit=self.scan_limit,
                           unavailable=self._problem)

    @property
    def tasks(self) -> TaskDB:
        if self._tasks is None:
            raise MemoryUnavailable(self._problem or "memory is off")
        return self._tasks

    @property
    def audit(self) -> AuditLog:
        if self._audit is None:
            raise MemoryUnavailable(self._problem or "memory is off")
        return self._audit

    # -- user control ------------------------------------------------------------------------
    def agent_names(self) -> list[str]:
        """Agents that have a memory file in this workspace."""
        base = self.path / "agents"
        if not base.is_dir():
            return []
        return sorted(p.parent.name for p in base.glob("*/memory.db"))

    def apply_retention(self) -> dict[str, int]:
        """Retention for every agent's store (the nightly `memory_retention` job calls this)."""
        removed: dict[str, int] = {}
        for name in self.agent_names():
            store = self.agent(name)
            if not store.degraded:
                removed[name] = store.apply_retention()
        if self._tasks is not None and not self._tasks.degraded:
            removed["tasks"] = self._tasks.prune(self.tasks_max_age_days)
        return removed

    def wipe(self, agent: str | None = None) -> dict[str, int]:
        """Delete one agent's memory, or every agent's; returns items removed per agent."""
        names = [agent] if agent else self.agent_names()
        return {name: self.agent(name).wipe() for name in names}

    def status(self) -> dict[str, Any]:
        """The `memory` section of the zc/status snapshot."""
        return {"path": str(self.path), "degraded": self.degraded,
                "encrypted": self.cipher is not None}

    def close(self) -> None:
        with self._lock:
            stores = list(self._agents.values())
            self._agents.clear()
        for store in [*stores, self._tasks, self._audit]:
            if store is not None:
                store.close()

