"""Contract tests: invoices and bills, their history, emailing and the online invoice."""

from __future__ import annotations

import pytest
from xero_python.accounting import Contact, Invoice, Invoices, RequestEmpty
from xero_python.exceptions import ApiException

from tests.xero_sdk.conftest import Xero
from tests.xero_sdk.helpers import DOC_DATE, DUE_DATE, SUBTOTAL, TAX, TOTAL, enum_text, lines, new_contact, new_invoice


@pytest.mark.sdk_operation("create_invoices")
def test_an_approved_sales_invoice_is_numbered_and_totalled(xero: Xero) -> None:
    invoice = new_invoice(xero)
    assert enum_text(invoice.type) == "ACCREC"
    assert enum_text(invoice.status) == "AUTHORISED"
    assert invoice.invoice_number.startswith("INV-")
    assert (invoice.sub_total, invoice.total_tax, invoice.total) == (SUBTOTAL, TAX, TOTAL)
    assert (invoice.amount_due, invoice.amount_paid) == (TOTAL, 0)
    assert (invoice.date, invoice.due_date) == (DOC_DATE, DUE_DATE)


@pytest.mark.sdk_operation("create_invoices")
def test_a_bill_without_a_contact_is_refused_with_xeros_message(xero: Xero) -> None:
    bill = Invoice(type="ACCPAY", line_items=lines("429", "INPUT"), date=DOC_DATE)
    with pytest.raises(ApiException) as raised:
        xero.api.create_invoices(xero.tenant, Invoices(invoices=[bill]))
    assert raised.value.status == 400
    assert "ValidationException" in raised.value.body.decode()


@pytest.mark.sdk_operation("get_invoices")
def test_listing_invoices_by_status_is_paged_and_filtered(xero: Xero) -> None:
    created = new_invoice(xero, status="DRAFT")
    drafts = xero.api.get_invoices(xero.tenant, statuses=["DRAFT"]).invoices
    assert created.invoice_id in [i.invoice_id for i in drafts]
    assert {enum_text(i.status) for i in drafts} == {"DRAFT"}
    by_number = xero.api.get_invoices(xero.tenant, invoice_numbers=[created.invoice_number]).invoices
    assert [i.invoice_id for i in by_number] == [created.invoice_id]
    paged = xero.api.get_invoices(xero.tenant, page=1, page_size=10)
    assert len(paged.invoices) == 10
    assert paged.pagination.page_size == 10


@pytest.mark.sdk_operation("get_invoice")
def test_getting_an_invoice_returns_its_lines(xero: Xero) -> None:
    created = new_invoice(xero)
    invoice = xero.api.get_invoice(xero.tenant, created.invoice_id).invoices[0]
    assert invoice.invoice_number == created.invoice_number
    assert [(line.quantity, line.unit_amount, line.line_amount) for line in invoice.line_items] == [(2, 50, SUBTOTAL)]


@pytest.mark.sdk_operation("update_invoice")
def test_approving_a_draft_invoice_changes_its_status(xero: Xero) -> None:
    created = new_invoice(xero, status="DRAFT")
    body = Invoices(invoices=[Invoice(status="AUTHORISED")])
    updated = xero.api.update_invoice(xero.tenant, created.invoice_id, body).invoices[0]
    assert enum_text(updated.status) == "AUTHORISED"


@pytest.mark.sdk_operation("update_invoice")
def test_deleting_an_approved_invoice_is_refused(xero: Xero) -> None:
    created = new_invoice(xero)
    with pytest.raises(ApiException) as raised:
        xero.api.update_invoice(xero.tenant, created.invoice_id, Invoices(invoices=[Invoice(status="DELETED")]))
    assert raised.value.status == 400


@pytest.mark.sdk_operation("update_or_create_invoices")
def test_posting_invoices_updates_the_reference_of_an_existing_one(xero: Xero) -> None:
    created = new_invoice(xero, status="DRAFT")
    body = Invoices(invoices=[Invoice(invoice_id=created.invoice_id, reference="PO-77")])
    updated = xero.api.update_or_create_invoices(xero.tenant, body).invoices[0]
    assert (updated.invoice_id, updated.reference) == (created.invoice_id, "PO-77")


@pytest.mark.sdk_operation("update_or_create_invoices")
def test_posting_a_new_bill_creates_it(xero: Xero) -> None:
    contact = new_contact(xero)
    bill = Invoice(
        type="ACCPAY",
        contact=Contact(contact_id=contact.contact_id),
        date=DOC_DATE,
        due_date=DUE_DATE,
        line_items=lines("429", "INPUT"),
        invoice_number="SUP-991",
    )
    created = xero.api.update_or_create_invoices(xero.tenant, Invoices(invoices=[bill])).invoices[0]
    assert (enum_text(created.type), created.invoice_number, created.total) == ("ACCPAY", "SUP-991", TOTAL)


@pytest.mark.sdk_operation("email_invoice")
def test_emailing_an_approved_sales_invoice_answers_no_content(xero: Xero) -> None:
    created = new_invoice(xero, contact=new_contact(xero, email_address="ap@customer.test"))
    assert xero.api.email_invoice(xero.tenant, created.invoice_id, RequestEmpty()) is None
    after = xero.api.get_invoice(xero.tenant, created.invoice_id).invoices[0]
    assert after.sent_to_contact is True


@pytest.mark.sdk_operation("email_invoice")
def test_emailing_a_draft_invoice_is_refused(xero: Xero) -> None:
    created = new_invoice(xero, status="DRAFT")
    with pytest.raises(ApiException) as raised:
        xero.api.email_invoice(xero.tenant, created.invoice_id, RequestEmpty())
    assert raised.value.status == 400


@pytest.mark.sdk_operation("get_online_invoice")
def test_an_approved_invoice_has_an_online_invoice_url(xero: Xero) -> None:
    created = new_invoice(xero)
    online = xero.api.get_online_invoice(xero.tenant, created.invoice_id).online_invoices
    assert online[0].online_invoice_url.startswith("https://")
