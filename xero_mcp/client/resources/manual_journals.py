"""Manual journals."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Sequence
from uuid import UUID

from xero_mcp.client.batching import BatchOutcome
from xero_mcp.client.models.manual_journals import ManualJournal, ManualJournalCreate, ManualJournalUpdate
from xero_mcp.client.pagination import Order, Page, Where
from xero_mcp.client.resources._base import Resource, query, uuid_segment

PATH = "/ManualJournals"
KEY = "ManualJournals"


class ManualJournalsResource(Resource):
    """`/ManualJournals`."""

    async def list(
        self,
        *,
        where: Where | None = None,
        order: Order | str | None = None,
        if_modified_since: dt.datetime | None = None,
        page: int = 1,
        page_size: int = 100,
    ) -> Page[ManualJournal]:
        """One page of manual journals."""
        params = query(where=where, order=order)
        return await self._page(
            PATH, KEY, ManualJournal, params, page=page, page_size=page_size, if_modified_since=if_modified_since
        )

    def iterate(
        self,
        *,
        where: Where | None = None,
        order: Order | str | None = None,
        if_modified_since: dt.datetime | None = None,
        page_size: int = 1000,
    ) -> AsyncIterator[ManualJournal]:
        """Every matching manual journal, fetched 1000 per call."""
        params = query(where=where, order=order)
        return self._iterate(PATH, KEY, ManualJournal, params, if_modified_since=if_modified_since, page_size=page_size)

    async def get(self, manual_journal_id: UUID | str) -> ManualJournal:
        """One manual journal. Raises NotFound."""
        return await self._one(f"{PATH}/{uuid_segment(manual_journal_id, 'manual_journal_id')}", KEY, ManualJournal)

    async def create(self, journal: ManualJournalCreate, *, idempotency_key: str | None = None) -> ManualJournal:
        """Create one manual journal (lines must balance)."""
        return await self._write_one(
            "PUT",
            PATH,
            KEY,
            journal.to_xero(),
            ManualJournal,
            idempotency_key=idempotency_key,
            params={"summarizeErrors": "true"},
        )

    async def create_many(
        self, journals: Sequence[ManualJournalCreate], *, idempotency_key: str | None = None
    ) -> list[BatchOutcome[ManualJournal]]:
        """Create many manual journals, 50 per call; one outcome per input, in order."""
        return await self._create_many(PATH, KEY, journals, ManualJournal, idempotency_key=idempotency_key)

    async def update(
        self,
        manual_journal_id: UUID | str,
        changes: ManualJournalUpdate,
        *,
        idempotency_key: str | None = None,
        current: ManualJournal | None = None,
    ) -> ManualJournal:
        """Change a manual journal (POSTED to post a draft, VOIDED or DELETED to cancel).

        Xero's schema requires the Narration on every update: when `changes` has none it is copied from `current`
        (the journal as last read; read here, costing one call, when not given).
        """
        ident = uuid_segment(manual_journal_id, "manual_journal_id")
        body = {"ManualJournalID": ident, **changes.to_xero()}
        if "Narration" not in body:
            if current is None:
                current = await self.get(ident)
            if current.narration is not None:
                body["Narration"] = current.narration
        return await self._write_one(
            "POST", f"{PATH}/{ident}", KEY, body, ManualJournal, idempotency_key=idempotency_key
        )
