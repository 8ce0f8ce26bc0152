"""Manual journals."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Unpack

from xero_mcp.client.models.manual_journals import ManualJournal, ManualJournalCreate, ManualJournalUpdate
from xero_mcp.client.pagination import Page
from xero_mcp.client.resources._base import Batched, Updatable, WhereFilters


class ManualJournalsResource(
    Batched[ManualJournal, ManualJournalCreate], Updatable[ManualJournal, ManualJournalUpdate]
):
    """`/ManualJournals`: lines must balance; update to POSTED to post a draft, VOIDED or DELETED to cancel."""

    path = "/ManualJournals"
    key = "ManualJournals"
    model = ManualJournal
    id_name = "manual_journal_id"
    # Xero's schema requires the Narration on every update.
    update_needs = frozenset({"Narration"})

    def _carried(self, current: ManualJournal) -> dict[str, Any]:
        return {"Narration": current.narration}

    async def list(
        self, *, page: int = 1, page_size: int = 100, **filters: Unpack[WhereFilters]
    ) -> Page[ManualJournal]:
        """One page of manual journals."""
        return await self._page_of(filters, page=page, page_size=page_size)

    def iterate(self, *, page_size: int = 1000, **filters: Unpack[WhereFilters]) -> AsyncIterator[ManualJournal]:
        """Every matching manual journal, fetched 1000 per call."""
        return self._each(filters, page_size=page_size)
