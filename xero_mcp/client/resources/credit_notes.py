"""Credit notes and their allocations."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Unpack

from xero_mcp.client.models.credit_notes import CreditNote, CreditNoteCreate, CreditNoteUpdate
from xero_mcp.client.pagination import Page
from xero_mcp.client.resources._base import Allocatable, Batched, UnitdpFilters, Updatable


class CreditNotesResource(
    Batched[CreditNote, CreditNoteCreate], Updatable[CreditNote, CreditNoteUpdate], Allocatable[CreditNote]
):
    """`/CreditNotes`: credits for customers (ACCRECCREDIT) and from suppliers (ACCPAYCREDIT), read by CreditNoteID
    or CreditNoteNumber; update to AUTHORISED to allocate one, VOIDED or DELETED to cancel it."""

    path = "/CreditNotes"
    key = "CreditNotes"
    model = CreditNote
    id_name = "credit_note_id"
    by_number = True
    filter_type = UnitdpFilters

    async def list(self, *, page: int = 1, page_size: int = 100, **filters: Unpack[UnitdpFilters]) -> Page[CreditNote]:
        """One page of credit notes."""
        return await self._page_of(filters, page=page, page_size=page_size)

    def iterate(self, *, page_size: int = 1000, **filters: Unpack[UnitdpFilters]) -> AsyncIterator[CreditNote]:
        """Every matching credit note, fetched 1000 per call."""
        return self._each(filters, page_size=page_size)
