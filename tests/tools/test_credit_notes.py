"""Credit note tools end to end: duplicate-safe create, approval, allocation to invoices and its rules, listing."""

from __future__ import annotations

from typing import Any

from mcp import Client

from tests.tools._calls import fails, fails_confirmed, ok
from tests.tools.conftest import MakeClient

REFUND = [{"description": "Refund: one hour", "quantity": 1, "unit_amount": 150, "account": "Sales"}]
WORK = [{"description": "Consulting", "quantity": 3, "unit_amount": 150, "account": "Sales"}]


async def _invoice(client: Client, customer: str = "Weka Web Works") -> dict[str, Any]:
    await ok(client, "find_or_create_contact", name=customer)
    return await ok(client, "create_document", kind="invoice", contact=customer, lines=WORK, status="AUTHORISED")


async def test_an_approved_credit_note_is_allocated_to_an_invoice_of_its_contact(make_client: MakeClient) -> None:
    async with make_client() as client:
        invoice = await _invoice(client)
        note = await ok(
            client, "create_document", kind="credit_note", contact="Weka Web Works", lines=REFUND, status="AUTHORISED"
        )
        allocated = await ok(
            client, "allocate_credit_note", credit_note=note["credit_note_number"], invoice=invoice["invoice_number"]
        )
        after = await ok(client, "get_invoice", invoice=invoice["invoice_id"])
        listed = await ok(client, "list_records", kind="credit_note", contact="Weka Web Works")
    assert (note["type"], note["total"], note["remaining_credit"]) == ("ACCRECCREDIT", 165, 165)
    assert allocated["amount"] == 165 and allocated["remaining_credit"] == 0
    assert allocated["invoice_amount_due"] == 330 and allocated["date"] == invoice["date"]
    assert after["amount_due"] == 330 and after["amount_credited"] == 165
    assert [(n["credit_note_id"], n["remaining_credit"], n["status"]) for n in listed["items"]] == [
        (note["credit_note_id"], 0, "PAID")
    ]


async def test_part_of_a_credit_note_can_be_allocated_and_the_rest_kept(make_client: MakeClient) -> None:
    async with make_client() as client:
        invoice = await _invoice(client)
        note = await ok(
            client, "create_document", kind="credit_note", contact="Weka Web Works", lines=REFUND, status="AUTHORISED"
        )
        part = await ok(
            client, "allocate_credit_note", credit_note=note["credit_note_id"], invoice=invoice["invoice_id"], amount=65
        )
        too_much = await fails(
            client,
            "allocate_credit_note",
            credit_note=note["credit_note_id"],
            invoice=invoice["invoice_id"],
            amount=101,
        )
    assert part["remaining_credit"] == 100 and part["invoice_amount_due"] == 430
    assert "101.00 is more than the credit note" in too_much and "remaining credit of 100.00" in too_much


async def test_a_draft_credit_note_must_be_approved_before_allocation(make_client: MakeClient) -> None:
    async with make_client() as client:
        invoice = await _invoice(client)
        note = await ok(client, "create_document", kind="credit_note", contact="Weka Web Works", lines=REFUND)
        message = await fails(
            client, "allocate_credit_note", credit_note=note["credit_note_number"], invoice=invoice["invoice_number"]
        )
        approved = await ok(
            client, "update_document", kind="credit_note", document=note["credit_note_number"], status="AUTHORISED"
        )
        allocated = await ok(
            client, "allocate_credit_note", credit_note=note["credit_note_number"], invoice=invoice["invoice_number"]
        )
    assert f"credit note {note['credit_note_number']} is DRAFT" in message
    assert "update_document (status AUTHORISED)" in message
    assert approved["status"] == "AUTHORISED" and allocated["amount"] == 165


