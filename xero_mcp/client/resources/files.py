"""Files: a document's PDF and the attachments of any record that takes them.

Both travel as raw bytes through the one request path (`TenantClient.request` with `content=` for an upload, and
`XeroResponse.content` for a download), so retries, rate limits and token refresh apply to them as to JSON calls.
A PDF is the document's own path asked for with ``Accept: application/pdf`` (xero-api.md §5.2); attachments live at
``/{Collection}/{id}/Attachments[/{FileName}|/{AttachmentID}]`` (§5.15), downloaded with the file's MIME type in the
``contentType`` header the spec requires.
"""

from __future__ import annotations

from uuid import UUID

from xero_mcp.client.errors import ValidationError
from xero_mcp.client.models.common import Attachment
from xero_mcp.client.pagination import items_of
from xero_mcp.client.resources._base import Resource, segment, uuid_segment

PDF = "application/pdf"


class FilesResource(Resource):
    """PDFs of documents and attachments of records, as bytes."""

    def _path(self, collection: str, record_id: UUID | str) -> str:
        return f"/{segment(collection)}/{uuid_segment(record_id, 'record_id')}"

    async def pdf(self, collection: str, record_id: UUID | str) -> bytes:
        """The PDF Xero renders of an invoice, bill, quote, credit note or purchase order."""
        path = self._path(collection, record_id)
        response = await self._client.request("GET", path, headers={"Accept": PDF})
        if not response.headers.get("content-type", "").startswith(PDF) or not response.content.startswith(b"%PDF"):
            raise ValidationError(
                f"Xero answered GET {path} without a PDF",
                messages=(f"Xero has no PDF of {collection} {record_id}",),
                status_code=response.status_code,
                method="GET",
                path=path,
                body=response.data,
            )
        return response.content

    async def attachments(self, collection: str, record_id: UUID | str) -> list[Attachment]:
        """The files attached to a record (names, types and sizes, not their bytes)."""
        return await self._list(f"{self._path(collection, record_id)}/Attachments", "Attachments", Attachment)

    async def download(self, collection: str, record_id: UUID | str, attachment: Attachment) -> bytes:
        """The bytes of one attachment (as listed by `attachments`)."""
        mime = attachment.mime_type or "application/octet-stream"
        name = str(attachment.attachment_id or attachment.file_name)
        path = f"{self._path(collection, record_id)}/Attachments/{segment(name)}"
        response = await self._client.request("GET", path, headers={"Accept": mime, "contentType": mime})
        return response.content

    async def upload(
        self,
        collection: str,
        record_id: UUID | str,
        file_name: str,
        content: bytes,
        mime_type: str,
        *,
        include_online: bool | None = None,
    ) -> Attachment:
        """Attach `content` as `file_name` (a file of that name is replaced, as Xero does)."""
        path = f"{self._path(collection, record_id)}/Attachments/{segment(file_name)}"
        params = {"IncludeOnline": "true"} if include_online else None
        response = await self._client.request(
            "PUT", path, params=params, content=content, headers={"Content-Type": mime_type}
        )
        stored = items_of(response.data, "Attachments")
        if not stored:
            raise ValidationError(
                f"Xero's answer to PUT {path} held no Attachments",
                messages=("Xero did not confirm the upload",),
                status_code=response.status_code,
                method="PUT",
                path=path,
                body=response.data,
            )
        return Attachment.model_validate(stored[0])
