"""Prepayments and overpayments: read, listed a page at a time, and allocated to invoices (refunds are payments)."""

from __future__ import annotations

from typing import Unpack

from xero_mcp.client.models.prepayments import Overpayment, Prepayment
from xero_mcp.client.pagination import Page
from xero_mcp.client.resources._base import Allocatable, M, UnitdpFilters


class _Credits(Allocatable[M]):
    """A paged collection of credits made by bank transactions, read by ID and allocated to invoices."""

    filter_type = UnitdpFilters

    async def list(self, *, page: int = 1, page_size: int = 100, **filters: Unpack[UnitdpFilters]) -> Page[M]:
        """One page of records."""
        return await self._page_of(filters, page=page, page_size=page_size)


class PrepaymentsResource(_Credits[Prepayment]):
    """`/Prepayments`: money received or paid before its invoice (RECEIVE-/SPEND-PREPAYMENT), read by PrepaymentID."""

    path = "/Prepayments"
    key = "Prepayments"
    model = Prepayment
    id_name = "prepayment_id"


class OverpaymentsResource(_Credits[Overpayment]):
    """`/Overpayments`: money received or paid beyond what was owed (RECEIVE-/SPEND-OVERPAYMENT), read by
    OverpaymentID."""

    path = "/Overpayments"
    key = "Overpayments"
    model = Overpayment
    id_name = "overpayment_id"
