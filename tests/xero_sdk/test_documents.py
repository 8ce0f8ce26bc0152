"""Contract tests: credit notes and their allocations, quotes and purchase orders."""

from __future__ import annotations

from decimal import Decimal

import pytest
from xero_python.accounting import (
    Allocation,
    Allocations,
    CreditNote,
    CreditNotes,
    Invoice,
    PurchaseOrder,
    PurchaseOrders,
    Quote,
    Quotes,
    QuoteStatusCodes,
)
from xero_python.exceptions import ApiException

from tests.xero_sdk.conftest import Xero
from tests.xero_sdk.helpers import (
    DOC_DATE,
    TOTAL,
    enum_text,
    new_contact,
    new_credit_note,
    new_invoice,
    new_purchase_order,
    new_quote,
)

# --- credit notes -------------------------------------------------------------------------------------------------


@pytest.mark.sdk_operation("create_credit_notes")
def test_an_approved_credit_note_has_all_its_credit_remaining(xero: Xero) -> None:
    credit = new_credit_note(xero)
    assert enum_text(credit.type) == "ACCRECCREDIT"
    assert credit.credit_note_number.startswith("CN-")
    assert (credit.total, credit.remaining_credit) == (TOTAL, TOTAL)


@pytest.mark.sdk_operation("get_credit_notes", "get_credit_note")
def test_credit_notes_are_listed_and_readable_by_id(xero: Xero) -> None:
    credit = new_credit_note(xero)
    listed = xero.api.get_credit_notes(xero.tenant, where=f'CreditNoteNumber=="{credit.credit_note_number}"')
    assert [c.credit_note_id for c in listed.credit_notes] == [credit.credit_note_id]
    fetched = xero.api.get_credit_note(xero.tenant, credit.credit_note_id).credit_notes[0]
    assert fetched.line_items[0].line_amount == Decimal("100.00")


@pytest.mark.sdk_operation("update_credit_note")
def test_voiding_an_approved_credit_note(xero: Xero) -> None:
    credit = new_credit_note(xero)
    body = CreditNotes(credit_notes=[CreditNote(status="VOIDED")])
    assert enum_text(xero.api.update_credit_note(xero.tenant, credit.credit_note_id, body).credit_notes[0].status) == (
        "VOIDED"
    )


@pytest.mark.sdk_operation("update_or_create_credit_notes")
def test_posting_credit_notes_updates_a_draft_reference(xero: Xero) -> None:
    credit = new_credit_note(xero, status="DRAFT")
    body = CreditNotes(credit_notes=[CreditNote(credit_note_id=credit.credit_note_id, reference="RMA-5")])
    assert xero.api.update_or_create_credit_notes(xero.tenant, body).credit_notes[0].reference == "RMA-5"


@pytest.mark.sdk_operation("create_credit_note_allocation", "delete_credit_note_allocations")
def test_allocating_credit_reduces_the_invoice_and_deleting_it_restores_it(xero: Xero) -> None:
    contact = new_contact(xero)
    invoice = new_invoice(xero, contact=contact)
    credit = new_credit_note(xero, contact=contact)
    allocation = Allocation(amount=Decimal("40.00"), invoice=Invoice(invoice_id=invoice.invoice_id), date=DOC_DATE)
    made = xero.api.create_credit_note_allocation(
        xero.tenant, credit.credit_note_id, Allocations(allocations=[allocation])
    ).allocations[0]
    assert made.amount == Decimal("40.00")
    assert xero.api.get_invoice(xero.tenant, invoice.invoice_id).invoices[0].amount_due == Decimal("70.00")
    removed = xero.api.delete_credit_note_allocations(xero.tenant, credit.credit_note_id, made.allocation_id)
    assert removed.is_deleted is True
    assert xero.api.get_invoice(xero.tenant, invoice.invoice_id).invoices[0].amount_due == TOTAL


# --- quotes -------------------------------------------------------------------------------------------------------


