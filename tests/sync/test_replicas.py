"""Trigger delivery across processes sharing one store (replicas behind a load balancer, or two servers on one state
dir), on both engines: per consumer, per owner, and exactly once when polls land on different replicas, also when a
replica dies between a delivery and its acknowledgement."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.sync.fakes import TENANT_A, Clock, FakeXero, ids, rid
from xero_mcp.store import Store, open_store
from xero_mcp.sync.cursors import ChangeEvent, CursorMismatchError, CursorStore, PollResult


@pytest.fixture
async def replicas(store_url: str) -> AsyncIterator[list[Store]]:
    """Two replicas: each its own connection (pool) to the one database."""
    opened = [await open_store(store_url), await open_store(store_url)]
    yield opened
    for store in opened:
        await store.close()


async def poll(store: CursorStore, xero: FakeXero, clock: Clock, cursor: str | None, **extra: str) -> PollResult:
    return await store.poll(TENANT_A, "sales_invoices", xero.fetch_changed, now=clock, cursor=cursor, **extra)


async def test_two_consumers_of_one_organisation_each_get_every_change(replicas, xero, clock):
    first, second = CursorStore(replicas[0]), CursorStore(replicas[1])
    a = await poll(first, xero, clock, None, consumer="zap-a")
    b = await poll(second, xero, clock, None, consumer="zap-b")
    got: dict[str, list[str]] = {"a": [], "b": []}
    for n in range(1, 21):
        clock.advance(minutes=1)
        xero.put(n)
        a = await poll(first, xero, clock, a.cursor)
        got["a"] += ids(a.created)
        if n % 5 == 0:  # the second consumer polls less often, and its polls land on the other replica
            b = await poll(second, xero, clock, b.cursor)
            got["b"] += ids(b.created)
    assert got["a"] == got["b"] == [rid(n) for n in range(1, 21)]
    assert a.consumer == "zap-a" and b.consumer == "zap-b"  # each cursor continued the consumer it was issued to


async def test_one_consumers_polls_alternating_between_replicas_deliver_each_change_once(replicas, xero, clock):
    sides = [CursorStore(replicas[0]), CursorStore(replicas[1])]
    result = await poll(sides[0], xero, clock, None)
    delivered: list[str] = []
    for n in range(1, 13):
        clock.advance(minutes=1)
        xero.put(n)
        if n % 3 == 0:
            xero.put(n - 1, Status="AUTHORISED")  # an update too
        result = await poll(sides[n % 2], xero, clock, result.cursor)
        delivered += ids(result.created) + ids(result.updated)
    final = await poll(sides[1], xero, clock, result.cursor)
    assert final.changes == 0 and final.acknowledged == "committed"
    expected = sorted([rid(n) for n in range(1, 13)] + [rid(n - 1) for n in (3, 6, 9, 12)])
    assert sorted(delivered) == expected


async def test_a_delivery_lost_with_a_killed_replica_comes_again_and_an_acknowledged_one_never(replicas, xero, clock):
    doomed, survivor = CursorStore(replicas[0]), CursorStore(replicas[1])
    start = await poll(survivor, xero, clock, None)
    clock.advance(minutes=1)
    xero.put(1)
    acked = await poll(survivor, xero, clock, start.cursor)
    assert ids(acked.created) == [rid(1)]
    clock.advance(minutes=1)
    xero.put(2)
    # The replica computes and stores a delivery, then dies before its answer reaches the consumer.
    lost = await poll(doomed, xero, clock, acked.cursor)
    assert ids(lost.created) == [rid(2)]
    del doomed  # never used again
    # The consumer retries through the other replica with the cursor it holds: record 1 was acknowledged by that
    # cursor, so it is never delivered again; record 2's delivery was never acknowledged, so it comes again.
    retry = await poll(survivor, xero, clock, acked.cursor)
    assert retry.acknowledged == "already_committed"
    assert ids(retry.created) == [rid(2)]
    done = await poll(survivor, xero, clock, retry.cursor)
    assert done.changes == 0 and done.acknowledged == "committed"


async def test_a_cursor_or_event_of_one_owner_is_nothing_to_another(db: Store, xero, clock):
    alice, bob = CursorStore(db, "alice"), CursorStore(db, "bob")
    started = await poll(alice, xero, clock, None)
    clock.advance(minutes=1)
    xero.put(1)
    delivered = await poll(alice, xero, clock, started.cursor)
    # Bob presenting Alice's cursor (a guessed or stolen token) acknowledges nothing and sees none of her state.
    assert await bob.acknowledge(TENANT_A, "sales_invoices", delivered.cursor, now=clock()) == "unknown"
    assert await bob.subscription(TENANT_A, "sales_invoices", started.consumer) is None
    await alice.record_events([ChangeEvent(TENANT_A, "INVOICE", rid(1), "UPDATE", clock())], now=clock())
    assert await db.events_after("bob", TENANT_A, "INVOICE", 0) == []
    assert len(await db.events_after("alice", TENANT_A, "INVOICE", 0)) == 1
    again = await poll(alice, xero, clock, delivered.cursor)
    assert again.acknowledged == "committed"


async def test_naming_another_consumer_than_the_cursors_is_refused_and_commits_nothing(db: Store, xero, clock):
    store = CursorStore(db)
    started = await poll(store, xero, clock, None, consumer="zap-a")
    clock.advance(minutes=1)
    xero.put(1)
    first = await poll(store, xero, clock, started.cursor)
    with pytest.raises(CursorMismatchError):
        await poll(store, xero, clock, first.cursor, consumer="zap-b")
    state = await store.subscription(TENANT_A, "sales_invoices", "zap-a")
    assert state is not None and state.seen_count == 0  # the refused poll acknowledged nothing
