"""Reports follow writes made through the API (xero-api.md §5.14 over §5.2-§5.7, §5.13): each posting document
moves exactly the accounts it should, and the books stay balanced."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx2

from tests.conftest import SANDBOX_START
from tests.sandbox_reports.helpers import Report, account_rows, amount, fetch_report, money, row_values

TODAY = SANDBOX_START.date().isoformat()


async def _codes(api: httpx2.AsyncClient) -> dict[str, str]:
    response = await api.get("/Accounts")
    return {account["Code"]: account["AccountID"] for account in response.json()["Accounts"]}


async def _balances(api: httpx2.AsyncClient) -> tuple[Report, dict[str, Decimal]]:
    """Today's balance sheet (checked to balance) and its account amounts by code."""
    report = await fetch_report(api, "BalanceSheet", date=TODAY)
    equity = row_values(report, "Total Equity")
    net = [
        a - li
        for a, li in zip(row_values(report, "Total Assets"), row_values(report, "Total Liabilities"), strict=True)
    ]
    assert net == equity
    codes = {account_id: code for code, account_id in (await _codes(api)).items()}
    return report, {
        codes[account_id]: amount(cells[1]) for account_id, cells in account_rows(report).items() if account_id in codes
    }


async def _trial_balanced(api: httpx2.AsyncClient) -> None:
    debit, credit, ytd_debit, ytd_credit = row_values(await fetch_report(api, "TrialBalance", date=TODAY), "Total")
    assert (debit, ytd_debit) == (credit, ytd_credit)


def _moved(before: dict[str, Decimal], after: dict[str, Decimal]) -> dict[str, Decimal]:
    return {
        code: after.get(code, Decimal(0)) - before.get(code, Decimal(0))
        for code in set(before) | set(after)
        if after.get(code, Decimal(0)) != before.get(code, Decimal(0))
    }


async def _outstanding_invoice(api: httpx2.AsyncClient, kind: str = "ACCREC") -> dict[str, Any]:
    response = await api.get(
        "/Invoices", params={"Statuses": "AUTHORISED", "where": f'Type=="{kind}" AND AmountPaid==0'}
    )
    invoices = [i for i in response.json()["Invoices"] if not i.get("CreditNotes")]
    assert invoices
    return invoices[0]


async def _aged_closing(api: httpx2.AsyncClient, contact_id: str) -> Decimal:
    report = await fetch_report(api, "AgedReceivablesByContact", contactId=contact_id, date=TODAY)
    return row_values(report, "Closing Balance")[-1]


async def test_paying_an_invoice_moves_receivables_to_the_bank(api: httpx2.AsyncClient) -> None:
    invoice = await _outstanding_invoice(api)
    contact_id = invoice["Contact"]["ContactID"]
    _, before = await _balances(api)
    aged_before = await _aged_closing(api, contact_id)
    summary_before = row_values(await fetch_report(api, "BankSummary", fromDate=TODAY, toDate=TODAY), "Total")
    body = {"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Account": {"Code": "090"}, "Amount": 100, "Date": TODAY}
    payment = await api.put("/Payments", json=body)
    assert payment.status_code == 200, payment.text
    _, after = await _balances(api)
    assert _moved(before, after) == {"090": Decimal("100.00"), "610": Decimal("-100.00")}
    assert await _aged_closing(api, contact_id) == aged_before - 100
    summary_after = row_values(await fetch_report(api, "BankSummary", fromDate=TODAY, toDate=TODAY), "Total")
    assert summary_after[1] == summary_before[1] + 100
    await _trial_balanced(api)
    deleted = await api.post(f"/Payments/{payment.json()['Payments'][0]['PaymentID']}", json={"Status": "DELETED"})
    assert deleted.status_code == 200, deleted.text
    _, restored = await _balances(api)
    assert restored == before


async def test_approving_a_bill_raises_payables_expense_and_reclaimable_tax(api: httpx2.AsyncClient) -> None:
    _, before = await _balances(api)
    start = TODAY[:8] + "01"
    profit_before = row_values(await fetch_report(api, "ProfitAndLoss", fromDate=start, toDate=TODAY), "Net Profit")
    body = {
        "Type": "ACCPAY",
        "Status": "AUTHORISED",
        "Contact": {"Name": "Metro Power & Gas"},
        "Date": TODAY,
        "LineItems": [{"Description": "Gas", "Quantity": 1, "UnitAmount": 200, "AccountCode": "445"}],
    }
    response = await api.put("/Invoices", json=body)
    assert response.status_code == 200, response.text
    _, after = await _balances(api)
    assert _moved(before, after) == {"800": Decimal("220.00"), "820": Decimal("-20.00")}
    profit_after = row_values(await fetch_report(api, "ProfitAndLoss", fromDate=start, toDate=TODAY), "Net Profit")
    assert profit_after[0] == profit_before[0] - 200
    await _trial_balanced(api)


