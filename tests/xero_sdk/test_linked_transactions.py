"""Contract tests: linked transactions (billable expenses), created, read, changed and deleted through the SDK."""

from __future__ import annotations

import pytest
from xero_python.accounting import Contact, LinkedTransaction, LinkedTransactions

from tests.xero_sdk.conftest import Xero
from tests.xero_sdk.helpers import new_contact, new_invoice


def _link(xero: Xero) -> tuple[LinkedTransaction, str]:
    """A billable expense: a new bill's line, to be billed to a new customer; returns it and the customer's ID."""
    bill = new_invoice(xero, kind="ACCPAY")
    customer = new_contact(xero)
    body = LinkedTransaction(
        source_transaction_id=bill.invoice_id,
        source_line_item_id=bill.line_items[0].line_item_id,
        contact_id=customer.contact_id,
    )
    return xero.api.create_linked_transaction(xero.tenant, body).linked_transactions[0], customer.contact_id


@pytest.mark.sdk_operation("create_linked_transaction")
def test_create_linked_transaction_links_a_bill_line_to_a_customer(xero: Xero) -> None:
    link, customer_id = _link(xero)
    assert (str(link.status), str(link.type), str(link.source_transaction_type_code)) == (
        "APPROVED",
        "BILLABLEEXPENSE",
        "ACCPAY",
    )
    assert link.contact_id == customer_id
    assert link.updated_date_utc is not None


@pytest.mark.sdk_operation("get_linked_transaction", "get_linked_transactions")
def test_get_linked_transactions_reads_them_and_filters(xero: Xero) -> None:
    link, customer_id = _link(xero)
    one = xero.api.get_linked_transaction(xero.tenant, link.linked_transaction_id).linked_transactions[0]
    assert one.source_line_item_id == link.source_line_item_id
    listed = xero.api.get_linked_transactions(xero.tenant, contact_id=customer_id, status="APPROVED")
    assert [found.linked_transaction_id for found in listed.linked_transactions] == [link.linked_transaction_id]


@pytest.mark.sdk_operation("update_linked_transaction")
def test_update_linked_transaction_bills_it_on_the_customers_invoice(xero: Xero) -> None:
    link, customer_id = _link(xero)
    invoice = new_invoice(xero, contact=Contact(contact_id=customer_id))
    change = LinkedTransaction(
        target_transaction_id=invoice.invoice_id, target_line_item_id=invoice.line_items[0].line_item_id
    )
    updated = xero.api.update_linked_transaction(
        xero.tenant, link.linked_transaction_id, LinkedTransactions(linked_transactions=[change])
    )
    billed = updated.linked_transactions[0]
    assert (str(billed.status), billed.target_transaction_id) == ("BILLED", invoice.invoice_id)


@pytest.mark.sdk_operation("delete_linked_transaction")
def test_delete_linked_transaction_removes_an_unbilled_link(xero: Xero) -> None:
    link, _ = _link(xero)
    assert xero.api.delete_linked_transaction(xero.tenant, link.linked_transaction_id) is None
    left = xero.api.get_linked_transactions(xero.tenant, linked_transaction_id=link.linked_transaction_id)
    assert left.linked_transactions == []
