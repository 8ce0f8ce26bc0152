"""Contract tests: the reports the sandbox computes from its ledger."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from xero_python.exceptions import ApiException

from tests.xero_sdk.conftest import Xero
from tests.xero_sdk.helpers import new_contact, new_invoice

TODAY = date(2026, 3, 16)


def summary_value(report: object, title: str) -> Decimal:
    """The last cell of the first SummaryRow or Row whose first cell is `title`, searched through all sections."""
    for section in report.rows:  # type: ignore[attr-defined]
        for row in section.rows or []:
            cells = row.cells or []
            if cells and cells[0].value == title:
                return Decimal(cells[-1].value)
    raise AssertionError(f"no row titled {title!r}")


@pytest.mark.sdk_operation("get_report_profit_and_loss")
def test_profit_and_loss_grows_by_a_new_sale(xero: Xero) -> None:
    before = xero.api.get_report_profit_and_loss(xero.tenant, from_date=date(2026, 3, 1), to_date=TODAY).reports[0]
    new_invoice(xero)
    after = xero.api.get_report_profit_and_loss(xero.tenant, from_date=date(2026, 3, 1), to_date=TODAY).reports[0]
    assert after.report_name == "Profit and Loss"
    assert summary_value(after, "Total Income") - summary_value(before, "Total Income") == Decimal("100.00")


@pytest.mark.sdk_operation("get_report_balance_sheet")
def test_the_balance_sheet_balances(xero: Xero) -> None:
    report = xero.api.get_report_balance_sheet(xero.tenant, date=TODAY).reports[0]
    assert summary_value(report, "Net Assets") == summary_value(report, "Total Equity")


@pytest.mark.sdk_operation("get_report_trial_balance")
def test_the_trial_balance_debits_equal_credits(xero: Xero) -> None:
    report = xero.api.get_report_trial_balance(xero.tenant, date=TODAY).reports[0]
    total = next(row for s in report.rows for row in (s.rows or []) if row.row_type.value == "SummaryRow")
    debit, credit = (Decimal(total.cells[i].value) for i in (1, 2))
    assert debit == credit


@pytest.mark.sdk_operation("get_report_bank_summary")
def test_the_bank_summary_lists_the_business_bank_account(xero: Xero) -> None:
    report = xero.api.get_report_bank_summary(xero.tenant, from_date=date(2026, 1, 1), to_date=TODAY).reports[0]
    names = [row.cells[0].value for s in report.rows for row in (s.rows or []) if row.row_type.value == "Row"]
    assert "Business Bank Account" in names


@pytest.mark.sdk_operation("get_report_aged_receivables_by_contact")
def test_aged_receivables_show_a_customers_unpaid_invoice(xero: Xero) -> None:
    contact = new_contact(xero)
    new_invoice(xero, contact=contact)
    report = xero.api.get_report_aged_receivables_by_contact(xero.tenant, contact.contact_id, date=TODAY).reports[0]
    assert contact.name in report.report_titles
    assert summary_value(report, "Closing Balance") == Decimal("110.00")


@pytest.mark.sdk_operation("get_report_aged_payables_by_contact")
def test_aged_payables_show_a_suppliers_unpaid_bill(xero: Xero) -> None:
    contact = new_contact(xero)
    new_invoice(xero, kind="ACCPAY", contact=contact)
    report = xero.api.get_report_aged_payables_by_contact(xero.tenant, contact.contact_id, date=TODAY).reports[0]
    assert summary_value(report, "Closing Balance") == Decimal("110.00")


@pytest.mark.sdk_operation("get_report_profit_and_loss")
def test_a_profit_and_loss_longer_than_a_year_is_refused(xero: Xero) -> None:
    with pytest.raises(ApiException) as raised:
        xero.api.get_report_profit_and_loss(xero.tenant, from_date=date(2024, 1, 1), to_date=TODAY)
    assert raised.value.status == 400