async def test_voiding_an_invoice_takes_it_out_of_the_books(api: httpx2.AsyncClient) -> None:
    invoice = await _outstanding_invoice(api)
    sheet_before, before = await _balances(api)
    response = await api.post(f"/Invoices/{invoice['InvoiceID']}", json={"Status": "VOIDED"})
    assert response.status_code == 200, response.text
    sheet_after, after = await _balances(api)
    moved = _moved(before, after)
    assert moved.pop("610") == -money(invoice["Total"])
    assert moved.pop("820") == -money(invoice["TotalTax"])
    earnings_moved = sum(moved.values(), Decimal(0)) + (
        row_values(sheet_after, "Current Year Earnings")[0] - row_values(sheet_before, "Current Year Earnings")[0]
    )
    assert set(moved) <= {"960"}
    assert earnings_moved == -money(invoice["SubTotal"])


async def test_credit_note_lowers_receivables_when_approved_and_allocation_leaves_them_alone(
    api: httpx2.AsyncClient,
) -> None:
    invoice = await _outstanding_invoice(api)
    contact = invoice["Contact"]
    _, before = await _balances(api)
    aged_before = await _aged_closing(api, contact["ContactID"])
    body = {
        "Type": "ACCRECCREDIT",
        "Status": "AUTHORISED",
        "Contact": {"ContactID": contact["ContactID"]},
        "Date": TODAY,
        "LineItems": [{"Description": "Goodwill", "Quantity": 1, "UnitAmount": 50, "AccountCode": "200"}],
    }
    response = await api.put("/CreditNotes", json=body)
    assert response.status_code == 200, response.text
    credit = response.json()["CreditNotes"][0]
    _, approved = await _balances(api)
    assert _moved(before, approved)["610"] == Decimal("-55.00")
    assert await _aged_closing(api, contact["ContactID"]) == aged_before - 55
    allocation = {"Amount": 55, "Invoice": {"InvoiceID": invoice["InvoiceID"]}}
    response = await api.put(f"/CreditNotes/{credit['CreditNoteID']}/Allocations", json=allocation)
    assert response.status_code == 200, response.text
    _, allocated = await _balances(api)
    assert allocated == approved
    assert await _aged_closing(api, contact["ContactID"]) == aged_before - 55
    await _trial_balanced(api)


async def test_bank_transfer_moves_money_and_deleting_it_moves_it_back(api: httpx2.AsyncClient) -> None:
    _, before = await _balances(api)
    body = {"FromBankAccount": {"Code": "091"}, "ToBankAccount": {"Code": "090"}, "Amount": 750, "Date": TODAY}
    response = await api.put("/BankTransfers", json=body)
    assert response.status_code == 200, response.text
    _, moved = await _balances(api)
    assert _moved(before, moved) == {"090": Decimal("750.00"), "091": Decimal("-750.00")}
    transfer_id = response.json()["BankTransfers"][0]["BankTransferID"]
    response = await api.post(f"/BankTransfers/{transfer_id}", json={"Status": "DELETED"})
    assert response.status_code == 200, response.text
    _, after = await _balances(api)
    assert after == before


async def test_spend_money_and_a_posted_journal_reach_the_profit_and_loss(api: httpx2.AsyncClient) -> None:
    start = TODAY[:8] + "01"
    before = await fetch_report(api, "ProfitAndLoss", fromDate=start, toDate=TODAY)
    spend = {
        "Type": "SPEND",
        "Contact": {"Name": "Print Hub"},
        "BankAccount": {"Code": "090"},
        "Date": TODAY,
        "LineItems": [{"Description": "Posters", "Quantity": 1, "UnitAmount": 80, "AccountCode": "400"}],
    }
    assert (await api.put("/BankTransactions", json=spend)).status_code == 200
    journal = {
        "Narration": "Reclassify posters",
        "Status": "POSTED",
        "Date": TODAY,
        "JournalLines": [
            {"AccountCode": "429", "LineAmount": 30},
            {"AccountCode": "400", "LineAmount": -30},
        ],
    }
    response = await api.put("/ManualJournals", json=journal)
    assert response.status_code == 200, response.text
    after = await fetch_report(api, "ProfitAndLoss", fromDate=start, toDate=TODAY)
    advertising = (await _codes(api))["400"]

    def spent_on_advertising(report: Report) -> Decimal:
        rows = account_rows(report)
        return amount(rows[advertising][1]) if advertising in rows else Decimal(0)

    assert spent_on_advertising(after) == spent_on_advertising(before) + 50
    assert row_values(after, "Net Profit")[0] == row_values(before, "Net Profit")[0] - 80
    await _trial_balanced(api)
    await _balances(api)
