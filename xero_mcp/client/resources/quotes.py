"""Quotes."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Sequence
from uuid import UUID

from xero_mcp.client.batching import BatchOutcome
from xero_mcp.client.models.quotes import Quote, QuoteCreate, QuoteUpdate
from xero_mcp.client.pagination import Order, Page
from xero_mcp.client.resources._base import Resource, date_param, query, uuid_segment

PATH = "/Quotes"
KEY = "Quotes"


def _params(
    *,
    order: Order | str | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
    expiry_date_from: dt.date | None,
    expiry_date_to: dt.date | None,
    contact_id: UUID | str | None,
    status: str | None,
    quote_number: str | None,
) -> dict[str, str]:
    return query(
        order=order,
        DateFrom=date_param(date_from),
        DateTo=date_param(date_to),
        ExpiryDateFrom=date_param(expiry_date_from),
        ExpiryDateTo=date_param(expiry_date_to),
        ContactID=uuid_segment(contact_id, "contact_id") if contact_id is not None else None,
        Status=status,
        QuoteNumber=quote_number,
    )


class QuotesResource(Resource):
    """`/Quotes` (filters are Xero's quote parameters; quotes take no `where`)."""

    async def list(
        self,
        *,
        order: Order | str | None = None,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        expiry_date_from: dt.date | None = None,
        expiry_date_to: dt.date | None = None,
        contact_id: UUID | str | None = None,
        status: str | None = None,
        quote_number: str | None = None,
        if_modified_since: dt.datetime | None = None,
        page: int = 1,
        page_size: int = 100,
    ) -> Page[Quote]:
        """One page of quotes. `quote_number` matches partially (Xero's rule)."""
        params = _params(
            order=order,
            date_from=date_from,
            date_to=date_to,
            expiry_date_from=expiry_date_from,
            expiry_date_to=expiry_date_to,
            contact_id=contact_id,
            status=status,
            quote_number=quote_number,
        )
        return await self._page(
            PATH, KEY, Quote, params, page=page, page_size=page_size, if_modified_since=if_modified_since
        )

    def iterate(
        self,
        *,
        order: Order | str | None = None,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        expiry_date_from: dt.date | None = None,
        expiry_date_to: dt.date | None = None,
        contact_id: UUID | str | None = None,
        status: str | None = None,
        quote_number: str | None = None,
        if_modified_since: dt.datetime | None = None,
        page_size: int = 1000,
    ) -> AsyncIterator[Quote]:
        """Every matching quote, fetched 1000 per call."""
        params = _params(
            order=order,
            date_from=date_from,
            date_to=date_to,
            expiry_date_from=expiry_date_from,
            expiry_date_to=expiry_date_to,
            contact_id=contact_id,
            status=status,
            quote_number=quote_number,
        )
        return self._iterate(PATH, KEY, Quote, params, if_modified_since=if_modified_since, page_size=page_size)

    async def get(self, quote_id: UUID | str) -> Quote:
        """One quote by QuoteID. Raises NotFound."""
        return await self._one(f"{PATH}/{uuid_segment(quote_id, 'quote_id')}", KEY, Quote)

    async def create(self, quote: QuoteCreate, *, idempotency_key: str | None = None) -> Quote:
        """Create one quote."""
        return await self._write_one(
            "PUT",
            PATH,
            KEY,
            quote.to_xero(),
            Quote,
            idempotency_key=idempotency_key,
            params={"summarizeErrors": "true"},
        )

    async def create_many(
        self, quotes: Sequence[QuoteCreate], *, idempotency_key: str | None = None
    ) -> list[BatchOutcome[Quote]]:
        """Create many quotes, 50 per call; one outcome per input, in order."""
        return await self._create_many(PATH, KEY, quotes, Quote, idempotency_key=idempotency_key)

    async def update(
        self,
        quote_id: UUID | str,
        changes: QuoteUpdate,
        *,
        idempotency_key: str | None = None,
        current: Quote | None = None,
    ) -> Quote:
        """Change a quote (status moves follow Xero's rules: DRAFT -> SENT -> ACCEPTED/DECLINED -> INVOICED).

        Xero's update needs Contact and Date; when `changes` leaves them out they are copied from `current` (the
        quote as last read; read here, costing one call, when not given).
        """
        ident = uuid_segment(quote_id, "quote_id")
        body = {"QuoteID": ident, **changes.to_xero()}
        if "Contact" not in body or "Date" not in body:
            if current is None:
                current = await self.get(ident)
            if "Contact" not in body and current.contact is not None and current.contact.contact_id is not None:
                body["Contact"] = {"ContactID": str(current.contact.contact_id)}
            if "Date" not in body and current.date is not None:
                body["Date"] = current.date
        return await self._write_one("POST", f"{PATH}/{ident}", KEY, body, Quote, idempotency_key=idempotency_key)
