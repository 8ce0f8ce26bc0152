"""History and notes (reference §5.10), invoice email (§5.8) and online invoices (§5.2)."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from tests.conftest import ApiFactory
from tests.sandbox.helpers import messages, new_contact, new_credit_note, new_invoice, pay, put_one
from xero_mcp.sandbox.app import Sandbox

_LINE = {"Description": "x", "Quantity": 1, "UnitAmount": 10, "AccountCode": "453"}


async def _create(api: httpx2.AsyncClient, plural: str) -> str:
    """One record of each collection that has history; returns its ID."""
    contact = await new_contact(api, f"History {plural}")
    contact_ref = {"ContactID": contact["ContactID"]}
    bodies: dict[str, dict[str, Any]] = {
        "Contacts": {"Name": "History Contact"},
        "Invoices": {"Type": "ACCPAY", "Contact": contact_ref, "LineItems": [_LINE]},
        "CreditNotes": {"Type": "ACCPAYCREDIT", "Contact": contact_ref, "LineItems": [_LINE]},
        "Quotes": {"Contact": contact_ref, "Date": "2026-03-01", "LineItems": [_LINE]},
        "PurchaseOrders": {"Contact": contact_ref, "LineItems": [_LINE]},
        "BankTransactions": {
            "Type": "SPEND",
            "Contact": contact_ref,
            "BankAccount": {"Code": "090"},
            "LineItems": [_LINE],
        },
        "BankTransfers": {"FromBankAccount": {"Code": "090"}, "ToBankAccount": {"Code": "091"}, "Amount": 5},
        "ManualJournals": {
            "Narration": "n",
            "JournalLines": [{"LineAmount": 5, "AccountCode": "453"}, {"LineAmount": -5, "AccountCode": "477"}],
        },
        "Items": {"Code": "HIST"},
    }
    if plural == "Payments":
        invoice = await new_invoice(api)
        return str((await pay(api, invoice, 1)).json()["Payments"][0]["PaymentID"])
    record = await put_one(api, plural, bodies[plural])
    id_field = {"Invoices": "InvoiceID", "CreditNotes": "CreditNoteID", "Items": "ItemID"}.get(
        plural, plural[:-1] + "ID"
    )
    return str(record[id_field])


@pytest.mark.parametrize(
    "plural",
    [
        "Contacts",
        "Invoices",
        "CreditNotes",
        "Quotes",
        "PurchaseOrders",
        "Payments",
        "BankTransactions",
        "BankTransfers",
        "ManualJournals",
        "Items",
    ],
)
async def test_every_entity_with_history_records_creation_and_takes_notes(api: httpx2.AsyncClient, plural: str) -> None:
    """xero-api.md §5.10: GET/PUT /{Entity}/{id}/History for every entity that has it."""
    record_id = await _create(api, plural)
    added = await api.put(f"/{plural}/{record_id}/History", json={"HistoryRecords": [{"Details": "Checked by phone"}]})
    assert added.status_code == 200, added.text
    records = (await api.get(f"/{plural}/{record_id}/History")).json()["HistoryRecords"]
    assert records[0]["Changes"] == "Created"
    assert records[-1]["Changes"] == "Note"
    assert records[-1]["Details"] == "Checked by phone"
    assert records[-1]["DateUTC"].startswith("/Date(")


async def test_history_put_on_an_unknown_id_uses_xeros_message(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.10: "The document with the supplied id was not found for this endpoint."."""
    response = await api.put(
        "/Invoices/00000000-0000-4000-8000-000000000000/History", json={"HistoryRecords": [{"Details": "x"}]}
    )
    assert messages(response) == ["The document with the supplied id was not found for this endpoint."]


async def test_history_records_carry_date_utc_string_beside_the_ms_json_date(
    sandbox: Sandbox, api: httpx2.AsyncClient
) -> None:
    """xero-api.md §5.10 and the spec's History examples: each record has DateUTC (MS-JSON) and DateUTCString
    (``2018-11-08T15:01:21``, UTC, no zone)."""
    contact = await new_contact(api, "Dated History")
    sandbox.clock.advance(3.5)
    path = f"/Contacts/{contact['ContactID']}/History"
    added = await api.put(path, json={"HistoryRecords": [{"Details": "Called"}]})
    assert added.json()["HistoryRecords"][0]["DateUTCString"] == "2026-03-16T09:30:03"
    created, note = (await api.get(path)).json()["HistoryRecords"]
    assert (created["DateUTCString"], created["DateUTC"]) == ("2026-03-16T09:30:00", "/Date(1773653400000+0000)/")
    assert (note["DateUTCString"], note["DateUTC"]) == ("2026-03-16T09:30:03", "/Date(1773653403500+0000)/")


