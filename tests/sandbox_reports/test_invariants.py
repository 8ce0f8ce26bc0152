"""The reports' invariants on the seeded organisation (xero-api.md §5.14; issue 2: "a balance sheet that balances;
a trial balance whose debits equal credits"): every report reads one ledger, so they agree with each other and with
the documents they come from."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

import httpx2
import pytest

from tests.conftest import SANDBOX_START, ApiFactory
from tests.sandbox_reports.helpers import (
    Report,
    account_rows,
    amount,
    fetch_report,
    first_value_or_zero,
    header,
    money,
    row_values,
)
from xero_mcp.sandbox.app import Sandbox

TODAY = SANDBOX_START.date()
# Dates across the seeded half-year: before, at and after the financial year end (31 December).
DATES = ["2025-09-30", "2025-12-31", "2026-01-31", TODAY.isoformat()]


async def _codes(api: httpx2.AsyncClient) -> dict[str, str]:
    response = await api.get("/Accounts")
    return {account["Code"]: account["AccountID"] for account in response.json()["Accounts"]}


@pytest.mark.parametrize("payments_only", ["false", "true"])
async def test_balance_sheet_balances_in_every_comparison_column(api: httpx2.AsyncClient, payments_only: str) -> None:
    """Assets - liabilities = equity (current year earnings included), accrual and cash basis, for 7 month-ends."""
    report = await fetch_report(
        api, "BalanceSheet", date=TODAY.isoformat(), periods="6", timeframe="MONTH", paymentsOnly=payments_only
    )
    assert len(header(report)) == 8
    assets = row_values(report, "Total Assets")
    liabilities = row_values(report, "Total Liabilities")
    equity = row_values(report, "Total Equity")
    assert row_values(report, "Net Assets") == [a - li for a, li in zip(assets, liabilities, strict=True)]
    assert [a - li for a, li in zip(assets, liabilities, strict=True)] == equity
    assert assets[0] > 0
    assert assets[0] != assets[-1]


async def test_cash_basis_balance_sheet_has_no_receivables_or_payables(api: httpx2.AsyncClient) -> None:
    codes = await _codes(api)
    cash = account_rows(await fetch_report(api, "BalanceSheet", paymentsOnly="true"))
    accrual = account_rows(await fetch_report(api, "BalanceSheet"))
    assert codes["610"] in accrual
    assert codes["800"] in accrual
    assert codes["610"] not in cash
    assert codes["800"] not in cash


@pytest.mark.parametrize("as_at", DATES)
@pytest.mark.parametrize("payments_only", ["false", "true"])
async def test_trial_balance_debits_equal_credits(api: httpx2.AsyncClient, as_at: str, payments_only: str) -> None:
    report = await fetch_report(api, "TrialBalance", date=as_at, paymentsOnly=payments_only)
    assert header(report) == ["Account", "Debit", "Credit", "YTD Debit", "YTD Credit"]
    debit, credit, ytd_debit, ytd_credit = row_values(report, "Total")
    assert debit == credit
    assert ytd_debit == ytd_credit
    assert ytd_debit > 0
    rows = [cells for cells in account_rows(report).values()]
    assert sum((amount(cells[3]) for cells in rows), Decimal(0)) == ytd_debit
    assert sum((amount(cells[4]) for cells in rows), Decimal(0)) == ytd_credit


async def test_trial_balance_year_to_date_matches_the_balance_sheet(api: httpx2.AsyncClient) -> None:
    """A balance sheet account's YTD debit-minus-credit is its balance sheet amount on the same date."""
    codes = await _codes(api)
    as_at = TODAY.isoformat()
    trial = account_rows(await fetch_report(api, "TrialBalance", date=as_at))
    sheet = account_rows(await fetch_report(api, "BalanceSheet", date=as_at))
    for code, sign in (("090", 1), ("610", 1), ("800", -1), ("970", -1)):
        cells = trial[codes[code]]
        assert sign * (amount(cells[3]) - amount(cells[4])) == amount(sheet[codes[code]][1])


@pytest.mark.parametrize("as_at", DATES)
async def test_net_profit_for_the_year_to_date_is_the_current_year_earnings(
    api: httpx2.AsyncClient, as_at: str
) -> None:
    year_start = date.fromisoformat(as_at).replace(month=1, day=1).isoformat()
    profit = await fetch_report(api, "ProfitAndLoss", fromDate=year_start, toDate=as_at)
    sheet = await fetch_report(api, "BalanceSheet", date=as_at)
    assert row_values(profit, "Net Profit") == row_values(sheet, "Current Year Earnings")


