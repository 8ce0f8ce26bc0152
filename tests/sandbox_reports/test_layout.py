"""Report bodies as Xero shapes them (xero-api.md §5.14, the spec's ReportWithRows and its examples): envelope,
titles, default periods, comparison columns, tracking columns, cell attributes, and Xero's answers to bad
parameters."""

from __future__ import annotations

from decimal import Decimal

import httpx2
import pytest

from tests.conftest import SANDBOX_START
from tests.openapi_check import API_PREFIX, validate_response
from tests.sandbox_reports.helpers import account_rows, all_rows, amount, fetch_report, header, row_values

TODAY = SANDBOX_START.date().isoformat()


async def _contact_id(api: httpx2.AsyncClient, name: str) -> str:
    response = await api.get("/Contacts", params={"where": f'Name=="{name}"'})
    return response.json()["Contacts"][0]["ContactID"]


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("ProfitAndLoss", {"fromDate": "2025-10-01", "toDate": "2026-03-31", "periods": "1", "timeframe": "QUARTER"}),
        ("BalanceSheet", {"date": "2026-02-28", "periods": "3", "timeframe": "MONTH", "paymentsOnly": "true"}),
        ("TrialBalance", {"date": TODAY}),
        ("BankSummary", {"fromDate": "2025-09-01", "toDate": TODAY}),
        ("AgedReceivablesByContact", {"contact": "Riverside Primary School"}),
        ("AgedPayablesByContact", {"contact": "Skyline Telecom"}),
    ],
)
async def test_report_bodies_match_the_spec_and_carry_xeros_envelope(
    api: httpx2.AsyncClient, name: str, params: dict[str, str]
) -> None:
    """Every body validates against ReportWithRows (200 response of its operation in xero_accounting.yaml)."""
    query = dict(params)
    if "contact" in query:
        query = {"contactId": await _contact_id(api, query.pop("contact"))}
    response = await api.get(f"/Reports/{name}", params=query)
    assert response.status_code == 200, response.text
    body = response.json()
    validate_response("GET", f"{API_PREFIX}/Reports/{name}", 200, body)
    assert body["Status"] == "OK"
    assert body["DateTimeUTC"].startswith("/Date(")
    report = body["Reports"][0]
    assert (report["ReportID"], report["ReportType"]) == (name, name)
    assert report["ReportDate"] == "16 March 2026"
    assert report["UpdatedDateUTC"].startswith("/Date(")
    assert report["Fields"] == []
    assert report["ReportTitles"][0] == report["ReportTitle"]
    assert {row["RowType"] for row in all_rows(report)} <= {"Header", "Section", "Row", "SummaryRow"}
    assert report["Rows"][0]["RowType"] == "Header"


async def test_profit_and_loss_defaults_to_the_current_month(api: httpx2.AsyncClient) -> None:
    report = await fetch_report(api, "ProfitAndLoss")
    assert report["ReportTitles"] == ["Profit & Loss", "Demo Company (Global)", "1 March 2026 to 31 March 2026"]
    assert header(report) == ["", "31 Mar 26"]
    titles = [row.get("Title") for row in report["Rows"] if row["RowType"] == "Section"]
    assert titles[0] == "Income"
    assert "Less Operating Expenses" in titles


async def test_profit_and_loss_comparison_columns_are_the_same_range_in_earlier_periods(
    api: httpx2.AsyncClient,
) -> None:
    """periods=2 with MONTH: this month and the two before it, month-ends kept as month-ends."""
    months = await fetch_report(
        api, "ProfitAndLoss", fromDate="2026-01-01", toDate="2026-01-31", periods="2", timeframe="MONTH"
    )
    assert header(months) == ["", "31 Jan 26", "31 Dec 25", "30 Nov 25"]
    whole = await fetch_report(api, "ProfitAndLoss", fromDate="2025-11-01", toDate="2026-01-31")
    assert sum(row_values(months, "Net Profit"), Decimal(0)) == row_values(whole, "Net Profit")[0]
    assert sum(row_values(months, "Total Income"), Decimal(0)) == row_values(whole, "Total Income")[0]
    assert len(set(row_values(months, "Net Profit"))) == 3


async def test_balance_sheet_comparison_dates_step_back_by_the_timeframe(api: httpx2.AsyncClient) -> None:
    report = await fetch_report(api, "BalanceSheet", date="2026-02-28", periods="2", timeframe="QUARTER")
    assert header(report) == ["", "28 Feb 2026", "30 Nov 2025", "31 Aug 2025"]
    assert report["ReportTitles"][2] == "As at 28 February 2026"
    assert row_values(report, "Total Assets")[2] == Decimal("0.00")


