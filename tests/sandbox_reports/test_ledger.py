"""The ledger behind the sandbox's reports (reference §5.14), on hand-built documents with known numbers.

These pin the double entry of each posting document, so a wrong sign or a missing side shows up as a specific
number rather than only as an unbalanced report.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from xero_mcp.sandbox.orgsetup import DEFAULT_ORGANISATIONS, setup_organisation
from xero_mcp.sandbox.reports import (
    ReportContext,
    ReportParameterError,
    ageing_bucket,
    build_ledger,
    financial_year_start,
    run_report,
    shift_months,
)
from xero_mcp.sandbox.state import Doc, SandboxState

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
PROFILE = DEFAULT_ORGANISATIONS[0]
CUSTOMER = "11111111-1111-4111-8111-111111111111"
SUPPLIER = "22222222-2222-4222-8222-222222222222"


def _account_id(state: SandboxState, tenant: str, code: str) -> str:
    return str(state.find(tenant, "Accounts", "number", code)[0]["AccountID"])


def _line(code: str, amount: str, tax: str = "0.00", tracking: list[Doc] | None = None) -> Doc:
    return {
        "AccountCode": code,
        "LineAmount": Decimal(amount),
        "TaxAmount": Decimal(tax),
        "Tracking": tracking or [],
    }


def _invoice(doc_id: str, kind: str, day: str, lines: list[Doc], **extra: Any) -> Doc:
    total = sum((Decimal(line["LineAmount"]) + Decimal(line["TaxAmount"]) for line in lines), Decimal("0.00"))
    contact = CUSTOMER if kind.startswith("ACCREC") else SUPPLIER
    doc: Doc = {
        "Type": kind,
        "Contact": {"ContactID": contact, "Name": "Customer" if contact == CUSTOMER else "Supplier"},
        "Date": f"{day}T00:00:00",
        "DueDate": f"{day}T00:00:00",
        "Status": "AUTHORISED",
        "LineAmountTypes": "Exclusive",
        "LineItems": lines,
        "Total": total,
        "UpdatedDateUTC": "2026-03-01T00:00:00.000",
        **extra,
    }
    doc["CreditNoteID" if kind.endswith("CREDIT") else "InvoiceID"] = doc_id
    doc["CreditNoteNumber" if kind.endswith("CREDIT") else "InvoiceNumber"] = f"N-{doc_id[:4]}"
    return doc


def _payment(number: int, invoice_id: str, day: str, amount: str, **extra: Any) -> Doc:
    return {
        "PaymentID": f"c0000000-0000-4000-8000-{number:012d}",
        "Date": f"{day}T00:00:00",
        "Amount": Decimal(amount),
        "Status": "AUTHORISED",
        "Invoice": {"InvoiceID": invoice_id},
        "Account": {"Code": "090"},
        "UpdatedDateUTC": f"{day}T00:00:00.000",
        **extra,
    }


@pytest.fixture
def org() -> tuple[SandboxState, str]:
    state = SandboxState()
    tenant = setup_organisation(state, PROFILE, NOW)
    for contact_id, name in ((CUSTOMER, "Customer"), (SUPPLIER, "Supplier")):
        state.put(
            tenant,
            "Contacts",
            {
                "ContactID": contact_id,
                "Name": name,
                "ContactStatus": "ACTIVE",
                "UpdatedDateUTC": "2026-01-01T00:00:00.000",
            },
        )
    return state, tenant


def _balances(state: SandboxState, tenant: str, *, cash: bool = False) -> dict[str, Decimal]:
    ledger = build_ledger(state, tenant, cash_basis=cash)
    codes = {account_id: account.code or account.name for account_id, account in ledger.accounts.items()}
    return {codes[a]: v for a, v in ledger.balances(end=NOW.date()).items() if v}


def test_authorised_sales_invoice_debits_receivables_and_credits_sales_and_tax(org: tuple[SandboxState, str]) -> None:
    state, tenant = org
    state.put(
        tenant,
        "Invoices",
        _invoice(
            "a0000000-0000-4000-8000-000000000001",
            "ACCREC",
            "2026-03-02",
            [_line("200", "100.00", "10.00"), _line("260", "50.00", "5.00")],
        ),
    )
    assert _balances(state, tenant) == {
        "610": Decimal("165.00"),
        "200": Decimal("-100.00"),
        "260": Decimal("-50.00"),
        "820": Decimal("-15.00"),
    }


def test_draft_voided_and_deleted_documents_post_nothing(org: tuple[SandboxState, str]) -> None:
    state, tenant = org
    for index, status in enumerate(("DRAFT", "SUBMITTED", "VOIDED", "DELETED")):
        state.put(
            tenant,
            "Invoices",
            _invoice(
                f"a0000000-0000-4000-8000-00000000001{index}",
                "ACCREC",
                "2026-03-02",
                [_line("200", "100.00")],
                Status=status,
            ),
        )
    assert _balances(state, tenant) == {}


def test_bill_payment_and_refund_post_against_payables_and_the_bank(org: tuple[SandboxState, str]) -> None:
    state, tenant = org
    bill = "b0000000-0000-4000-8000-000000000001"
    state.put(tenant, "Invoices", _invoice(bill, "ACCPAY", "2026-03-01", [_line("469", "200.00", "20.00")]))
    state.put(tenant, "Payments", _payment(1, bill, "2026-03-05", "220.00", PaymentType="ACCPAYPAYMENT"))
    state.put(
        tenant, "Payments", _payment(2, bill, "2026-03-06", "99.00", Status="DELETED", PaymentType="ACCPAYPAYMENT")
    )
    assert _balances(state, tenant) == {"090": Decimal("-220.00"), "469": Decimal("200.00"), "820": Decimal("20.00")}


def test_credit_note_allocation_moves_nothing_on_accrual_but_recognises_both_documents_on_cash_basis(
    org: tuple[SandboxState, str],
) -> None:
    state, tenant = org
    invoice = "a0000000-0000-4000-8000-000000000002"
    note = "d0000000-0000-4000-8000-000000000001"
    state.put(tenant, "Invoices", _invoice(invoice, "ACCREC", "2026-02-10", [_line("200", "400.00", "40.00")]))
    state.put(
        tenant,
        "CreditNotes",
        _invoice(
            note,
            "ACCRECCREDIT",
            "2026-02-20",
            [_line("200", "100.00", "10.00")],
            Allocations=[
                {
                    "AllocationID": "e0000000-0000-4000-8000-000000000001",
                    "Amount": Decimal("110.00"),
                    "Date": "2026-02-20T00:00:00",
                    "Invoice": {"InvoiceID": invoice},
                }
            ],
        ),
    )
    assert _balances(state, tenant) == {"610": Decimal("330.00"), "200": Decimal("-300.00"), "820": Decimal("-30.00")}
    # Cash basis: the allocation settles 110 of the invoice (revenue 100 + tax 10) and all of the credit note.
    assert _balances(state, tenant, cash=True) == {}
    state.put(tenant, "Payments", _payment(3, invoice, "2026-03-01", "220.00"))
    assert _balances(state, tenant, cash=True) == {
        "090": Decimal("220.00"),
        "200": Decimal("-200.00"),
        "820": Decimal("-20.00"),
    }


def test_transfer_sides_move_money_between_banks_and_clear_to_nothing(org: tuple[SandboxState, str]) -> None:
    state, tenant = org
    for doc_id, kind, code in (
        ("f0000000-0000-4000-8000-000000000001", "SPEND-TRANSFER", "090"),
        ("f0000000-0000-4000-8000-000000000002", "RECEIVE-TRANSFER", "091"),
    ):
        state.put(
            tenant,
            "BankTransactions",
            {
                "BankTransactionID": doc_id,
                "Type": kind,
                "Status": "AUTHORISED",
                "Date": "2026-03-03T00:00:00",
                "BankAccount": {"Code": code},
                "LineItems": [],
                "Total": Decimal("500.00"),
                "UpdatedDateUTC": "2026-03-03T00:00:00.000",
            },
        )
    assert _balances(state, tenant) == {"090": Decimal("-500.00"), "091": Decimal("500.00")}


def test_spend_money_with_inclusive_tax_splits_the_tax_out_of_the_line(org: tuple[SandboxState, str]) -> None:
    state, tenant = org
    state.put(
        tenant,
        "BankTransactions",
        {
            "BankTransactionID": "f0000000-0000-4000-8000-000000000003",
            "Type": "SPEND",
            "Status": "AUTHORISED",
            "Date": "2026-03-03T00:00:00",
            "BankAccount": {"Code": "090"},
            "LineAmountTypes": "Inclusive",
            "LineItems": [_line("453", "110.00", "10.00")],
            "Total": Decimal("110.00"),
            "UpdatedDateUTC": "2026-03-03T00:00:00.000",
        },
    )
    assert _balances(state, tenant) == {"090": Decimal("-110.00"), "453": Decimal("100.00"), "820": Decimal("10.00")}


def test_posted_manual_journal_posts_its_lines_and_drafts_do_not(org: tuple[SandboxState, str]) -> None:
    state, tenant = org
    for doc_id, status in (
        ("f1000000-0000-4000-8000-000000000001", "POSTED"),
        ("f1000000-0000-4000-8000-000000000002", "DRAFT"),
    ):
        state.put(
            tenant,
            "ManualJournals",
            {
                "ManualJournalID": doc_id,
                "Status": status,
                "Date": "2026-03-04T00:00:00",
                "Narration": "Loan",
                "JournalLines": [
                    {"AccountCode": "710", "LineAmount": Decimal("900.00")},
                    {"AccountCode": "900", "LineAmount": Decimal("-900.00")},
                ],
                "UpdatedDateUTC": "2026-03-04T00:00:00.000",
            },
        )
    assert _balances(state, tenant) == {"710": Decimal("900.00"), "900": Decimal("-900.00")}


def test_tracked_lines_carry_their_options_into_the_ledger(org: tuple[SandboxState, str]) -> None:
    state, tenant = org
    option = "99999999-0000-4000-8000-000000000001"
    state.put(
        tenant,
        "TrackingCategories",
        {
            "TrackingCategoryID": "99999999-0000-4000-8000-000000000000",
            "Name": "Region",
            "Status": "ACTIVE",
            "Options": [{"TrackingOptionID": option, "Name": "North", "Status": "ACTIVE"}],
        },
    )
    tracking = [{"Name": "Region", "Option": "North"}]
    state.put(
        tenant,
        "Invoices",
        _invoice(
            "a0000000-0000-4000-8000-000000000003",
            "ACCREC",
            "2026-03-02",
            [_line("200", "70.00", tracking=tracking), _line("200", "30.00")],
        ),
    )
    ledger = build_ledger(state, tenant)
    sales = _account_id(state, tenant, "200")
    assert ledger.total(sales, keep=lambda p: option in p.tracking) == Decimal("-70.00")


def test_month_shifts_keep_month_ends_and_clamp_other_days() -> None:
    assert shift_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert shift_months(date(2026, 2, 28), -1) == date(2026, 1, 31)
    assert shift_months(date(2026, 3, 30), -1) == date(2026, 2, 28)
    assert shift_months(date(2026, 3, 15), -14) == date(2025, 1, 15)


def test_financial_year_starts_the_day_after_the_year_end() -> None:
    march = {"FinancialYearEndDay": 31, "FinancialYearEndMonth": 3}
    assert financial_year_start(march, date(2026, 3, 31)) == date(2025, 4, 1)
    assert financial_year_start(march, date(2026, 4, 1)) == date(2026, 4, 1)
    assert financial_year_start({}, date(2026, 6, 30)) == date(2026, 1, 1)


@pytest.mark.parametrize(
    ("due", "bucket"),
    [
        (date(2026, 3, 20), "Current"),
        (date(2026, 4, 1), "Current"),
        (date(2026, 3, 19), "< 1 Month"),
        (date(2026, 2, 21), "< 1 Month"),
        (date(2026, 2, 20), "1 Month"),
        (date(2026, 1, 20), "2 Months"),
        (date(2025, 12, 20), "3 Months"),
        (date(2025, 11, 21), "3 Months"),
        (date(2025, 11, 20), "Older"),
    ],
)
def test_amounts_are_aged_by_whole_months_overdue(due: date, bucket: str) -> None:
    assert ageing_bucket(due, date(2026, 3, 20)) == bucket


def test_unknown_report_is_not_served(org: tuple[SandboxState, str]) -> None:
    state, tenant = org
    assert run_report(ReportContext(state, tenant, NOW), "CashSummary", {}) is None


def test_report_names_are_matched_case_insensitively(org: tuple[SandboxState, str]) -> None:
    state, tenant = org
    body = run_report(ReportContext(state, tenant, NOW), "trialbalance", {})
    assert body is not None
    assert body["Reports"][0]["ReportType"] == "TrialBalance"


@pytest.mark.parametrize(
    ("report", "query", "message"),
    [
        ("BalanceSheet", {"date": "31/12/2025"}, "Report Parameter date could not be parsed as a DateTime"),
        ("ProfitAndLoss", {"fromDate": "2026-02-30"}, "Report Parameter fromDate could not be parsed as a DateTime"),
        ("ProfitAndLoss", {"periods": "13"}, "Report Parameter periods must be between 1 and 12"),
        ("ProfitAndLoss", {"periods": "two"}, "Report Parameter periods could not be parsed as an Integer"),
        ("BalanceSheet", {"timeframe": "WEEK"}, "Report Parameter timeframe must be one of MONTH, QUARTER or YEAR"),
        ("ProfitAndLoss", {"fromDate": "2026-03-01", "toDate": "2026-02-01"}, "fromDate must be on or before toDate"),
        ("ProfitAndLoss", {"fromDate": "2025-01-01", "toDate": "2026-01-01"}, "cannot be longer than one year"),
        ("TrialBalance", {"paymentsOnly": "maybe"}, "Report Parameter paymentsOnly could not be parsed as a Boolean"),
        ("AgedReceivablesByContact", {}, "Report Parameter contactId is required"),
        ("AgedPayablesByContact", {"contactId": "abc"}, "Report Parameter contactId could not be parsed as a Guid"),
        ("ProfitAndLoss", {"trackingOptionID": CUSTOMER}, "TrackingCategoryID1 must be provided"),
    ],
)
def test_parameters_xero_would_refuse_raise_a_parameter_error(
    org: tuple[SandboxState, str], report: str, query: dict[str, str], message: str
) -> None:
    state, tenant = org
    with pytest.raises(ReportParameterError, match=message):
        run_report(ReportContext(state, tenant, NOW), report, query)


def test_foreign_currency_invoice_is_booked_at_its_rate_and_the_payment_difference_is_a_currency_gain(
    org: tuple[SandboxState, str],
) -> None:
    """A EUR invoice at 0.5 EUR per USD is 220.00 USD; paid when the rate is 0.55 it brings 200.00 USD."""
    state, tenant = org
    invoice = "a0000000-0000-4000-8000-000000000004"
    state.put(
        tenant,
        "Invoices",
        _invoice(
            invoice,
            "ACCREC",
            "2026-03-01",
            [_line("200", "100.00", "10.00")],
            CurrencyCode="EUR",
            CurrencyRate=Decimal("0.500000"),
        ),
    )
    state.put(tenant, "Payments", _payment(4, invoice, "2026-03-10", "110.00", CurrencyRate=Decimal("0.550000")))
    assert _balances(state, tenant) == {
        "090": Decimal("200.00"),
        "200": Decimal("-200.00"),
        "820": Decimal("-20.00"),
        "Realised Currency Gains": Decimal("20.00"),
    }
