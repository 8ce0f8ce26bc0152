"""Xero webhooks: signatures, intent-to-receive, and events that reach the next poll."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import httpx2
import pytest
from starlette.applications import Starlette

from tests.sync.fakes import START, TENANT_A, Clock, FakeXero, rid
from xero_mcp.sync.cursors import ChangeEvent, CursorStore, PollResult, poll
from xero_mcp.sync.webhooks import MAX_BODY_BYTES, parse_events, sign, verify_signature, webhook_route

KEY = "webhook-signing-key-for-tests"


@pytest.fixture
def contacts(clock: Clock) -> FakeXero:
    return FakeXero(clock, id_field="ContactID")


def payload(*events: dict[str, Any]) -> bytes:
    return json.dumps(
        {"events": list(events), "firstEventSequence": 1, "lastEventSequence": len(events), "entropy": "ABCDEFGHIJ"}
    ).encode()


def contact_event(n: int, event_type: str, at: datetime, category: str = "CONTACT") -> dict[str, Any]:
    return {
        "resourceUrl": f"https://api.xero.com/api.xro/2.0/Contacts/{rid(n)}",
        "resourceId": rid(n),
        "eventDateUtc": at.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3],
        "eventType": event_type,
        "eventCategory": category,
        "tenantId": TENANT_A,
        "tenantType": "ORGANISATION",
    }


async def poll_contacts(store: CursorStore, xero: FakeXero, clock: Clock, cursor: str | None = None) -> PollResult:
    return await poll(
        store, TENANT_A, "contacts", xero.fetch_changed, now=clock, cursor=cursor, fetch_ids=xero.fetch_ids
    )


def client_for(store: CursorStore, clock: Clock) -> httpx2.AsyncClient:
    async def cursors() -> CursorStore:
        return store

    app = Starlette(routes=[webhook_route(cursors, KEY, now=clock)])
    return httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://xero-mcp.test")


def test_signature_is_base64_hmac_sha256_of_the_raw_body():
    body = b"The quick brown fox jumps over the lazy dog"
    assert sign(body, "key") == "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg="
    assert verify_signature(body, "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg=", "key")
    assert not verify_signature(body + b" ", "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg=", "key")
    assert not verify_signature(body, "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg=", "other key")
    assert not verify_signature(body, None, "key")
    assert not verify_signature(body, "ünïcode", "key")


async def test_correctly_signed_intent_to_receive_gets_200_with_no_body(store, clock):
    body = json.dumps({"events": [], "lastEventSequence": 0, "firstEventSequence": 0, "entropy": "S0m3r4Nd0m"}).encode()
    async with client_for(store, clock) as client:
        response = await client.post("/webhooks/xero", content=body, headers={"x-xero-signature": sign(body, KEY)})
    assert response.status_code == 200 and response.content == b""


async def test_wrongly_signed_or_unsigned_payload_gets_401(store, clock):
    body = payload(contact_event(1, "UPDATE", START))
    async with client_for(store, clock) as client:
        wrong = await client.post("/webhooks/xero", content=body, headers={"x-xero-signature": sign(body, "guess")})
        missing = await client.post("/webhooks/xero", content=body)
    assert (wrong.status_code, missing.status_code) == (401, 401)
    assert wrong.content == b""


async def test_signed_body_that_is_not_a_payload_gets_400_and_oversized_body_413(store, clock):
    junk = b"not json"
    huge = b"{" + b" " * MAX_BODY_BYTES + b"}"
    async with client_for(store, clock) as client:
        bad = await client.post("/webhooks/xero", content=junk, headers={"x-xero-signature": sign(junk, KEY)})
        big = await client.post("/webhooks/xero", content=huge, headers={"x-xero-signature": sign(huge, KEY)})
    assert (bad.status_code, big.status_code) == (400, 413)


async def test_received_event_makes_the_next_poll_fetch_a_change_outside_its_window(store, contacts, clock):
    contacts.put(1, Name="Acme", at=START - timedelta(days=30))
    start = await poll_contacts(store, contacts, clock)
    clock.advance(minutes=2)
    # Xero notified a change but did not stamp it (a contact's balance, say): If-Modified-Since will not return it.
    body = payload(contact_event(1, "UPDATE", clock()))
    async with client_for(store, clock) as client:
        response = await client.post("/webhooks/xero", content=body, headers={"x-xero-signature": sign(body, KEY)})
    assert response.status_code == 200

    clock.advance(minutes=1)
    result = await poll_contacts(store, contacts, clock, start.cursor)
    assert [r["ContactID"] for r in result.updated] == [rid(1)] and result.created == ()
    assert result.from_events == 1
    assert (await poll_contacts(store, contacts, clock, result.cursor)).changes == 0


async def test_update_event_tells_an_old_record_from_a_new_one(store, contacts, clock):
    contacts.put(1, Name="Old customer", at=START - timedelta(days=30))
    start = await poll_contacts(store, contacts, clock)
    clock.advance(minutes=10)
    contacts.put(1, Name="Old customer Ltd")
    contacts.put(2, Name="New customer")
    await store.record_events(
        [
            ChangeEvent(TENANT_A, "CONTACT", rid(1), "UPDATE", clock()),
            ChangeEvent(TENANT_A, "CONTACT", rid(2), "CREATE", clock()),
        ],
        now=clock(),
    )
    result = await poll_contacts(store, contacts, clock, start.cursor)
    assert [r["Name"] for r in result.updated] == ["Old customer Ltd"]
    assert [r["Name"] for r in result.created] == ["New customer"]


async def test_events_stay_pending_until_the_poll_that_fetched_them_is_acknowledged(store, contacts, clock):
    contacts.put(1, at=START - timedelta(days=30))
    start = await poll_contacts(store, contacts, clock)
    await store.record_events([ChangeEvent(TENANT_A, "CONTACT", rid(1), "UPDATE", clock())], now=clock())
    first = await poll_contacts(store, contacts, clock, start.cursor)
    lost = await poll_contacts(store, contacts, clock, start.cursor)
    assert first.from_events == lost.from_events == 1
    done = await poll_contacts(store, contacts, clock, lost.cursor)
    assert done.from_events == 0 and done.changes == 0


async def test_a_batch_xero_sends_again_is_recorded_once(store, clock):
    events = parse_events(payload(contact_event(1, "UPDATE", START), contact_event(2, "CREATE", START)))
    assert await store.record_events(events, now=clock()) == 2
    assert await store.record_events(events, now=clock()) == 0


async def test_events_of_other_categories_are_ignored(store, clock):
    events = parse_events(payload(contact_event(1, "UPDATE", START, category="SUBSCRIPTION")))
    assert len(events) == 1
    assert await store.record_events(events, now=clock()) == 0


def test_payload_without_required_event_fields_is_refused():
    with pytest.raises(ValueError, match="lacks a valid field"):
        parse_events(json.dumps({"events": [{"eventType": "UPDATE"}]}).encode())


async def test_one_invoice_event_serves_the_sales_invoice_and_bill_subscriptions_separately(store, clock):
    xero = FakeXero(clock)
    xero.put(1, at=START - timedelta(days=30))  # an ACCREC invoice; the bills fetcher filters it out
    sales = await poll(store, TENANT_A, "sales_invoices", xero.fetch_changed, now=clock, fetch_ids=xero.fetch_ids)

    async def no_bills(_: object):
        yield []

    bills = await poll(store, TENANT_A, "bills", no_bills, now=clock, fetch_ids=no_bills)
    await store.record_events([ChangeEvent(TENANT_A, "INVOICE", rid(1), "UPDATE", clock())], now=clock())
    clock.advance(minutes=1)
    sales_result = await poll(
        store, TENANT_A, "sales_invoices", xero.fetch_changed, now=clock, cursor=sales.cursor, fetch_ids=xero.fetch_ids
    )
    bills_result = await poll(store, TENANT_A, "bills", no_bills, now=clock, cursor=bills.cursor, fetch_ids=no_bills)
    assert [r["InvoiceID"] for r in sales_result.updated] == [rid(1)]
    assert bills_result.changes == 0
    consumed = await store.subscription(TENANT_A, "sales_invoices")
    assert consumed is not None and consumed.event_seq == 0  # not acknowledged yet
    await store.acknowledge(TENANT_A, "sales_invoices", sales_result.cursor, now=clock())
    await store.acknowledge(TENANT_A, "bills", bills_result.cursor, now=clock())
    after_sales = await store.subscription(TENANT_A, "sales_invoices")
    after_bills = await store.subscription(TENANT_A, "bills")
    assert after_sales is not None and after_bills is not None
    assert after_sales.event_seq == after_bills.event_seq > 0


class CountingBody:
    """A chunked request body (no Content-Length) that counts how much of it the server read."""

    def __init__(self, chunk: bytes, chunks: int) -> None:
        self.chunk = chunk
        self.chunks = chunks
        self.sent = 0

    async def __aiter__(self):
        for _ in range(self.chunks):
            self.sent += len(self.chunk)
            yield self.chunk


async def test_a_chunked_body_over_the_cap_is_refused_without_reading_it_whole(store, clock):
    body = CountingBody(b" " * 65_536, chunks=(50 * MAX_BODY_BYTES) // 65_536)
    async with client_for(store, clock) as client:
        response = await client.post("/webhooks/xero", content=body, headers={"x-xero-signature": "irrelevant"})
    assert response.status_code == 413
    assert body.sent <= MAX_BODY_BYTES + 65_536


async def test_a_declared_content_length_over_the_cap_is_refused_before_reading_the_body(store, clock):
    body = CountingBody(b" " * 65_536, chunks=(2 * MAX_BODY_BYTES) // 65_536)
    async with client_for(store, clock) as client:
        response = await client.post(
            "/webhooks/xero",
            content=body,
            headers={"x-xero-signature": "irrelevant", "content-length": str(2 * MAX_BODY_BYTES)},
        )
    assert response.status_code == 413
    assert body.sent == 0


async def test_a_signed_but_absurdly_nested_body_gets_400_not_500(store, clock):
    depth = MAX_BODY_BYTES // 2 - 10
    nested = b"[" * depth + b"]" * depth
    wrapped = b'{"events": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    async with client_for(store, clock) as client:
        deep_list = await client.post("/webhooks/xero", content=nested, headers={"x-xero-signature": sign(nested, KEY)})
        deep_events = await client.post(
            "/webhooks/xero", content=wrapped, headers={"x-xero-signature": sign(wrapped, KEY)}
        )
    assert (deep_list.status_code, deep_events.status_code) == (400, 400)