async def test_profit_and_loss_by_tracking_category_has_a_column_per_option(api: httpx2.AsyncClient) -> None:
    categories = (await api.get("/TrackingCategories")).json()["TrackingCategories"]
    region = next(c for c in categories if c["Name"] == "Region")
    params = {"fromDate": "2025-10-01", "toDate": "2026-03-31", "trackingCategoryID": region["TrackingCategoryID"]}
    report = await fetch_report(api, "ProfitAndLoss", **params)
    assert header(report) == ["", "North", "South", "East", "West", "Unassigned", "Total"]
    for cells in account_rows(report).values():
        values = [amount(value) for value in cells[1:]]
        assert sum(values[:-1], Decimal(0)) == values[-1]
    north = row_values(report, "Total Income")[0]
    assert north > 0
    north_id = region["Options"][0]["TrackingOptionID"]
    only_north = await fetch_report(api, "ProfitAndLoss", **params, trackingOptionID=north_id)
    assert header(only_north) == ["", "31 Mar 26"]
    assert row_values(only_north, "Total Income") == [north]


async def test_account_rows_carry_the_account_id_and_earnings_the_all_zero_id(api: httpx2.AsyncClient) -> None:
    accounts = {a["AccountID"] for a in (await api.get("/Accounts")).json()["Accounts"]}
    report = await fetch_report(api, "BalanceSheet")
    rows = account_rows(report)
    assert "00000000-0000-0000-0000-000000000000" in rows
    assert set(rows) - {"00000000-0000-0000-0000-000000000000"} <= accounts
    for row in all_rows(report):
        if row["RowType"] == "Row" and row["Cells"][0].get("Attributes"):
            first = row["Cells"][0]["Attributes"][0]
            assert first["Id"] == "account"
            assert all(cell["Attributes"][0] == first for cell in row["Cells"])


async def test_trial_balance_names_accounts_with_their_codes(api: httpx2.AsyncClient) -> None:
    report = await fetch_report(api, "TrialBalance")
    names = [cells[0] for cells in account_rows(report).values()]
    assert "Sales (200)" in names
    assert "Accounts Receivable (610)" in names
    sections = [row["Title"] for row in report["Rows"] if row["RowType"] == "Section" and row["Title"]]
    assert sections == ["Revenue", "Expenses", "Assets", "Liabilities", "Equity"]


async def test_aged_report_titles_name_the_contact_and_the_period(api: httpx2.AsyncClient) -> None:
    contact_id = await _contact_id(api, "Pinnacle Fitness")
    report = await fetch_report(api, "AgedReceivablesByContact", contactId=contact_id, fromDate="2026-01-01")
    assert report["ReportTitles"] == [
        "Invoices",
        "Pinnacle Fitness",
        "From 1 January 2026 to 16 March 2026",
        "Showing payments to 16 March 2026",
    ]
    opening_cells = [cell["Value"] for cell in report["Rows"][1]["Rows"][0]["Cells"]]
    assert opening_cells[:2] == ["2026-01-01T00:00:00", "Opening Balance"]
    opening = amount(opening_cells[-1])
    assert opening > 0
    assert row_values(report, "Closing Balance")[-1] >= opening


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/Reports/BalanceSheet?date=2026-13-01", "Report Parameter date could not be parsed as a DateTime"),
        ("/Reports/ProfitAndLoss?toDate=yesterday", "Report Parameter toDate could not be parsed as a DateTime"),
        ("/Reports/ProfitAndLoss?periods=0", "Report Parameter periods must be between 1 and 12"),
        (
            "/Reports/BalanceSheet?periods=3&timeframe=DAY",
            "Report Parameter timeframe must be one of MONTH, QUARTER or YEAR",
        ),
        (
            "/Reports/ProfitAndLoss?fromDate=2024-01-01&toDate=2026-01-01",
            "The report period cannot be longer than one year",
        ),
        (
            "/Reports/BankSummary?fromDate=2026-03-10&toDate=2026-03-01",
            "Report Parameter fromDate must be on or before toDate",
        ),
        ("/Reports/AgedReceivablesByContact", "Report Parameter contactId is required"),
        ("/Reports/AgedPayablesByContact?contactId=42", "Report Parameter contactId could not be parsed as a Guid"),
        ("/Reports/TrialBalance?paymentsOnly=yes", "Report Parameter paymentsOnly could not be parsed as a Boolean"),
    ],
)
async def test_bad_report_parameters_get_a_validation_exception(
    api: httpx2.AsyncClient, path: str, message: str
) -> None:
    """Xero: "Report Parameter date could not be parsed as a DateTime" (ErrorNumber 10, ValidationException)."""
    response = await api.get(path)
    assert response.status_code == 400
    body = response.json()
    assert (body["ErrorNumber"], body["Type"]) == (10, "ValidationException")
    assert [e["Message"] for element in body["Elements"] for e in element["ValidationErrors"]] == [message]


async def test_unknown_report_is_the_plain_text_404(api: httpx2.AsyncClient) -> None:
    response = await api.get("/Reports/CashflowForecast")
    assert response.status_code == 404
    assert response.text == "The resource you're looking for cannot be found"
