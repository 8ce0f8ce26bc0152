"""The poll engine: exactly-once "new or updated" delivery over If-Modified-Since, with two-phase acknowledgement,
on both store engines."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.sync.fakes import START, TENANT_A, TENANT_B, Clock, FakeXero, ids, rid
from xero_mcp.store import Store, open_store
from xero_mcp.sync.cursors import KEEP_DELIVERIES, CursorMismatchError, CursorStore, PollError, PollResult, poll


async def run(
    store: CursorStore,
    xero: FakeXero,
    clock: Clock,
    cursor: str | None = None,
    *,
    tenant: str = TENANT_A,
    since: datetime | None = None,
) -> PollResult:
    return await poll(store, tenant, "sales_invoices", xero.fetch_changed, now=clock, cursor=cursor, since=since)


async def test_first_poll_starts_a_subscription_and_returns_nothing_old(store, xero, clock):
    xero.put(1, at=START - timedelta(hours=2))
    xero.put(2, at=START - timedelta(minutes=2))  # inside the overlap margin of the baseline
    first = await run(store, xero, clock)
    assert first.started and first.changes == 0
    assert await store.subscription(TENANT_A, "sales_invoices") is not None

    clock.advance(minutes=10)
    second = await run(store, xero, clock, first.cursor)
    assert second.changes == 0
    assert second.window_start < START  # the window overlapped the baseline and still repeated nothing


async def test_first_poll_with_since_returns_everything_changed_since_then_as_created(store, xero, clock):
    xero.put(1, at=START - timedelta(hours=3))
    xero.put(2, at=START - timedelta(hours=1))
    xero.put(3, at=START - timedelta(minutes=1))
    result = await run(store, xero, clock, since=START - timedelta(hours=2))
    assert result.started
    assert ids(result.created) == [rid(2), rid(3)]
    assert result.updated == ()


async def test_every_page_is_delivered_not_just_the_first(store, xero, clock):
    start = await run(store, xero, clock)
    for n in range(1, 2501):
        xero.put(n)
        clock.advance(milliseconds=10)
    result = await run(store, xero, clock, start.cursor)
    assert result.pages == 3
    assert len(result.created) == 2500
    assert len(set(ids(result.created))) == 2500


async def test_new_records_are_created_and_records_seen_before_are_updated(store, xero, clock):
    start = await run(store, xero, clock)
    clock.advance(minutes=1)
    xero.put(1)
    first = await run(store, xero, clock, start.cursor)
    assert ids(first.created) == [rid(1)] and first.updated == ()

    clock.advance(minutes=1)
    xero.put(1, Status="AUTHORISED")
    xero.put(2)
    second = await run(store, xero, clock, first.cursor)
    assert ids(second.created) == [rid(2)]
    assert ids(second.updated) == [rid(1)]
    assert second.updated[0]["Status"] == "AUTHORISED"


async def test_record_changed_twice_between_polls_is_delivered_once_as_its_latest_version(store, xero, clock):
    start = await run(store, xero, clock)
    clock.advance(minutes=1)
    xero.put(1)
    first = await run(store, xero, clock, start.cursor)
    clock.advance(minutes=1)
    xero.put(1, Status="SUBMITTED")
    clock.advance(seconds=30)
    xero.put(1, Status="AUTHORISED")
    second = await run(store, xero, clock, first.cursor)
    assert ids(second.updated) == [rid(1)]
    assert second.updated[0]["Status"] == "AUTHORISED"


async def test_record_changed_during_a_poll_is_delivered_once_and_the_record_it_pushes_off_a_page_is_not_lost(
    store, xero, clock
):
    xero.page_size = 3
    start = await run(store, xero, clock)
    for n in range(1, 8):
        clock.advance(minutes=1)
        xero.put(n)
    clock.advance(minutes=13)

    def change_first_record(page: int) -> None:
        if page == 1:
            xero.put(1, Status="AUTHORISED")  # moves to the end; record 4 slides back onto page 1, already read

    xero.between_pages = change_first_record
    first = await run(store, xero, clock, start.cursor)
    assert rid(4) not in ids(first.created)  # the page shift really happened
    assert ids(first.created).count(rid(1)) == 1
    assert next(r for r in first.created if r["InvoiceID"] == rid(1))["Status"] == "AUTHORISED"

    xero.between_pages = None
    second = await run(store, xero, clock, first.cursor)
    delivered = ids(first.created) + ids(first.updated) + ids(second.created) + ids(second.updated)
    assert sorted(delivered) == sorted(rid(n) for n in range(1, 8))


async def test_poll_that_fails_half_way_delivers_nothing_and_the_next_poll_gets_everything(store, xero, clock):
    xero.page_size = 2
    start = await run(store, xero, clock)
    for n in range(1, 6):
        clock.advance(seconds=20)
        xero.put(n)
    before = await store.subscription(TENANT_A, "sales_invoices")
    xero.fail_on_page = 2
    with pytest.raises(ConnectionError):
        await run(store, xero, clock, start.cursor)
    after = await store.subscription(TENANT_A, "sales_invoices")
    assert after is not None and before is not None
    assert (after.cursor, after.seen_count) == (before.cursor, before.seen_count)

    xero.fail_on_page = None
    retry = await run(store, xero, clock, start.cursor)
    assert ids(retry.created) == [rid(n) for n in range(1, 6)]


async def test_failed_first_poll_starts_nothing(store, xero, clock):
    xero.fail_on_page = 1
    with pytest.raises(ConnectionError):
        await run(store, xero, clock)
    assert await store.subscription(TENANT_A, "sales_invoices") is None


async def test_record_stamped_slightly_before_the_cursor_is_delivered_exactly_once(store, xero, clock):
    start = await run(store, xero, clock)
    clock.advance(minutes=10)
    xero.put(1)
    first = await run(store, xero, clock, start.cursor)
    assert first.next_cursor_at == xero.updated(xero.records[rid(1)])

    # A write Xero stamped a minute before record 1 but committed after the poll read (clock skew, commit lag).
    xero.put(2, at=clock() - timedelta(minutes=1))
    clock.advance(minutes=1)
    second = await run(store, xero, clock, first.cursor)
    assert ids(second.created) == [rid(2)]
    third = await run(store, xero, clock, second.cursor)
    assert third.changes == 0


async def test_xero_clock_behind_the_local_clock_within_the_margin_misses_nothing_after_the_baseline(store, clock):
    xero = FakeXero(Clock(START - timedelta(minutes=3)))
    start = await run(store, xero, clock)
    xero.clock.advance(seconds=10)
    xero.put(1)  # stamped before the local baseline
    clock.advance(minutes=1)
    result = await run(store, xero, clock, start.cursor)
    assert ids(result.created) == [rid(1)]


async def test_two_organisations_keep_separate_cursors(store, clock):
    xero_a, xero_b = FakeXero(clock), FakeXero(clock)
    start_a = await run(store, xero_a, clock, tenant=TENANT_A)
    start_b = await run(store, xero_b, clock, tenant=TENANT_B)
    clock.advance(minutes=1)
    xero_a.put(1)
    a = await run(store, xero_a, clock, start_a.cursor, tenant=TENANT_A)
    b = await run(store, xero_b, clock, start_b.cursor, tenant=TENANT_B)
    assert ids(a.created) == [rid(1)] and b.changes == 0
    assert await store.acknowledge(TENANT_A, "sales_invoices", a.cursor, now=clock()) == "committed"
    state_a = await store.subscription(TENANT_A, "sales_invoices")
    state_b = await store.subscription(TENANT_B, "sales_invoices")
    assert state_a is not None and state_b is not None and state_a.cursor != state_b.cursor
    with pytest.raises(CursorMismatchError):
        await run(store, xero_b, clock, a.cursor, tenant=TENANT_B)


async def test_cursor_survives_a_restart_of_the_server(store_url: str, xero, clock):
    first_store = await open_store(store_url)
    start = await run(CursorStore(first_store), xero, clock)
    clock.advance(minutes=1)
    xero.put(1)
    before = await run(CursorStore(first_store), xero, clock, start.cursor)
    await first_store.close()

    restarted = await open_store(store_url)
    try:
        clock.advance(minutes=1)
        xero.put(2)
        after = await run(CursorStore(restarted), xero, clock, before.cursor)
        assert after.acknowledged == "committed"
        assert ids(after.created) == [rid(2)]
    finally:
        await restarted.close()


async def test_result_that_never_reached_the_caller_is_delivered_again(store, xero, clock):
    start = await run(store, xero, clock)
    clock.advance(minutes=1)
    xero.put(1)
    await run(store, xero, clock, start.cursor)  # this result is lost on its way to the caller

    clock.advance(minutes=1)
    xero.put(2)
    again = await run(store, xero, clock, start.cursor)
    assert again.acknowledged == "already_committed"
    assert ids(again.created) == [rid(1), rid(2)]
    without_cursor = await run(store, xero, clock)
    assert without_cursor.acknowledged == "none" and ids(without_cursor.created) == [rid(1), rid(2)]

    done = await run(store, xero, clock, without_cursor.cursor)
    assert done.acknowledged == "committed" and done.changes == 0


async def test_explicit_acknowledgement_commits_once_and_rejects_other_subscriptions(store, xero, clock):
    start = await run(store, xero, clock)
    clock.advance(minutes=1)
    xero.put(1)
    result = await run(store, xero, clock, start.cursor)
    assert await store.acknowledge(TENANT_A, "sales_invoices", result.cursor, now=clock()) == "committed"
    assert await store.acknowledge(TENANT_A, "sales_invoices", result.cursor, now=clock()) == "already_committed"
    assert await store.acknowledge(TENANT_A, "sales_invoices", "xc1_never-issued", now=clock()) == "unknown"
    with pytest.raises(CursorMismatchError):
        await store.acknowledge(TENANT_A, "bills", result.cursor, now=clock())
    assert (await run(store, xero, clock)).changes == 0


async def test_acknowledging_deliveries_out_of_order_repeats_nothing(store, xero, clock):
    start = await run(store, xero, clock)
    clock.advance(minutes=1)
    xero.put(1)
    older = await run(store, xero, clock, start.cursor)
    clock.advance(minutes=1)
    xero.put(2)
    newer = await run(store, xero, clock, start.cursor)
    assert ids(newer.created) == [rid(1), rid(2)]
    assert await store.acknowledge(TENANT_A, "sales_invoices", newer.cursor, now=clock()) == "committed"
    assert await store.acknowledge(TENANT_A, "sales_invoices", older.cursor, now=clock()) == "committed"
    state = await store.subscription(TENANT_A, "sales_invoices")
    assert state is not None and state.cursor == newer.next_cursor_at
    assert (await run(store, xero, clock)).changes == 0


async def test_deleted_and_archived_records_are_reported_as_updates_with_their_status(store, xero, clock):
    start = await run(store, xero, clock)
    clock.advance(minutes=1)
    xero.put(1)
    first = await run(store, xero, clock, start.cursor)
    clock.advance(minutes=1)
    xero.put(1, Status="DELETED")
    second = await run(store, xero, clock, first.cursor)
    assert second.created == () and [r["Status"] for r in second.updated] == ["DELETED"]


async def test_record_created_before_the_baseline_and_changed_after_it_counts_as_created(store, xero, clock):
    # The documented limitation: Xero gives no creation time, and this subscription never saw the record.
    xero.put(1, at=START - timedelta(days=1))
    start = await run(store, xero, clock)
    clock.advance(minutes=10)
    xero.put(1, Status="AUTHORISED")
    result = await run(store, xero, clock, start.cursor)
    assert ids(result.created) == [rid(1)]


async def test_records_older_than_the_window_are_not_delivered_when_the_fetcher_ignores_if_modified_since(
    store, xero, clock
):
    xero.ignore_if_modified_since = True
    xero.put(1, at=START - timedelta(hours=1))
    start = await run(store, xero, clock)
    clock.advance(minutes=10)
    xero.put(2)
    result = await run(store, xero, clock, start.cursor)
    assert ids(result.created) == [rid(2)]


async def test_since_on_an_existing_subscription_replays_changes_already_delivered(store, xero, clock):
    start = await run(store, xero, clock)
    clock.advance(minutes=10)
    xero.put(1)
    first = await run(store, xero, clock, start.cursor)
    replay = await run(store, xero, clock, first.cursor, since=START)
    assert replay.replay and ids(replay.updated) == [rid(1)]  # seen before, so no longer new
    assert (await run(store, xero, clock, replay.cursor)).changes == 0


async def test_record_without_a_readable_timestamp_fails_the_poll_and_stores_nothing(store, xero, clock):
    start = await run(store, xero, clock)
    clock.advance(minutes=1)
    xero.put(1)
    xero.records[rid(1)]["UpdatedDateUTC"] = "yesterday"
    with pytest.raises(PollError, match="UpdatedDateUTC"):
        await run(store, xero, clock, start.cursor)
    state = await store.subscription(TENANT_A, "sales_invoices")
    assert state is not None and state.seen_count == 0


async def test_iso_timestamps_work_like_ms_json_ones(store, xero, clock):
    xero.iso_timestamps = True
    start = await run(store, xero, clock)
    clock.advance(minutes=1)
    xero.put(1)
    first = await run(store, xero, clock, start.cursor)
    assert ids(first.created) == [rid(1)]
    assert (await run(store, xero, clock, first.cursor)).changes == 0


async def test_naive_clock_is_refused(store, xero):
    with pytest.raises(ValueError, match="timezone-aware"):
        await poll(store, TENANT_A, "sales_invoices", xero.fetch_changed, now=lambda: datetime(2026, 1, 1))


async def test_unknown_subscription_needs_an_id_field(store, clock):
    xero = FakeXero(clock, id_field="ReceiptID")
    with pytest.raises(ValueError, match="id_field"):
        await poll(store, TENANT_A, "receipts", xero.fetch_changed, now=clock)
    started = await poll(store, TENANT_A, "receipts", xero.fetch_changed, now=clock, id_field="ReceiptID")
    clock.advance(minutes=1)
    xero.put(1)
    result = await poll(
        store, TENANT_A, "receipts", xero.fetch_changed, now=clock, id_field="ReceiptID", cursor=started.cursor
    )
    assert [r["ReceiptID"] for r in result.created] == [rid(1)]


async def test_state_stays_bounded_by_distinct_records_not_by_changes(store, db: Store, xero, clock):
    result = await run(store, xero, clock)
    for _ in range(40):
        clock.advance(minutes=7)
        for n in (1, 2, 3):
            xero.put(n, Status="AUTHORISED")
        result = await run(store, xero, clock, result.cursor)
        assert result.changes == 3
    state = await store.subscription(TENANT_A, "sales_invoices")
    assert state is not None and state.seen_count == 3
    async with db._engine.transaction() as conn:
        deliveries = (await conn.run("SELECT count(*) FROM sync_deliveries"))[0][0]
        items = (await conn.run("SELECT count(*) FROM sync_delivery_items"))[0][0]
    assert deliveries == KEEP_DELIVERIES
    assert items == 3  # only the last, unacknowledged delivery keeps its items


async def test_reset_forgets_the_subscription(store, xero, clock):
    await run(store, xero, clock)
    assert await store.reset(TENANT_A, "sales_invoices")
    assert await store.subscription(TENANT_A, "sales_invoices") is None
    assert not await store.reset(TENANT_A, "sales_invoices")
