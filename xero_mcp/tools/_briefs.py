"""The brief every opt-in ledger tool shows of a record (prepayments, repeating invoices, batch payments): its type,
status, contact, date, reference and total, read the same way from any client record that has them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from xero_mcp.tools._projections import Amount, CompactView


class Brief(CompactView):
    """A record in brief: what it is, its status, whose it is, when, its reference and total."""

    type: str | None = None
    status: str | None = None
    contact_name: str | None = None
    date: dt.date | None = None
    reference: str | None = None
    total: Amount | None = None


def brief(record: Any) -> dict[str, Any]:
    """The Brief fields of a client record (None where it has none; a batch payment's total is its TotalAmount, a
    blank reference no reference)."""
    contact = getattr(record, "contact", None)
    return {
        "type": getattr(record, "type", None),
        "status": getattr(record, "status", None),
        "contact_name": contact.name if contact is not None else None,
        "date": getattr(record, "date", None),
        "reference": getattr(record, "reference", None) or None,
        "total": getattr(record, "total", None) or getattr(record, "total_amount", None),
    }
