"""Budgets (toolset `budgets`): Xero's budgets, read-only as its API is.

A list shows each budget without lines ("Budget lines will not be returned unless requesting a single budget");
get_budget shows one budget's lines, an account's amount per month, for up to 24 months (Xero's default: last,
this and next month). get_budget_summary runs Xero's BudgetSummary report (budgeted against actual).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Literal
from uuid import UUID

from pydantic import Field

from xero_mcp.client.errors import NotFound
from xero_mcp.tools._args import DateFrom, DateTo, Tenant
from xero_mcp.tools._context import ToolContext
from xero_mcp.tools._errors import UserInputError
from xero_mcp.tools._projections import Amount, CompactView, View
from xero_mcp.tools._spec import ToolSpec, tool
from xero_mcp.tools.reports import Periods, ReportView, Timeframe, compact_report

if TYPE_CHECKING:
    from xero_mcp.client.models.ledger import Budget

MAX_MONTHS = 24
"""Xero's limit on the months one request may show."""


class BudgetMonth(CompactView):
    """One month's budgeted amount."""

    period: str
    amount: Amount | None = None
    notes: str | None = None


class BudgetLineView(View):
    """An account's budget, month by month."""

    account_code: str | None = None
    account_id: str | None = None
    months: list[BudgetMonth]


class BudgetView(CompactView):
    """A budget: the whole organisation's (OVERALL) or one tracking option's (TRACKING)."""

    budget_id: str
    type: str | None = None
    description: str | None = None
    tracking: str | None = None
    lines: list[BudgetLineView] | None = None


class BudgetList(View):
    """Every budget, without lines (get_budget shows them)."""

    budgets: list[BudgetView]


def _view(budget: Budget, *, lines: bool) -> BudgetView:
    tracking = ", ".join(f"{t.name}: {t.option}" for t in budget.tracking if t.name) or None
    return BudgetView(
        budget_id=str(budget.budget_id),
        type=budget.type,
        description=budget.description,
        tracking=tracking,
        lines=[
            BudgetLineView(
                account_code=line.account_code,
                account_id=str(line.account_id) if line.account_id else None,
                months=[
                    BudgetMonth(period=b.period or "", amount=b.amount, notes=b.notes or None)
                    for b in line.budget_balances
                ],
            )
            for line in budget.budget_lines
        ]
        if lines
        else None,
    )


@tool("list_budgets", toolset="budgets", title="List budgets", read_only=True)
async def list_budgets(x: ToolContext, tenant: Tenant = None) -> BudgetList:
    """The organisation's budgets (overall and per tracking option), without their lines."""
    org = await x.org(tenant)
    return BudgetList(budgets=[_view(budget, lines=False) for budget in await org.api.budgets.list()])


@tool("get_budget", toolset="budgets", title="Get a budget", read_only=True)
async def get_budget(
    x: ToolContext,
    budget: Annotated[str, Field(max_length=36, description="Its budget_id (see list_budgets)")],
    date_from: DateFrom = None,
    date_to: DateTo = None,
    tenant: Tenant = None,
) -> BudgetView:
    """A budget's lines: each account's budgeted amount per month, from date_from to date_to (at most 24 months;
    default last, this and next month)."""
    if date_from is not None and date_to is not None:
        if date_from > date_to:
            raise UserInputError(f"date_from: {date_from.isoformat()} is after date_to {date_to.isoformat()}.")
        months = (date_to.year - date_from.year) * 12 + date_to.month - date_from.month + 1
        if months > MAX_MONTHS:
            raise UserInputError(f"date_to: that is {months} months; Xero shows at most {MAX_MONTHS} at a time.")
    try:
        ident = UUID(budget.strip())
    except ValueError:
        raise UserInputError(f"budget: {budget!r} is not a budget ID; see list_budgets.") from None
    org = await x.org(tenant)
    try:
        found = await org.api.budgets.read(ident, date_from=date_from, date_to=date_to)
    except NotFound:
        raise UserInputError(f"budget: no budget has the ID {ident}; see list_budgets.") from None
    return _view(found, lines=True)


@tool("get_budget_summary", toolset="budgets", title="Budget against actual", read_only=True)
async def get_budget_summary(
    x: ToolContext,
    date: Annotated[dt.date | None, Field(description="Month to report (default this month)")] = None,
    periods: Periods = None,
    timeframe: Timeframe = None,
    tenant: Tenant = None,
) -> ReportView:
    """Xero's BudgetSummary report: the overall budget against actual amounts per account, as a table like
    get_report's."""
    if timeframe is not None and periods is None:
        raise UserInputError("timeframe: give periods too (how many periods of that length to compare).")
    org = await x.org(tenant)
    # Xero's BudgetSummary counts its period length in months.
    months: dict[str, Literal[1, 3, 12]] = {"MONTH": 1, "QUARTER": 3, "YEAR": 12}
    report = await org.api.reports.budget_summary(date=date, periods=periods, timeframe=months.get(timeframe or ""))
    return compact_report(report)


TOOLS: tuple[ToolSpec, ...] = (list_budgets, get_budget, get_budget_summary)
