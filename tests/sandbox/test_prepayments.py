"""Prepayments and overpayments (xero-api.md §5.4-§5.6): made by bank transactions, allocated to invoices within the
remaining amounts, refunded by payments, and carried in the ledger by the AR/AP control account until allocated."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx2
import pytest

from tests.conftest import SANDBOX_START
from tests.sandbox.helpers import get_one, messages, new_invoice, put_one
from tests.sandbox_reports.helpers import Report, account_rows, amount, fetch_report, first_value_or_zero, row_values

TODAY = SANDBOX_START.date().isoformat()


def _bank_transaction(
    kind: str, amount_given: Any = 500, contact: str = "Prepay Customer", **fields: Any
) -> dict[str, Any]:
    account = "200" if kind.startswith("RECEIVE") else "453"
    line: dict[str, Any] = {"Description": "Deposit", "Quantity": 1, "UnitAmount": amount_given}
    if kind.endswith("PREPAYMENT"):
        line["AccountCode"] = account
    return {
        "Type": kind,
        "Contact": {"Name": contact},
        "BankAccount": {"Code": "090"},
        "LineAmountTypes": "NoTax",
        "LineItems": [line],
        "Date": TODAY,
        **fields,
    }


async def _credit(api: httpx2.AsyncClient, kind: str, amount_given: Any = 500, **fields: Any) -> dict[str, Any]:
    """A new prepayment or overpayment (by its bank transaction), as GET /{Prepayments|Overpayments}/{id} shows it."""
    transaction = await put_one(api, "BankTransactions", _bank_transaction(kind, amount_given, **fields))
    plural, id_field = ("Prepayments", "PrepaymentID") if "PREPAYMENT" in kind else ("Overpayments", "OverpaymentID")
    assert transaction["Status"] == "AUTHORISED"
    return await get_one(api, plural, transaction[id_field])


async def _allocate(
    api: httpx2.AsyncClient, plural: str, record_id: str, invoice_id: str, value: Any
) -> httpx2.Response:
    body = {"Allocations": [{"Invoice": {"InvoiceID": invoice_id}, "Amount": value, "Date": TODAY}]}
    return await api.put(f"/{plural}/{record_id}/Allocations", json=body)


async def _balances(api: httpx2.AsyncClient) -> dict[str, Decimal]:
    """Today's balance sheet, checked to balance, as account code -> amount."""
    report: Report = await fetch_report(api, "BalanceSheet", date=TODAY)
    assets, liabilities = row_values(report, "Total Assets"), row_values(report, "Total Liabilities")
    assert [a - li for a, li in zip(assets, liabilities, strict=True)] == row_values(report, "Total Equity")
    debit, credit, ytd_debit, ytd_credit = row_values(await fetch_report(api, "TrialBalance", date=TODAY), "Total")
    assert (debit, ytd_debit) == (credit, ytd_credit)
    codes = {a["AccountID"]: a["Code"] for a in (await api.get("/Accounts")).json()["Accounts"]}
    return {codes[i]: amount(cells[1]) for i, cells in account_rows(report).items() if i in codes}


def _moved(before: dict[str, Decimal], after: dict[str, Decimal]) -> dict[str, Decimal]:
    zero = Decimal("0.00")
    keys = set(before) | set(after)
    return {k: after.get(k, zero) - before.get(k, zero) for k in keys if after.get(k, zero) != before.get(k, zero)}


async def _aged(api: httpx2.AsyncClient, contact_id: str) -> Decimal:
    report = await fetch_report(api, "AgedReceivablesByContact", contactId=contact_id, date=TODAY)
    return row_values(report, "Closing Balance")[-1]


