"""Every sync test runs on both store engines: SQLite, and PostgreSQL when XERO_MCP_TEST_DATABASE_URL is set."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from xero_mcp.store import Store, open_store
from xero_mcp.sync.cursors import CursorStore


class StoreClock:
    """The store's clock (claim leases), in seconds; it moves only when told."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def url(store_url: str) -> str:
    return store_url


@pytest.fixture
def store_clock() -> StoreClock:
    return StoreClock()


@pytest.fixture
async def db(url: str, store_clock: StoreClock) -> AsyncIterator[Store]:
    opened = await open_store(url, clock=store_clock)
    yield opened
    await opened.close()


@pytest.fixture
def store(db: Store) -> CursorStore:
    return CursorStore(db)
