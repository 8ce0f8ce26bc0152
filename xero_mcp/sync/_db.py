"""The one SQLite file that holds trigger cursors, webhook events and the dedupe ledger.

Every store opens its own connection to the same file. WAL mode and a busy timeout let two xero-mcp processes (two IDE
windows on one state dir, say) share it; a lock serialises the threads of one process, since the MCP server may run
handlers in worker threads. Statements are small and local, so they run inline on the event loop.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Generator
from contextlib import contextmanager
from pathlib import Path

from xero_mcp._files import private_sqlite

SYNC_DB_NAME = "sync.sqlite3"


def sync_db_path(state_dir: Path | str) -> Path:
    """The path of the sync database inside a state dir (XERO_MCP_STATE_DIR)."""
    return Path(state_dir) / SYNC_DB_NAME


class Database:
    """A connection to the sync database with a thread lock and explicit write transactions."""

    def __init__(self, path: Path | str, schema: str) -> None:
        target = Path(path)
        if str(path) != ":memory:":
            # The state dir also holds tokens; it and the database are made private even when they already exist.
            private_sqlite(target)
        self.path = target
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(target, isolation_level=None, check_same_thread=False, timeout=10.0)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        with self._lock:
            # CREATE ... IF NOT EXISTS only, so running it on every open (and from two processes at once) is safe.
            self._conn.executescript(schema)

    @contextmanager
    def write(self) -> Generator[sqlite3.Connection]:
        """A write transaction: everything inside commits together or not at all."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextmanager
    def read(self) -> Generator[sqlite3.Connection]:
        """A consistent read: one snapshot for every statement inside."""
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                yield self._conn
            finally:
                self._conn.execute("COMMIT")

    def ping(self) -> None:
        """Run a trivial query: raises sqlite3.Error when the database cannot be read (readiness checks)."""
        with self.read() as conn:
            conn.execute("SELECT 1").fetchone()

    def close(self) -> None:
        """Close the connection; the store must not be used afterwards."""
        with self._lock:
            self._conn.close()
