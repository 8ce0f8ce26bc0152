"""The create-once ledger (storage only), on both store engines: records, and claims on a key while its create is
under way, across processes."""

from __future__ import annotations

import asyncio

import pytest

from tests.databases import StoreClock
from tests.sync.fakes import START, TENANT_A, TENANT_B, rid
from xero_mcp.store import Store, open_store
from xero_mcp.sync.dedupe import CLAIM_LEASE, ClaimBusyError, DedupeLedger


async def _yield(_seconds: float) -> None:
    await asyncio.sleep(0)  # a waiting claimer lets the holder run; no real time passes


@pytest.fixture
def ledger(db: Store) -> DedupeLedger:
    return DedupeLedger(db, sleep=_yield)


async def test_ledger_finds_what_was_recorded_per_organisation_and_kind(ledger: DedupeLedger):
    assert await ledger.lookup(TENANT_A, "invoice", "invoice_number=inv-1") is None
    entry = await ledger.record(TENANT_A, "invoice", "invoice_number=inv-1", rid(1).upper(), now=START)
    found = await ledger.lookup(TENANT_A, "invoice", "invoice_number=inv-1")
    assert found == entry and found.xero_id == rid(1) and found.recorded_at == START
    assert await ledger.lookup(TENANT_B, "invoice", "invoice_number=inv-1") is None
    assert await ledger.lookup(TENANT_A, "quote", "invoice_number=inv-1") is None


async def test_ledger_replaces_and_forgets_entries_and_survives_reopening(store_url: str):
    first = await open_store(store_url)
    ledger = DedupeLedger(first)
    await ledger.record(TENANT_A, "item", "code=a", rid(1), now=START)
    await ledger.record(TENANT_A, "item", "code=a", rid(2), now=START)
    await ledger.record(TENANT_A, "item", "code=b", rid(3), now=START)
    await first.close()
    reopened = await open_store(store_url)
    try:
        again = DedupeLedger(reopened)
        entry = await again.lookup(TENANT_A, "item", "code=a")
        assert entry is not None and entry.xero_id == rid(2)
        assert await again.forget(TENANT_A, "item", "code=b")
        assert not await again.forget(TENANT_A, "item", "code=b")
        assert await again.lookup(TENANT_A, "item", "code=b") is None
    finally:
        await reopened.close()


async def test_ledger_refuses_ids_that_are_not_uuids(ledger: DedupeLedger):
    with pytest.raises(ValueError, match="xero_id"):
        await ledger.record(TENANT_A, "item", "code=a", "INV-0001", now=START)


async def test_one_owners_ledger_is_invisible_to_another(db: Store):
    alice, bob = DedupeLedger(db, "alice"), DedupeLedger(db, "bob")
    await alice.record(TENANT_A, "invoice", "invoice_number=inv-1", rid(1), now=START)
    assert await bob.lookup(TENANT_A, "invoice", "invoice_number=inv-1") is None
    assert not await bob.forget(TENANT_A, "invoice", "invoice_number=inv-1")
    claim = await bob.claim(TENANT_A, "invoice", "invoice_number=inv-1")
    assert claim.token is not None and claim.entry is None  # Bob's key is his own, free to claim
    assert (await alice.lookup(TENANT_A, "invoice", "invoice_number=inv-1")) is not None


async def test_of_two_concurrent_claimers_one_creates_and_the_other_waits_and_sees_its_record(store_url: str):
    # Two processes (two store connections on one database), as two replicas would be.
    first_db, second_db = await open_store(store_url), await open_store(store_url)
    try:
        first, second = DedupeLedger(first_db, sleep=_yield), DedupeLedger(second_db, sleep=_yield)
        held = await first.claim(TENANT_A, "invoice", "invoice_number=inv-7")
        assert held.token is not None and not held.recovered
        waiting = asyncio.create_task(second.claim(TENANT_A, "invoice", "invoice_number=inv-7"))
        await asyncio.sleep(0)
        assert not waiting.done()  # the key is held: the second claimer waits rather than creating
        await first.record(TENANT_A, "invoice", "invoice_number=inv-7", rid(7), now=START)
        seen = await waiting
        assert seen.token is None and seen.entry is not None and seen.entry.xero_id == rid(7)
    finally:
        await first_db.close()
        await second_db.close()


