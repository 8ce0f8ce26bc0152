"""Journals (xero-api.md §5.13): the ledger's audit trail, numbered, paged by offset, never rewritten, and summing per
account to the trial balance."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx2

from tests.conftest import SANDBOX_START
from tests.sandbox.helpers import get_one, new_invoice
from tests.sandbox_reports.helpers import account_rows, amount, fetch_report

TODAY = SANDBOX_START.date().isoformat()


async def _all_journals(api: httpx2.AsyncClient, **params: str) -> list[dict[str, Any]]:
    """Every journal, read 100 at a time by offset as Xero's docs describe."""
    found: list[dict[str, Any]] = []
    offset = 0
    while True:
        page = (await api.get("/Journals", params={"offset": str(offset), **params})).json()["Journals"]
        assert len(page) <= 100
        found += page
        if len(page) < 100:
            return found
        offset = page[-1]["JournalNumber"]


async def _trial_balance(api: httpx2.AsyncClient, **params: str) -> dict[str, Decimal]:
    report = await fetch_report(api, "TrialBalance", date=TODAY, **params)
    result: dict[str, Decimal] = {}
    for account_id, cells in account_rows(report).items():
        debit, credit = amount(cells[3]), amount(cells[4])  # year-to-date columns
        result[account_id] = debit - credit
    return result


def _net(journals: list[dict[str, Any]]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for journal in journals:
        for line in journal["JournalLines"]:
            totals[line["AccountID"]] += Decimal(str(line["NetAmount"]))
    return {k: v for k, v in totals.items() if v}


async def test_journals_are_numbered_paged_by_offset_and_balance_one_by_one(api: httpx2.AsyncClient) -> None:
    lines = [{"Description": "x", "Quantity": 1, "UnitAmount": 10, "AccountCode": "200"}]
    batch = [{"Type": "ACCREC", "Status": "AUTHORISED", "Contact": {"Name": "Many"}, "LineItems": lines}] * 30
    assert (await api.put("/Invoices", json={"Invoices": batch})).status_code == 200
    journals = await _all_journals(api)
    assert len(journals) > 100  # more than one call's worth
    assert [j["JournalNumber"] for j in journals] == list(range(1, len(journals) + 1))
    for journal in journals:
        assert sum(Decimal(str(line["NetAmount"])) for line in journal["JournalLines"]) == 0
    first = (await api.get("/Journals")).json()["Journals"]
    assert [j["JournalNumber"] for j in first] == list(range(1, 101))
    later = (await api.get("/Journals", params={"offset": "100"})).json()["Journals"]
    assert later[0]["JournalNumber"] == 101


def _day(ms_date: str) -> date:
    millis = int(ms_date[len("/Date(") :].split("+")[0].split(")")[0])
    return date(1970, 1, 1) + timedelta(milliseconds=millis)


async def _expected_year_to_date(api: httpx2.AsyncClient, journals: list[dict[str, Any]]) -> dict[str, Decimal]:
    """What the trial balance's YTD columns should show, from the journals: balance-sheet accounts to date, income
    and expense accounts for this financial year, earlier years' profit in retained earnings."""
    accounts = {a["AccountID"]: a for a in (await api.get("/Accounts")).json()["Accounts"]}
    retained = next(i for i, a in accounts.items() if a.get("SystemAccount") == "RETAINEDEARNINGS")
    org = (await api.get("/Organisation")).json()["Organisations"][0]
    end_month, end_day = org["FinancialYearEndMonth"], org["FinancialYearEndDay"]
    today = SANDBOX_START.date()
    year_end = date(today.year, end_month, end_day)
    year_start = (year_end if year_end < today else date(today.year - 1, end_month, end_day)) + timedelta(days=1)
    totals: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for journal in journals:
        day = _day(journal["JournalDate"])
        if day > today:
            continue
        for line in journal["JournalLines"]:
            account = line["AccountID"]
            if accounts.get(account, {}).get("Class") in ("REVENUE", "EXPENSE") and day < year_start:
                account = retained
            totals[account] += Decimal(str(line["NetAmount"]))
    return {k: v for k, v in totals.items() if v}


async def test_journals_sum_per_account_to_the_trial_balance(api: httpx2.AsyncClient) -> None:
    """Accrual journals reconcile with the accrual trial balance, cash-basis ones with the cash-basis one."""
    for params in ({}, {"paymentsOnly": "true"}):
        expected = await _expected_year_to_date(api, await _all_journals(api, **params))
        balance = await _trial_balance(api, **params)
        assert {k: v for k, v in balance.items() if v} == expected


async def test_a_changed_document_is_reversed_and_reissued_never_rewritten(api: httpx2.AsyncClient) -> None:
    before = await _all_journals(api)
    invoice = await new_invoice(api, contact="Journal Customer")
    issued = (await api.get("/Journals", params={"offset": str(len(before))})).json()["Journals"]
    assert [(j["SourceType"], j["SourceID"]) for j in issued] == [("ACCREC", invoice["InvoiceID"])]
    assert issued[0]["JournalNumber"] == len(before) + 1
    voided = await api.post(f"/Invoices/{invoice['InvoiceID']}", json={"Status": "VOIDED"})
    assert voided.status_code == 200, voided.text
    after = (await api.get("/Journals", params={"offset": str(len(before))})).json()["Journals"]
    assert len(after) == 2
    assert after[0] == issued[0]
    assert _net(after) == {}
    by_number = (await api.get(f"/Journals/{after[1]['JournalNumber']}")).json()["Journals"][0]
    by_id = await get_one(api, "Journals", after[1]["JournalID"])
    assert by_number == by_id == after[1]


async def test_if_modified_since_returns_journals_of_documents_changed_since(api: httpx2.AsyncClient) -> None:
    await _all_journals(api)
    since = SANDBOX_START.strftime("%Y-%m-%dT%H:%M:%S")
    assert (await api.get("/Journals", headers={"If-Modified-Since": since})).json()["Journals"] == []
    invoice = await new_invoice(api, contact="Journal Customer")
    fresh = (await api.get("/Journals", headers={"If-Modified-Since": "2026-03-16T09:00:00"})).json()["Journals"]
    assert [j["SourceID"] for j in fresh] == [invoice["InvoiceID"]]


async def test_an_unknown_journal_is_not_found(api: httpx2.AsyncClient) -> None:
    assert (await api.get("/Journals/999999")).status_code == 404
    assert (await api.get("/Journals", params={"offset": "x"})).status_code == 400
