"""get_report end to end: compact tables of the six reports, each report's parameters checked, names resolved."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from mcp import Client

from tests.tools._calls import fails, ok
from tests.tools.conftest import MakeClient

NOVEMBER = {"date_from": "2026-11-01", "date_to": "2026-11-30"}


def _row(report: dict[str, Any], label: str) -> dict[str, Any]:
    rows = [row for section in report["sections"] for row in section["rows"] if row["label"] == label]
    assert len(rows) == 1, (label, report)
    return rows[0]


def _first_amount(report: dict[str, Any], label: str) -> Decimal:
    """The row's first value, or 0 when the report has no such row (nothing was posted there)."""
    rows = [row for section in report["sections"] for row in section["rows"] if row["label"] == label]
    return Decimal(str(rows[0]["values"][0])) if rows else Decimal(0)


async def _invoice(client: Client, amount: int, *, tracking: list[dict[str, str]] | None = None) -> dict[str, Any]:
    await ok(client, "find_or_create_contact", name="Kauri Analytics")
    line: dict[str, Any] = {"description": "Analysis", "quantity": 1, "unit_amount": amount, "account": "Sales"}
    if tracking:
        line["tracking"] = tracking
    return await ok(
        client,
        "create_document",
        kind="invoice",
        contact="Kauri Analytics",
        lines=[line],
        status="AUTHORISED",
        date="2026-11-02",
        due_date="2026-11-30",
    )


async def test_profit_and_loss_is_a_table_of_sections_rows_and_numbers(make_client: MakeClient) -> None:
    async with make_client() as client:
        before = await ok(client, "get_report", report="ProfitAndLoss", **NOVEMBER)
        await _invoice(client, 450)
        after = await ok(client, "get_report", report="ProfitAndLoss", **NOVEMBER)
    assert after["report"] == "ProfitAndLoss"
    assert after["titles"][:2] == ["Profit & Loss", "Demo Company (Global)"]
    assert after["columns"] == ["30 Nov 26"]
    sales = _row(after, "Sales")
    assert _first_amount(after, "Sales") - _first_amount(before, "Sales") == 450
    assert len(sales["account_id"]) == 36 and "total" not in sales
    assert _row(after, "Total Income")["total"] is True
    assert after["sections"][0]["title"] == "Income"


async def test_tracking_splits_or_filters_profit_and_loss_by_name(make_client: MakeClient) -> None:
    async with make_client() as client:
        await _invoice(client, 300, tracking=[{"category": "Region", "option": "North"}])
        split = await ok(client, "get_report", report="ProfitAndLoss", tracking=["region"], **NOVEMBER)
        north = await ok(client, "get_report", report="ProfitAndLoss", tracking=["Region: north"], **NOVEMBER)
    assert split["columns"] == ["North", "South", "East", "West", "Unassigned", "Total"]
    assert _row(split, "Sales")["values"][0] == 300
    assert _row(north, "Sales")["values"] == [300]


async def test_comparison_periods_add_columns(make_client: MakeClient) -> None:
    async with make_client() as client:
        balance = await ok(client, "get_report", report="BalanceSheet", date="2026-10-31", periods=2, timeframe="MONTH")
        trial = await ok(client, "get_report", report="TrialBalance", date="2026-10-31")
        bank = await ok(client, "get_report", report="BankSummary", date_from="2026-10-01", date_to="2026-10-31")
    assert balance["columns"] == ["31 Oct 2026", "30 Sep 2026", "31 Aug 2026"]
    assert len(_row(balance, "Total Assets")["values"]) == 3
    assert trial["columns"] == ["Debit", "Credit", "YTD Debit", "YTD Credit"]
    total = _row(bank, "Total")
    accounts = [row for section in bank["sections"] for row in section["rows"] if not row.get("total")]
    closing = sum(Decimal(str(row["values"][3])) for row in accounts)
    assert Decimal(str(total["values"][3])) == closing


async def test_aged_receivables_for_a_contact_by_name_lists_its_open_invoices(make_client: MakeClient) -> None:
    async with make_client() as client:
        invoice = await _invoice(client, 200)
        aged = await ok(client, "get_report", report="AgedReceivablesByContact", contact="kauri analytics")
    assert aged["titles"][:2] == ["Invoices", "Kauri Analytics"]
    rows = [row for section in aged["sections"] for row in section["rows"] if row.get("invoice_id")]
    assert [row["invoice_id"] for row in rows] == [invoice["invoice_id"]]
    assert rows[0]["label"] == "2026-11-02" and rows[0]["values"][0] == invoice["invoice_number"]
    assert rows[0]["values"][-1] == invoice["amount_due"]


async def test_a_report_reports_progress(make_client: MakeClient) -> None:
    seen: list[tuple[float, float | None, str | None]] = []

    async def progress(done: float, total: float | None, message: str | None) -> None:
        seen.append((done, total, message))

    async with make_client() as client:
        result = await client.call_tool("get_report", {"report": "TrialBalance"}, progress_callback=progress)
    assert not result.is_error
    assert [(done, total) for done, total, _ in seen] == [(0, 1), (1, 1)]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"report": "BankSummary", "date": "2026-10-31"}, "date: BankSummary does not take this"),
        (
            {"report": "TrialBalance", "date_from": "2026-10-01", "periods": 2},
            "date_from, periods: TrialBalance does not take these; its parameters are date, payments_only",
        ),
        ({"report": "ProfitAndLoss", "contact": "Kauri"}, "contact: ProfitAndLoss does not take this"),
        ({"report": "ProfitAndLoss", "timeframe": "YEAR"}, "timeframe: give periods too"),
        ({"report": "ProfitAndLoss", "periods": 13}, "periods"),
        (
            {"report": "BankSummary", "date_from": "2026-10-02", "date_to": "2026-10-01"},
            "date_from: 2026-10-02 is after",
        ),
        ({"report": "AgedPayablesByContact"}, "contact: AgedPayablesByContact is for one contact"),
        ({"report": "BalanceSheet", "tracking": ["Region"]}, "tracking[0]: BalanceSheet filters by tracking options"),
        ({"report": "ProfitAndLoss", "tracking": ["Region: Nort"]}, "Close matches: North"),
        ({"report": "ProfitAndLoss", "tracking": ["Regoin"]}, "Close matches: Region"),
        ({"report": "ProfitAndLoss", "tracking": ["A: 1", "B: 2", "C: 3"]}, "tracking: give at most 2 entries"),
        ({"report": "AgedReceivablesByContact", "contact": "Pinnacle Fitnes"}, "Close matches: Pinnacle Fitness"),
        ({"report": "CashFlow"}, "report"),
    ],
)
async def test_bad_report_parameters_are_named(
    make_client: MakeClient, arguments: dict[str, Any], message: str
) -> None:
    async with make_client() as client:
        text = await fails(client, "get_report", **arguments)
    assert message in text


async def test_xeros_own_report_rules_come_back_as_tool_errors(make_client: MakeClient) -> None:
    async with make_client() as client:
        text = await fails(client, "get_report", report="ProfitAndLoss", date_from="2025-01-01", date_to="2026-06-30")
    assert "Xero rejected the request" in text and "one year" in text
