"""Contract tests: budgets, invoice reminder settings, and the reports computed from budgets and the ledger."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from xero_python.accounting import Account, Contact, Invoice, Invoices, LineItem, Payment
from xero_python.exceptions import ApiException

from tests.xero_sdk.conftest import Xero
from tests.xero_sdk.helpers import DOC_DATE, new_contact, new_invoice

TODAY = date(2026, 3, 16)


def rows_by_title(report: object) -> dict[str, list[str]]:
    """Every Row and SummaryRow of a report: its first cell -> the other cells' values."""
    found: dict[str, list[str]] = {}
    for section in report.rows:  # type: ignore[attr-defined]
        for row in section.rows or []:
            found[row.cells[0].value] = [cell.value for cell in row.cells[1:]]
    return found


# --- budgets ------------------------------------------------------------------------------------------------------


@pytest.mark.sdk_operation("get_budgets")
def test_budgets_are_listed_without_their_lines(xero: Xero) -> None:
    budgets = xero.api.get_budgets(xero.tenant).budgets
    assert [(b.description, b.type) for b in budgets] == [("North region", "TRACKING"), ("Overall Budget", "OVERALL")]
    assert all(b.budget_lines == [] for b in budgets)
    assert budgets[0].tracking[0].option == "North"


@pytest.mark.sdk_operation("get_budgets")
def test_budgets_can_be_picked_by_id(xero: Xero) -> None:
    overall = next(b for b in xero.api.get_budgets(xero.tenant).budgets if b.type == "OVERALL")
    picked = xero.api.get_budgets(xero.tenant, i_ds=[overall.budget_id]).budgets
    assert [b.budget_id for b in picked] == [overall.budget_id]


@pytest.mark.sdk_operation("get_budget")
def test_a_budget_shows_last_this_and_next_month_by_default(xero: Xero) -> None:
    overall = next(b for b in xero.api.get_budgets(xero.tenant).budgets if b.type == "OVERALL")
    budget = xero.api.get_budget(xero.tenant, overall.budget_id).budgets[0]
    sales = next(line for line in budget.budget_lines if line.account_code == "200")
    assert [b.period for b in sales.budget_balances] == [date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)]
    # A year before the sandbox's today the budget starts at 9000.00 a month and grows by 150.00 a month.
    assert [b.amount for b in sales.budget_balances] == [10650.0, 10800.0, 10950.0]


@pytest.mark.sdk_operation("get_budget")
def test_a_budget_shows_the_months_asked_for(xero: Xero) -> None:
    overall = next(b for b in xero.api.get_budgets(xero.tenant).budgets if b.type == "OVERALL")
    budget = xero.api.get_budget(
        xero.tenant, overall.budget_id, date_from=date(2026, 1, 1), date_to=date(2026, 6, 30)
    ).budgets[0]
    rent = next(line for line in budget.budget_lines if line.account_code == "469")
    assert len(rent.budget_balances) == 6
    assert {b.amount for b in rent.budget_balances} == {1800.0}


@pytest.mark.sdk_operation("get_budget")
def test_more_than_24_months_of_a_budget_is_refused(xero: Xero) -> None:
    overall = next(b for b in xero.api.get_budgets(xero.tenant).budgets if b.type == "OVERALL")
    with pytest.raises(ApiException) as raised:
        xero.api.get_budget(xero.tenant, overall.budget_id, date_from=date(2025, 1, 1), date_to=date(2027, 6, 30))
    assert raised.value.status == 400


@pytest.mark.sdk_operation("get_invoice_reminders")
def test_invoice_reminders_are_on_for_the_demo_company(xero: Xero) -> None:
    assert [r.enabled for r in xero.api.get_invoice_reminders(xero.tenant).invoice_reminders] == [True]


# --- reports ------------------------------------------------------------------------------------------------------


@pytest.mark.sdk_operation("get_report_budget_summary")
def test_the_budget_summary_sums_the_overall_budget_by_quarter(xero: Xero) -> None:
    report = xero.api.get_report_budget_summary(xero.tenant, date=TODAY, periods=2, timeframe=3).reports[0]
    assert report.report_titles == [
        "Overall Budget",
        "Budget Summary",
        "Demo Company (Global)",
        "March 2026 to August 2026",
    ]
    assert [cell.value for cell in report.rows[0].cells] == ["Account", "May-26", "Aug-26"]
    rows = rows_by_title(report)
    # Rent is 1800.00 a month; sales grow 150.00 a month from 10800.00 in March 2026.
    assert rows["Rent"] == ["5400.00", "5400.00"]
    assert rows["Sales"] == [str(Decimal("10800") + Decimal("10950") + Decimal("11100")) + ".00", "34200.00"]
    income, costs = Decimal(rows["Total Income"][0]), Decimal(rows["Total Cost of Sales"][0])
    assert Decimal(rows["Gross Profit"][0]) == income - costs
    assert Decimal(rows["Net Profit"][0]) == income - costs - Decimal(rows["Total Expenses"][0])