async def test_a_bookkeeper_receives_a_prepayment_allocates_it_and_refunds_the_rest(api: httpx2.AsyncClient) -> None:
    """Receive 500 ahead of an invoice, allocate 110 of it to the customer's invoice, refund the 390 left: each step
    lands in the right accounts, the aged receivables follow, and the books balance throughout."""
    start = await _balances(api)

    prepayment = await _credit(api, "RECEIVE-PREPAYMENT", 500)
    contact_id = prepayment["Contact"]["ContactID"]
    assert (prepayment["Status"], prepayment["RemainingCredit"], prepayment["Total"]) == ("AUTHORISED", 500.0, 500.0)
    received = await _balances(api)
    # The money is in the bank and waits as a credit in accounts receivable; no income yet on accrual.
    assert _moved(start, received) == {"090": Decimal("500.00"), "610": Decimal("-500.00")}
    assert await _aged(api, contact_id) == Decimal("-500.00")

    invoice = await new_invoice(api, contact="Prepay Customer", Date=TODAY, DueDate=TODAY)
    assert invoice["Total"] == 110.0  # 100 + 10% tax
    invoiced = await _balances(api)
    allocated = await _allocate(api, "Prepayments", prepayment["PrepaymentID"], invoice["InvoiceID"], 110)
    assert allocated.status_code == 200, allocated.text
    allocation = allocated.json()["Allocations"][0]
    assert (allocation["Amount"], allocation["Invoice"]["InvoiceID"]) == (110.0, invoice["InvoiceID"])
    assert _moved(invoiced, await _balances(api)) == {}  # AR to AR: nothing moves
    paid_invoice = await get_one(api, "Invoices", invoice["InvoiceID"])
    assert (paid_invoice["Status"], paid_invoice["AmountDue"], paid_invoice["AmountCredited"]) == ("PAID", 0.0, 110.0)
    assert paid_invoice["Prepayments"][0]["PrepaymentID"] == prepayment["PrepaymentID"]
    assert paid_invoice["Prepayments"][0]["AppliedAmount"] == 110.0
    after_allocation = await get_one(api, "Prepayments", prepayment["PrepaymentID"])
    assert (after_allocation["Status"], after_allocation["RemainingCredit"]) == ("AUTHORISED", 390.0)
    assert await _aged(api, contact_id) == Decimal("-390.00")

    refund = {"Prepayment": {"PrepaymentID": prepayment["PrepaymentID"]}, "Account": {"Code": "090"}, "Amount": 390}
    refunded = await api.put("/Payments", json=refund)
    assert refunded.status_code == 200, refunded.text
    assert refunded.json()["Payments"][0]["PaymentType"] == "ARPREPAYMENTPAYMENT"
    done = await _balances(api)
    assert _moved(invoiced, done) == {"090": Decimal("-390.00"), "610": Decimal("390.00")}
    # Overall: 110 of cash came in for 100 of sales and 10 of tax.
    assert _moved(start, done) == {"090": Decimal("110.00"), "820": Decimal("10.00")}
    final = await get_one(api, "Prepayments", prepayment["PrepaymentID"])
    assert (final["Status"], final["RemainingCredit"]) == ("PAID", 0.0)
    assert await _aged(api, contact_id) == Decimal("0.00")


async def test_on_cash_basis_a_prepayment_is_income_when_received(api: httpx2.AsyncClient) -> None:
    """paymentsOnly=true: the prepayment's lines are income on the day the money comes in."""
    before = await fetch_report(api, "ProfitAndLoss", fromDate=TODAY, toDate=TODAY, paymentsOnly="true")
    await _credit(api, "RECEIVE-PREPAYMENT", 80)
    after = await fetch_report(api, "ProfitAndLoss", fromDate=TODAY, toDate=TODAY, paymentsOnly="true")
    gained = first_value_or_zero(after, "Total Income") - first_value_or_zero(before, "Total Income")
    assert gained == Decimal("80.00")
    sheet = await fetch_report(api, "BalanceSheet", date=TODAY, paymentsOnly="true")
    assets, liabilities = row_values(sheet, "Total Assets"), row_values(sheet, "Total Liabilities")
    assert [a - li for a, li in zip(assets, liabilities, strict=True)] == row_values(sheet, "Total Equity")


async def test_an_overpayment_is_coded_to_receivables_and_refunded_or_allocated(api: httpx2.AsyncClient) -> None:
    """RECEIVE-OVERPAYMENT lines default to the AR account, carry no tax, and allocate like prepayments."""
    overpayment = await _credit(api, "RECEIVE-OVERPAYMENT", 60, contact="Overpaying Customer")
    assert overpayment["LineItems"][0]["AccountCode"] == "610"
    assert (overpayment["TotalTax"], overpayment["Total"], overpayment["Type"]) == (0.0, 60.0, "RECEIVE-OVERPAYMENT")
    invoice = await new_invoice(api, contact="Overpaying Customer")
    allocated = await _allocate(api, "Overpayments", overpayment["OverpaymentID"], invoice["InvoiceID"], 50)
    assert allocated.status_code == 200, allocated.text
    assert (await get_one(api, "Invoices", invoice["InvoiceID"]))["AmountDue"] == 60.0
    refund = {"Overpayment": {"OverpaymentID": overpayment["OverpaymentID"]}, "Account": {"Code": "090"}, "Amount": 10}
    refunded = await api.put("/Payments", json=refund)
    assert refunded.json()["Payments"][0]["PaymentType"] == "AROVERPAYMENTPAYMENT"
    assert (await get_one(api, "Overpayments", overpayment["OverpaymentID"]))["Status"] == "PAID"
    await _balances(api)


