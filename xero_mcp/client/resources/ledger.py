"""Journals, repeating invoices, batch payments and budgets."""

from __future__ import annotations

import datetime as dt
from typing import Unpack
from uuid import UUID

from xero_mcp.client.models.ledger import (
    BatchPayment,
    BatchPaymentCreate,
    Budget,
    Journal,
    RepeatingInvoice,
    RepeatingInvoiceCreate,
)
from xero_mcp.client.resources._base import (
    Batched,
    C,
    Collection,
    ListFilters,
    M,
    Resource,
    WhereFilters,
    date_param,
    query,
    segment,
)

JOURNALS_PER_CALL = 100
"""Xero returns at most 100 journals a call, those numbered above `offset`."""


class JournalsResource(Resource):
    """`/Journals`: the general ledger's numbered entries, read in number order from an offset."""

    async def list(
        self,
        *,
        offset: int | None = None,
        payments_only: bool | None = None,
        if_modified_since: dt.datetime | None = None,
    ) -> list[Journal]:
        """Up to 100 journals numbered above `offset`, in number order (the cash-basis series with payments_only)."""
        params = query(offset=offset, paymentsOnly=payments_only)
        return await self._list("/Journals", "Journals", Journal, params, if_modified_since)

    async def get(self, journal: UUID | str | int) -> Journal:
        """One journal by its JournalID or JournalNumber."""
        return await self._one(f"/Journals/{segment(str(journal))}", "Journals", Journal)


class _Unpaged(Batched[M, C]):
    """A collection Xero lists whole (no paging), created one record (or 50) at a time."""

    async def list(self, **filters: Unpack[WhereFilters]) -> list[M]:
        """Every matching record."""
        return await self._all(filters)


class RepeatingInvoicesResource(_Unpaged[RepeatingInvoice, RepeatingInvoiceCreate]):
    """`/RepeatingInvoices`: templates whose schedule makes invoices or bills."""

    path = "/RepeatingInvoices"
    key = "RepeatingInvoices"
    model = RepeatingInvoice
    id_name = "repeating_invoice_id"


class BatchPaymentsResource(_Unpaged[BatchPayment, BatchPaymentCreate]):
    """`/BatchPayments`: several invoices or bills paid by one bank line, deleted only as a whole."""

    path = "/BatchPayments"
    key = "BatchPayments"
    model = BatchPayment
    id_name = "batch_payment_id"

    async def delete(self, batch_payment_id: UUID | str, *, idempotency_key: str | None = None) -> BatchPayment:
        """Delete a batch and every payment in it (the invoices get their amounts back)."""
        return await self._delete_by_status(batch_payment_id, idempotency_key=idempotency_key)


class BudgetFilters(ListFilters, total=False):
    """The months a budget's lines show: DateFrom to DateTo (Xero's default: last, this and next month)."""

    date_from: dt.date | None
    date_to: dt.date | None


class BudgetsResource(Collection[Budget]):
    """`/Budgets`: read-only; a budget's lines come only when it is read on its own."""

    path = "/Budgets"
    key = "Budgets"
    model = Budget
    id_name = "budget_id"
    filter_type = BudgetFilters

    def _params(self, filters: BudgetFilters) -> dict[str, str]:
        return query(DateFrom=date_param(filters.get("date_from")), DateTo=date_param(filters.get("date_to")))

    async def list(self) -> list[Budget]:
        """Every budget, without lines."""
        return await self._all({})

    async def read(self, budget_id: UUID | str, **filters: Unpack[BudgetFilters]) -> Budget:
        """One budget with its lines for the months asked (at most 24)."""
        return await self._one(f"{self.path}/{self._ident(budget_id)}", self.key, Budget, self._query(filters))
