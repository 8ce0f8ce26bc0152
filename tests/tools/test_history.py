"""History tools end to end: notes on invoices, bills, contacts, quotes and credit notes, and reading history back."""

from __future__ import annotations

from tests.tools._calls import fails, ok
from tests.tools.conftest import MakeClient

WORK = [{"description": "Consulting", "quantity": 1, "unit_amount": 150, "account": "Sales"}]


async def test_a_note_added_to_an_invoice_by_number_shows_in_its_history(make_client: MakeClient) -> None:
    async with make_client() as client:
        await ok(client, "find_or_create_contact", name="Moa Museum Shop")
        invoice = await ok(client, "create_document", kind="invoice", contact="Moa Museum Shop", lines=WORK)
        note = await ok(
            client,
            "add_history_note",
            entity="invoice",
            record_id=invoice["invoice_number"],
            note="Called, paying Friday",
        )
        history = await ok(client, "get_history", entity="invoice", record_id=invoice["invoice_id"])
    assert note["details"] == "Called, paying Friday" and note["date_utc"].startswith("2026-11-02")
    assert history["entity"] == "invoice" and history["record_id"] == invoice["invoice_id"]
    assert history["entries"][-1]["details"] == "Called, paying Friday"
    assert len(history["entries"]) >= 2  # the creation Xero logged, then the note


async def test_notes_reach_contacts_by_name_and_quotes_and_credit_notes_by_number(make_client: MakeClient) -> None:
    async with make_client() as client:
        contact = await ok(client, "find_or_create_contact", name="Moa Museum Shop")
        await ok(client, "create_document", kind="quote", contact="Moa Museum Shop", lines=WORK, number="MM-Q1")
        await ok(client, "create_document", kind="credit_note", contact="Moa Museum Shop", lines=WORK, number="MM-CN1")
        await ok(client, "add_history_note", entity="contact", record_id="moa museum shop", note="Prefers email")
        await ok(client, "add_history_note", entity="quote", record_id="MM-Q1", note="Sent by post too")
        await ok(client, "add_history_note", entity="credit_note", record_id="MM-CN1", note="Goodwill credit")
        contact_history = await ok(client, "get_history", entity="contact", record_id=contact["contact_id"])
        quote_history = await ok(client, "get_history", entity="quote", record_id="MM-Q1")
        note_history = await ok(client, "get_history", entity="credit_note", record_id="MM-CN1")
    assert contact_history["entries"][-1]["details"] == "Prefers email"
    assert quote_history["entries"][-1]["details"] == "Sent by post too"
    assert note_history["entries"][-1]["details"] == "Goodwill credit"


async def test_a_bill_note_is_added_by_its_id(make_client: MakeClient) -> None:
    async with make_client() as client:
        await ok(client, "find_or_create_contact", name="Huia Hardware")
        bill = await ok(client, "create_document", kind="bill", contact="Huia Hardware", lines=WORK, reference="HH-12")
        await ok(client, "add_history_note", entity="bill", record_id=bill["invoice_id"], note="Disputed line 1")
        history = await ok(client, "get_history", entity="bill", record_id=bill["invoice_id"])
    assert history["entries"][-1]["details"] == "Disputed line 1"


async def test_records_without_numbers_must_be_named_by_id(make_client: MakeClient) -> None:
    async with make_client() as client:
        message = await fails(client, "add_history_note", entity="payment", record_id="PAY-1", note="x")
    assert "a payment is named by its Xero ID (a UUID), not 'PAY-1'" in message


async def test_an_unknown_record_is_reported_as_such(make_client: MakeClient) -> None:
    async with make_client() as client:
        unknown_id = await fails(
            client, "add_history_note", entity="invoice", record_id="00000000-0000-0000-0000-0000000000aa", note="x"
        )
        unknown_number = await fails(client, "get_history", entity="invoice", record_id="INV-404")
        unknown_contact = await fails(
            client, "get_history", entity="contact", record_id="00000000-0000-0000-0000-0000000000aa"
        )
    assert unknown_id.endswith(
        "Xero rejected the request: The document with the supplied id was not found for this endpoint."
    )
    assert "no contact has the ID 00000000-0000-0000-0000-0000000000aa" in unknown_contact
    assert "no invoice has the number 'INV-404'" in unknown_number


async def test_a_note_longer_than_xero_allows_is_refused_before_sending(make_client: MakeClient) -> None:
    async with make_client() as client:
        await ok(client, "find_or_create_contact", name="Moa Museum Shop")
        invoice = await ok(client, "create_document", kind="invoice", contact="Moa Museum Shop", lines=WORK)
        message = await fails(
            client, "add_history_note", entity="invoice", record_id=invoice["invoice_id"], note="x" * 2501
        )
        history = await ok(client, "get_history", entity="invoice", record_id=invoice["invoice_id"])
    assert "note" in message and "2500" in message
    assert all(entry["details"] != "x" * 2501 for entry in history["entries"])