async def test_an_overpayment_line_on_another_account_is_refused(api: httpx2.AsyncClient) -> None:
    body = _bank_transaction("RECEIVE-OVERPAYMENT", 60)
    body["LineItems"][0]["AccountCode"] = "200"
    response = await api.put("/BankTransactions", json=body)
    assert messages(response) == [
        "Account code '200' is not valid for an overpayment: its lines must use the Accounts Receivable account (610)."
    ]


async def test_a_supplier_prepayment_sits_in_payables_until_allocated_to_a_bill(api: httpx2.AsyncClient) -> None:
    """SPEND-PREPAYMENT: money out of the bank, a debit in accounts payable, allocated to the supplier's bill."""
    before = await _balances(api)
    prepayment = await _credit(api, "SPEND-PREPAYMENT", 200, contact="Prepaid Supplier")
    assert _moved(before, await _balances(api)) == {"090": Decimal("-200.00"), "800": Decimal("-200.00")}
    bill = await new_invoice(api, kind="ACCPAY", contact="Prepaid Supplier")
    allocated = await _allocate(api, "Prepayments", prepayment["PrepaymentID"], bill["InvoiceID"], 110)
    assert allocated.status_code == 200, allocated.text
    assert (await get_one(api, "Invoices", bill["InvoiceID"]))["Status"] == "PAID"
    payables = await fetch_report(
        api, "AgedPayablesByContact", contactId=prepayment["Contact"]["ContactID"], date=TODAY
    )
    assert row_values(payables, "Closing Balance")[-1] == Decimal("-90.00")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"value": 501}, "The amount allocated exceeds the remaining credit on the prepayment."),
        ({"value": 111}, "The amount allocated exceeds the amount due on the invoice."),
        ({"contact": "Someone Else"}, "The prepayment and the invoice must be for the same contact."),
        ({"kind": "ACCPAY"}, "A RECEIVE-PREPAYMENT prepayment can only be allocated to ACCREC invoices."),
        ({"status": "DRAFT"}, "A prepayment can only be allocated to an AUTHORISED invoice."),
    ],
)
async def test_an_allocation_stays_within_the_remaining_credit_and_the_invoice(
    api: httpx2.AsyncClient, change: dict[str, Any], message: str
) -> None:
    prepayment = await _credit(api, "RECEIVE-PREPAYMENT", 500)
    invoice = await new_invoice(
        api,
        contact=change.get("contact", "Prepay Customer"),
        kind=change.get("kind", "ACCREC"),
        status=change.get("status", "AUTHORISED"),
        lines=[
            {"Description": "x", "Quantity": 1, "UnitAmount": 100, "AccountCode": "453" if "kind" in change else "200"}
        ],
    )
    response = await _allocate(
        api, "Prepayments", prepayment["PrepaymentID"], invoice["InvoiceID"], change.get("value", 10)
    )
    assert messages(response) == [message]


async def test_deleting_an_allocation_gives_both_amounts_back(api: httpx2.AsyncClient) -> None:
    prepayment = await _credit(api, "RECEIVE-PREPAYMENT", 500)
    invoice = await new_invoice(api, contact="Prepay Customer")
    allocated = await _allocate(api, "Prepayments", prepayment["PrepaymentID"], invoice["InvoiceID"], 110)
    allocation_id = allocated.json()["Allocations"][0]["AllocationID"]
    deleted = await api.delete(f"/Prepayments/{prepayment['PrepaymentID']}/Allocations/{allocation_id}")
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["IsDeleted"] is True
    assert (await get_one(api, "Prepayments", prepayment["PrepaymentID"]))["RemainingCredit"] == 500.0
    restored = await get_one(api, "Invoices", invoice["InvoiceID"])
    assert (restored["Status"], restored["AmountDue"], restored["Prepayments"]) == ("AUTHORISED", 110.0, [])
    missing = await api.delete(f"/Prepayments/{prepayment['PrepaymentID']}/Allocations/{allocation_id}")
    assert missing.status_code == 404


