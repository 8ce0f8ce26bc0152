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


# --- listing, allocating, refunding ----------------------------------------------------------------------------------

TODAY = "2026-11-02"
CUSTOMER = "Owner A"


def _rows(report: dict[str, Any], label: str) -> list[dict[str, Any]]:
    return [row for section in report["sections"] for row in section["rows"] if row["label"] == label]


def _figure(report: dict[str, Any], label: str, column: int = 0) -> Decimal:
    """A row's value in one column (0 when the report has no such row: nothing is posted there)."""
    rows = _rows(report, label)
    return money(rows[0]["values"][column]) if rows and rows[0]["values"][column] is not None else Decimal(0)


async def _books(client: Client) -> dict[str, Decimal]:
    """Today's figures a bookkeeper checks: bank, receivables (balance sheet), the customer's aged balance, and the
    trial balance's debit and credit totals (which must agree)."""
    sheet = await ok(client, "get_report", report="BalanceSheet", date=TODAY)
    trial = await ok(client, "get_report", report="TrialBalance", date=TODAY)
    aged = await ok(client, "get_report", report="AgedReceivablesByContact", contact=CUSTOMER, date=TODAY)
    closing = _rows(aged, "Closing Balance")
    debit, credit = _figure(trial, "Total", 0), _figure(trial, "Total", 1)
    assert debit == credit, trial
    assert _figure(sheet, "Total Assets") - _figure(sheet, "Total Liabilities") == _figure(sheet, "Total Equity")
    return {
        "bank": _figure(sheet, BANK),
        "receivables": _figure(sheet, "Accounts Receivable"),
        "aged": money(closing[0]["values"][-1]) if closing else Decimal(0),
    }


async def _apply(client: Client, credit: dict[str, Any], invoice: str, /, **extra: Any) -> dict[str, Any]:
    """allocate_prepayment's result for this prepayment and invoice (or its error's text when `fails` is given)."""
    arguments = {"kind": "prepayment", "prepayment": credit["prepayment_id"], "invoice": invoice, **extra}
    if arguments.pop("fails", False):
        return {"error": await fails(client, "allocate_prepayment", **arguments)}
    return await ok(client, "allocate_prepayment", **arguments)


def _moved(before: dict[str, Decimal], after: dict[str, Decimal]) -> dict[str, Decimal]:
    return {name: after[name] - before[name] for name in before}


async def _invoice(client: Client, amount: str) -> dict[str, Any]:
    lines = [{"description": "Spring catalogue", "quantity": 1, "unit_amount": amount, "account": "200"}]
    return await ok(
        client,
        "create_document",
        kind="invoice",
        contact=CUSTOMER,
        lines=lines,
        line_amount_types="NoTax",
        status="AUTHORISED",
        date=TODAY,
        due_date="2026-11-30",
    )


