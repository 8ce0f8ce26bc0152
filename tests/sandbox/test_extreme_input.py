"""Input no Xero organisation can hold (amounts near 1e308, dates in year 9999 or 1) gets Xero's ValidationException
400, never a 500: the reference's largest line amount (9,999,999,999.99) bounds every number, and dates stay within
what Xero stores (SQL Server datetime from 1753-01-01; the last year is left out for the terms Xero adds)."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from tests.sandbox.helpers import SALES_LINE, messages, new_invoice, pay

HUGE = 1e308


def invoice_body(line: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    return {
        "Type": "ACCREC",
        "Status": "AUTHORISED",
        "Contact": {"Name": "Extreme Input Ltd"},
        "Date": "2026-03-01",
        "DueDate": "2026-03-31",
        "LineItems": [line or SALES_LINE],
        **fields,
    }


@pytest.mark.parametrize(
    "line",
    [
        {**SALES_LINE, "UnitAmount": HUGE},
        {**SALES_LINE, "UnitAmount": -HUGE},
        {**SALES_LINE, "Quantity": 1e300},
        {**SALES_LINE, "UnitAmount": "1e308"},
        {"Description": "Given total", "LineAmount": HUGE, "AccountCode": "200"},
        {**SALES_LINE, "Quantity": 100000, "UnitAmount": 1000000},
    ],
)
async def test_an_absurd_amount_on_a_line_gets_a_validation_error_not_a_500(
    api: httpx2.AsyncClient, line: dict[str, Any]
) -> None:
    response = await api.put("/Invoices", json=invoice_body(line))
    assert any("9,999,999,999.99" in message for message in messages(response))


async def test_an_absurd_payment_amount_gets_a_validation_error_not_a_500(api: httpx2.AsyncClient) -> None:
    invoice = await new_invoice(api)
    response = await pay(api, invoice, HUGE)
    assert any("9,999,999,999.99" in message for message in messages(response))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("Date", "9999-12-31"),
        ("DueDate", "9999-12-31"),
        ("Date", "0001-01-01"),
        ("Date", "1752-12-31"),
        ("Date", "/Date(253402300800000+0000)/"),
        ("Date", "/Date(999999999999999999999+0000)/"),
        ("Date", "/Date(-99999999999999+0000)/"),
    ],
)
async def test_a_date_outside_what_xero_stores_gets_a_validation_error_not_a_500(
    api: httpx2.AsyncClient, field: str, value: str
) -> None:
    response = await api.put("/Invoices", json=invoice_body(**{field: value}))
    assert any(field in message and "1753-01-01" in message for message in messages(response)), response.text


async def test_a_payment_dated_in_year_9999_gets_a_validation_error_not_a_500(api: httpx2.AsyncClient) -> None:
    invoice = await new_invoice(api)
    body = {
        "Invoice": {"InvoiceID": invoice["InvoiceID"]},
        "Account": {"Code": "090"},
        "Amount": 10,
        "Date": "9999-12-31",
    }
    response = await api.put("/Payments", json=body)
    assert any("1753-01-01" in message for message in messages(response))


async def test_the_edges_of_what_xero_stores_are_accepted(api: httpx2.AsyncClient) -> None:
    line = {**SALES_LINE, "UnitAmount": 9999999999.99, "TaxType": "NONE"}
    response = await api.put("/Invoices", json=invoice_body(line, Date="1753-01-01", DueDate="9998-12-31"))
    assert response.status_code == 200, response.text
    [invoice] = response.json()["Invoices"]
    assert invoice["Total"] == 9999999999.99


@pytest.mark.invalid_requests
@pytest.mark.parametrize(
    "query",
    [
        "/Reports/ProfitAndLoss?fromDate=9999-12-01&toDate=9999-12-31",
        "/Reports/ProfitAndLoss?fromDate=9999-01-01&toDate=9999-12-31&periods=11&timeframe=MONTH",
        "/Reports/BalanceSheet?date=0001-01-01&periods=3",
        "/Reports/BankSummary?fromDate=0001-01-01&toDate=9999-12-31",
    ],
)
async def test_a_report_asked_for_years_xero_cannot_store_is_refused_not_a_500(
    api: httpx2.AsyncClient, query: str
) -> None:
    response = await api.get(query)
    assert response.status_code == 400, response.text
    assert "1753-01-01" in response.text
