"""Credit notes and allocations (reference §5.4): AUTHORISED only, within both remaining amounts."""

from __future__ import annotations

import re
from typing import Any

import httpx2

from tests.sandbox.helpers import SALES_LINE, get_one, messages, new_credit_note, new_invoice


async def _allocate(
    api: httpx2.AsyncClient, credit: dict[str, Any], invoice: dict[str, Any], amount: Any
) -> httpx2.Response:
    body = {"Allocations": [{"Amount": amount, "Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Date": "2026-03-16"}]}
    return await api.put(f"/CreditNotes/{credit['CreditNoteID']}/Allocations", json=body)


async def test_allocation_reduces_remaining_credit_and_amount_due(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.4: allocating moves credit from the credit note to the invoice."""
    invoice = await new_invoice(api)
    credit = await new_credit_note(api)
    response = await _allocate(api, credit, invoice, 20)
    assert response.status_code == 200, response.text
    assert response.json()["Allocations"][0]["Amount"] == 20.0
    after_credit = await get_one(api, "CreditNotes", credit["CreditNoteID"])
    after_invoice = await get_one(api, "Invoices", invoice["InvoiceID"])
    assert after_credit["RemainingCredit"] == 35.0
    assert (after_invoice["AmountCredited"], after_invoice["AmountDue"]) == (20.0, 90.0)
    assert after_invoice["CreditNotes"][0]["CreditNoteID"] == credit["CreditNoteID"]


async def test_allocation_needs_an_authorised_credit_note(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.4: "Credit notes must have a Status of AUTHORISED to be available for allocation."."""
    invoice = await new_invoice(api)
    credit = await new_credit_note(api, status="DRAFT")
    assert messages(await _allocate(api, credit, invoice, 10)) == [
        "Credit notes must have a Status of AUTHORISED to be available for allocation."
    ]


async def test_allocation_cannot_exceed_the_remaining_credit(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.4: the amount must be within the credit note's remaining credit."""
    invoice = await new_invoice(api)
    credit = await new_credit_note(api)
    assert messages(await _allocate(api, credit, invoice, 55.01)) == [
        "The amount allocated exceeds the remaining credit on the credit note."
    ]


async def test_allocation_cannot_exceed_the_invoice_amount_due(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.4: the amount must be within the invoice's AmountDue."""
    invoice = await new_invoice(api, lines=[{**SALES_LINE, "UnitAmount": 10}])
    credit = await new_credit_note(api)
    assert messages(await _allocate(api, credit, invoice, 12)) == [
        "The amount allocated exceeds the amount due on the invoice."
    ]


async def test_allocation_needs_an_authorised_invoice(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.4: the target invoice must be AUTHORISED (outstanding)."""
    invoice = await new_invoice(api, status="DRAFT")
    credit = await new_credit_note(api)
    assert messages(await _allocate(api, credit, invoice, 5)) == [
        "Credit can only be allocated to an AUTHORISED invoice."
    ]


async def test_fully_allocated_credit_note_and_covered_invoice_become_paid(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.4: a credit note with no remaining credit is PAID; so is the invoice it covers."""
    invoice = await new_invoice(api, lines=[{**SALES_LINE, "UnitAmount": 50}])
    credit = await new_credit_note(api)
    await _allocate(api, credit, invoice, 55)
    assert (await get_one(api, "CreditNotes", credit["CreditNoteID"]))["Status"] == "PAID"
    assert (await get_one(api, "Invoices", invoice["InvoiceID"]))["Status"] == "PAID"


async def test_deleting_an_allocation_gives_both_amounts_back(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.4: DELETE …/Allocations/{AllocationID} returns the allocation with IsDeleted true."""
    invoice = await new_invoice(api, lines=[{**SALES_LINE, "UnitAmount": 50}])
    credit = await new_credit_note(api)
    allocation = (await _allocate(api, credit, invoice, 55)).json()["Allocations"][0]
    response = await api.delete(f"/CreditNotes/{credit['CreditNoteID']}/Allocations/{allocation['AllocationID']}")
    assert response.status_code == 200
    assert response.json()["IsDeleted"] is True
    credit_after = await get_one(api, "CreditNotes", credit["CreditNoteID"])
    invoice_after = await get_one(api, "Invoices", invoice["InvoiceID"])
    assert (credit_after["Status"], credit_after["RemainingCredit"]) == ("AUTHORISED", 55.0)
    assert (invoice_after["Status"], invoice_after["AmountDue"], invoice_after["AmountCredited"]) == (
        "AUTHORISED",
        55.0,
        0.0,
    )


async def test_credit_note_numbers_are_generated_with_cn_prefix(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.4: ACCRECCREDIT numbers are unique and auto-generated."""
    credit = await new_credit_note(api, status="DRAFT")
    assert re.fullmatch(r"CN-\d{4,}", credit["CreditNoteNumber"])


async def test_a_credit_note_cannot_be_created_and_allocated_in_one_call(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.4: "You cannot create and allocate a credit note in a single call"."""
    invoice = await new_invoice(api)
    body = {
        "Type": "ACCRECCREDIT",
        "Contact": {"Name": "Invoice Customer"},
        "LineItems": [{"Description": "x", "Quantity": 1, "UnitAmount": 5, "AccountCode": "200"}],
        "Allocations": [{"Amount": 5, "Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Date": "2026-03-16"}],
    }
    assert messages(await api.put("/CreditNotes", json=body)) == [
        "You cannot create and allocate a credit note in a single call."
    ]


async def test_credit_note_with_allocations_cannot_be_voided(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.4: credit notes follow the invoice rules for documents with credit applied."""
    invoice = await new_invoice(api)
    credit = await new_credit_note(api)
    await _allocate(api, credit, invoice, 5)
    response = await api.post(f"/CreditNotes/{credit['CreditNoteID']}", json={"Status": "VOIDED"})
    assert messages(response) == [
        "The status VOIDED cannot be applied to the credit note because it has payments or credit notes allocated "
        "to it."
    ]


async def test_contact_of_an_invoice_with_credit_allocated_cannot_be_changed(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.2: a part-paid invoice may change its Contact "unless the payment is made with a Credit Note";
    the credit note it came from keeps its contact too, as an allocation joins the two."""
    invoice = await new_invoice(api)
    credit = await new_credit_note(api)
    assert (await _allocate(api, credit, invoice, 5)).status_code == 200
    other = {"Contact": {"Name": "Another Customer"}}
    for path in (f"/Invoices/{invoice['InvoiceID']}", f"/CreditNotes/{credit['CreditNoteID']}"):
        assert messages(await api.post(path, json=other)) == [
            "The contact cannot be changed because a credit note has been allocated to this document."
        ]
    assert (await get_one(api, "Invoices", invoice["InvoiceID"]))["Contact"]["Name"] == "Invoice Customer"
    same = {"Contact": {"ContactID": invoice["Contact"]["ContactID"], "EmailAddress": "ar@customer.test"}}
    kept = await api.post(f"/Invoices/{invoice['InvoiceID']}", json=same)
    assert kept.status_code == 200, kept.text
    paid_in_cash = await new_invoice(api)
    assert (await api.put("/Payments", json={**_payment(paid_in_cash), "Amount": 10})).status_code == 200
    moved = await api.post(f"/Invoices/{paid_in_cash['InvoiceID']}", json=other)
    assert moved.status_code == 200, moved.text
    assert moved.json()["Invoices"][0]["Contact"]["Name"] == "Another Customer"


def _payment(invoice: dict[str, Any]) -> dict[str, Any]:
    return {"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Account": {"Code": "090"}}
