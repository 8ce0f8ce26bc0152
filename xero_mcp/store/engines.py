"""The two database engines behind the store: SQLite (embedded, the default) and PostgreSQL (psycopg 3, async).

The store writes its SQL once, with ``:name`` parameters; each engine runs it in its own dialect. Column types that
differ between the two are written ``{blob}``, ``{bigint}`` and ``{serial}`` (an auto-numbered primary key) in the
migrations and filled in per engine.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import AsyncGenerator, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from xero_mcp._files import private_sqlite

Row = tuple[Any, ...]
Params = Mapping[str, Any]


class StoreConfigError(ValueError):
    """XERO_MCP_DATABASE_URL cannot be used."""


class Connection(Protocol):
    """One connection inside a transaction."""

    async def run(self, sql: str, params: Params | None = None) -> list[Row]:
        """Run one statement; the rows it returns (empty for statements without a result)."""
        ...

    async def many(self, sql: str, rows: Sequence[Params]) -> None:
        """Run one statement once per parameter set (a batch of inserts, say)."""
        ...


class Engine(Protocol):
    """A database the store can run transactions on."""

    dialect: str

    def transaction(self) -> Any:
        """An async context manager giving a Connection; everything inside commits together or not at all."""
        ...

    async def close(self) -> None:
        """Release the database."""
        ...

    def types(self) -> dict[str, str]:
        """The dialect's names for the portable column types used in migrations."""
        ...


class _SqliteConnection:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    async def run(self, sql: str, params: Params | None = None) -> list[Row]:
        cursor = self._conn.execute(sql, dict(params or {}))
        return [tuple(row) for row in cursor.fetchall()]

    async def many(self, sql: str, rows: Sequence[Params]) -> None:
        self._conn.executemany(sql, [dict(row) for row in rows])


class SqliteEngine:
    """SQLite through the standard library. Statements are small and local, so they run inline on the event loop;
    one asyncio lock serialises transactions within the process, and WAL plus a busy timeout let a second process
    share the file."""

    dialect = "sqlite"

    def __init__(self, path: str) -> None:
        if path != ":memory:":
            target = Path(path)
            private_sqlite(target)
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10.0)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._lock = asyncio.Lock()

    def types(self) -> dict[str, str]:
        return {"blob": "BLOB", "bigint": "INTEGER", "serial": "INTEGER PRIMARY KEY AUTOINCREMENT"}

    @asynccontextmanager
    async def transaction(self) -> AsyncGenerator[Connection]:
        async with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield _SqliteConnection(self._conn)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    async def close(self) -> None:
        self._conn.close()


_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_][A-Za-z0-9_]*)")


def to_pyformat(sql: str) -> str:
    """``:name`` parameters as psycopg's ``%(name)s``."""
    return _NAMED.sub(r"%(\1)s", sql)


class _PgConnection:
    def __init__(self, conn: Any) -> None:
        self._conn = conn

    async def run(self, sql: str, params: Params | None = None) -> list[Row]:
        cursor = await self._conn.execute(to_pyformat(sql), dict(params or {}))
        if cursor.description is None:
            return []
        return [tuple(row) for row in await cursor.fetchall()]

    async def many(self, sql: str, rows: Sequence[Params]) -> None:
        if rows:
            async with self._conn.cursor() as cursor:
                await cursor.executemany(to_pyformat(sql), [dict(row) for row in rows])


class PostgresEngine:
    """PostgreSQL through psycopg 3's async connection pool: each transaction borrows one connection."""

    dialect = "postgresql"

    def __init__(self, pool: Any) -> None:
        self._pool = pool

    @classmethod
    async def connect(cls, url: str, *, max_size: int = 10) -> PostgresEngine:
        """Open a pool on a ``postgresql://`` URL."""
        try:
            from psycopg_pool import AsyncConnectionPool
        except ImportError:  # pragma: no cover - depends on how xero-mcp was installed
            raise StoreConfigError(
                "PostgreSQL needs psycopg: install xero-mcp with the 'hosted' extra (pip install 'xero-mcp[hosted]')."
            ) from None
        pool: Any = AsyncConnectionPool(url, min_size=1, max_size=max_size, open=False)
        await pool.open(wait=True)
        return cls(pool)

    def types(self) -> dict[str, str]:
        return {"blob": "BYTEA", "bigint": "BIGINT", "serial": "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"}

    @asynccontextmanager
    async def transaction(self) -> AsyncGenerator[Connection]:
        async with self._pool.connection() as conn, conn.transaction():
            yield _PgConnection(conn)

    async def close(self) -> None:
        await self._pool.close()


def sqlite_path(url: str) -> str:
    """The file path of a ``sqlite:///path`` URL (``sqlite:///:memory:`` or ``sqlite://`` for memory)."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    if parts.netloc:
        raise StoreConfigError("a SQLite URL has no host: use sqlite:///relative/path or sqlite:////absolute/path")
    if path in ("", "/", "/:memory:"):
        return ":memory:"
    # sqlite:///state.db is relative, sqlite:////var/lib/x.db absolute (SQLAlchemy's convention).
    return path[1:]


async def open_engine(url: str) -> Engine:
    """The engine for a database URL: ``sqlite:///path`` or ``postgresql://...``."""
    scheme = urlsplit(url).scheme.lower()
    if scheme == "sqlite":
        return SqliteEngine(sqlite_path(url))
    if scheme in ("postgresql", "postgres"):
        return await PostgresEngine.connect(url)
    raise StoreConfigError(
        f"XERO_MCP_DATABASE_URL must start with sqlite:/// or postgresql:// (got a {scheme or 'schemeless'} URL)"
    )


def render(statements: Sequence[str], types: Mapping[str, str]) -> list[str]:
    """Migration statements with the engine's type names filled in."""
    return [statement.format_map(types) for statement in statements]