async def test_credit_only_applies_to_its_own_contact_and_document_type(make_client: MakeClient) -> None:
    async with make_client() as client:
        other = await _invoice(client, "Kiwi Kayaks")
        await ok(client, "find_or_create_contact", name="Weka Web Works")
        note = await ok(
            client, "create_document", kind="credit_note", contact="Weka Web Works", lines=REFUND, status="AUTHORISED"
        )
        bill = await ok(
            client,
            "create_document",
            kind="bill",
            contact="Weka Web Works",
            reference="WW-1",
            status="AUTHORISED",
            lines=[{"description": "Hosting", "quantity": 1, "unit_amount": 200, "account": "Telephone & Internet"}],
        )
        wrong_contact = await fails(
            client, "allocate_credit_note", credit_note=note["credit_note_id"], invoice=other["invoice_id"]
        )
        wrong_type = await fails(
            client, "allocate_credit_note", credit_note=note["credit_note_id"], invoice=bill["invoice_id"]
        )
    assert "is for Weka Web Works but the invoice" in wrong_contact and "is for Kiwi Kayaks" in wrong_contact
    assert "applies to ACCREC documents" in wrong_type


async def test_supplier_credit_notes_apply_to_bills(make_client: MakeClient) -> None:
    async with make_client() as client:
        await ok(client, "find_or_create_contact", name="Kaka Couriers")
        bill = await ok(
            client,
            "create_document",
            kind="bill",
            contact="Kaka Couriers",
            reference="KC-77",
            status="AUTHORISED",
            lines=[{"description": "Deliveries", "quantity": 1, "unit_amount": 300, "account": "General Expenses"}],
        )
        note = await ok(
            client,
            "create_document",
            kind="supplier_credit_note",
            contact="Kaka Couriers",
            number="KC-CR-1",
            status="AUTHORISED",
            lines=[{"description": "Late delivery", "quantity": 1, "unit_amount": 50, "account": "General Expenses"}],
        )
        allocated = await ok(
            client, "allocate_credit_note", credit_note=note["credit_note_id"], invoice=bill["invoice_id"]
        )
        suppliers = await ok(client, "list_records", kind="supplier_credit_note", contact="Kaka Couriers")
    assert "/AccountsPayable/ViewCreditNote.aspx" in note["url"]
    assert allocated["amount"] == 55 and allocated["invoice_amount_due"] == 275
    assert [n["credit_note_number"] for n in suppliers["items"]] == ["KC-CR-1"]


async def test_creating_a_credit_note_returns_an_existing_one_as_a_duplicate(make_client: MakeClient) -> None:
    async with make_client() as client:
        await ok(client, "find_or_create_contact", name="Weka Web Works")
        first = await ok(client, "create_document", kind="credit_note", contact="Weka Web Works", lines=REFUND)
        again = await ok(client, "create_document", kind="credit_note", contact="Weka Web Works", lines=REFUND)
        numbered = await ok(
            client, "create_document", kind="credit_note", contact="Weka Web Works", lines=REFUND, number="CN-W-1"
        )
        numbered_again = await ok(
            client, "create_document", kind="credit_note", contact="Weka Web Works", lines=REFUND, number="cn-w-1"
        )
    assert again["duplicate"] is True and again["credit_note_id"] == first["credit_note_id"]
    assert numbered_again["duplicate"] is True and numbered_again["credit_note_id"] == numbered["credit_note_id"]


async def test_an_allocated_credit_note_keeps_its_amounts(make_client: MakeClient) -> None:
    async with make_client() as client:
        invoice = await _invoice(client)
        note = await ok(
            client, "create_document", kind="credit_note", contact="Weka Web Works", lines=REFUND, status="AUTHORISED"
        )
        await ok(
            client, "allocate_credit_note", credit_note=note["credit_note_id"], invoice=invoice["invoice_id"], amount=10
        )
        message = await fails_confirmed(
            client, "update_document", kind="credit_note", document=note["credit_note_id"], lines=WORK
        )
        renamed = await ok(
            client, "update_document", kind="credit_note", document=note["credit_note_id"], reference="Goodwill"
        )
    assert "has 10.00 allocated or refunded" in message
    assert renamed["reference"] == "Goodwill"


async def test_allocate_credit_note_belongs_to_the_payments_toolset(make_client: MakeClient) -> None:
    async with make_client(toolsets=("payments",)) as client:
        names = {t.name for t in (await client.list_tools()).tools}
    assert "allocate_credit_note" in names and "create_credit_note" not in names