async def test_a_bookkeeper_receives_a_prepayment_allocates_part_and_refunds_the_rest(mcp_client: Client) -> None:
    """The bookkeeper's prepayment: 500 received ahead of the work, 300 of it settles the invoice, 200 goes back.
    After each step the balance sheet, the trial balance and the customer's aged receivables show it."""
    start = await _books(mcp_client)

    received = await _receive_deposit(mcp_client)
    after_receipt = await _books(mcp_client)
    # The money is in the bank and owed back to the customer until it is allocated: a credit in receivables.
    assert _moved(start, after_receipt) == {
        "bank": Decimal("500.00"),
        "receivables": Decimal("-500.00"),
        "aged": Decimal("-500.00"),
    }

    invoice = await _invoice(mcp_client, "300.00")
    allocated = await _apply(mcp_client, received, invoice["invoice_number"])
    after_allocation = await _books(mcp_client)
    settled = await ok(mcp_client, "get_invoice", invoice=invoice["invoice_number"])
    assert (money(allocated["amount"]), money(allocated["remaining_credit"])) == (Decimal("300.00"), Decimal("200"))
    assert money(allocated["invoice_amount_due"]) == Decimal(0) and settled["status"] == "PAID"
    # The invoice (+300) is settled by the prepayment: 200 of the customer's credit is left, the bank is unchanged.
    assert _moved(start, after_allocation) == {
        "bank": Decimal("500.00"),
        "receivables": Decimal("-200.00"),
        "aged": Decimal("-200.00"),
    }

    refunded = await ok(
        mcp_client,
        "refund_prepayment",
        kind="prepayment",
        prepayment=received["prepayment_id"],
        bank_account=BANK,
        date=TODAY,
        reference="Deposit balance returned",
    )
    after_refund = await _books(mcp_client)
    listed = await ok(mcp_client, "list_prepayments", kind="prepayment", contact=CUSTOMER, statuses=["PAID"])
    assert (money(refunded["amount"]), money(refunded["remaining_credit"])) == (Decimal("200.00"), Decimal(0))
    assert refunded["duplicate"] is False
    # Net: 300 of sales were paid for; nothing is owed either way.
    assert _moved(start, after_refund) == {"bank": Decimal("300.00"), "receivables": Decimal(0), "aged": Decimal(0)}
    [shown] = [item for item in listed["items"] if item["id"] == received["prepayment_id"]]
    assert (shown["status"], money(shown["remaining_credit"])) == ("PAID", Decimal(0))
    assert (money(shown["allocated"]), money(shown["refunded"])) == (Decimal("300.00"), Decimal("200.00"))


async def test_an_allocation_beyond_the_credit_or_to_the_wrong_side_is_explained(mcp_client: Client) -> None:
    received = await _receive_deposit(mcp_client)
    invoice = await _invoice(mcp_client, "800.00")
    bill = await ok(
        mcp_client,
        "create_document",
        kind="bill",
        contact=CUSTOMER,
        lines=[{"description": "Hire", "quantity": 1, "unit_amount": 50, "account": "453"}],
        status="AUTHORISED",
        due_date="2026-11-30",
    )
    too_much = (await _apply(mcp_client, received, invoice["invoice_number"], amount=600, fails=True))["error"]
    wrong_side = (await _apply(mcp_client, received, bill["invoice_id"], fails=True))["error"]
    wrong_kind = (await _apply(mcp_client, received, "INV-1", kind="overpayment", fails=True))["error"]
    partly = await _apply(mcp_client, received, invoice["invoice_id"])
    assert "600.00 is more than the prepayment" in too_much and "remaining credit of 500.00" in too_much
    assert "applies to ACCREC documents" in wrong_side and "ACCPAY" in wrong_side
    assert "no overpayment has the ID" in wrong_kind
    # As much as both allow: all 500 of the credit, leaving 300 due on the invoice.
    assert (money(partly["amount"]), money(partly["invoice_amount_due"])) == (Decimal("500.00"), Decimal("300.00"))


async def test_an_overpayment_refund_is_recorded_once_and_never_beyond_the_credit(mcp_client: Client) -> None:
    received = await ok(mcp_client, "create_document", **_made("receive_overpayment", CUSTOMER, OVERPAID, date=TODAY))
    refund = {"kind": "overpayment", "prepayment": received["overpayment_id"], "amount": "12.50", "date": TODAY}
    refund["bank_account"] = BANK
    first = await ok(mcp_client, "refund_prepayment", **refund)
    again = await ok(mcp_client, "refund_prepayment", **refund)
    too_much = await fails(mcp_client, "refund_prepayment", **{**refund, "amount": 31})
    listed = await ok(mcp_client, "list_prepayments", kind="overpayment", side="RECEIVE", statuses=["AUTHORISED"])
    assert first["duplicate"] is False and money(first["remaining_credit"]) == Decimal("30.00")
    assert again["duplicate"] is True and again["payment_id"] == first["payment_id"]
    assert "31.00 is more than the overpayment's remaining credit of 30.00" in too_much
    [shown] = [item for item in listed["items"] if item["id"] == received["overpayment_id"]]
    assert money(shown["remaining_credit"]) == Decimal("30.00") and shown["type"] == "RECEIVE-OVERPAYMENT"
