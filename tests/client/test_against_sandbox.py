"""The client against the in-process sandbox: idempotent retries, pacing, errors, paging and batching costs."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from tests.client.conftest import SandboxTime, Wire
from xero_mcp.client import NotFound, PermissionDenied, TenantClient, ValidationError, Where
from xero_mcp.client import models as m

if TYPE_CHECKING:
    from xero_mcp.sandbox.app import Sandbox


def sales_invoice(contact: str, reference: str, amount: str = "100.00") -> m.InvoiceCreate:
    return m.InvoiceCreate(
        type="ACCREC",
        contact=m.ContactRef(name=contact),
        reference=reference,
        line_items=[
            m.LineItemInput(
                description=f"Services {reference}",
                quantity=Decimal(1),
                unit_amount=Decimal(amount),
                account_code="200",
            )
        ],
    )


def api_calls(sandbox: Sandbox, method: str, route: str) -> int:
    return sandbox.request_counts.by_route[(method, route)]


async def test_a_write_whose_answer_was_lost_after_commit_is_retried_with_its_key_and_exists_once(
    org: TenantClient, sandbox: Sandbox, wire: Wire
) -> None:
    from xero_mcp.sandbox.faults import FaultRule

    contact = await org.contacts.create(m.ContactCreate(name="Lost Answer Ltd"))
    assert contact.contact_id is not None
    sandbox.faults.add(FaultRule(method="PUT", path="/api.xro/2.0/Invoices*", kind="commit_then_drop"))

    created = await org.invoices.create(sales_invoice("Lost Answer Ltd", "ONCE-ONLY"))

    assert sandbox.faults.injected["commit_then_drop"] == 1
    assert wire.calls.count(("PUT", "/api.xro/2.0/Invoices")) == 2
    matching = await org.invoices.list(where=Where.eq("Reference", "ONCE-ONLY"))
    assert [invoice.invoice_id for invoice in matching.items] == [created.invoice_id]


async def test_dropped_connections_and_503s_from_the_sandbox_are_retried(
    org: TenantClient, sandbox: Sandbox, sandbox_time: SandboxTime
) -> None:
    from xero_mcp.sandbox.faults import FaultRule

    sandbox.faults.add(FaultRule(method="GET", path="/api.xro/2.0/Organisation", kind="drop"))
    sandbox.faults.add(FaultRule(method="GET", path="/api.xro/2.0/Organisation", kind="503"))
    organisation = await org.organisation.get()
    assert organisation.name
    assert len(sandbox_time.sleeps) == 2


async def test_a_429_from_the_sandbox_waits_exactly_its_retry_after(
    org: TenantClient, sandbox: Sandbox, sandbox_time: SandboxTime
) -> None:
    from xero_mcp.sandbox.faults import FaultRule

    sandbox.faults.add(FaultRule(method="GET", path="/api.xro/2.0/Contacts", kind="429", retry_after=17))
    await org.contacts.list()
    assert sandbox_time.sleeps == [17.0]


async def test_120_calls_in_a_row_finish_without_a_single_429_by_pacing(
    limited_org: TenantClient, sandbox_limited: Sandbox, wire: Wire, limited_time: SandboxTime
) -> None:
    for _ in range(120):
        await limited_org.request("GET", "/Organisation")
    assert wire.statuses.count(429) == 0
    assert len(wire.statuses) == 120
    assert sandbox_limited.request_counts.total == 120
    # 60 calls use up the first minute; the client waits it out once instead of meeting a 429.
    assert limited_time.sleeps == [60.0]


async def test_120_concurrent_calls_also_stay_inside_the_limits(
    limited_org: TenantClient, sandbox_limited: Sandbox, wire: Wire
) -> None:
    await asyncio.gather(*(limited_org.request("GET", "/Currencies") for _ in range(120)))
    assert wire.statuses.count(429) == 0
    assert len(wire.statuses) == 120


async def test_validation_exception_not_found_and_forbidden_become_typed_errors(
    org: TenantClient, sandbox: Sandbox
) -> None:
    await org.contacts.create(m.ContactCreate(name="Only Once Pty"))
    with pytest.raises(ValidationError) as caught:
        await org.contacts.create(m.ContactCreate(name="Only Once Pty"))
    assert caught.value.messages
    assert any("Only Once Pty" in message for message in caught.value.messages)

    with pytest.raises(NotFound):
        await org.invoices.get("9d5b6a38-0000-4000-8000-000000000404")

    client = org._client  # pyright: ignore[reportPrivateUsage]
    with pytest.raises(PermissionDenied):
        await client.tenant("5e2f0d1c-0000-4000-8000-00000000f403").organisation.get()


async def test_reading_2500_records_costs_exactly_three_list_calls(org: TenantClient, sandbox: Sandbox) -> None:
    outcomes = await org.contacts.create_many([m.ContactCreate(name=f"Bulk Contact {n:04d}") for n in range(2500)])
    assert all(outcome.ok for outcome in outcomes)
    existing = sum(1 for _ in sandbox.state.organisations())
    before = api_calls(sandbox, "GET", "/Contacts")

    names = [contact.name async for contact in org.contacts.iterate(where=Where.starts_with("Name", "Bulk Contact"))]

    assert len(names) == 2500
    assert len(set(names)) == 2500
    assert api_calls(sandbox, "GET", "/Contacts") - before == 3
    assert existing >= 1


async def test_creating_120_invoices_costs_three_write_calls_and_reports_each_outcome(
    org: TenantClient, sandbox: Sandbox
) -> None:
    await org.contacts.create(m.ContactCreate(name="Batch Customer"))
    invoices = [sales_invoice("Batch Customer", f"BATCH-{n:03d}") for n in range(120)]
    invoices[63] = invoices[63].model_copy(
        update={
            "line_items": [
                m.LineItemInput(description="Bad", quantity=Decimal(1), unit_amount=Decimal(5), account_code="9999")
            ]
        }
    )
    before = api_calls(sandbox, "PUT", "/Invoices")

    outcomes = await org.invoices.create_many(invoices)

    assert api_calls(sandbox, "PUT", "/Invoices") - before == 3
    assert [outcome.index for outcome in outcomes] == list(range(120))
    failed = [outcome for outcome in outcomes if not outcome.ok]
    assert [outcome.index for outcome in failed] == [63]
    assert failed[0].status == "ERROR"
    assert failed[0].errors
    created = [outcome.record for outcome in outcomes if outcome.ok]
    assert len(created) == 119
    assert all(record is not None and record.invoice_id is not None for record in created)
    assert outcomes[64].record is not None and outcomes[64].record.reference == "BATCH-064"


async def test_a_contact_whose_name_looks_like_a_filter_is_found_by_where_and_only_itself(org: TenantClient) -> None:
    tricky = 'A" OR Name!="'
    await org.contacts.create(m.ContactCreate(name="A"))
    await org.contacts.create(m.ContactCreate(name="Someone Else"))
    created = await org.contacts.create(m.ContactCreate(name=tricky))

    found = await org.contacts.find_by_name(tricky)

    assert [contact.contact_id for contact in found] == [created.contact_id]
