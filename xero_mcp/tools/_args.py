"""Argument types shared by the tools, so the same argument reads (and costs) the same in every schema.

Descriptions are given only where the name alone does not say enough: every character of every input schema is
sent in every conversation.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Annotated

from pydantic import AwareDatetime, Field

from xero_mcp.client.pagination import Where

Tenant = str | None
"""Which connected organisation to work in; every tool takes it, optional, last."""

PageNumber = Annotated[int, Field(ge=1)]
"""1-based page number of a list."""

PageSize = Annotated[int, Field(ge=1, le=1000)]
"""Records per page (Xero allows up to 1000)."""

ModifiedSince = Annotated[AwareDatetime | None, Field(description="Changed since (ISO 8601 with zone)")]
"""Sent as If-Modified-Since: Xero returns records created or changed at or after this moment."""

DateFrom = date | None
"""Inclusive lower bound on a document's date (the name says enough; no description is sent)."""

DateTo = date | None
"""Inclusive upper bound on a document's date."""


def text_or_none(value: str | None) -> str | None:
    """An optional text argument without surrounding spaces; None when that leaves nothing."""
    text = (value or "").strip()
    return text or None


def where_dated(filters: Sequence[Where], date_from: date | None, date_to: date | None) -> Where | None:
    """A list's `filters` and its DateFrom/DateTo range as one where clause; None when nothing is filtered."""
    parts = list(filters)
    if date_from is not None:
        parts.append(Where.gte("Date", date_from))
    if date_to is not None:
        parts.append(Where.lte("Date", date_to))
    return Where.all_of(*parts) if parts else None


Contact = Annotated[str, Field(description="ID, number or exact name")]
"""A contact, resolved by `xero_mcp.tools._resolve.contact_ref`."""

OptionalContact = Annotated[str | None, Field(description="ID, number or exact name")]
"""A contact filter or change, resolved like `Contact`."""

DedupeKey = Annotated[str | None, Field(description="Replaces the natural key")]
"""A caller's key for find-before-create (see xero_mcp.sync.dedupe.natural_key)."""

AllowDuplicate = Annotated[bool, Field(description="Skip the duplicate check")]
"""Turns find-before-create off for one call."""
