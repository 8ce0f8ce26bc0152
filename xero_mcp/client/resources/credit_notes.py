"""Credit notes and their allocations."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Sequence
from uuid import UUID

from xero_mcp.client.batching import BatchOutcome
from xero_mcp.client.models.credit_notes import (
    Allocation,
    AllocationCreate,
    CreditNote,
    CreditNoteCreate,
    CreditNoteUpdate,
)
from xero_mcp.client.pagination import Order, Page, Where, items_of
from xero_mcp.client.resources._base import Resource, query, segment, uuid_segment

PATH = "/CreditNotes"
KEY = "CreditNotes"


class CreditNotesResource(Resource):
    """`/CreditNotes`: credits for customers (ACCRECCREDIT) and from suppliers (ACCPAYCREDIT)."""

    async def list(
        self,
        *,
        where: Where | None = None,
        order: Order | str | None = None,
        unitdp: int | None = None,
        if_modified_since: dt.datetime | None = None,
        page: int = 1,
        page_size: int = 100,
    ) -> Page[CreditNote]:
        """One page of credit notes."""
        params = query(where=where, order=order, unitdp=unitdp)
        return await self._page(
            PATH, KEY, CreditNote, params, page=page, page_size=page_size, if_modified_since=if_modified_since
        )

    def iterate(
        self,
        *,
        where: Where | None = None,
        order: Order | str | None = None,
        unitdp: int | None = None,
        if_modified_since: dt.datetime | None = None,
        page_size: int = 1000,
    ) -> AsyncIterator[CreditNote]:
        """Every matching credit note, fetched 1000 per call."""
        params = query(where=where, order=order, unitdp=unitdp)
        return self._iterate(PATH, KEY, CreditNote, params, if_modified_since=if_modified_since, page_size=page_size)

    async def get(self, id_or_number: UUID | str) -> CreditNote:
        """One credit note by CreditNoteID or CreditNoteNumber. Raises NotFound."""
        return await self._one(f"{PATH}/{segment(id_or_number)}", KEY, CreditNote)

    async def create(self, credit_note: CreditNoteCreate, *, idempotency_key: str | None = None) -> CreditNote:
        """Create one credit note."""
        return await self._write_one(
            "PUT",
            PATH,
            KEY,
            credit_note.to_xero(),
            CreditNote,
            idempotency_key=idempotency_key,
            params={"summarizeErrors": "true"},
        )

    async def create_many(
        self, credit_notes: Sequence[CreditNoteCreate], *, idempotency_key: str | None = None
    ) -> list[BatchOutcome[CreditNote]]:
        """Create many credit notes, 50 per call; one outcome per input, in order."""
        return await self._create_many(PATH, KEY, credit_notes, CreditNote, idempotency_key=idempotency_key)

    async def update(
        self, credit_note_id: UUID | str, changes: CreditNoteUpdate, *, idempotency_key: str | None = None
    ) -> CreditNote:
        """Change a credit note (AUTHORISED to allocate it, VOIDED or DELETED to cancel it)."""
        ident = uuid_segment(credit_note_id, "credit_note_id")
        body = {"CreditNoteID": ident, **changes.to_xero()}
        return await self._write_one("POST", f"{PATH}/{ident}", KEY, body, CreditNote, idempotency_key=idempotency_key)

    async def allocate(
        self, credit_note_id: UUID | str, allocation: AllocationCreate, *, idempotency_key: str | None = None
    ) -> Allocation:
        """Apply part of an AUTHORISED credit note to an outstanding invoice of the same contact."""
        ident = uuid_segment(credit_note_id, "credit_note_id")
        return await self._write_one(
            "PUT",
            f"{PATH}/{ident}/Allocations",
            "Allocations",
            allocation.to_xero(),
            Allocation,
            idempotency_key=idempotency_key,
            params={"summarizeErrors": "true"},
        )

    async def delete_allocation(self, credit_note_id: UUID | str, allocation_id: UUID | str) -> Allocation | None:
        """Undo an allocation; returns the allocation marked deleted when Xero sends it back."""
        ident = uuid_segment(credit_note_id, "credit_note_id")
        allocation = uuid_segment(allocation_id, "allocation_id")
        response = await self._client.request("DELETE", f"{PATH}/{ident}/Allocations/{allocation}")
        if isinstance(response.data, dict) and "Allocations" not in response.data:
            return Allocation.model_validate(response.data)
        items = items_of(response.data, "Allocations")
        return Allocation.model_validate(items[0]) if items else None