async def test_a_refund_cannot_exceed_the_remaining_credit(api: httpx2.AsyncClient) -> None:
    prepayment = await _credit(api, "RECEIVE-PREPAYMENT", 50)
    refund = {"Prepayment": {"PrepaymentID": prepayment["PrepaymentID"]}, "Account": {"Code": "090"}, "Amount": 51}
    assert messages(await api.put("/Payments", json=refund)) == [
        "Payment amount exceeds the amount outstanding on this document"
    ]


async def test_deleting_the_bank_transaction_voids_an_unallocated_prepayment_only(api: httpx2.AsyncClient) -> None:
    kept = await put_one(api, "BankTransactions", _bank_transaction("RECEIVE-PREPAYMENT", 40))
    invoice = await new_invoice(api, contact="Prepay Customer")
    await _allocate(api, "Prepayments", kept["PrepaymentID"], invoice["InvoiceID"], 10)
    refused = await api.post(f"/BankTransactions/{kept['BankTransactionID']}", json={"Status": "DELETED"})
    assert "allocated or refunded" in messages(refused)[0]
    voided = await put_one(api, "BankTransactions", _bank_transaction("RECEIVE-PREPAYMENT", 40))
    deleted = await api.post(f"/BankTransactions/{voided['BankTransactionID']}", json={"Status": "DELETED"})
    assert deleted.json()["BankTransactions"][0]["Status"] == "DELETED"
    record = await get_one(api, "Prepayments", voided["PrepaymentID"])
    assert (record["Status"], record["RemainingCredit"]) == ("VOIDED", 0.0)
    edit = await api.post(f"/BankTransactions/{kept['BankTransactionID']}", json={"Reference": "changed"})
    assert messages(edit) == ["The bank transaction of a prepayment cannot be changed, only deleted."]


async def test_prepayments_list_with_paging_where_and_if_modified_since(api: httpx2.AsyncClient) -> None:
    first = await _credit(api, "RECEIVE-PREPAYMENT", 10)
    await _credit(api, "SPEND-PREPAYMENT", 20, contact="Prepaid Supplier")
    listed = (await api.get("/Prepayments", params={"page": "1"})).json()
    assert listed["pagination"]["itemCount"] == len(listed["Prepayments"]) >= 2
    spend = (await api.get("/Prepayments", params={"where": 'Type=="SPEND-PREPAYMENT"'})).json()["Prepayments"]
    assert {p["Type"] for p in spend} == {"SPEND-PREPAYMENT"}
    later = await api.get("/Prepayments", headers={"If-Modified-Since": "2100-01-01T00:00:00"})
    assert later.json()["Prepayments"] == []
    unknown = await api.get("/Prepayments", params={"where": "Colour==1"})
    assert unknown.status_code == 400
    history = await api.get(f"/Prepayments/{first['PrepaymentID']}/History")
    assert history.json()["HistoryRecords"][0]["Changes"] == "Created"


async def test_transfer_types_are_made_by_bank_transfers_only(api: httpx2.AsyncClient) -> None:
    response = await api.put("/BankTransactions", json=_bank_transaction("SPEND-TRANSFER", 5))
    assert messages(response) == [
        "Bank transactions of type SPEND-TRANSFER are made by bank transfers; use BankTransfers."
    ]


async def test_allocations_with_summarize_errors_false_report_each_element(api: httpx2.AsyncClient) -> None:
    """xero-api.md §2.2: Allocations take summarizeErrors; the good allocation is made, the bad one says why."""
    prepayment = await _credit(api, "RECEIVE-PREPAYMENT", 50)
    invoice = await new_invoice(api, contact="Prepay Customer")
    good = {"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Amount": 20, "Date": TODAY}
    bad = {"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Amount": 40, "Date": TODAY}
    response = await api.put(
        f"/Prepayments/{prepayment['PrepaymentID']}/Allocations",
        params={"summarizeErrors": "false"},
        json={"Allocations": [good, bad]},
    )
    assert response.status_code == 200, response.text
    made, refused = response.json()["Allocations"]
    assert (made["StatusAttributeString"], made["Amount"]) == ("OK", 20.0)
    assert refused["StatusAttributeString"] == "ERROR"
    assert refused["ValidationErrors"] == [
        {"Message": "The amount allocated exceeds the remaining credit on the prepayment."}
    ]
