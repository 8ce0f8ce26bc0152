"""Reports, with the parameters each one takes."""

from __future__ import annotations

import datetime as dt
from typing import Literal
from uuid import UUID

from xero_mcp.client.models.reports import Report
from xero_mcp.client.resources._base import Resource, date_param, query, segment, uuid_segment

Timeframe = Literal["MONTH", "QUARTER", "YEAR"]


def _periods(periods: int | None) -> int | None:
    if periods is not None and not 1 <= periods <= 12:
        raise ValueError("periods must be between 1 and 12")
    return periods


def _id(value: UUID | str | None, what: str) -> str | None:
    return uuid_segment(value, what) if value is not None else None


class ReportsResource(Resource):
    """`/Reports/*`: each report as rows of cells (amounts arrive as text in the cells)."""

    async def _report(self, name: str, params: dict[str, str]) -> Report:
        return await self._one(f"/Reports/{name}", "Reports", Report, params)

    async def profit_and_loss(
        self,
        *,
        from_date: dt.date | None = None,
        to_date: dt.date | None = None,
        periods: int | None = None,
        timeframe: Timeframe | None = None,
        tracking_category_id: UUID | str | None = None,
        tracking_category_id2: UUID | str | None = None,
        tracking_option_id: UUID | str | None = None,
        tracking_option_id2: UUID | str | None = None,
        standard_layout: bool | None = None,
        payments_only: bool | None = None,
    ) -> Report:
        """Profit and loss for a date range, optionally compared over `periods` earlier periods and by tracking."""
        return await self._report(
            "ProfitAndLoss",
            query(
                fromDate=date_param(from_date),
                toDate=date_param(to_date),
                periods=_periods(periods),
                timeframe=timeframe,
                trackingCategoryID=_id(tracking_category_id, "tracking_category_id"),
                trackingCategoryID2=_id(tracking_category_id2, "tracking_category_id2"),
                trackingOptionID=_id(tracking_option_id, "tracking_option_id"),
                trackingOptionID2=_id(tracking_option_id2, "tracking_option_id2"),
                standardLayout=standard_layout,
                paymentsOnly=payments_only,
            ),
        )

    async def balance_sheet(
        self,
        *,
        date: dt.date | None = None,
        periods: int | None = None,
        timeframe: Timeframe | None = None,
        tracking_option_id1: UUID | str | None = None,
        tracking_option_id2: UUID | str | None = None,
        standard_layout: bool | None = None,
        payments_only: bool | None = None,
    ) -> Report:
        """The balance sheet at a date, optionally compared over earlier periods."""
        return await self._report(
            "BalanceSheet",
            query(
                date=date_param(date),
                periods=_periods(periods),
                timeframe=timeframe,
                trackingOptionID1=_id(tracking_option_id1, "tracking_option_id1"),
                trackingOptionID2=_id(tracking_option_id2, "tracking_option_id2"),
                standardLayout=standard_layout,
                paymentsOnly=payments_only,
            ),
        )

    async def trial_balance(self, *, date: dt.date | None = None, payments_only: bool | None = None) -> Report:
        """The trial balance at a date."""
        return await self._report("TrialBalance", query(date=date_param(date), paymentsOnly=payments_only))

    async def aged_receivables(
        self,
        contact_id: UUID | str,
        *,
        date: dt.date | None = None,
        from_date: dt.date | None = None,
        to_date: dt.date | None = None,
    ) -> Report:
        """What one customer owes, by age."""
        return await self._aged("AgedReceivablesByContact", contact_id, date, from_date, to_date)

    async def aged_payables(
        self,
        contact_id: UUID | str,
        *,
        date: dt.date | None = None,
        from_date: dt.date | None = None,
        to_date: dt.date | None = None,
    ) -> Report:
        """What the organisation owes one supplier, by age."""
        return await self._aged("AgedPayablesByContact", contact_id, date, from_date, to_date)

    async def _aged(
        self, name: str, contact_id: UUID | str, date: dt.date | None, start: dt.date | None, end: dt.date | None
    ) -> Report:
        params = query(
            contactId=uuid_segment(contact_id, "contact_id"),
            date=date_param(date),
            fromDate=date_param(start),
            toDate=date_param(end),
        )
        return await self._report(name, params)

    async def bank_summary(self, *, from_date: dt.date | None = None, to_date: dt.date | None = None) -> Report:
        """Opening and closing balances and cash movement of each bank account."""
        return await self._report("BankSummary", query(fromDate=date_param(from_date), toDate=date_param(to_date)))

    async def budget_summary(
        self, *, date: dt.date | None = None, periods: int | None = None, timeframe: Literal[1, 3, 12] | None = None
    ) -> Report:
        """Budgeted against actual; `timeframe` is the period length in months (1, 3 or 12)."""
        return await self._report(
            "BudgetSummary", query(date=date_param(date), periods=_periods(periods), timeframe=timeframe)
        )

    async def executive_summary(self, *, date: dt.date | None = None) -> Report:
        """Key figures for the month of `date`."""
        return await self._report("ExecutiveSummary", query(date=date_param(date)))

    async def by_id(self, report_id: str) -> Report:
        """A published report (such as a GST or BAS return) by its ReportID."""
        return await self._report(segment(report_id), {})
