"""Purchase orders."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Sequence
from uuid import UUID

from xero_mcp.client.batching import BatchOutcome
from xero_mcp.client.models.purchase_orders import PurchaseOrder, PurchaseOrderCreate, PurchaseOrderUpdate
from xero_mcp.client.pagination import Order, Page
from xero_mcp.client.resources._base import Resource, date_param, query, segment, uuid_segment

PATH = "/PurchaseOrders"
KEY = "PurchaseOrders"


class PurchaseOrdersResource(Resource):
    """`/PurchaseOrders` (filters: status and date range; purchase orders take no `where`)."""

    async def list(
        self,
        *,
        status: str | None = None,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        order: Order | str | None = None,
        if_modified_since: dt.datetime | None = None,
        page: int = 1,
        page_size: int = 100,
    ) -> Page[PurchaseOrder]:
        """One page of purchase orders."""
        params = query(order=order, Status=status, DateFrom=date_param(date_from), DateTo=date_param(date_to))
        return await self._page(
            PATH, KEY, PurchaseOrder, params, page=page, page_size=page_size, if_modified_since=if_modified_since
        )

    def iterate(
        self,
        *,
        status: str | None = None,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        order: Order | str | None = None,
        if_modified_since: dt.datetime | None = None,
        page_size: int = 1000,
    ) -> AsyncIterator[PurchaseOrder]:
        """Every matching purchase order, fetched 1000 per call."""
        params = query(order=order, Status=status, DateFrom=date_param(date_from), DateTo=date_param(date_to))
        return self._iterate(PATH, KEY, PurchaseOrder, params, if_modified_since=if_modified_since, page_size=page_size)

    async def get(self, id_or_number: UUID | str) -> PurchaseOrder:
        """One purchase order by PurchaseOrderID or PurchaseOrderNumber. Raises NotFound."""
        return await self._one(f"{PATH}/{segment(id_or_number)}", KEY, PurchaseOrder)

    async def create(self, order: PurchaseOrderCreate, *, idempotency_key: str | None = None) -> PurchaseOrder:
        """Create one purchase order."""
        return await self._write_one(
            "PUT",
            PATH,
            KEY,
            order.to_xero(),
            PurchaseOrder,
            idempotency_key=idempotency_key,
            params={"summarizeErrors": "true"},
        )

    async def create_many(
        self, orders: Sequence[PurchaseOrderCreate], *, idempotency_key: str | None = None
    ) -> list[BatchOutcome[PurchaseOrder]]:
        """Create many purchase orders, 50 per call; one outcome per input, in order."""
        return await self._create_many(PATH, KEY, orders, PurchaseOrder, idempotency_key=idempotency_key)

    async def update(
        self, purchase_order_id: UUID | str, changes: PurchaseOrderUpdate, *, idempotency_key: str | None = None
    ) -> PurchaseOrder:
        """Change a purchase order; only the fields set in `changes` are sent."""
        ident = uuid_segment(purchase_order_id, "purchase_order_id")
        body = {"PurchaseOrderID": ident, **changes.to_xero()}
        return await self._write_one(
            "POST", f"{PATH}/{ident}", KEY, body, PurchaseOrder, idempotency_key=idempotency_key
        )