@pytest.mark.parametrize(("start", "end"), [("2026-02-01", "2026-02-28"), ("2025-10-01", "2025-12-31")])
async def test_net_profit_of_a_period_is_the_change_in_equity_from_earnings(
    api: httpx2.AsyncClient, start: str, end: str
) -> None:
    day_before = date.fromordinal(date.fromisoformat(start).toordinal() - 1).isoformat()
    profit = row_values(await fetch_report(api, "ProfitAndLoss", fromDate=start, toDate=end), "Net Profit")[0]
    before = await fetch_report(api, "BalanceSheet", date=day_before)
    after = await fetch_report(api, "BalanceSheet", date=end)

    def earnings(report: Report) -> Decimal:
        return first_value_or_zero(report, "Current Year Earnings") + first_value_or_zero(report, "Retained Earnings")

    assert profit != 0
    assert earnings(after) - earnings(before) == profit


async def test_last_years_profit_moves_into_retained_earnings_at_the_year_end(api: httpx2.AsyncClient) -> None:
    december = await fetch_report(api, "BalanceSheet", date="2025-12-31")
    january = await fetch_report(api, "BalanceSheet", date="2026-01-01")
    last_year = row_values(december, "Current Year Earnings")[0]
    assert last_year != 0
    retained_before = first_value_or_zero(december, "Retained Earnings")
    assert first_value_or_zero(january, "Retained Earnings") == retained_before + last_year


def _expected_bucket(due: date, as_at: date) -> str:
    """Ageing by whole calendar months overdue, written out independently of the sandbox."""
    if due >= as_at:
        return "Current"
    months = 0
    while True:
        year, month = divmod(due.month - 1 + months + 1, 12)
        step = date(due.year + year, month + 1, min(due.day, calendar.monthrange(due.year + year, month + 1)[1]))
        if due.day == calendar.monthrange(due.year, due.month)[1]:
            step = date(step.year, step.month, calendar.monthrange(step.year, step.month)[1])
        if step > as_at:
            break
        months += 1
    return ["< 1 Month", "1 Month", "2 Months", "3 Months"][months] if months < 4 else "Older"