@pytest.mark.sdk_operation("get_report_budget_summary")
def test_a_budget_summary_of_13_periods_is_refused(xero: Xero) -> None:
    with pytest.raises(ApiException) as raised:
        xero.api.get_report_budget_summary(xero.tenant, periods=13)
    assert raised.value.status == 400


@pytest.mark.sdk_operation("get_report_executive_summary")
def test_the_executive_summary_agrees_with_the_profit_and_loss_and_bank_summary(xero: Xero) -> None:
    new_invoice(xero)
    summary = rows_by_title(xero.api.get_report_executive_summary(xero.tenant, date=TODAY).reports[0])
    march = (date(2026, 3, 1), date(2026, 3, 31))
    pnl = rows_by_title(
        xero.api.get_report_profit_and_loss(xero.tenant, from_date=march[0], to_date=march[1]).reports[0]
    )
    bank = rows_by_title(xero.api.get_report_bank_summary(xero.tenant, from_date=march[0], to_date=march[1]).reports[0])
    assert summary["Income"][0] == pnl["Total Income"][0]
    assert summary["Profit (loss)"][0] == pnl["Net Profit"][0]
    assert summary["Cash received"][0] == bank["Total"][1]
    assert summary["Closing bank balance"][0] == bank["Total"][3]
    balance = rows_by_title(xero.api.get_report_balance_sheet(xero.tenant, date=march[1]).reports[0])
    assert summary["Net assets"][0] == balance["Net Assets"][0]


@pytest.mark.sdk_operation("get_report_executive_summary")
def test_the_executive_summary_counts_the_months_sales_invoices(xero: Xero) -> None:
    before = rows_by_title(xero.api.get_report_executive_summary(xero.tenant, date=TODAY).reports[0])
    new_invoice(xero)
    after = rows_by_title(xero.api.get_report_executive_summary(xero.tenant, date=TODAY).reports[0])
    assert int(after["Number of invoices issued"][0]) == int(before["Number of invoices issued"][0]) + 1
    assert Decimal(after["Debtors"][0]) - Decimal(before["Debtors"][0]) == Decimal("110.00")


@pytest.mark.sdk_operation("get_report_ten_ninety_nine")
def test_the_1099_reports_list_contractors_paid_in_the_year(xero: Xero) -> None:
    contractor = new_contact(xero, tax_number="12-3456789")
    bill = Invoice(
        type="ACCPAY",
        contact=Contact(contact_id=contractor.contact_id),
        date=DOC_DATE,
        due_date=DOC_DATE,
        line_items=[
            LineItem(
                description="Bookkeeping",
                quantity=1,
                unit_amount=Decimal("800.00"),
                account_code="412",
                tax_type="NONE",
            )
        ],
        status="AUTHORISED",
    )
    created = xero.api.create_invoices(xero.tenant, Invoices(invoices=[bill])).invoices[0]
    payment = Payment(
        invoice=Invoice(invoice_id=created.invoice_id),
        account=Account(code="090"),
        date=DOC_DATE,
        amount=Decimal("800.00"),
    )
    xero.api.create_payment(xero.tenant, payment)
    reports = xero.api.get_report_ten_ninety_nine(xero.tenant, report_year="2026").reports
    assert [r.report_name for r in reports] == ["1099-NEC report", "1099-MISC report"]
    nec = {c.contact_id: c for c in reports[0].contacts}
    assert nec[contractor.contact_id].box1 == 800.0
    assert nec[contractor.contact_id].tax_id == "12-3456789"
    assert reports[0].report_date == "1 Jan 2026 to 31 Dec 2026"


@pytest.mark.sdk_operation("get_report_ten_ninety_nine")
def test_the_1099_misc_report_shows_rent_paid_last_year_by_default(xero: Xero) -> None:
    reports = xero.api.get_report_ten_ninety_nine(xero.tenant).reports
    misc = {c.name: c for c in reports[1].contacts}
    assert misc["Parkside Property Management"].box1 > 0
    assert reports[1].report_date == "1 Jan 2025 to 31 Dec 2025"


@pytest.mark.sdk_operation("get_reports_list")
def test_the_list_of_published_reports_is_empty_for_an_organisation_that_published_none(xero: Xero) -> None:
    assert xero.api.get_reports_list(xero.tenant).reports == []
