"""Budgets, invoice reminder settings and the budget-based reports over HTTP, each answer checked against the spec."""

from __future__ import annotations

import httpx2
import pytest

from tests.conftest import ApiFactory
from xero_mcp.sandbox.app import Sandbox


async def test_budgets_list_without_lines_and_a_budget_has_three_months_by_default(api: httpx2.AsyncClient) -> None:
    listed = (await api.get("/Budgets")).json()["Budgets"]
    assert {b["Type"] for b in listed} == {"OVERALL", "TRACKING"}
    assert all(b["BudgetLines"] == [] for b in listed)
    overall = next(b for b in listed if b["Type"] == "OVERALL")
    single = (await api.get(f"/Budgets/{overall['BudgetID']}")).json()["Budgets"][0]
    periods = {balance["Period"] for line in single["BudgetLines"] for balance in line["BudgetBalances"]}
    assert periods == {"2026-02", "2026-03", "2026-04"}


@pytest.mark.parametrize(
    "params",
    [
        {"DateFrom": "2024-01-01", "DateTo": "2026-12-31"},
        {"DateFrom": "2026-05-01", "DateTo": "2026-01-01"},
        {"DateFrom": "9999-06-01"},
        {"DateTo": "not a date"},
    ],
)
async def test_a_budget_range_xero_would_refuse_is_a_400(api: httpx2.AsyncClient, params: dict[str, str]) -> None:
    overall = next(b for b in (await api.get("/Budgets")).json()["Budgets"] if b["Type"] == "OVERALL")
    response = await api.get(f"/Budgets/{overall['BudgetID']}", params=params)
    assert response.status_code == 400
    assert response.json()["Type"] == "ValidationException"


async def test_budgets_cannot_be_written_through_the_api(api: httpx2.AsyncClient) -> None:
    response = await api.get("/Budgets/00000000-0000-0000-0000-0000000000b0")
    assert response.status_code == 404


async def test_invoice_reminder_settings_are_read_only_settings(api: httpx2.AsyncClient) -> None:
    response = await api.get("/InvoiceReminders/Settings")
    assert response.json()["InvoiceReminders"] == [{"Enabled": True}]
    assert (await api.get("/InvoiceReminders")).status_code == 404


@pytest.mark.parametrize(
    ("report", "params"),
    [
        ("BudgetSummary", {"date": "9998-01-01", "periods": "12", "timeframe": "12"}),
        ("BudgetSummary", {"timeframe": "2"}),
        ("BudgetSummary", {"periods": "0"}),
        ("TenNinetyNine", {"reportYear": "0"}),
        ("TenNinetyNine", {"reportYear": "twenty"}),
    ],
)
async def test_report_parameters_xero_would_refuse_are_a_400(
    api: httpx2.AsyncClient, report: str, params: dict[str, str]
) -> None:
    response = await api.get(f"/Reports/{report}", params=params)
    assert response.status_code == 400


async def test_the_1099_report_is_refused_outside_the_united_states(api_for: ApiFactory, sandbox: Sandbox) -> None:
    async with api_for(sandbox, sandbox.tenant_ids()[1]) as client:
        response = await client.get("/Reports/TenNinetyNine")
    assert response.status_code == 400
