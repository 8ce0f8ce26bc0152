"""Purchase orders."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Unpack

from xero_mcp.client.models.purchase_orders import PurchaseOrder, PurchaseOrderCreate, PurchaseOrderUpdate
from xero_mcp.client.pagination import Page
from xero_mcp.client.resources._base import Batched, ListFilters, Updatable, date_param, query


class PurchaseOrderFilters(ListFilters, total=False):
    """A status and a date range (purchase orders take no `where`)."""

    status: str | None
    date_from: dt.date | None
    date_to: dt.date | None


class PurchaseOrdersResource(
    Batched[PurchaseOrder, PurchaseOrderCreate], Updatable[PurchaseOrder, PurchaseOrderUpdate]
):
    """`/PurchaseOrders`, read by PurchaseOrderID or PurchaseOrderNumber."""

    path = "/PurchaseOrders"
    key = "PurchaseOrders"
    model = PurchaseOrder
    id_name = "purchase_order_id"
    by_number = True
    filter_type = PurchaseOrderFilters

    def _params(self, filters: PurchaseOrderFilters) -> dict[str, str]:
        return query(
            order=filters.get("order"),
            Status=filters.get("status"),
            DateFrom=date_param(filters.get("date_from")),
            DateTo=date_param(filters.get("date_to")),
        )

    async def list(
        self, *, page: int = 1, page_size: int = 100, **filters: Unpack[PurchaseOrderFilters]
    ) -> Page[PurchaseOrder]:
        """One page of purchase orders."""
        return await self._page_of(filters, page=page, page_size=page_size)

    def iterate(
        self, *, page_size: int = 1000, **filters: Unpack[PurchaseOrderFilters]
    ) -> AsyncIterator[PurchaseOrder]:
        """Every matching purchase order, fetched 1000 per call."""
        return self._each(filters, page_size=page_size)
