"""Quotes."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any, Unpack
from uuid import UUID

from xero_mcp.client.models.quotes import Quote, QuoteCreate, QuoteUpdate
from xero_mcp.client.pagination import Page
from xero_mcp.client.resources._base import Batched, ListFilters, Updatable, date_param, query, uuid_segment


class QuoteFilters(ListFilters, total=False):
    """Xero's quote parameters (quotes take no `where`); `quote_number` matches partially (Xero's rule)."""

    date_from: dt.date | None
    date_to: dt.date | None
    expiry_date_from: dt.date | None
    expiry_date_to: dt.date | None
    contact_id: UUID | str | None
    status: str | None
    quote_number: str | None


class QuotesResource(Batched[Quote, QuoteCreate], Updatable[Quote, QuoteUpdate]):
    """`/Quotes`: status moves follow Xero's rules (DRAFT -> SENT -> ACCEPTED/DECLINED -> INVOICED)."""

    path = "/Quotes"
    key = "Quotes"
    model = Quote
    id_name = "quote_id"
    filter_type = QuoteFilters
    # Xero's update needs Contact and Date even when they do not change.
    update_needs = frozenset({"Contact", "Date"})

    def _carried(self, current: Quote) -> dict[str, Any]:
        contact = current.contact
        contact_ref = None
        if contact is not None and contact.contact_id is not None:
            contact_ref = {"ContactID": str(contact.contact_id)}
        return {"Contact": contact_ref, "Date": current.date}

    def _params(self, filters: QuoteFilters) -> dict[str, str]:
        contact_id = filters.get("contact_id")
        return query(
            order=filters.get("order"),
            DateFrom=date_param(filters.get("date_from")),
            DateTo=date_param(filters.get("date_to")),
            ExpiryDateFrom=date_param(filters.get("expiry_date_from")),
            ExpiryDateTo=date_param(filters.get("expiry_date_to")),
            ContactID=uuid_segment(contact_id, "contact_id") if contact_id is not None else None,
            Status=filters.get("status"),
            QuoteNumber=filters.get("quote_number"),
        )

    async def list(self, *, page: int = 1, page_size: int = 100, **filters: Unpack[QuoteFilters]) -> Page[Quote]:
        """One page of quotes."""
        return await self._page_of(filters, page=page, page_size=page_size)

    def iterate(self, *, page_size: int = 1000, **filters: Unpack[QuoteFilters]) -> AsyncIterator[Quote]:
        """Every matching quote, fetched 1000 per call."""
        return self._each(filters, page_size=page_size)
