"""Attachments: ``/{Entity}/{id}/Attachments[/{FileName}|/{AttachmentID}]`` (reference §5.15).

Files are stored per document. ``PUT`` and ``POST /{Entity}/{id}/Attachments/{FileName}`` are the same upload: the
body is the file's raw bytes and the name is the path's last segment; uploading a name the document already has
replaces that file (same AttachmentID), as Xero does. ``GET .../Attachments`` lists them, ``GET
.../Attachments/{AttachmentID}`` or ``.../{FileName}`` returns the bytes with the file's MIME type. There is no
DELETE in the API.

Xero's limits: at most 10 attachments per document; each file at most 10 MB (Xero's Attachments page; the
Invoices page says 25 MB, the stricter figure is kept); Xero accepts the file types in ``MIME_TYPES`` and names the
type by the file's extension; a file name may not contain ``< > : " / \\ | ? *`` or NUL. ``IncludeOnline=true`` shows
the file with the online invoice and applies to sales invoices and sales credit notes only. The refusals' wording is
the sandbox's own: Xero's exact messages for these limits are not published.

An upload sets the document's ``HasAttachments`` (without touching its UpdatedDateUTC) and, where the document keeps
history, records "Attached a file" as in the spec's example.
"""

from __future__ import annotations

from collections.abc import Mapping

from xero_mcp.sandbox.rules.common import Ctx, RuleError, new_id
from xero_mcp.sandbox.state import Doc, StoredAttachment

MAX_ATTACHMENTS = 10
MAX_BYTES = 10 * 1024 * 1024

MIME_TYPES: Mapping[str, str] = {
    "7z": "application/x-7z-compressed",
    "bmp": "image/bmp",
    "csv": "text/csv",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "eml": "message/rfc822",
    "gif": "image/gif",
    "jpeg": "image/jpeg",
    "jpg": "image/jpg",
    "keynote": "application/x-iwork-keynote-sffkey",
    "msg": "application/vnd.ms-outlook",
    "numbers": "application/x-iwork-numbers-sffnumbers",
    "odf": "application/vnd.oasis.opendocument.formula",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "pages": "application/x-iwork-pages-sffpages",
    "pdf": "application/pdf",
    "png": "image/png",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "rar": "application/vnd.rar",
    "rtf": "application/rtf",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "txt": "text/plain",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}
"""The file types Xero accepts as attachments, by extension, with the MIME type Xero reports for each."""

PARENTS = frozenset(
    {
        "Accounts",
        "BankTransactions",
        "BankTransfers",
        "Contacts",
        "CreditNotes",
        "Invoices",
        "ManualJournals",
        "PurchaseOrders",
        "Quotes",
        "Receipts",
        "RepeatingInvoices",
    }
)
"""The collections whose documents take attachments (the spec's Attachments paths)."""

HAS_ATTACHMENTS_FLAG = PARENTS - {"Quotes"}
"""The collections whose schema carries HasAttachments (the spec's Quote has none)."""

ONLINE_TYPES = frozenset({"ACCREC", "ACCRECCREDIT"})
"""The document types whose attachments may be shown with the online invoice."""

_FORBIDDEN = frozenset('<>:"/\\|?*\0')


def shown(base_url: str, collection: str, parent: Doc, id_field: str, stored: StoredAttachment) -> Doc:
    """One attachment as the API lists it (IncludeOnline only where the document type allows it)."""
    doc: Doc = {
        "AttachmentID": stored.attachment_id,
        "FileName": stored.file_name,
        "Url": f"{base_url}/{collection}/{parent[id_field]}/Attachments/{stored.file_name}",
        "MimeType": stored.mime_type,
        "ContentLength": len(stored.content),
    }
    if stored.include_online is not None:
        doc["IncludeOnline"] = stored.include_online
    return doc


def listed(ctx: Ctx, collection: str, parent_id: str) -> list[StoredAttachment]:
    """A document's attachments, oldest first."""
    return ctx.state.attachments(ctx.tenant_id, collection, parent_id)


def find(ctx: Ctx, collection: str, parent_id: str, value: str) -> StoredAttachment | None:
    """The attachment a path value names: its AttachmentID, else its file name (case-insensitive)."""
    files = listed(ctx, collection, parent_id)
    by_id = next((f for f in files if f.attachment_id.lower() == value.lower()), None)
    return by_id or next((f for f in files if f.file_name.lower() == value.lower()), None)


def mime_type(file_name: str) -> str:
    """The MIME type Xero gives a file by its extension; RuleError for a name or type Xero refuses."""
    if not file_name.strip() or any(char in _FORBIDDEN for char in file_name):
        raise RuleError('The file name must not be empty or contain any of < > : " / \\ | ? *')
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    found = MIME_TYPES.get(extension)
    if found is None:
        allowed = ", ".join(sorted(MIME_TYPES))
        raise RuleError(f"Files of type '{extension or file_name}' cannot be attached. Allowed types: {allowed}.")
    return found


def attach(
    ctx: Ctx,
    collection: str,
    parent: Doc,
    id_field: str,
    file_name: str,
    content: bytes,
    *,
    include_online: bool | None,
    keeps_history: bool,
) -> StoredAttachment:
    """Store an uploaded file on a document (replacing the file of the same name); returns it."""
    mime = mime_type(file_name)
    if not content:
        raise RuleError("The attachment is empty: send the file's bytes as the request body.")
    if len(content) > MAX_BYTES:
        raise RuleError(f"The attachment is {len(content)} bytes; a file may be at most {MAX_BYTES} bytes (10 MB).")
    parent_id = str(parent[id_field])
    files = listed(ctx, collection, parent_id)
    existing = next((f for f in files if f.file_name.lower() == file_name.lower()), None)
    if existing is None and len(files) >= MAX_ATTACHMENTS:
        raise RuleError(f"A document can have at most {MAX_ATTACHMENTS} attachments.")
    online: bool | None = None
    if collection in ("Invoices", "CreditNotes") and parent.get("Type") in ONLINE_TYPES:
        online = bool(include_online)
    stored = StoredAttachment(
        attachment_id=existing.attachment_id if existing is not None else new_id(),
        file_name=file_name,
        mime_type=mime,
        include_online=online,
        content=content,
    )
    ctx.state.save_attachment(ctx.tenant_id, collection, parent_id, stored)
    if collection in HAS_ATTACHMENTS_FLAG and not parent.get("HasAttachments"):
        # The flag follows the files; the document itself is not edited, so its UpdatedDateUTC stays.
        updated = str(parent.get("UpdatedDateUTC") or parent.get("CreatedDateUTC") or ctx.stamp())
        ctx.state.put(ctx.tenant_id, collection, {**parent, "HasAttachments": True}, updated=updated)
    if keeps_history:
        details = f"Attached the file {file_name} through the Xero API using {ctx.app_id}"
        ctx.history(collection, parent_id, "Attached a file", details)
    return stored
