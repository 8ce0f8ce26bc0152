"""Invoices and bills: list, iterate, get, create (one or many), update, email, online link."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Unpack
from uuid import UUID

from xero_mcp.client.models.invoices import Invoice, InvoiceCreate, InvoiceUpdate, OnlineInvoice
from xero_mcp.client.pagination import Page, items_of
from xero_mcp.client.resources._base import Batched, UnitdpFilters, Updatable, query


class InvoiceFilters(UnitdpFilters, total=False):
    """Statuses, IDs, InvoiceNumbers and ContactIDs are Xero's fast list filters; `where` handles the rest."""

    statuses: Sequence[str] | None
    ids: Sequence[UUID | str] | None
    invoice_numbers: Sequence[str] | None
    contact_ids: Sequence[UUID | str] | None
    include_archived: bool | None
    created_by_my_app: bool | None
    summary_only: bool | None
    search_term: str | None


class InvoicesResource(Batched[Invoice, InvoiceCreate], Updatable[Invoice, InvoiceUpdate]):
    """`/Invoices`: sales invoices (ACCREC) and bills (ACCPAY), read with their lines and payments by InvoiceID or
    InvoiceNumber."""

    path = "/Invoices"
    key = "Invoices"
    model = Invoice
    id_name = "invoice_id"
    by_number = True
    filter_type = InvoiceFilters

    def _params(self, filters: InvoiceFilters) -> dict[str, str]:
        return query(
            where=filters.get("where"),
            order=filters.get("order"),
            Statuses=filters.get("statuses"),
            IDs=filters.get("ids"),
            InvoiceNumbers=filters.get("invoice_numbers"),
            ContactIDs=filters.get("contact_ids"),
            includeArchived=filters.get("include_archived"),
            createdByMyApp=filters.get("created_by_my_app"),
            summaryOnly=filters.get("summary_only"),
            searchTerm=filters.get("search_term"),
            unitdp=filters.get("unitdp"),
        )

    async def list(self, *, page: int = 1, page_size: int = 100, **filters: Unpack[InvoiceFilters]) -> Page[Invoice]:
        """One page of invoices and bills matching the filters."""
        return await self._page_of(filters, page=page, page_size=page_size)

    def iterate(self, *, page_size: int = 1000, **filters: Unpack[InvoiceFilters]) -> AsyncIterator[Invoice]:
        """Every matching invoice, fetched 1000 per call."""
        return self._each(filters, page_size=page_size)

    async def email(self, invoice_id: UUID | str, *, idempotency_key: str | None = None) -> None:
        """Have Xero email the invoice to the contact (ACCREC, SUBMITTED/AUTHORISED/PAID; counts against the
        organisation's daily email allowance)."""
        ident = self._ident(invoice_id)
        await self._client.request("POST", f"{self.path}/{ident}/Email", json={}, idempotency_key=idempotency_key)

    async def online_url(self, invoice_id: UUID | str) -> str:
        """The customer-facing link of a sales invoice (not available for DRAFT invoices)."""
        data = await self._get_data(f"{self.path}/{self._ident(invoice_id)}/OnlineInvoice")
        links = [OnlineInvoice.model_validate(item) for item in items_of(data, "OnlineInvoices")]
        if not links or not links[0].online_invoice_url:
            raise ValueError("Xero returned no online invoice link for this invoice")
        return links[0].online_invoice_url

    async def find_by_number(self, invoice_number: str) -> Invoice | None:
        """The invoice or bill with exactly this number, or None (one call, using the InvoiceNumbers filter)."""
        page = await self.list(invoice_numbers=[invoice_number], page_size=10)
        return next((inv for inv in page.items if inv.invoice_number == invoice_number), None)
