"""Amounts and dates Xero cannot accept are refused by the request models, so such a request is never sent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pydantic import ValidationError

from xero_mcp.client import models as m
from xero_mcp.client.models._base import LARGEST_AMOUNT


def a_line(**changes: object) -> m.LineItemInput:
    values: dict[str, object] = {"description": "Work", "quantity": Decimal(1), "unit_amount": Decimal(10)}
    values.update(changes)
    return m.LineItemInput.model_validate(values)


@pytest.mark.parametrize("amount", [Decimal("1e308"), Decimal("-1e308"), Decimal("10000000000.00"), 1e308])
def test_an_amount_beyond_xeros_largest_line_amount_is_refused_naming_the_field_and_the_limit(amount: object) -> None:
    with pytest.raises(ValidationError) as caught:
        a_line(unit_amount=amount)
    message = str(caught.value)
    assert "unit_amount" in message and "9,999,999,999.99" in message


@pytest.mark.parametrize("amount", ["Infinity", "-Infinity", "NaN"])
def test_an_amount_that_is_not_a_finite_number_is_refused(amount: str) -> None:
    with pytest.raises(ValidationError, match="unit_amount"):
        a_line(unit_amount=Decimal(amount))


def test_a_line_whose_quantity_times_unit_amount_exceeds_the_largest_line_amount_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"9,999,999,999\.99"):
        a_line(quantity=Decimal(100_000), unit_amount=Decimal(1_000_000))


def test_the_largest_line_amount_itself_is_accepted() -> None:
    assert a_line(unit_amount=LARGEST_AMOUNT).unit_amount == Decimal("9999999999.99")
    assert a_line(unit_amount=-LARGEST_AMOUNT).unit_amount == Decimal("-9999999999.99")


def test_an_amount_on_any_request_model_is_checked_not_only_on_lines() -> None:
    with pytest.raises(ValidationError, match="amount"):
        m.PaymentCreate.model_validate(
            {
                "invoice": {"invoice_id": "8a1f2c3d-0000-4000-8000-000000000001"},
                "account": {"code": "090"},
                "amount": Decimal("1e308"),
                "date": dt.date(2026, 3, 1),
            }
        )


@pytest.mark.parametrize("day", [dt.date(9999, 12, 31), dt.date(1, 1, 1), dt.date(1752, 12, 31)])
def test_a_date_outside_the_years_xero_can_store_is_refused_naming_the_field(day: dt.date) -> None:
    with pytest.raises(ValidationError) as caught:
        m.InvoiceCreate(type="ACCREC", contact=m.ContactRef(name="Someone"), date=day, line_items=[a_line()])
    message = str(caught.value)
    assert "date" in message and "1753-01-01" in message


def test_the_edge_dates_xero_can_store_are_accepted() -> None:
    for day in (dt.date(1753, 1, 1), dt.date(9998, 12, 31)):
        invoice = m.InvoiceCreate(type="ACCREC", contact=m.ContactRef(name="Someone"), date=day, line_items=[a_line()])
        assert invoice.date == day
