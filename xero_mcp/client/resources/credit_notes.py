"""Credit notes and their allocations."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Unpack
from uuid import UUID

from xero_mcp.client.models.credit_notes import (
    Allocation,
    AllocationCreate,
    CreditNote,
    CreditNoteCreate,
    CreditNoteUpdate,
)
from xero_mcp.client.pagination import Page, items_of
from xero_mcp.client.resources._base import (
    SUMMARIZE_ERRORS,
    Batched,
    UnitdpFilters,
    Updatable,
    uuid_segment,
)


class CreditNotesResource(Batched[CreditNote, CreditNoteCreate], Updatable[CreditNote, CreditNoteUpdate]):
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

    async def allocate(
        self, credit_note_id: UUID | str, allocation: AllocationCreate, *, idempotency_key: str | None = None
    ) -> Allocation:
        """Apply part of an AUTHORISED credit note to an outstanding invoice of the same contact."""
        return await self._write_one(
            "PUT",
            f"{self.path}/{self._ident(credit_note_id)}/Allocations",
            "Allocations",
            allocation.to_xero(),
            Allocation,
            idempotency_key=idempotency_key,
            params=SUMMARIZE_ERRORS,
        )

    async def delete_allocation(self, credit_note_id: UUID | str, allocation_id: UUID | str) -> Allocation | None:
        """Undo an allocation; returns the allocation marked deleted when Xero sends it back."""
        ident = self._ident(credit_note_id)
        allocation = uuid_segment(allocation_id, "allocation_id")
        response = await self._client.request("DELETE", f"{self.path}/{ident}/Allocations/{allocation}")
        if isinstance(response.data, dict) and "Allocations" not in response.data:
            return Allocation.model_validate(response.data)
        items = items_of(response.data, "Allocations")
        return Allocation.model_validate(items[0]) if items else None
