"""Payments (reference §5.5): only on AUTHORISED documents, never more than owed, into bank accounts; created and
deleted, never modified; PAID when fully paid and AUTHORISED again when a payment is deleted."""

from __future__ import annotations

import httpx2

from tests.sandbox.helpers import get_one, messages, new_credit_note, new_invoice, pay


async def test_full_payment_marks_the_invoice_paid(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.5: full payment -> PAID, with FullyPaidOnDate."""
    invoice = await new_invoice(api)
    response = await pay(api, invoice, invoice["Total"])
    assert response.status_code == 200, response.text
    assert response.json()["Payments"][0]["PaymentType"] == "ACCRECPAYMENT"
    paid = await get_one(api, "Invoices", invoice["InvoiceID"])
    assert (paid["Status"], paid["AmountDue"], paid["AmountPaid"]) == ("PAID", 0.0, 110.0)
    assert paid["FullyPaidOnDate"].startswith("/Date(")
    assert paid["Payments"][0]["PaymentID"] == response.json()["Payments"][0]["PaymentID"]


async def test_partial_payment_keeps_the_invoice_authorised(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.5: "partial payments keep the invoice AUTHORISED"."""
    invoice = await new_invoice(api)
    await pay(api, invoice, 40.5)
    part_paid = await get_one(api, "Invoices", invoice["InvoiceID"])
    assert (part_paid["Status"], part_paid["AmountDue"], part_paid["AmountPaid"]) == ("AUTHORISED", 69.5, 40.5)


async def test_payment_larger_than_amount_due_is_rejected(api: httpx2.AsyncClient) -> None:
    """xero-api.md §2.2: "Payment amount exceeds the amount outstanding on this document"."""
    invoice = await new_invoice(api)
    assert messages(await pay(api, invoice, 110.01)) == [
        "Payment amount exceeds the amount outstanding on this document"
    ]


async def test_payment_on_a_draft_invoice_is_rejected(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.5: "Apply payments to approved AR and AP invoices"."""
    invoice = await new_invoice(api, status="DRAFT")
    assert messages(await pay(api, invoice, 10)) == [
        "Payments can only be applied to AUTHORISED documents; this one is DRAFT."
    ]


async def test_payment_into_a_non_bank_account_is_rejected(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.5: the account must be BANK or have payments enabled."""
    invoice = await new_invoice(api)
    assert messages(await pay(api, invoice, 10, code="200")) == [
        "Account code '200' cannot receive payments: it must be a BANK account or have payments enabled."
    ]


async def test_payment_into_an_account_with_payments_enabled_is_accepted(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.5: "or have enable payments to this accounts switched on" (611 Undeposited Funds)."""
    invoice = await new_invoice(api)
    response = await pay(api, invoice, 10, code="611")
    assert response.status_code == 200
    assert response.json()["Payments"][0]["Account"]["Code"] == "611"


async def test_deleting_a_payment_returns_the_invoice_to_authorised(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.5: POST /Payments/{id} {"Status":"DELETED"} reverses it; the invoice is AUTHORISED again."""
    invoice = await new_invoice(api)
    payment = (await pay(api, invoice, invoice["Total"])).json()["Payments"][0]
    deleted = await api.post(f"/Payments/{payment['PaymentID']}", json={"Status": "DELETED"})
    assert deleted.json()["Payments"][0]["Status"] == "DELETED"
    reopened = await get_one(api, "Invoices", invoice["InvoiceID"])
    assert (reopened["Status"], reopened["AmountDue"], reopened["Payments"]) == ("AUTHORISED", 110.0, [])
    assert "FullyPaidOnDate" not in reopened
    still_listed = await get_one(api, "Payments", payment["PaymentID"])
    assert still_listed["Status"] == "DELETED"


async def test_payments_cannot_be_modified_only_deleted(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.5: "Payments cannot be modified, only created and deleted"."""
    invoice = await new_invoice(api)
    payment = (await pay(api, invoice, 10)).json()["Payments"][0]
    response = await api.post(f"/Payments/{payment['PaymentID']}", json={"Status": "AUTHORISED", "Amount": 20})
    assert messages(response) == [
        "Payments cannot be modified, only created and deleted. To delete, set Status to DELETED."
    ]


async def test_post_payments_creates_one_payment_by_invoice_number(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.5: POST /Payments creates a single payment; the invoice may be named by number."""
    invoice = await new_invoice(api)
    body = {"Invoice": {"InvoiceNumber": invoice["InvoiceNumber"]}, "Account": {"Code": "090"}, "Amount": 5}
    response = await api.post("/Payments", json=body)
    assert response.status_code == 200, response.text
    assert (await get_one(api, "Invoices", invoice["InvoiceID"]))["AmountPaid"] == 5.0


async def test_bill_payment_is_an_accpay_payment(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.5: PaymentType follows the document (ACCPAYPAYMENT for bills)."""
    bill = await new_invoice(api, kind="ACCPAY")
    response = await pay(api, bill, bill["Total"])
    assert response.json()["Payments"][0]["PaymentType"] == "ACCPAYPAYMENT"
    assert (await get_one(api, "Invoices", bill["InvoiceID"]))["Status"] == "PAID"


async def test_refund_of_a_credit_note_reduces_its_remaining_credit(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.4: refunds go through /Payments with a CreditNote."""
    credit = await new_credit_note(api)
    body = {"CreditNote": {"CreditNoteID": credit["CreditNoteID"]}, "Account": {"Code": "090"}, "Amount": 20}
    response = await api.put("/Payments", json=body)
    assert response.json()["Payments"][0]["PaymentType"] == "ARCREDITPAYMENT"
    refunded = await get_one(api, "CreditNotes", credit["CreditNoteID"])
    assert (refunded["RemainingCredit"], refunded["Status"]) == (35.0, "AUTHORISED")


async def test_payments_list_with_where_on_status(api: httpx2.AsyncClient) -> None:
    """xero-api.md §2.4: Payments filter on Status and PaymentType."""
    invoice = await new_invoice(api)
    payment = (await pay(api, invoice, 10)).json()["Payments"][0]
    await api.post(f"/Payments/{payment['PaymentID']}", json={"Status": "DELETED"})
    deleted = await api.get("/Payments", params={"where": 'Status=="DELETED" AND PaymentType=="ACCRECPAYMENT"'})
    assert payment["PaymentID"] in [p["PaymentID"] for p in deleted.json()["Payments"]]
    assert "pagination" in deleted.json()
