"""A tool result that carries a file: its details as JSON, and the file itself as an MCP embedded resource.

MCP clients show or save an `EmbeddedResource` (a blob with its MIME type and a URI naming it) the way they handle
any resource, so a PDF or attachment reaches the user without a path on the server's disk. The registration loop
(`_register._result`) puts the details first, as every tool's compact JSON and structuredContent, and the file after
them; the file's bytes never enter structuredContent, so the model's context holds only the details.
"""

from __future__ import annotations

import base64
from typing import Self

from mcp.types import BlobResourceContents, ContentBlock, EmbeddedResource
from pydantic import PrivateAttr

from xero_mcp.tools._views import CompactView


class FileDetails(CompactView):
    """A file: its name, type and size (and, attached to a record, its ID and whether it shows online)."""

    file_name: str
    mime_type: str
    size: int
    attachment_id: str | None = None
    include_online: bool | None = None


class FileResult(FileDetails):
    """A file's details (and where it was saved, when it was); the file goes with them."""

    saved_to: str | None = None
    _blocks: list[ContentBlock] = PrivateAttr(default_factory=list[ContentBlock])

    def carrying(self, uri: str, content: bytes) -> Self:
        """This result with the file attached as an embedded resource named by `uri`."""
        blob = BlobResourceContents(uri=uri, mime_type=self.mime_type, blob=base64.b64encode(content).decode("ascii"))
        self._blocks.append(EmbeddedResource(type="resource", resource=blob))
        return self

    @property
    def blocks(self) -> list[ContentBlock]:
        """The content blocks that follow the details: the file."""
        return list(self._blocks)
