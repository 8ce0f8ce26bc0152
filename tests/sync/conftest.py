"""Every sync test runs on both store engines: SQLite, and PostgreSQL when XERO_MCP_TEST_DATABASE_URL is set; Xero
and the local clock are fakes the tests move by hand."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.databases import StoreClock
from tests.sync.fakes import Clock, FakeXero
from xero_mcp.store import Store, open_store
from xero_mcp.sync.cursors import CursorStore


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def xero(clock: Clock) -> FakeXero:
    return FakeXero(clock)


@pytest.fixture
async def db(store_url: str, store_clock: StoreClock) -> AsyncIterator[Store]:
    opened = await open_store(store_url, clock=store_clock)
    yield opened
    await opened.close()


@pytest.fixture
def store(db: Store) -> CursorStore:
    return CursorStore(db)