@pytest.mark.sdk_operation("create_quotes")
def test_a_new_quote_is_numbered_and_totalled(xero: Xero) -> None:
    quote = new_quote(xero)
    assert quote.quote_number.startswith("QU-")
    assert (enum_text(quote.status), quote.total) == ("DRAFT", TOTAL)


@pytest.mark.sdk_operation("get_quotes", "get_quote")
def test_quotes_are_listed_by_number_and_readable_by_id(xero: Xero) -> None:
    quote = new_quote(xero)
    listed = xero.api.get_quotes(xero.tenant, quote_number=quote.quote_number).quotes
    assert [q.quote_id for q in listed] == [quote.quote_id]
    fetched = xero.api.get_quote(xero.tenant, quote.quote_id).quotes[0]
    assert fetched.line_items[0].description == "Contract test work"


@pytest.mark.sdk_operation("update_quote")
def test_sending_a_draft_quote(xero: Xero) -> None:
    quote = new_quote(xero)
    body = Quotes(quotes=[Quote(status=QuoteStatusCodes.SENT, contact=quote.contact, date=DOC_DATE)])
    assert enum_text(xero.api.update_quote(xero.tenant, quote.quote_id, body).quotes[0].status) == "SENT"


@pytest.mark.sdk_operation("update_or_create_quotes")
def test_posting_quotes_changes_a_title(xero: Xero) -> None:
    quote = new_quote(xero)
    body = Quotes(quotes=[Quote(quote_id=quote.quote_id, title="Fit-out", contact=quote.contact, date=DOC_DATE)])
    assert xero.api.update_or_create_quotes(xero.tenant, body).quotes[0].title == "Fit-out"


# --- purchase orders ----------------------------------------------------------------------------------------------


@pytest.mark.sdk_operation("create_purchase_orders")
def test_a_new_purchase_order_is_numbered_and_totalled(xero: Xero) -> None:
    order = new_purchase_order(xero)
    assert order.purchase_order_number.startswith("PO-")
    assert (enum_text(order.status), order.total) == ("DRAFT", TOTAL)


@pytest.mark.sdk_operation("get_purchase_orders", "get_purchase_order", "get_purchase_order_by_number")
def test_purchase_orders_are_listed_and_readable_by_id_and_number(xero: Xero) -> None:
    order = new_purchase_order(xero)
    listed = xero.api.get_purchase_orders(xero.tenant, status="DRAFT").purchase_orders
    assert order.purchase_order_id in [o.purchase_order_id for o in listed]
    by_id = xero.api.get_purchase_order(xero.tenant, order.purchase_order_id).purchase_orders[0]
    assert by_id.purchase_order_number == order.purchase_order_number
    by_number = xero.api.get_purchase_order_by_number(xero.tenant, order.purchase_order_number).purchase_orders[0]
    assert by_number.purchase_order_id == order.purchase_order_id


@pytest.mark.sdk_operation("update_purchase_order")
def test_approving_a_purchase_order(xero: Xero) -> None:
    order = new_purchase_order(xero)
    body = PurchaseOrders(purchase_orders=[PurchaseOrder(status="AUTHORISED")])
    updated = xero.api.update_purchase_order(xero.tenant, order.purchase_order_id, body).purchase_orders[0]
    assert enum_text(updated.status) == "AUTHORISED"


@pytest.mark.sdk_operation("update_or_create_purchase_orders")
def test_posting_purchase_orders_sets_delivery_instructions(xero: Xero) -> None:
    order = new_purchase_order(xero)
    change = PurchaseOrder(purchase_order_id=order.purchase_order_id, delivery_instructions="Back door")
    body = PurchaseOrders(purchase_orders=[change])
    updated = xero.api.update_or_create_purchase_orders(xero.tenant, body).purchase_orders[0]
    assert updated.delivery_instructions == "Back door"


@pytest.mark.sdk_operation("get_purchase_order")
def test_an_unknown_purchase_order_is_not_found(xero: Xero) -> None:
    with pytest.raises(ApiException) as raised:
        xero.api.get_purchase_order(xero.tenant, "00000000-0000-0000-0000-000000000000")
    assert raised.value.status == 404
