"""Batch payments (xero-api.md §2.1, §5.5): several invoices or bills paid by one bank line, deleted as a whole."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx2

from tests.conftest import SANDBOX_START
from tests.sandbox.helpers import get_one, messages, new_invoice, put_one
from tests.sandbox_reports.helpers import account_rows, amount, fetch_report, row_values

TODAY = SANDBOX_START.date().isoformat()


def _batch(*pairs: tuple[dict[str, Any], Any], **fields: Any) -> dict[str, Any]:
    payments = [{"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Amount": value} for invoice, value in pairs]
    return {"Account": {"Code": "090"}, "Date": TODAY, "Reference": "Weekly run", "Payments": payments, **fields}


async def _bank_balance(api: httpx2.AsyncClient) -> Decimal:
    report = await fetch_report(api, "BalanceSheet", date=TODAY)
    assets, liabilities = row_values(report, "Total Assets"), row_values(report, "Total Liabilities")
    assert [a - li for a, li in zip(assets, liabilities, strict=True)] == row_values(report, "Total Equity")
    bank_id = next(a["AccountID"] for a in (await api.get("/Accounts")).json()["Accounts"] if a["Code"] == "090")
    return amount(account_rows(report)[bank_id][1])


async def test_a_batch_pays_several_bills_in_one_bank_line(api: httpx2.AsyncClient) -> None:
    """Each bill gets an ordinary payment that names the batch; the batch totals them as one bank line."""
    first = await new_invoice(api, kind="ACCPAY", contact="Batch Supplier A")
    second = await new_invoice(api, kind="ACCPAY", contact="Batch Supplier B")
    before = await _bank_balance(api)
    batch = await put_one(api, "BatchPayments", _batch((first, 110), (second, 50)))
    assert (batch["Type"], batch["Status"], batch["TotalAmount"]) == ("PAYBATCH", "AUTHORISED", 160.0)
    assert batch["Account"]["Code"] == "090"
    assert [p["Invoice"]["InvoiceID"] for p in batch["Payments"]] == [first["InvoiceID"], second["InvoiceID"]]
    assert (await get_one(api, "Invoices", first["InvoiceID"]))["Status"] == "PAID"
    assert (await get_one(api, "Invoices", second["InvoiceID"]))["AmountDue"] == 60.0
    payment = await get_one(api, "Payments", batch["Payments"][0]["PaymentID"])
    assert payment["BatchPaymentID"] == batch["BatchPaymentID"]
    assert await _bank_balance(api) == before - 160
    listed = (await api.get("/BatchPayments", params={"where": 'Type=="PAYBATCH"'})).json()["BatchPayments"]
    assert batch["BatchPaymentID"] in {b["BatchPaymentID"] for b in listed}


async def test_a_batch_is_deleted_as_a_whole_and_its_payments_with_it(api: httpx2.AsyncClient) -> None:
    invoice = await new_invoice(api, contact="Batch Customer")
    other = await new_invoice(api, contact="Batch Customer")
    before = await _bank_balance(api)
    batch = await put_one(api, "BatchPayments", _batch((invoice, 110), (other, 10)))
    assert batch["Type"] == "RECBATCH"
    one = batch["Payments"][0]["PaymentID"]
    alone = await api.post(f"/Payments/{one}", json={"Status": "DELETED"})
    assert messages(alone) == [
        "Payments created via batch payments cannot be deleted one by one; delete the batch payment instead."
    ]
    deleted = await api.post("/BatchPayments", json={"BatchPaymentID": batch["BatchPaymentID"], "Status": "DELETED"})
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["BatchPayments"][0]["Status"] == "DELETED"
    assert (await get_one(api, "Payments", one))["Status"] == "DELETED"
    restored = await get_one(api, "Invoices", invoice["InvoiceID"])
    assert (restored["Status"], restored["AmountDue"]) == ("AUTHORISED", 110.0)
    assert await _bank_balance(api) == before
    again = await api.post(f"/BatchPayments/{batch['BatchPaymentID']}", json={"Status": "DELETED"})
    assert messages(again) == ["This batch payment has already been deleted."]
    history = (await api.get(f"/BatchPayments/{batch['BatchPaymentID']}/History")).json()["HistoryRecords"]
    assert [record["Changes"] for record in history] == ["Created", "Deleted"]


async def test_a_batch_refuses_mixed_sides_overpayment_and_a_failed_payment_undoes_it_all(
    api: httpx2.AsyncClient,
) -> None:
    invoice = await new_invoice(api, contact="Batch Customer")
    bill = await new_invoice(api, kind="ACCPAY", contact="Batch Supplier")
    mixed = await api.put("/BatchPayments", json=_batch((invoice, 10), (bill, 10)))
    assert messages(mixed) == ["A batch payment pays either sales invoices or bills, not both."]
    too_much = await api.put("/BatchPayments", json=_batch((invoice, 10), (invoice, 101)))
    assert messages(too_much) == ["Payment amount exceeds the amount outstanding on this document"]
    untouched = await get_one(api, "Invoices", invoice["InvoiceID"])
    assert (untouched["AmountDue"], untouched["Payments"]) == (110.0, [])
    not_bank = await api.put("/BatchPayments", json=_batch((invoice, 10), Account={"Code": "200"}))
    assert messages(not_bank) == ["Account code '200' is not a bank account."]
    empty = await api.put("/BatchPayments", json=_batch())
    assert messages(empty) == ["A batch payment needs at least one payment."]
    changed = await api.post("/BatchPayments", json={"BatchPaymentID": invoice["InvoiceID"], "Status": "DELETED"})
    assert messages(changed) == ["An existing BatchPayment with the specified BatchPaymentID could not be found"]
