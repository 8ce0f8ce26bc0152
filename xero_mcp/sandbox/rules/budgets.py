"""Budgets: ``GET /Budgets`` and ``GET /Budgets/{BudgetID}`` (read-only in Xero's API).

A budget is an OVERALL one (the whole organisation) or a TRACKING one (one tracking option), with a line per
account holding one amount per month (``"Period": "2026-03"``), as entered in Xero's budget manager: income and
expenses both as positive amounts. Xero's rules (developer.xero.com, Budgets):

- "Budget lines will not be returned unless requesting a single budget": a list shows ``BudgetLines: []``;
- "When no period is requested, responses will default to 3 months. Previous, Current & Next month";
- ``DateFrom``/``DateTo`` (YYYY-MM-DD) choose the months shown; "You can retrieve a maximum of 24 months of data in
  a single request" (a longer range is refused with a 400; the wording is the sandbox's own).

Budgets are made by the seed (Xero's API cannot create them); the BudgetSummary report reads the OVERALL one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from xero_mcp.sandbox.rules.common import Ctx, RuleError, as_doc, as_list, new_id, parse_date
from xero_mcp.sandbox.state import Doc

MAX_MONTHS = 24


def month_key(day: date) -> str:
    """The budget period of a day: ``"2026-03"``."""
    return f"{day.year:04d}-{day.month:02d}"


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def create(
    ctx: Ctx,
    description: str,
    lines: Mapping[str, Iterable[tuple[str, Decimal]]],
    *,
    tracking: list[Doc] | None = None,
) -> Doc:
    """A budget with, per account code, (period, amount) balances; OVERALL unless `tracking` names its option."""
    budget_lines: list[Doc] = []
    for code, balances in lines.items():
        account = next(iter(ctx.state.find(ctx.tenant_id, "Accounts", "number", code)), None)
        if account is None:
            raise RuleError(f"Account code '{code}' is not a valid code for this organisation.")
        entries = [{"Period": period, "Amount": amount, "Notes": ""} for period, amount in sorted(balances)]
        budget_lines.append({"AccountID": account["AccountID"], "AccountCode": code, "BudgetBalances": entries})
    doc: Doc = {
        "BudgetID": new_id(),
        "Status": "APPROVED",
        "Type": "TRACKING" if tracking else "OVERALL",
        "Description": description,
        "UpdatedDateUTC": ctx.stamp(),
        "BudgetLines": budget_lines,
        "Tracking": tracking or [],
    }
    return ctx.save("Budgets", doc)


def _objects(value: object) -> list[Doc]:
    listed = as_list(value) or []
    return [found for found in (as_doc(item) for item in listed) if found is not None]


def _param_date(params: Mapping[str, str], name: str) -> date | None:
    value = params.get(name.lower(), "").strip()
    if not value:
        return None
    return parse_date(value, name)


def months_shown(params: Mapping[str, str], today: date) -> tuple[str, str]:
    """The first and last periods a single budget shows: DateFrom..DateTo, else last, this and next month."""
    start = _param_date(params, "DateFrom")
    end = _param_date(params, "DateTo")
    if start is None and end is None:
        start, end = add_months(today, -1), add_months(today, 1)
    elif start is None:
        assert end is not None
        start = add_months(end, -2)
    elif end is None:
        end = add_months(start, 2)
    if start > end:
        raise RuleError("DateFrom must be on or before DateTo.")
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if months > MAX_MONTHS:
        raise RuleError(f"A budget can be read for at most {MAX_MONTHS} months at a time; this asks for {months}.")
    return month_key(start), month_key(end)


def view(ctx: Ctx, doc: Doc, params: Mapping[str, str]) -> Doc:
    """A single budget: its lines with the balances of the months asked for."""
    first, last = months_shown(params, ctx.today())
    lines = [
        {**line, "BudgetBalances": [b for b in _objects(line.get("BudgetBalances")) if first <= b["Period"] <= last]}
        for line in _objects(doc.get("BudgetLines"))
    ]
    return {**doc, "BudgetLines": lines}


def list_view(ctx: Ctx, doc: Doc, params: Mapping[str, str]) -> Doc:
    """A budget in a list: without its lines."""
    months_shown(params, ctx.today())  # the same DateFrom/DateTo checks as a single budget
    return {**doc, "BudgetLines": []}


def amounts(doc: Doc) -> dict[str, dict[str, Decimal]]:
    """A budget's amounts: AccountID -> period -> amount."""
    result: dict[str, dict[str, Decimal]] = {}
    for line in _objects(doc.get("BudgetLines")):
        periods = result.setdefault(str(line["AccountID"]).lower(), {})
        for balance in _objects(line.get("BudgetBalances")):
            periods[str(balance["Period"])] = Decimal(str(balance["Amount"]))
    return result
