"""One SQLite file, opened safely: WAL, synchronous=FULL, BEGIN IMMEDIATE, a connection per thread.

Why hand-rolled transactions: sqlite-utils' `atomic()` (and Python's implicit transactions) start a
plain deferred `BEGIN`; two writers then both hold read snapshots and one fails at once with
"database is locked" instead of waiting on the busy timeout. `BEGIN IMMEDIATE` takes the write lock
up front, so the busy timeout applies. sqlite-utils is used for reads and introspection.

Opening never destroys anything: a file that is not ours (foreign tables, another application id,
a newer schema, not SQLite at all) is left exactly as it is and the store reports why it is
unavailable.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite_utils

log = logging.getLogger(__name__)

APPLICATION_ID = 0x5A434C53  # "ZCLS": marks files written by ZombieCoder
Migration = Callable[[sqlite3.Connection], None]
_IMPORT_LOCK = threading.Lock()


def import_sqlite_utils() -> Any:
    """sqlite-utils, without the pandas and numpy imports it makes only to convert their types.

    We never store numpy or pandas values, and those imports cost ~0.1 s and ~17 MB of a language
    server that should idle small. Hiding them while sqlite-utils loads makes its own optional
    import fail, as it would on a machine without them; they stay importable for everyone else.
    """
    loaded = sys.modules.get("sqlite_utils")
    if loaded is not None and hasattr(loaded, "Database"):
        return loaded
    # Another thread may be half-way through this import: its module is in sys.modules already but
    # without `Database` yet ("partially initialized module"); wait for it instead of using it.
    with _IMPORT_LOCK:
        hidden = [name for name in ("numpy", "pandas") if name not in sys.modules]
        for name in hidden:
            sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` raise ImportError
        try:
            import sqlite_utils  # noqa: PLC0415 - lazy: a writer-only process never pays its import
        finally:
            for name in hidden:
                sys.modules.pop(name, None)
    return sqlite_utils


class MemoryUnavailable(RuntimeError):
    """Memory cannot be read or written; the message says why and what was left untouched."""


def explain_sqlite_error(path: Path, exc: BaseException) -> str:
    """A sentence for the user from a sqlite3 error, naming the file."""
    text = str(exc)
    low = text.lower()
    if "locked" in low or "busy" in low:
        why = "is locked by another process (timed out waiting for it)"
    elif "readonly" in low or "read-only" in low:
        why = "is on a read-only location"
    elif "full" in low:
        why = "cannot grow: the disk is full"
    elif "not a database" in low or "malformed" in low or "corrupt" in low:
        why = "is corrupt or not a SQLite database; it was left untouched (move it away to start afresh)"
    elif "unable to open" in low:
        why = "cannot be opened (missing folder or no permission)"
    else:
        why = "failed"
    return f"memory file {path} {why}: {text}"


_ENVIRONMENTAL = ("locked", "busy", "full", "readonly", "read-only", "disk i/o", "unable to open",
                  "malformed", "not a database")


def is_environmental(exc: BaseException) -> bool:
    """True for failures of the file or the machine (locks, disk, corruption), not of our SQL."""
    return isinstance(exc, sqlite3.DatabaseError) and any(m in str(exc).lower() for m in _ENVIRONMENTAL)


class SqliteStore:
    """A schema-versioned SQLite file. Subclasses set `MIGRATIONS` (index i upgrades v i -> v i+1).

    `degraded` is None when the file is usable, else the reason; every operation then raises
    `MemoryUnavailable`. The constructor never raises for a bad file.
    """

    MIGRATIONS: Sequence[Migration] = ()
    TABLES: tuple[str, ...] = ()  # our tables: their presence in an unversioned file means foreign

    def __init__(self, path: Path, *, busy_timeout_ms: int = 10000, secure_delete: bool = False,
                 target_version: int | None = None, unavailable: str | None = None) -> None:
        self.path = Path(path)
        self.busy_timeout_ms = busy_timeout_ms
        self.secure_delete = secure_delete
        self.target_version = len(self.MIGRATIONS) if target_version is None else target_version
        self.degraded: str | None = None
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False
        if unavailable:  # the caller already knows the store cannot be used: touch no file
            self.degraded = unavailable
            return
        try:
            self._open()
        except MemoryUnavailable as exc:
            self.degraded = str(exc)
        except (sqlite3.Error, OSError) as exc:
            self.degraded = explain_sqlite_error(self.path, exc)
        if self.degraded:
            log.warning("%s", self.degraded)
            self._close_connections()

    # -- connections -------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: no implicit BEGIN; every transaction is ours and explicit.
        conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False,
                               timeout=self.busy_timeout_ms / 1000)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            if self.secure_delete:
                conn.execute("PRAGMA secure_delete = ON")  # deleted plaintext is zeroed, not left in free pages
        except sqlite3.Error:
            conn.close()
            raise
        with self._lock:
            self._all.append(conn)
        return conn

    def conn(self) -> sqlite3.Connection:
        """This thread's connection (opened on first use)."""
        self._check()
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = self._connect()
            except sqlite3.Error as exc:
                raise MemoryUnavailable(explain_sqlite_error(self.path, exc)) from exc
            self._local.conn = conn
        return conn

    def db(self) -> sqlite_utils.Database:
        """This thread's connection wrapped by sqlite-utils, for reads and introspection."""
        sqlite_utils = import_sqlite_utils()
        wrapped = getattr(self._local, "sdb", None)
        conn = self.conn()
        if wrapped is None or wrapped.conn is not conn:
            wrapped = sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False)
            self._local.sdb = wrapped
        return wrapped

    def _check(self) -> None:
        if self._closed:
            raise MemoryUnavailable(f"memory file {self.path} is closed")
        if self.degraded:
            raise MemoryUnavailable(self.degraded)

    # -- transactions ------------------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: BEGIN IMMEDIATE ... COMMIT (fsynced: synchronous=FULL, WAL).

        When the block returns, the data is on disk. An exception rolls back and propagates;
        lock, disk-full and read-only errors become `MemoryUnavailable`. Nested use joins the
        outer transaction.
        """
        conn = self.conn()
        if conn.in_transaction:
            yield conn
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise MemoryUnavailable(explain_sqlite_error(self.path, exc)) from exc
        try:
            yield conn
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if is_environmental(exc):
                raise MemoryUnavailable(explain_sqlite_error(self.path, exc)) from exc
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise MemoryUnavailable(explain_sqlite_error(self.path, exc)) from exc

    def read(self) -> sqlite3.Connection:
        """This thread's connection for reads (autocommit: each statement sees the latest commit)."""
        return self.conn()

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        try:
            return list(self.db().query(sql, params))
        except sqlite3.DatabaseError as exc:
            if is_environmental(exc):
                raise MemoryUnavailable(explain_sqlite_error(self.path, exc)) from exc
            raise

    def rows(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        """`query()` through plain sqlite3, for the fixed reads an idle server makes (the status
        panel, the metric series): sqlite-utils with click and pluggy (~5 MB) then loads only when
        memory is actually browsed or searched."""
        try:
            cur = self.read().execute(sql, params)
            names = [d[0] for d in cur.description or ()]
            return [dict(zip(names, row, strict=True)) for row in cur]
        except sqlite3.DatabaseError as exc:
            if is_environmental(exc):
                raise MemoryUnavailable(explain_sqlite_error(self.path, exc)) from exc
            raise

    # -- opening and migrations --------------------------------------------------------------
    def _open(self) -> None:
        existed = self.path.exists() and self.path.stat().st_size > 0
        if existed:
            with self.path.open("rb") as fh:
                if fh.read(16) != b"SQLite format 3\x00":
                    raise MemoryUnavailable(
                        f"memory file {self.path} is not a SQLite database (corrupt or foreign); "
                        "it was left untouched: move it away to start afresh"
                    )
        conn = self.conn()
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        self._refuse_foreign(conn, version, app_id)
        if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise MemoryUnavailable(f"memory file {self.path}: cannot switch to WAL (got {mode})")
        if version < self.target_version:
            self.migrate(self.target_version)
        if existed:
            quick = conn.execute("PRAGMA quick_check").fetchone()[0]
            if quick != "ok":
                raise MemoryUnavailable(
                    f"memory file {self.path} is damaged ({quick}); it was left untouched: "
                    "move it away to start afresh"
                )
            # the check read every page into the opening thread's cache (up to 2 MB a store), which
            # that thread's connection would keep for the life of an idle server: hand it back
            conn.execute("PRAGMA shrink_memory")

    def _refuse_foreign(self, conn: sqlite3.Connection, version: int, app_id: int) -> None:
        if app_id not in (0, APPLICATION_ID):
            raise MemoryUnavailable(
                f"memory file {self.path} belongs to another application (application_id "
                f"{app_id:#x}); it was left untouched"
            )
        if version > len(self.MIGRATIONS):
            raise MemoryUnavailable(
                f"memory file {self.path} has schema v{version}, newer than this ZombieCoder "
                f"(v{len(self.MIGRATIONS)}); upgrade ZombieCoder. The file was left untouched"
            )
        if version == 0:
            names = [r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table','view') "
                "AND name NOT LIKE 'sqlite_%'")]
            if names:
                raise MemoryUnavailable(
                    f"memory file {self.path} holds tables of another program ({', '.join(names[:5])}); "
                    "it was left untouched"
                )

    def migrate(self, target: int) -> None:
        """Upgrade the schema to `target`, one version per step, each step in its own transaction."""
        while True:
            with self.write() as conn:
                version = conn.execute("PRAGMA user_version").fetchone()[0]  # re-read under the lock
                if version >= target:
                    return
                self.MIGRATIONS[version](conn)
                if version == 0:
                    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.execute(f"PRAGMA user_version = {version + 1}")
            log.info("migrated %s to schema v%d", self.path, version + 1)

    @property
    def schema_version(self) -> int:
        return int(self.conn().execute("PRAGMA user_version").fetchone()[0])

    # -- maintenance -------------------------------------------------------------------------
    def vacuum(self) -> None:
        """Rewrite the file without free pages, then fold the WAL back in and truncate it."""
        conn = self.conn()
        try:
            conn.execute("VACUUM")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.OperationalError as exc:
            raise MemoryUnavailable(explain_sqlite_error(self.path, exc)) from exc

    def _close_connections(self) -> None:
        with self._lock:
            conns, self._all = self._all, []
        for conn in conns:
            try:
                conn.close()
            except sqlite3.Error as exc:
                log.warning("closing %s: %s", self.path, exc)
        self._local = threading.local()

    def close(self) -> None:
        self._close_connections()
        self._closed = True