def _ms_date(value: str) -> date:
    millis = int(value[len("/Date(") :].split("+")[0].split(")")[0])
    return date.fromordinal(date(1970, 1, 1).toordinal() + millis // 86_400_000)


@pytest.mark.parametrize(
    ("kind", "report_name", "control"),
    [("ACCREC", "AgedReceivablesByContact", "610"), ("ACCPAY", "AgedPayablesByContact", "800")],
)
async def test_aged_reports_match_outstanding_documents_and_the_control_account(
    api: httpx2.AsyncClient, kind: str, report_name: str, control: str
) -> None:
    """Per contact: the ageing of its outstanding invoices' AmountDue (less unallocated credit) by months overdue;
    over all contacts: the AR/AP control account on the balance sheet."""
    as_at = TODAY.isoformat()
    response = await api.get("/Invoices", params={"Statuses": "AUTHORISED", "where": f'Type=="{kind}"', "page": "1"})
    outstanding = response.json()["Invoices"]
    credits = (await api.get("/CreditNotes", params={"where": f'Type=="{kind}CREDIT" AND Status=="AUTHORISED"'})).json()
    buckets_by_contact: dict[str, dict[str, Decimal]] = {}
    for invoice in outstanding:
        contact_buckets = buckets_by_contact.setdefault(invoice["Contact"]["ContactID"], {})
        bucket = _expected_bucket(_ms_date(invoice["DueDate"]), TODAY)
        contact_buckets[bucket] = contact_buckets.get(bucket, Decimal(0)) + money(invoice["AmountDue"])
    for note in credits["CreditNotes"]:
        contact_buckets = buckets_by_contact.setdefault(note["Contact"]["ContactID"], {})
        bucket = _expected_bucket(_ms_date(note["DueDate"]) if note.get("DueDate") else _ms_date(note["Date"]), TODAY)
        contact_buckets[bucket] = contact_buckets.get(bucket, Decimal(0)) - money(note["RemainingCredit"])
    assert len(buckets_by_contact) >= 5
    assert len({b for buckets in buckets_by_contact.values() for b in buckets}) >= (4 if kind == "ACCREC" else 3)
    grand_total = Decimal(0)
    for contact_id, expected in buckets_by_contact.items():
        report = await fetch_report(api, report_name, contactId=contact_id, date=as_at)
        ageing = {
            row["Cells"][0]["Value"]: amount(row["Cells"][-1]["Value"])
            for section in report["Rows"]
            if section.get("Title") == "Ageing"
            for row in section["Rows"]
        }
        total = sum(expected.values(), Decimal(0))
        assert {k: v for k, v in ageing.items() if v and k != "Total"} == {k: v for k, v in expected.items() if v}
        assert ageing["Total"] == total
        assert row_values(report, "Closing Balance")[-1] == total
        grand_total += total
    codes = await _codes(api)
    sheet = account_rows(await fetch_report(api, "BalanceSheet", date=as_at))
    assert amount(sheet[codes[control]][1]) == grand_total


async def test_aged_report_lists_each_outstanding_invoice_with_total_paid_credited_and_due(
    api: httpx2.AsyncClient,
) -> None:
    """A part-paid and credited invoice shows Total = Paid + Credited + Due."""
    contacts = (await api.get("/Contacts", params={"where": 'Name=="Silverline Events"'})).json()["Contacts"]
    report = await fetch_report(api, "AgedReceivablesByContact", contactId=contacts[0]["ContactID"])
    assert header(report) == ["Date", "Number", "Due Date", "", "Total", "Paid", "Credited", "Due"]
    invoice_rows = [
        [cell["Value"] for cell in row["Cells"]]
        for section in report["Rows"]
        for row in section.get("Rows", [])
        if row["RowType"] == "Row" and row["Cells"][0].get("Attributes")
    ]
    assert len(invoice_rows) == 1
    total, paid, credited, due = (amount(value) for value in invoice_rows[0][4:])
    assert credited == Decimal("110.00")
    assert total == paid + credited + due
    assert invoice_rows[0][3].endswith("days overdue")


async def test_bank_summary_opening_plus_received_less_spent_is_closing(api: httpx2.AsyncClient) -> None:
    codes = await _codes(api)
    report = await fetch_report(api, "BankSummary", fromDate="2026-01-01", toDate=TODAY.isoformat())
    rows = account_rows(report)
    assert {codes["090"], codes["091"]} <= set(rows)
    for cells in rows.values():
        opening, received, spent, closing = (amount(value) for value in cells[1:])
        assert opening + received - spent == closing
    opening, received, spent, closing = row_values(report, "Total")
    assert opening + received - spent == closing
    assert received > 0
    assert spent > 0
    sheet = account_rows(await fetch_report(api, "BalanceSheet", date=TODAY.isoformat()))
    for code in ("090", "091"):
        assert amount(rows[codes[code]][4]) == amount(sheet[codes[code]][1])
    before = account_rows(await fetch_report(api, "BalanceSheet", date="2025-12-31"))
    assert amount(rows[codes["090"]][1]) == amount(before[codes["090"]][1])


async def test_transfer_shows_as_spent_from_one_account_and_received_by_the_other(api: httpx2.AsyncClient) -> None:
    codes = await _codes(api)
    transfer = (await api.get("/BankTransfers")).json()["BankTransfers"][0]
    day = _ms_date(transfer["Date"]).isoformat()
    rows = account_rows(await fetch_report(api, "BankSummary", fromDate=day, toDate=day))
    moved = money(transfer["Amount"])
    assert amount(rows[codes["090"]][3]) >= moved
    assert amount(rows[codes["091"]][2]) == moved


async def test_second_organisation_has_its_own_balanced_books(
    api_for: ApiFactory, sandbox: Sandbox, second_tenant_id: str, api: httpx2.AsyncClient
) -> None:
    other = api_for(sandbox, second_tenant_id)
    report = await fetch_report(other, "BalanceSheet")
    first = await fetch_report(api, "BalanceSheet")
    assert report["ReportTitles"][1] == "Second Street Trading"
    equity = row_values(report, "Total Equity")
    assert [
        a - li
        for a, li in zip(row_values(report, "Total Assets"), row_values(report, "Total Liabilities"), strict=True)
    ] == equity
    assert equity != row_values(first, "Total Equity")
