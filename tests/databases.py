"""Databases for tests: a SQLite file, or a private schema in the PostgreSQL that XERO_MCP_TEST_DATABASE_URL names.

PostgreSQL tests skip, saying so, when that variable is unset; .ci/run sets it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

import pytest

PG_ENV = "XERO_MCP_TEST_DATABASE_URL"
ENGINES = ("sqlite", "postgresql")


def pg_url() -> str:
    """The PostgreSQL test server's URL, or skip the test."""
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"{PG_ENV} is not set: the PostgreSQL engine's tests run only against a PostgreSQL server")
    return url


@asynccontextmanager
async def database_url(engine: str, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh, empty database of this engine for one test, dropped afterwards."""
    if engine == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite3'}"
        return
    import psycopg

    base = pg_url()
    schema = f"xmcp_test_{secrets.token_hex(6)}"
    async with await psycopg.AsyncConnection.connect(base, autocommit=True) as conn:
        await conn.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options={quote(f'-c search_path={schema}')}"
    finally:
        async with await psycopg.AsyncConnection.connect(base, autocommit=True) as conn:
            await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=ENGINES)
async def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh database URL of each engine in turn (the PostgreSQL run skips without a server, saying why)."""
    async with database_url(request.param, tmp_path) as value:
        yield value


class StoreClock:
    """A store's clock (seconds since the epoch) that moves only when a test moves it."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store_clock() -> StoreClock:
    return StoreClock()
