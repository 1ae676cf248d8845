"""Reply cache and daily spend, in memory and (when a WorkspaceMemory is given) in tasks.db.

The cache key hashes the *redacted* prompt, and the stored text is the reply *before* placeholders
are restored, so no secret is ever written to disk; the same redacted prompt always numbers its
placeholders the same way, so a cached reply restores correctly for the caller who asked.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import sqlite3
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from typing import Any

log = logging.getLogger(__name__)

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS model_cache (key TEXT PRIMARY KEY, provider TEXT NOT NULL,"
    " model TEXT NOT NULL, text TEXT NOT NULL, tokens_in INTEGER, tokens_out INTEGER, created_at REAL)",
    "CREATE INDEX IF NOT EXISTS model_cache_created ON model_cache(created_at)",
    "CREATE TABLE IF NOT EXISTS model_spend (day TEXT NOT NULL, provider TEXT NOT NULL,"
    " usd REAL NOT NULL DEFAULT 0, PRIMARY KEY (day, provider))",
)


@dataclass(frozen=True)
class CachedReply:
    provider: str
    model: str
    text: str  # still holds [[ZC_SECRET_n]] placeholders
    tokens_in: int
    tokens_out: int


def cache_key(provider: str, model: str, prompt: str, system: str, params: dict[str, Any]) -> str:
    payload = json.dumps({"p": prompt, "s": system, "k": params}, sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
    return f"{provider}/{model}/{digest}"


def prompt_sha256(prompt: str, system: str) -> str:
    return hashlib.sha256(f"{system}\x00{prompt}".encode()).hexdigest()


class ReplyStore:
    """LRU in front of the `model_cache` table; also keeps `model_spend` for budgets."""

    def __init__(self, memory: Any = None, maxsize: int = 512, max_items: int = 10000,
                 max_age_days: float = 30) -> None:
        self._memory = memory
        self._lru: OrderedDict[str, CachedReply] = OrderedDict()
        self._maxsize = maxsize
        self._max_items = max_items
        self._max_age_s = max_age_days * 86400
        self._ready = False
        self._disabled_reason = ""
        tasks = getattr(memory, "tasks", None) if memory is not None else None
        if memory is not None and (tasks is None or getattr(memory, "degraded", None)):
            self._disabled_reason = f"memory unavailable: {getattr(memory, 'degraded', None) or 'no task DB'}"

    @property
    def persistent(self) -> bool:
        return self._memory is not None and not self._disabled_reason

    def _ensure(self) -> None:
        """Create tables and apply retention once, on first use (in a worker thread)."""
        if self._ready:
            return
        with self._memory.tasks.write() as conn:
            for stmt in _SCHEMA:
                conn.execute(stmt)
            conn.execute("DELETE FROM model_cache WHERE created_at < ?", (time.time() - self._max_age_s,))
            conn.execute("DELETE FROM model_cache WHERE key NOT IN (SELECT key FROM model_cache"
                         " ORDER BY created_at DESC LIMIT ?)", (self._max_items,))
        self._ready = True

    async def _db(self, fn: Any, *args: Any) -> Any:
        if not self.persistent:
            return None
        try:
            return await asyncio.to_thread(self._run, fn, *args)
        except (sqlite3.Error, OSError, RuntimeError) as exc:  # RuntimeError: MemoryUnavailable
            self._disabled_reason = f"cache persistence off after error: {exc}"
            log.warning("model cache: %s", self._disabled_reason)
            return None

    def _run(self, fn: Any, *args: Any) -> Any:
        self._ensure()
        return fn(*args)

    def _remember(self, key: str, reply: CachedReply) -> None:
        self._lru[key] = reply
        self._lru.move_to_end(key)
        while len(self._lru) > self._maxsize:
            self._lru.popitem(last=False)

    async def get(self, key: str) -> CachedReply | None:
        hit = self._lru.get(key)
        if hit is not None:
            self._lru.move_to_end(key)
            return hit
        row = await self._db(self._read_row, key)
        if row is None:
            return None
        reply = CachedReply(row[0], row[1], row[2], int(row[3] or 0), int(row[4] or 0))
        self._remember(key, reply)
        return reply

    def _read_row(self, key: str) -> tuple[Any, ...] | None:
        cur = self._memory.tasks.read().execute(
            "SELECT provider, model, text, tokens_in, tokens_out FROM model_cache WHERE key = ?", (key,))
        return cur.fetchone()

    async def put(self, key: str, reply: CachedReply) -> None:
        self._remember(key, reply)
        await self._db(self._write_row, key, reply)

    def _write_row(self, key: str, reply: CachedReply) -> None:
        with self._memory.tasks.write() as conn:
            conn.execute("INSERT OR REPLACE INTO model_cache VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (key, reply.provider, reply.model, reply.text, reply.tokens_in,
                          reply.tokens_out, time.time()))

    async def add_spend(self, provider: str, usd: float) -> None:
        if usd > 0:
            await self._db(self._write_spend, provider, usd)

    def _write_spend(self, provider: str, usd: float) -> None:
        with self._memory.tasks.write() as conn:
            conn.execute("INSERT INTO model_spend (day, provider, usd) VALUES (?, ?, ?) ON CONFLICT"
                         " (day, provider) DO UPDATE SET usd = usd + excluded.usd",
                         (date.today().isoformat(), provider, usd))

    async def spend_today(self) -> dict[str, float]:
        rows = await self._db(self._read_spend)
        return dict(rows or [])

    def _read_spend(self) -> list[tuple[str, float]]:
        cur = self._memory.tasks.read().execute(
            "SELECT provider, usd FROM model_spend WHERE day = ?", (date.today().isoformat(),))
        return [(str(p), float(u)) for p, u in cur.fetchall()]

    def status(self) -> dict[str, Any]:
        return {"entries_in_memory": len(self._lru), "persistent": self.persistent,
                "reason": self._disabled_reason}
