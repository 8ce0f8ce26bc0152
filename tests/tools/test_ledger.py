"""The ledger's other records through the tools: journals (the audit trail), budgets and their report, repeating
invoices, and batch payments paying several bills in one bank line."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from mcp import Client

from tests.tools._calls import confirmed_result, fails, ok

BANK = "Business Bank Account"


def money(value: Any) -> Decimal:
    return Decimal(str(value))


async def _invoice(client: Client, amount: int) -> dict[str, Any]:
    """An approved sales invoice to Owner A for `amount` of survey work."""
    line = {"description": "Survey", "quantity": 1, "unit_amount": amount, "account": "200"}
    return await ok(client, "create_document", kind="invoice", contact="Owner A", lines=[line], status="AUTHORISED")


async def _all_journals(client: Client) -> list[dict[str, Any]]:
    """Every journal, read page by page as Xero hands them out."""
    journals: list[dict[str, Any]] = []
    offset: int | None = None
    while True:
        page = await ok(client, "list_journals", **({"offset": offset} if offset is not None else {}))
        journals += page["journals"]
        offset = page.get("next_offset")
        if offset is None:
            return journals


async def test_journals_are_numbered_balanced_and_pick_up_from_an_offset(mcp_client: Client) -> None:
    before = await _all_journals(mcp_client)
    last = max(journal["journal_number"] for journal in before)
    invoice = await _invoice(mcp_client, 200)
    after = await ok(mcp_client, "list_journals", offset=last)
    numbers = [journal["journal_number"] for journal in before]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    assert all(sum(money(line["amount"]) for line in journal["lines"]) == 0 for journal in before)
    [new] = after["journals"]
    assert (new["journal_number"], new["source_id"]) == (last + 1, invoice["invoice_id"])
    assert new["source_type"] == "ACCREC" and after.get("next_offset") is None
    by_code = {line["account"].split()[0]: money(line["amount"]) for line in new["lines"]}
    assert by_code["200"] == Decimal("-200.00")  # sales: a credit
    assert sum(by_code.values()) == 0


async def test_budgets_list_without_lines_and_read_with_their_months(mcp_client: Client) -> None:
    listed = await ok(mcp_client, "list_budgets")
    overall = next(budget for budget in listed["budgets"] if budget["type"] == "OVERALL")
    read = await ok(mcp_client, "get_budget", budget=overall["budget_id"], date_from="2026-10-01", date_to="2026-12-31")
    too_long = await fails(
        mcp_client, "get_budget", budget=overall["budget_id"], date_from="2026-01-01", date_to="2028-01-31"
    )
    assert all("lines" not in budget for budget in listed["budgets"])
    assert read["lines"] and all(
        [month["period"] for month in line["months"]] == ["2026-10", "2026-11", "2026-12"] for line in read["lines"]
    )
    assert "25 months" in too_long and "24" in too_long


async def test_executive_and_budget_summaries_are_reports_with_their_own_parameters(mcp_client: Client) -> None:
    executive = await ok(mcp_client, "get_report", report="ExecutiveSummary", date="2026-11-30")
    budget = await ok(mcp_client, "get_budget_summary", date="2026-11-30", periods=3, timeframe="MONTH")
    refused = await fails(mcp_client, "get_report", report="ExecutiveSummary", date_from="2026-11-01")
    alone = await fails(mcp_client, "get_budget_summary", timeframe="QUARTER")
    assert executive["report"] == "ExecutiveSummary" and executive["sections"]
    assert budget["report"] == "BudgetSummary" and len(budget["columns"]) >= 3
    assert "date_from" in refused and "ExecutiveSummary does not take" in refused
    assert "give periods too" in alone


async def test_a_repeating_invoice_is_scheduled_once(mcp_client: Client) -> None:
    arguments: dict[str, Any] = {
        "kind": "invoice",
        "contact": "Owner A",
        "lines": [{"description": "Monthly retainer", "quantity": 1, "unit_amount": 500, "account": "200"}],
        "every": 1,
        "unit": "MONTHLY",
        "start_date": "2026-12-01",
        "due_days": 20,
        "due_type": "DAYSAFTERINVOICEDATE",
        "reference": "Retainer",
    }
    made = await ok(mcp_client, "create_repeating_invoice", **arguments)
    again = await ok(mcp_client, "create_repeating_invoice", **arguments)
    forced = await ok(mcp_client, "create_repeating_invoice", **arguments, allow_duplicate=True)
    listed = await ok(mcp_client, "list_repeating_invoices", kind="invoice", contact="Owner A")
    assert (made["type"], made["status"], made["duplicate"]) == ("ACCREC", "DRAFT", False)
    assert (made["schedule"], made["next_date"]) == ("every 1 MONTHLY, due 20 DAYSAFTERINVOICEDATE", "2026-12-01")
    assert made["contact_name"] == "Owner A"
    assert again["duplicate"] is True and again["repeating_invoice_id"] == made["repeating_invoice_id"]
    assert forced["repeating_invoice_id"] != made["repeating_invoice_id"]
    ids = {item["repeating_invoice_id"] for item in listed["items"]}
    assert {made["repeating_invoice_id"], forced["repeating_invoice_id"]} <= ids


async def _bill(client: Client, amount: int, number: str) -> dict[str, Any]:
    return await ok(
        client,
        "create_document",
        kind="bill",
        contact="Office Supplies Co",
        reference=number,
        lines=[{"description": "Paper", "quantity": 1, "unit_amount": amount, "account": "453"}],
        line_amount_types="NoTax",
        status="AUTHORISED",
        due_date="2026-11-30",
    )


async def test_a_batch_pays_several_bills_and_deleting_it_makes_them_owed_again(mcp_client: Client) -> None:
    first, second = await _bill(mcp_client, 120, "OS-1"), await _bill(mcp_client, 80, "OS-2")
    batch = await ok(
        mcp_client,
        "create_batch_payment",
        payments=[{"invoice": "OS-1"}, {"invoice": second["invoice_id"], "amount": 30}],
        bank_account=BANK,
        reference="Supplier run",
    )
    paid = await ok(mcp_client, "get_bill", bill=first["invoice_id"])
    listed = await ok(mcp_client, "list_batch_payments")
    deleted = await confirmed_result(mcp_client, "delete_batch_payment", batch_payment=batch["batch_payment_id"])
    owed = await ok(mcp_client, "get_bill", bill=first["invoice_id"])
    assert (batch["type"], batch["status"], money(batch["total"])) == ("PAYBATCH", "AUTHORISED", Decimal("150.00"))
    assert [money(p["amount"]) for p in batch["payments"]] == [Decimal("120.00"), Decimal("30.00")]
    assert paid["status"] == "PAID"
    assert batch["batch_payment_id"] in [item["batch_payment_id"] for item in listed["items"]]
    assert deleted["status"] == "DELETED"
    assert owed["status"] == "AUTHORISED" and money(owed["amount_due"]) == Decimal("120.00")


async def test_a_batch_is_refused_for_mixed_sides_overpayment_or_a_repeated_document(mcp_client: Client) -> None:
    bill = await _bill(mcp_client, 60, "OS-3")
    invoice = await _invoice(mcp_client, 10)
    mixed = await fails(
        mcp_client, "create_batch_payment", payments=[{"invoice": "OS-3"}, {"invoice": invoice["invoice_id"]}]
    )
    too_much = await fails(
        mcp_client, "create_batch_payment", payments=[{"invoice": bill["invoice_id"], "amount": 61}], bank_account=BANK
    )
    twice = await fails(mcp_client, "create_batch_payment", payments=[{"invoice": "OS-3"}, {"invoice": "OS-3"}])
    still = await ok(mcp_client, "get_bill", bill=bill["invoice_id"])
    assert "not both" in mixed
    assert "payments[0].amount" in too_much and "60.00 due" in too_much
    assert "in the batch twice" in twice
    assert still["status"] == "AUTHORISED"
