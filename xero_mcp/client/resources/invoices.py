"""Invoices and bills: list, iterate, get, create (one or many), update, email, online link."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Sequence
from uuid import UUID

from xero_mcp.client.batching import BatchOutcome
from xero_mcp.client.models.invoices import Invoice, InvoiceCreate, InvoiceUpdate, OnlineInvoice
from xero_mcp.client.pagination import Order, Page, Where, items_of
from xero_mcp.client.resources._base import Resource, query, segment, uuid_segment

PATH = "/Invoices"
KEY = "Invoices"


class InvoicesResource(Resource):
    """`/Invoices`: sales invoices (ACCREC) and bills (ACCPAY)."""

    @staticmethod
    def _params(
        *,
        where: Where | None,
        order: Order | str | None,
        statuses: Sequence[str] | None,
        ids: Sequence[UUID | str] | None,
        invoice_numbers: Sequence[str] | None,
        contact_ids: Sequence[UUID | str] | None,
        include_archived: bool | None,
        created_by_my_app: bool | None,
        summary_only: bool | None,
        search_term: str | None,
        unitdp: int | None,
    ) -> dict[str, str]:
        return query(
            where=where,
            order=order,
            Statuses=statuses,
            IDs=ids,
            InvoiceNumbers=invoice_numbers,
            ContactIDs=contact_ids,
            includeArchived=include_archived,
            createdByMyApp=created_by_my_app,
            summaryOnly=summary_only,
            searchTerm=search_term,
            unitdp=unitdp,
        )

    async def list(
        self,
        *,
        where: Where | None = None,
        order: Order | str | None = None,
        statuses: Sequence[str] | None = None,
        ids: Sequence[UUID | str] | None = None,
        invoice_numbers: Sequence[str] | None = None,
        contact_ids: Sequence[UUID | str] | None = None,
        include_archived: bool | None = None,
        created_by_my_app: bool | None = None,
        summary_only: bool | None = None,
        search_term: str | None = None,
        unitdp: int | None = None,
        if_modified_since: dt.datetime | None = None,
        page: int = 1,
        page_size: int = 100,
    ) -> Page[Invoice]:
        """One page of invoices and bills matching the filters (Statuses, IDs, InvoiceNumbers, ContactIDs are
        Xero's fast list filters; `where` handles the rest)."""
        params = self._params(
            where=where,
            order=order,
            statuses=statuses,
            ids=ids,
            invoice_numbers=invoice_numbers,
            contact_ids=contact_ids,
            include_archived=include_archived,
            created_by_my_app=created_by_my_app,
            summary_only=summary_only,
            search_term=search_term,
            unitdp=unitdp,
        )
        return await self._page(
            PATH, KEY, Invoice, params, page=page, page_size=page_size, if_modified_since=if_modified_since
        )

    def iterate(
        self,
        *,
        where: Where | None = None,
        order: Order | str | None = None,
        statuses: Sequence[str] | None = None,
        ids: Sequence[UUID | str] | None = None,
        invoice_numbers: Sequence[str] | None = None,
        contact_ids: Sequence[UUID | str] | None = None,
        include_archived: bool | None = None,
        created_by_my_app: bool | None = None,
        summary_only: bool | None = None,
        search_term: str | None = None,
        unitdp: int | None = None,
        if_modified_since: dt.datetime | None = None,
        page_size: int = 1000,
    ) -> AsyncIterator[Invoice]:
        """Every matching invoice, fetched 1000 per call."""
        params = self._params(
            where=where,
            order=order,
            statuses=statuses,
            ids=ids,
            invoice_numbers=invoice_numbers,
            contact_ids=contact_ids,
            include_archived=include_archived,
            created_by_my_app=created_by_my_app,
            summary_only=summary_only,
            search_term=search_term,
            unitdp=unitdp,
        )
        return self._iterate(PATH, KEY, Invoice, params, if_modified_since=if_modified_since, page_size=page_size)

    async def get(self, id_or_number: UUID | str) -> Invoice:
        """One invoice or bill, with its lines and payments, by InvoiceID or InvoiceNumber. Raises NotFound."""
        return await self._one(f"{PATH}/{segment(id_or_number)}", KEY, Invoice)

    async def create(self, invoice: InvoiceCreate, *, idempotency_key: str | None = None) -> Invoice:
        """Create one invoice or bill (PUT). Raises ValidationError with Xero's messages when refused."""
        return await self._write_one(
            "PUT",
            PATH,
            KEY,
            invoice.to_xero(),
            Invoice,
            idempotency_key=idempotency_key,
            params={"summarizeErrors": "true"},
        )

    async def create_many(
        self, invoices: Sequence[InvoiceCreate], *, idempotency_key: str | None = None
    ) -> list[BatchOutcome[Invoice]]:
        """Create many invoices or bills, 50 per call; one outcome per input, in order."""
        return await self._create_many(PATH, KEY, invoices, Invoice, idempotency_key=idempotency_key)

    async def update(
        self, invoice_id: UUID | str, changes: InvoiceUpdate, *, idempotency_key: str | None = None
    ) -> Invoice:
        """Change an invoice or bill (POST /Invoices/{id}); only the fields set in `changes` are sent."""
        ident = uuid_segment(invoice_id, "invoice_id")
        body = {"InvoiceID": ident, **changes.to_xero()}
        return await self._write_one("POST", f"{PATH}/{ident}", KEY, body, Invoice, idempotency_key=idempotency_key)

    async def email(self, invoice_id: UUID | str, *, idempotency_key: str | None = None) -> None:
        """Have Xero email the invoice to the contact (ACCREC, SUBMITTED/AUTHORISED/PAID; counts against the
        organisation's daily email allowance)."""
        ident = uuid_segment(invoice_id, "invoice_id")
        await self._client.request("POST", f"{PATH}/{ident}/Email", json={}, idempotency_key=idempotency_key)

    async def online_url(self, invoice_id: UUID | str) -> str:
        """The customer-facing link of a sales invoice (not available for DRAFT invoices)."""
        ident = uuid_segment(invoice_id, "invoice_id")
        data = await self._get_data(f"{PATH}/{ident}/OnlineInvoice")
        links = [OnlineInvoice.model_validate(item) for item in items_of(data, "OnlineInvoices")]
        if not links or not links[0].online_invoice_url:
            raise ValueError("Xero returned no online invoice link for this invoice")
        return links[0].online_invoice_url

    async def find_by_number(self, invoice_number: str) -> Invoice | None:
        """The invoice or bill with exactly this number, or None (one call, using the InvoiceNumbers filter)."""
        page = await self.list(invoice_numbers=[invoice_number], page_size=10)
        return next((inv for inv in page.items if inv.invoice_number == invoice_number), None)
