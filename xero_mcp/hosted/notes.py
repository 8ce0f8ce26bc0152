"""History notes naming the person behind each write (hosted mode; XERO_MCP_HISTORY_NOTES=0 turns them off).

Xero attributes every API write to the app, not to a person, so a firm sharing one hosted server could not tell
from a record's history who asked for a change. After each successful create or update of a record that keeps
history, a note is added to it: "Requested by <name> <email> through xero-mcp". A note that cannot be added is
logged and never fails the write it follows (the write has already happened).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import Any, cast, get_args

from xero_mcp.client import TenantClient, XeroClient
from xero_mcp.client._response import XeroResponse
from xero_mcp.client.errors import XeroError
from xero_mcp.client.models.history import HistoryEntity

logger = logging.getLogger(__name__)

_HISTORY = {name.lower(): name for name in get_args(HistoryEntity)}
_WRITES = {"POST", "PUT"}


def _id_field(collection: str) -> str:
    # Invoices -> InvoiceID, BankTransactions -> BankTransactionID, BatchPayments -> BatchPaymentID.
    return collection.removesuffix("s") + "ID"


def written_records(path: str, data: Any) -> tuple[str, list[str]] | None:
    """The history collection and the IDs of the records a create/update call at `path` answered with."""
    parts = [p for p in path.split("/") if p]
    if not parts or len(parts) > 2:
        return None  # /Invoices/{id}/History, /Attachments, /Email ... are not record writes
    collection = _HISTORY.get(parts[0].lower())
    if collection is None or not isinstance(data, Mapping):
        return None
    records = cast("Mapping[str, Any]", data).get(collection)
    if not isinstance(records, list):
        return None
    field = _id_field(collection)
    ids = [
        str(cast("Mapping[str, Any]", record)[field])
        for record in cast("list[Any]", records)
        if isinstance(record, Mapping) and cast("Mapping[str, Any]", record).get(field)
    ]
    return (collection, ids) if ids else None


class NotingTenantClient(TenantClient):
    """A TenantClient that adds a history note naming the requester after every record write."""

    def __init__(self, client: XeroClient, tenant_id: str | None, note: str) -> None:
        super().__init__(client, tenant_id)
        self._note = note

    async def answered(self, method: str, path: str, response: XeroResponse, idempotency_key: str | None) -> None:
        """After a successful record write, the history note (see TenantClient.answered)."""
        if method.upper() in _WRITES:
            written = written_records(path, response.data)
            if written is not None:
                await self._add_notes(*written, idempotency_key)

    async def _add_notes(self, collection: str, ids: list[str], key: str | None) -> None:
        for record_id in ids:
            try:
                # A History path is not a record write, so this call's own answer adds no note.
                await self.request(
                    "PUT",
                    f"/{collection}/{record_id}/History",
                    json={"HistoryRecords": [{"Details": self._note}]},
                    # A retried write (same key) notes once: Xero replays the note's answer for its own key.
                    idempotency_key=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{key}:note:{record_id}")) if key else None,
                )
            except (XeroError, ValueError) as exc:
                logger.warning("could not add the requester's note to %s %s: %s", collection, record_id, exc)


class NotingXeroClient(XeroClient):
    """A XeroClient whose organisations note the requester on every record write (see the module docstring)."""

    def __init__(self, *args: Any, note: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._note = note
        self._noting: dict[str | None, TenantClient] = {}

    def tenant(self, tenant_id: str | None) -> TenantClient:
        """A client bound to one organisation, noting writes."""
        view = self._noting.get(tenant_id)
        if view is None:
            view = self._noting[tenant_id] = NotingTenantClient(self, tenant_id, self._note)
        return view


def requester_note(name: str, email: str) -> str:
    """The note's text for a person."""
    who = f"{name} <{email}>" if email and email != name else name or email
    return f"Requested by {who} through xero-mcp."