async def test_claims_raced_at_once_are_won_by_exactly_one(store_url: str):
    stores = [await open_store(store_url) for _ in range(4)]
    try:
        outcomes = await asyncio.gather(
            *(s.claim_key("", TENANT_A, "contact", "name=acme", lease_ms=60_000) for s in stores)
        )
        assert sorted(outcome.state for outcome in outcomes) == ["busy", "busy", "busy", "claimed"]
    finally:
        for opened in stores:
            await opened.close()


async def test_a_released_claim_lets_the_next_claimer_create(ledger: DedupeLedger):
    held = await ledger.claim(TENANT_A, "contact", "name=acme")
    assert await ledger.release(held)
    again = await ledger.claim(TENANT_A, "contact", "name=acme")
    assert again.token is not None and again.token != held.token and not again.recovered


async def test_a_claim_left_by_a_crashed_holder_is_recovered_after_its_lease(db: Store, store_clock: StoreClock):
    crashed = DedupeLedger(db, sleep=_yield)
    await crashed.claim(TENANT_A, "contact", "name=acme")  # its process dies here: no record, no release
    survivor = DedupeLedger(db, sleep=_yield)
    with pytest.raises(ClaimBusyError):
        await survivor.claim(TENANT_A, "contact", "name=acme")  # the lease is live: the survivor gives up waiting
    store_clock.now += CLAIM_LEASE.total_seconds() + 1
    taken = await survivor.claim(TENANT_A, "contact", "name=acme")
    assert taken.token is not None and taken.recovered  # so the create path looks the record up in Xero first
    await survivor.record(TENANT_A, "contact", "name=acme", rid(9), now=START)
    entry = await survivor.lookup(TENANT_A, "contact", "name=acme")
    assert entry is not None and entry.xero_id == rid(9)


async def test_a_record_gone_from_xero_is_claimed_again_only_by_one_replacer(ledger: DedupeLedger):
    await ledger.record(TENANT_A, "item", "code=a", rid(1), now=START)
    found = await ledger.claim(TENANT_A, "item", "code=a")
    assert found.entry is not None and found.entry.xero_id == rid(1)
    replaced = await ledger.claim(TENANT_A, "item", "code=a", replacing=rid(1))
    assert replaced.token is not None
    assert await ledger.lookup(TENANT_A, "item", "code=a") is None  # a claim, not a record, until the create ends


async def test_a_renewed_claim_outlives_its_first_lease_and_a_lost_one_cannot_be_renewed(
    db: Store, store_clock: StoreClock
):
    holder, other = DedupeLedger(db, sleep=_yield), DedupeLedger(db, sleep=_yield)
    held = await holder.claim(TENANT_A, "contact", "name=slow")
    assert held.token is not None
    lease_ms = int(CLAIM_LEASE.total_seconds() * 1000)
    for _ in range(3):  # a create that takes three leases, its holder alive and renewing throughout
        store_clock.now += CLAIM_LEASE.total_seconds() * 2 / 3
        assert await db.renew_key("", TENANT_A, "contact", "name=slow", held.token, lease_ms)
    assert (await db.claim_key("", TENANT_A, "contact", "name=slow", lease_ms=lease_ms)).state == "busy"
    store_clock.now += CLAIM_LEASE.total_seconds() + 1  # the holder dies: no more renewals
    taken = await other.claim(TENANT_A, "contact", "name=slow")
    assert taken.recovered
    assert not await db.renew_key("", TENANT_A, "contact", "name=slow", held.token, lease_ms)
