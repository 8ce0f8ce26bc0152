"""Payments."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Sequence
from uuid import UUID

from xero_mcp.client.batching import BatchOutcome
from xero_mcp.client.models.payments import Payment, PaymentCreate
from xero_mcp.client.pagination import Order, Page, Where, items_of
from xero_mcp.client.resources._base import Resource, query, uuid_segment

PATH = "/Payments"
KEY = "Payments"


class PaymentsResource(Resource):
    """`/Payments`: payments cannot be changed, only created and deleted."""

    async def list(
        self,
        *,
        where: Where | None = None,
        order: Order | str | None = None,
        if_modified_since: dt.datetime | None = None,
        page: int = 1,
        page_size: int = 100,
    ) -> Page[Payment]:
        """One page of payments."""
        params = query(where=where, order=order)
        return await self._page(
            PATH, KEY, Payment, params, page=page, page_size=page_size, if_modified_since=if_modified_since
        )

    def iterate(
        self,
        *,
        where: Where | None = None,
        order: Order | str | None = None,
        if_modified_since: dt.datetime | None = None,
        page_size: int = 1000,
    ) -> AsyncIterator[Payment]:
        """Every matching payment, fetched 1000 per call."""
        params = query(where=where, order=order)
        return self._iterate(PATH, KEY, Payment, params, if_modified_since=if_modified_since, page_size=page_size)

    async def get(self, payment_id: UUID | str) -> Payment:
        """One payment. Raises NotFound."""
        return await self._one(f"{PATH}/{uuid_segment(payment_id, 'payment_id')}", KEY, Payment)

    async def create(self, payment: PaymentCreate, *, idempotency_key: str | None = None) -> Payment:
        """Record one payment (the invoice must be AUTHORISED; the amount at most what is due)."""
        return await self._write_one(
            "PUT",
            PATH,
            KEY,
            payment.to_xero(),
            Payment,
            idempotency_key=idempotency_key,
            params={"summarizeErrors": "true"},
        )

    async def create_many(
        self, payments: Sequence[PaymentCreate], *, idempotency_key: str | None = None
    ) -> list[BatchOutcome[Payment]]:
        """Record many payments, 50 per call; one outcome per input, in order."""
        return await self._create_many(PATH, KEY, payments, Payment, idempotency_key=idempotency_key)

    async def delete(self, payment_id: UUID | str, *, idempotency_key: str | None = None) -> Payment:
        """Delete (reverse) a payment: the invoice becomes AUTHORISED again with its amount due restored."""
        ident = uuid_segment(payment_id, "payment_id")
        response = await self._client.request(
            "POST", f"{PATH}/{ident}", json={"Status": "DELETED"}, idempotency_key=idempotency_key
        )
        items = items_of(response.data, KEY)
        return Payment.model_validate(items[0]) if items else Payment(payment_id=UUID(ident), status="DELETED")
