"""A fake Xero list endpoint with If-Modified-Since and offset paging, and clocks the tests move by hand."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from xero_mcp.sync.xerotime import from_epoch_ms, parse_xero_datetime, to_epoch_ms

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TENANT_A = "0f9a4a31-8a39-4d41-9d41-5c7c3a1e0001"
TENANT_B = "0f9a4a31-8a39-4d41-9d41-5c7c3a1e0002"


def rid(n: int) -> str:
    """A deterministic record ID."""
    return str(uuid.UUID(int=n))


class Clock:
    """A clock that only moves when told."""

    def __init__(self, at: datetime = START) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> datetime:
        self.at += timedelta(**delta)
        return self.at


class FakeXero:
    """Invoices in one organisation, served the way Xero's GET /Invoices serves them.

    Order is UpdatedDateUTC ASC then ID, pages are computed when each is requested (so a change between pages shifts
    the later ones, as real offset paging does), and If-Modified-Since keeps records modified at or after it.
    `clock` is Xero's clock, which tests may set apart from the local one.
    """

    def __init__(self, clock: Clock, page_size: int = 1000, id_field: str = "InvoiceID") -> None:
        self.clock = clock
        self.page_size = page_size
        self.id_field = id_field
        self.records: dict[str, dict[str, Any]] = {}
        self.stamps: dict[str, datetime] = {}
        self.calls = 0
        self.requested_since: list[datetime | None] = []
        self.fail_on_page: int | None = None
        self.between_pages: Callable[[int], None] | None = None
        self.ignore_if_modified_since = False
        self.iso_timestamps = False

    def put(self, n: int, *, at: datetime | None = None, **fields: Any) -> dict[str, Any]:
        """Create or change record n, stamped with Xero's clock (or `at`, for a late-committing write)."""
        moment = at or self.clock()
        record = dict(self.records.get(rid(n), {self.id_field: rid(n), "Type": "ACCREC", "Status": "DRAFT"}))
        record.update(fields)
        if self.iso_timestamps:
            record.pop("UpdatedDateUTC", None)
            record["UpdatedDateUTCString"] = moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        else:
            record["UpdatedDateUTC"] = f"/Date({to_epoch_ms(moment)}+0000)/"
        self.records[rid(n)] = record
        self.stamps[rid(n)] = moment
        return record

    def updated(self, record: dict[str, Any]) -> datetime:
        """When Xero last changed this record, to the millisecond it reports."""
        return parse_xero_datetime(f"/Date({to_epoch_ms(self.stamps[record[self.id_field]])})/")

    def _ordered(self, since: datetime | None) -> list[dict[str, Any]]:
        rows = [
            r
            for r in self.records.values()
            if since is None or self.ignore_if_modified_since or self.updated(r) >= since
        ]
        return sorted(rows, key=lambda r: (self.updated(r), r[self.id_field]))

    async def fetch_changed(self, since: datetime | None) -> AsyncIterator[list[dict[str, Any]]]:
        """Every page modified since `since`, like the client's page iterator."""
        self.requested_since.append(since)
        page = 1
        while True:
            if self.fail_on_page == page:
                raise ConnectionError("connection dropped")
            chunk = self._ordered(since)[(page - 1) * self.page_size : page * self.page_size]
            self.calls += 1
            yield [dict(r) for r in chunk]
            if len(chunk) < self.page_size:
                return
            if self.between_pages is not None:
                self.between_pages(page)
            page += 1

    async def fetch_ids(self, ids: Sequence[str]) -> AsyncIterator[list[dict[str, Any]]]:
        """The records with these IDs, like GET /Invoices?IDs=..."""
        self.calls += 1
        yield [dict(self.records[i]) for i in ids if i in self.records]


def ids(records: Sequence[Any]) -> list[str]:
    """The IDs of delivered records, in order."""
    return [r.get("InvoiceID") or r.get("ContactID") for r in records]


def at_ms(ms: int) -> datetime:
    return from_epoch_ms(ms)
