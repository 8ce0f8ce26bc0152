"""Prepayments and overpayments through the tools: made by create_document (bank transactions of those types), within
Xero's rules for their lines."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from mcp import Client

from tests.tools._calls import fails, ok

BANK = "Business Bank Account"
DEPOSIT = [{"description": "Deposit for the spring catalogue", "quantity": 1, "unit_amount": 500, "account": "200"}]
OVERPAID = [{"description": "Paid twice", "quantity": 1, "unit_amount": "42.50"}]


def money(value: Any) -> Decimal:
    """An amount from a result, exactly as it was written."""
    return Decimal(str(value))


async def _record(client: Client, plural: str, ident: str) -> dict[str, Any]:
    """GET /{Prepayments|Overpayments}/{id}, as Xero holds it."""
    found = await ok(client, "xero_get", path=f"/{plural}/{ident}")
    return found["data"][plural][0]


def _made(kind: str, contact: str, lines: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """create_document's arguments for a bank transaction of `kind` into or out of the bank account."""
    return {"kind": kind, "contact": contact, "bank_account": BANK, "lines": lines, **extra}


async def _receive_deposit(client: Client) -> dict[str, Any]:
    """Owner A's 500 deposit, received into the bank account as a prepayment."""
    deposit = _made("receive_prepayment", "Owner A", DEPOSIT, line_amount_types="NoTax", date="2026-11-02")
    return await ok(client, "create_document", **deposit)


async def test_receive_prepayment_makes_a_prepayment_for_the_customer(mcp_client: Client) -> None:
    created = await _receive_deposit(mcp_client)
    prepayment = await _record(mcp_client, "Prepayments", created["prepayment_id"])
    again = await _receive_deposit(mcp_client)
    assert (created["type"], created["status"], created["duplicate"]) == ("RECEIVE-PREPAYMENT", "AUTHORISED", False)
    assert money(created["total"]) == Decimal("500.00")
    assert (prepayment["Type"], prepayment["Status"]) == ("RECEIVE-PREPAYMENT", "AUTHORISED")
    assert money(prepayment["RemainingCredit"]) == Decimal("500.00")
    assert prepayment["Contact"]["Name"] == "Owner A"
    assert again["duplicate"] is True and again["prepayment_id"] == created["prepayment_id"]


async def test_spend_prepayment_is_money_paid_to_a_supplier_ahead_of_the_bill(mcp_client: Client) -> None:
    advance = [{"description": "Advance on paper order", "quantity": 1, "unit_amount": 120, "account": "453"}]
    created = await ok(mcp_client, "create_document", **_made("spend_prepayment", "Office Supplies Co", advance))
    prepayment = await _record(mcp_client, "Prepayments", created["prepayment_id"])
    assert created["type"] == "SPEND-PREPAYMENT" and "overpayment_id" not in created
    assert prepayment["Type"] == "SPEND-PREPAYMENT"
    assert money(prepayment["Total"]) == money(created["total"]) == Decimal("132.00")  # 10% tax on purchases


async def test_overpayments_are_coded_by_xero_and_carry_no_tax(mcp_client: Client) -> None:
    received = await ok(mcp_client, "create_document", **_made("receive_overpayment", "Owner A", OVERPAID))
    spent = await ok(mcp_client, "create_document", **_made("spend_overpayment", "Office Supplies Co", OVERPAID))
    overpayment = await _record(mcp_client, "Overpayments", received["overpayment_id"])
    assert (received["type"], spent["type"]) == ("RECEIVE-OVERPAYMENT", "SPEND-OVERPAYMENT")
    assert (overpayment["LineAmountTypes"], money(overpayment["TotalTax"])) == ("NoTax", Decimal("0.00"))
    assert money(overpayment["RemainingCredit"]) == Decimal("42.50")
    assert "prepayment_id" not in received


async def test_an_overpayment_line_with_an_account_or_tax_is_refused_before_xero_sees_it(mcp_client: Client) -> None:
    coded = [{**OVERPAID[0], "account": "200"}]
    with_account = await fails(mcp_client, "create_document", **_made("receive_overpayment", "Owner A", coded))
    taxed = await fails(
        mcp_client,
        "create_document",
        kind="spend_overpayment",
        contact="Office Supplies Co",
        bank_account=BANK,
        lines=OVERPAID,
        line_amount_types="Exclusive",
    )
    listed = await ok(mcp_client, "list_records", kind="receive_overpayment")
    assert "lines[0].account" in with_account and "accounts receivable" in with_account
    assert "line_amount_types" in taxed and "no tax" in taxed
    assert listed["items"] == []


async def test_a_prepayment_kind_refuses_what_a_bank_transaction_does_not_take(mcp_client: Client) -> None:
    arguments = _made("spend_overpayment", "Office Supplies Co", OVERPAID, due_date="2026-12-01")
    message = await fails(mcp_client, "create_document", **arguments)
    assert "due_date" in message and "spend overpayment does not take" in message
