"""History and notes: ``GET``/``PUT /{Entity}/{id}/History`` (reference §5.10).

Every change the sandbox makes records a history entry (Changes "Created", "Approved", "Payment Received", ...)
by "System Generated". ``PUT`` adds notes: each ``{"Details": ...}`` (at most 2,500 characters) becomes a record
with Changes "Note"; notes cannot be edited or deleted. Records carry DateUTC and, as in the spec's examples,
DateUTCString. A PUT for an ID that does not exist is a 400 with "The document with the supplied id was not found
for this endpoint."
"""

from __future__ import annotations

from typing import Any

from xero_mcp.sandbox.rules.common import Ctx, RuleError, as_doc, element_list, is_guid, required_text
from xero_mcp.sandbox.state import Doc

NOT_FOUND_MESSAGE = "The document with the supplied id was not found for this endpoint."


def shown(record: Doc) -> Doc:
    """A record as the API returns it: DateUTC (MS-JSON on the wire) and DateUTCString, ``2018-11-08T15:01:21``."""
    return {**record, "DateUTCString": record["DateUTC"][:19]}


def records(ctx: Ctx, collection: str, doc_id: str) -> list[Doc]:
    """A document's history records, oldest first."""
    return [shown(record) for record in ctx.state.history(ctx.tenant_id, collection, doc_id)]


def document_exists(ctx: Ctx, collection: str, doc_id: str) -> bool:
    """Whether the addressed document exists (history PUTs on unknown IDs are refused)."""
    return is_guid(doc_id) and ctx.get(collection, doc_id) is not None


def add_note(ctx: Ctx, collection: str, doc_id: str, raw: Any) -> Doc:
    """Add one note to a document's history; returns the record."""
    entry = as_doc(raw)
    if entry is None:
        raise RuleError("Each history record must be an object with Details.")
    details = required_text(entry, "Details", 2500, "A history note needs Details.")
    record = {"Changes": "Note", "DateUTC": ctx.stamp(), "User": "System Generated", "Details": details}
    ctx.state.add_history(ctx.tenant_id, collection, doc_id, record)
    return shown(record)


def note_elements(body: Any) -> list[Any]:
    """The notes of a History PUT body: ``{"HistoryRecords": [...]}`` or a single record."""
    return element_list(body, "HistoryRecords")
