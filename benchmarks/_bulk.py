"""Loading many invoices into a sandbox organisation fast, for the measurements that need volume.

A few invoices per customer are created through the sandbox's own rules (so totals, taxes, numbers and history are
exactly what the emulated API would store); the bulk is copies of them, each with its own ID, number, dates and
UpdatedDateUTC, written straight into the store in one transaction. 100,000 invoices load in seconds this way,
where the API (60 calls a minute) or the rules alone (about a millisecond each) would take minutes to hours.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from itertools import count

from xero_mcp.sandbox.app import Sandbox
from xero_mcp.sandbox.rules import contacts, invoices
from xero_mcp.sandbox.state import Doc, iso_date, iso_instant

_STATUSES = ("AUTHORISED", "DRAFT", "AUTHORISED", "SUBMITTED")


class InvoiceLoader:
    """Adds invoices for a pool of customers of one organisation; `add` may be called repeatedly to grow it."""

    def __init__(self, sandbox: Sandbox, tenant_id: str, *, customers: int = 50, prefix: str = "BULK") -> None:
        self.sandbox = sandbox
        self.tenant_id = tenant_id
        self.prefix = prefix
        self._numbers = count(1)
        ctx = sandbox.context(tenant_id)
        with sandbox.state.atomic():
            self.customers = [contacts.create(ctx, {"Name": f"{prefix} Customer {n:03d}"}) for n in range(customers)]
            self.templates = [
                invoices.create(
                    ctx,
                    {
                        "Type": "ACCREC",
                        "Contact": {"ContactID": customer["ContactID"]},
                        "Status": status,
                        "LineItems": [
                            {"Description": "Consulting", "Quantity": 2, "UnitAmount": 75 + n, "AccountCode": "200"}
                        ],
                    },
                )
                for n, customer in enumerate(self.customers)
                for status in _STATUSES
            ]
        self.loaded = 0

    def add(self, how_many: int, *, updated_from: datetime | None = None) -> list[str]:
        """Store `how_many` more invoices, UpdatedDateUTC one millisecond apart from `updated_from` (default: now)."""
        start = updated_from or self.sandbox.clock.now()
        first_day = start.date()
        ids: list[str] = []
        state = self.sandbox.state
        with state.atomic():
            for offset in range(how_many):
                number = next(self._numbers)
                template = self.templates[number % len(self.templates)]
                issued = first_day - timedelta(days=number % 730)
                stamp = iso_instant(start + timedelta(milliseconds=offset))
                doc: Doc = {
                    **template,
                    "InvoiceID": str(uuid.uuid4()),
                    "InvoiceNumber": f"{self.prefix}-{number:06d}",
                    "Date": iso_date(issued),
                    "DateString": iso_date(issued),
                    "DueDate": iso_date(issued + timedelta(days=30)),
                    "DueDateString": iso_date(issued + timedelta(days=30)),
                    "UpdatedDateUTC": stamp,
                    "UpdatedDateUTCString": stamp[:19] + "Z",
                }
                state.put(self.tenant_id, "Invoices", doc)
                ids.append(doc["InvoiceID"])
        self.loaded += how_many
        return ids

    def touch(self, invoice_ids: list[str], *, updated_from: datetime | None = None) -> None:
        """Change each invoice (its Reference) as an edit in Xero would, bumping UpdatedDateUTC."""
        start = updated_from or self.sandbox.clock.now()
        state = self.sandbox.state
        with state.atomic():
            for offset, invoice_id in enumerate(invoice_ids):
                doc = state.get(self.tenant_id, "Invoices", invoice_id)
                if doc is None:
                    raise KeyError(invoice_id)
                stamp = iso_instant(start + timedelta(milliseconds=offset))
                doc.update({"Reference": f"changed {offset}", "UpdatedDateUTC": stamp})
                doc["UpdatedDateUTCString"] = stamp[:19] + "Z"
                state.put(self.tenant_id, "Invoices", doc)
