"""Payments."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Unpack
from uuid import UUID

from xero_mcp.client.models.payments import Payment, PaymentCreate
from xero_mcp.client.pagination import Page
from xero_mcp.client.resources._base import Batched, WhereFilters


class PaymentsResource(Batched[Payment, PaymentCreate]):
    """`/Payments`: payments cannot be changed, only created and deleted.

    A payment is recorded on an AUTHORISED invoice or bill, for at most what is due.
    """

    path = "/Payments"
    key = "Payments"
    model = Payment
    id_name = "payment_id"

    async def list(self, *, page: int = 1, page_size: int = 100, **filters: Unpack[WhereFilters]) -> Page[Payment]:
        """One page of payments."""
        return await self._page_of(filters, page=page, page_size=page_size)

    def iterate(self, *, page_size: int = 1000, **filters: Unpack[WhereFilters]) -> AsyncIterator[Payment]:
        """Every matching payment, fetched 1000 per call."""
        return self._each(filters, page_size=page_size)

    async def delete(self, payment_id: UUID | str, *, idempotency_key: str | None = None) -> Payment:
        """Delete (reverse) a payment: the invoice becomes AUTHORISED again with its amount due restored."""
        return await self._delete_by_status(payment_id, idempotency_key=idempotency_key)
