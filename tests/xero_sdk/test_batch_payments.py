"""Contract tests: batch payments, created, read, noted and deleted as a whole through the SDK."""

from __future__ import annotations

from decimal import Decimal

import pytest
from xero_python.accounting import (
    Account,
    BatchPayment,
    BatchPaymentDelete,
    BatchPaymentDeleteByUrlParam,
    BatchPayments,
    HistoryRecord,
    HistoryRecords,
    Invoice,
    Payment,
)

from tests.xero_sdk.conftest import Xero
from tests.xero_sdk.helpers import DOC_DATE, new_invoice


def _batch(xero: Xero, amounts: tuple[str, ...] = ("110.00", "40.00")) -> tuple[BatchPayment, list[Invoice]]:
    """A PAYBATCH from account 090 over new bills, paying each the amount given."""
    bills = [new_invoice(xero, kind="ACCPAY") for _ in amounts]
    payments = [
        Payment(invoice=Invoice(invoice_id=bill.invoice_id), amount=Decimal(value))
        for bill, value in zip(bills, amounts, strict=True)
    ]
    batch = BatchPayment(account=Account(code="090"), date=DOC_DATE, reference="Supplier run", payments=payments)
    created = xero.api.create_batch_payment(xero.tenant, BatchPayments(batch_payments=[batch]))
    return created.batch_payments[0], bills


@pytest.mark.sdk_operation("create_batch_payment")
def test_create_batch_payment_pays_each_bill_and_totals_them(xero: Xero) -> None:
    batch, bills = _batch(xero)
    assert (str(batch.type), str(batch.status), batch.total_amount) == ("PAYBATCH", "AUTHORISED", Decimal("150.00"))
    assert (batch.date, batch.reference, batch.account.code) == (DOC_DATE, "Supplier run", "090")
    assert [p.invoice.invoice_id for p in batch.payments] == [b.invoice_id for b in bills]
    paid = xero.api.get_invoice(xero.tenant, bills[0].invoice_id).invoices[0]
    assert (str(paid.status), paid.amount_due) == ("PAID", Decimal("0.00"))


@pytest.mark.sdk_operation("get_batch_payment", "get_batch_payments")
def test_get_batch_payments_reads_them_back(xero: Xero) -> None:
    batch, _ = _batch(xero)
    one = xero.api.get_batch_payment(xero.tenant, batch.batch_payment_id).batch_payments[0]
    assert (one.batch_payment_id, one.total_amount) == (batch.batch_payment_id, Decimal("150.00"))
    listed = xero.api.get_batch_payments(xero.tenant, where='Status=="AUTHORISED"')
    assert batch.batch_payment_id in {b.batch_payment_id for b in listed.batch_payments}


@pytest.mark.sdk_operation("delete_batch_payment")
def test_delete_batch_payment_reverses_every_payment(xero: Xero) -> None:
    batch, bills = _batch(xero)
    body = BatchPaymentDelete(batch_payment_id=batch.batch_payment_id, status="DELETED")
    deleted = xero.api.delete_batch_payment(xero.tenant, body).batch_payments[0]
    assert str(deleted.status) == "DELETED"
    restored = xero.api.get_invoice(xero.tenant, bills[1].invoice_id).invoices[0]
    assert (str(restored.status), restored.amount_due) == ("AUTHORISED", Decimal("110.00"))


@pytest.mark.sdk_operation("delete_batch_payment_by_url_param")
def test_delete_batch_payment_by_url_param_deletes_it(xero: Xero) -> None:
    batch, _ = _batch(xero, ("25.00",))
    body = BatchPaymentDeleteByUrlParam(status="DELETED")
    deleted = xero.api.delete_batch_payment_by_url_param(xero.tenant, batch.batch_payment_id, body)
    assert str(deleted.batch_payments[0].status) == "DELETED"
    payment_id = batch.payments[0].payment_id
    assert str(xero.api.get_payment(xero.tenant, payment_id).payments[0].status) == "DELETED"


@pytest.mark.sdk_operation("create_batch_payment_history_record", "get_batch_payment_history")
def test_batch_payment_history_takes_and_lists_notes(xero: Xero) -> None:
    batch, _ = _batch(xero, ("25.00",))
    notes = HistoryRecords(history_records=[HistoryRecord(details="Sent to the bank")])
    xero.api.create_batch_payment_history_record(xero.tenant, batch.batch_payment_id, notes)
    records = xero.api.get_batch_payment_history(xero.tenant, batch.batch_payment_id).history_records
    assert [r.changes for r in records] == ["Created", "Note"]
