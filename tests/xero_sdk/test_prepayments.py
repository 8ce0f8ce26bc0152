"""Contract tests: prepayments and overpayments, made by bank transactions, allocated, refunded and listed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from xero_python.accounting import (
    Account,
    Allocation,
    Allocations,
    BankTransaction,
    BankTransactions,
    Contact,
    HistoryRecord,
    HistoryRecords,
    Invoice,
    LineItem,
    Overpayment,
    Payment,
    Payments,
    Prepayment,
)

from tests.xero_sdk.conftest import Xero
from tests.xero_sdk.helpers import DOC_DATE, lines, new_contact, new_invoice


def _made_by_bank_transaction(xero: Xero, kind: str, contact: Contact) -> BankTransaction:
    """A RECEIVE-PREPAYMENT (110.00, sales lines) or RECEIVE-OVERPAYMENT (110.00 on receivables) transaction."""
    items = (
        lines("200", "OUTPUT")
        if kind.endswith("PREPAYMENT")
        else [LineItem(description="Paid twice", quantity=Decimal("1"), unit_amount=Decimal("110.00"))]
    )
    transaction = BankTransaction(
        type=kind,
        contact=Contact(contact_id=contact.contact_id),
        bank_account=Account(code="090"),
        date=DOC_DATE,
        line_items=items,
    )
    created = xero.api.create_bank_transactions(xero.tenant, BankTransactions(bank_transactions=[transaction]))
    return created.bank_transactions[0]


def _prepayment(xero: Xero) -> tuple[Prepayment, Contact]:
    contact = new_contact(xero)
    transaction = _made_by_bank_transaction(xero, "RECEIVE-PREPAYMENT", contact)
    found = xero.api.get_prepayment(xero.tenant, transaction.prepayment_id).prepayments[0]
    return found, contact


def _overpayment(xero: Xero) -> tuple[Overpayment, Contact]:
    contact = new_contact(xero)
    transaction = _made_by_bank_transaction(xero, "RECEIVE-OVERPAYMENT", contact)
    found = xero.api.get_overpayment(xero.tenant, transaction.overpayment_id).overpayments[0]
    return found, contact


def _allocation(invoice: Invoice, amount: str) -> Allocations:
    return Allocations(
        allocations=[Allocation(invoice=Invoice(invoice_id=invoice.invoice_id), amount=Decimal(amount), date=DOC_DATE)]
    )


@pytest.mark.sdk_operation("get_prepayment")
def test_get_prepayment_deserializes_the_record_its_bank_transaction_made(xero: Xero) -> None:
    prepayment, contact = _prepayment(xero)
    assert (prepayment.total, prepayment.remaining_credit, prepayment.sub_total) == (
        Decimal("110.00"),
        Decimal("110.00"),
        Decimal("100.00"),
    )
    assert (str(prepayment.type), str(prepayment.status)) == ("RECEIVE-PREPAYMENT", "AUTHORISED")
    assert prepayment.contact.contact_id == contact.contact_id
    assert prepayment.date == DOC_DATE


@pytest.mark.sdk_operation("get_prepayments")
def test_get_prepayments_pages_and_filters(xero: Xero) -> None:
    prepayment, _ = _prepayment(xero)
    listed = xero.api.get_prepayments(xero.tenant, where='Type=="RECEIVE-PREPAYMENT"', page=1)
    assert prepayment.prepayment_id in {p.prepayment_id for p in listed.prepayments}
    assert listed.pagination.item_count == len(listed.prepayments)


@pytest.mark.sdk_operation("create_prepayment_allocations", "delete_prepayment_allocations")
def test_prepayment_allocations_are_created_and_deleted(xero: Xero) -> None:
    prepayment, contact = _prepayment(xero)
    invoice = new_invoice(xero, contact=contact)
    made = xero.api.create_prepayment_allocations(xero.tenant, prepayment.prepayment_id, _allocation(invoice, "60.00"))
    allocation = made.allocations[0]
    assert (allocation.amount, allocation.invoice.invoice_id) == (Decimal("60.00"), invoice.invoice_id)
    assert xero.api.get_invoice(xero.tenant, invoice.invoice_id).invoices[0].amount_due == Decimal("50.00")
    deleted = xero.api.delete_prepayment_allocations(xero.tenant, prepayment.prepayment_id, allocation.allocation_id)
    assert (deleted.allocation_id, deleted.is_deleted) == (allocation.allocation_id, True)
    after = xero.api.get_prepayment(xero.tenant, prepayment.prepayment_id).prepayments[0]
    assert after.remaining_credit == Decimal("110.00")


@pytest.mark.sdk_operation("create_prepayment_history", "get_prepayment_history")
def test_prepayment_history_takes_and_lists_notes(xero: Xero) -> None:
    prepayment, _ = _prepayment(xero)
    body = HistoryRecords(history_records=[HistoryRecord(details="Deposit for March")])
    xero.api.create_prepayment_history(xero.tenant, prepayment.prepayment_id, body)
    records = xero.api.get_prepayment_history(xero.tenant, prepayment.prepayment_id).history_records
    assert [r.changes for r in records] == ["Created", "Note"]
    assert records[-1].details == "Deposit for March"


@pytest.mark.sdk_operation("get_overpayment")
def test_get_overpayment_deserializes_the_record_its_bank_transaction_made(xero: Xero) -> None:
    overpayment, contact = _overpayment(xero)
    assert (overpayment.total, overpayment.total_tax, overpayment.remaining_credit) == (
        Decimal("110.00"),
        Decimal("0.00"),
        Decimal("110.00"),
    )
    assert str(overpayment.type) == "RECEIVE-OVERPAYMENT"
    assert overpayment.contact.contact_id == contact.contact_id
    assert overpayment.line_items[0].account_code == "610"


@pytest.mark.sdk_operation("get_overpayments")
def test_get_overpayments_lists_them(xero: Xero) -> None:
    overpayment, _ = _overpayment(xero)
    listed = xero.api.get_overpayments(xero.tenant, page=1, page_size=10)
    assert overpayment.overpayment_id in {o.overpayment_id for o in listed.overpayments}
    assert listed.pagination.page_size == 10


@pytest.mark.sdk_operation("create_overpayment_allocations", "delete_overpayment_allocations")
def test_overpayment_allocations_are_created_and_deleted(xero: Xero) -> None:
    overpayment, contact = _overpayment(xero)
    invoice = new_invoice(xero, contact=contact)
    made = xero.api.create_overpayment_allocations(
        xero.tenant, overpayment.overpayment_id, _allocation(invoice, "110.00")
    )
    assert made.allocations[0].amount == Decimal("110.00")
    assert str(xero.api.get_invoice(xero.tenant, invoice.invoice_id).invoices[0].status) == "PAID"
    paid = xero.api.get_overpayment(xero.tenant, overpayment.overpayment_id).overpayments[0]
    assert (str(paid.status), paid.remaining_credit) == ("PAID", Decimal("0.00"))
    deleted = xero.api.delete_overpayment_allocations(
        xero.tenant, overpayment.overpayment_id, made.allocations[0].allocation_id
    )
    assert deleted.is_deleted is True


@pytest.mark.sdk_operation("create_overpayment_history", "get_overpayment_history")
def test_overpayment_history_takes_and_lists_notes(xero: Xero) -> None:
    overpayment, _ = _overpayment(xero)
    body = HistoryRecords(history_records=[HistoryRecord(details="Customer paid twice")])
    xero.api.create_overpayment_history(xero.tenant, overpayment.overpayment_id, body)
    records = xero.api.get_overpayment_history(xero.tenant, overpayment.overpayment_id).history_records
    assert records[-1].details == "Customer paid twice"


def test_a_prepayment_refund_is_a_payment_the_sdk_reads_back(xero: Xero) -> None:
    prepayment, _ = _prepayment(xero)
    refund = Payment(
        prepayment=Prepayment(prepayment_id=prepayment.prepayment_id),
        account=Account(code="090"),
        date=DOC_DATE,
        amount=Decimal("30.00"),
    )
    payment = xero.api.create_payments(xero.tenant, Payments(payments=[refund])).payments[0]
    assert (str(payment.payment_type), payment.amount) == ("ARPREPAYMENTPAYMENT", Decimal("30.00"))
    assert payment.prepayment.prepayment_id == prepayment.prepayment_id
    left = xero.api.get_prepayment(xero.tenant, prepayment.prepayment_id).prepayments[0]
    assert left.remaining_credit == Decimal("80.00")