async def test_invoice_history_follows_approval_and_payment(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.10: changes are recorded by "System Generated"."""
    invoice = await new_invoice(api, status="DRAFT")
    await api.post(f"/Invoices/{invoice['InvoiceID']}", json={"Status": "AUTHORISED"})
    await pay(api, invoice, 10)
    records = (await api.get(f"/Invoices/{invoice['InvoiceID']}/History")).json()["HistoryRecords"]
    assert [r["Changes"] for r in records] == ["Created", "Approved", "Payment Received"]
    assert {r["User"] for r in records} == {"System Generated"}


async def test_emailing_an_approved_sales_invoice_answers_204_and_marks_it_sent(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.8: POST /Invoices/{id}/Email -> 204; SentToContact set."""
    contact = await new_contact(api, "Mail Me", EmailAddress="ap@mailme.test")
    invoice = await new_invoice(api, Contact={"ContactID": contact["ContactID"]})
    response = await api.post(f"/Invoices/{invoice['InvoiceID']}/Email", json={})
    assert (response.status_code, response.content) == (204, b"")
    assert (await api.get(f"/Invoices/{invoice['InvoiceID']}")).json()["Invoices"][0]["SentToContact"] is True


@pytest.mark.parametrize(("kind", "status"), [("ACCREC", "DRAFT"), ("ACCPAY", "AUTHORISED")])
async def test_only_sales_invoices_in_a_sendable_status_are_emailed(
    api: httpx2.AsyncClient, kind: str, status: str
) -> None:
    """xero-api.md §5.8: "The invoice must be of Type ACCREC and a valid Status for sending"."""
    contact = await new_contact(api, f"Mail {kind} {status}", EmailAddress="x@mail.test")
    invoice = await new_invoice(api, kind=kind, status=status, Contact={"ContactID": contact["ContactID"]})
    response = await api.post(f"/Invoices/{invoice['InvoiceID']}/Email", json={})
    assert messages(response) == [
        "The invoice must be of Type ACCREC and a valid Status for sending (SUBMITTED,AUTHORISED or PAID)."
    ]


@pytest.mark.parametrize(("org_class", "limit"), [("TRIAL", 20), ("DEMO", 0)])
async def test_daily_email_limit_follows_the_organisation_class(
    sandbox: Sandbox, tenant_id: str, api: httpx2.AsyncClient, api_for: ApiFactory, org_class: str, limit: int
) -> None:
    """xero-api.md §5.8: 1,000 a day for paying organisations, 20 for trial, 0 for demo; over it, a 400."""
    org = sandbox.state.organisation(tenant_id)
    assert org is not None
    sandbox.state.save_organisation(tenant_id, {**org, "Class": org_class})
    contact = await new_contact(api, "Limit Ltd", EmailAddress="limit@x.test")
    invoice = await new_invoice(api, Contact={"ContactID": contact["ContactID"]})
    for _ in range(limit):
        assert (await api.post(f"/Invoices/{invoice['InvoiceID']}/Email", json={})).status_code == 204
    refused = await api.post(f"/Invoices/{invoice['InvoiceID']}/Email", json={})
    assert messages(refused) == [f"This organisation has reached its daily limit of {limit} invoice emails."]
    sandbox.clock.advance(24 * 3600)
    next_day = await api_for(sandbox, tenant_id).post(f"/Invoices/{invoice['InvoiceID']}/Email", json={})
    assert next_day.status_code == (204 if limit else 400)


async def test_partner_edition_organisations_cannot_email_invoices(
    sandbox: Sandbox, tenant_id: str, api: httpx2.AsyncClient
) -> None:
    """xero-api.md §5.8: a 400 for "organisations who are not allowed to send emails, such as those on Xero's
    Partner Edition Plans", whatever their class."""
    org = sandbox.state.organisation(tenant_id)
    assert org is not None and org["Class"] == "PREMIUM"
    sandbox.state.save_organisation(tenant_id, {**org, "Edition": "PARTNER"})
    contact = await new_contact(api, "Partner Ltd", EmailAddress="partner@x.test")
    invoice = await new_invoice(api, Contact={"ContactID": contact["ContactID"]})
    assert messages(await api.post(f"/Invoices/{invoice['InvoiceID']}/Email", json={})) == [
        "Organisations on a Partner Edition plan are not allowed to send invoice emails."
    ]
    actions = (await api.get("/Organisation/Actions")).json()["Actions"]
    assert {"Name": "EmailInvoice", "Status": "NOT-ALLOWED"} in actions


async def test_online_invoice_link_is_not_given_for_drafts(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.2: GET /Invoices/{id}/OnlineInvoice, not for DRAFT."""
    approved = await new_invoice(api)
    link = (await api.get(f"/Invoices/{approved['InvoiceID']}/OnlineInvoice")).json()["OnlineInvoices"][0]
    assert link["OnlineInvoiceUrl"].startswith("https://in.xero.com/")
    draft = await new_invoice(api, status="DRAFT")
    assert messages(await api.get(f"/Invoices/{draft['InvoiceID']}/OnlineInvoice")) == [
        "Online invoices are not available for DRAFT invoices."
    ]


async def test_credit_note_history_records_allocations(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.10: allocation changes are part of the credit note's history."""
    invoice = await new_invoice(api)
    credit = await new_credit_note(api)
    body = {"Amount": 5, "Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Date": "2026-03-16"}
    await api.put(f"/CreditNotes/{credit['CreditNoteID']}/Allocations", json={"Allocations": [body]})
    records = (await api.get(f"/CreditNotes/{credit['CreditNoteID']}/History")).json()["HistoryRecords"]
    assert [r["Changes"] for r in records] == ["Created", "Approved", "Credit Applied"]
