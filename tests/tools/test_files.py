"""Files through the tools: a document's PDF and a record's attachments come back as MCP embedded resources, uploads
come from a local path or base64 within Xero's limits, and only a server beside its user touches its own disk."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from mcp import Client
from mcp.types import BlobResourceContents, CallToolResult, EmbeddedResource

from tests.tools._calls import fails, ok
from tests.tools.conftest import MakeClient

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
LINE = [{"description": "Survey", "quantity": 1, "unit_amount": 220, "account": "200"}]


async def _invoice(client: Client) -> dict[str, Any]:
    return await ok(client, "create_document", kind="invoice", contact="Owner A", lines=LINE, status="AUTHORISED")


def _on_disk(path: str | Path) -> tuple[Path, bytes]:
    """A file the server wrote: its folder and bytes."""
    written = Path(path)
    return written.parent, written.read_bytes()


def _listing(folder: Path) -> list[Path]:
    return sorted(folder.iterdir())


def _file(result: CallToolResult) -> tuple[dict[str, Any], bytes, str]:
    """A file tool's details, the file's bytes and its URI, from the one embedded resource after the details."""
    assert not result.is_error, result.content
    assert result.structured_content is not None
    [embedded] = [block for block in result.content if isinstance(block, EmbeddedResource)]
    assert isinstance(embedded.resource, BlobResourceContents)
    assert embedded.resource.mime_type == result.structured_content["mime_type"]
    return result.structured_content, base64.b64decode(embedded.resource.blob), str(embedded.resource.uri)


async def test_an_invoices_pdf_is_an_embedded_pdf_and_its_details(mcp_client: Client) -> None:
    invoice = await _invoice(mcp_client)
    result = await mcp_client.call_tool("get_pdf", {"kind": "invoice", "document": invoice["invoice_number"]})
    details, content, uri = _file(result)
    assert content.startswith(b"%PDF") and details["size"] == len(content)
    assert (details["mime_type"], details["document_id"]) == ("application/pdf", invoice["invoice_id"])
    assert invoice["invoice_id"] in uri and "saved_to" not in details
    assert "blob" not in str(result.structured_content)  # the bytes stay out of the model's JSON


async def test_a_local_server_also_saves_the_pdf_where_asked_but_never_over_a_file(
    mcp_client: Client, tmp_path: Path
) -> None:
    invoice = await _invoice(mcp_client)
    arguments = {"kind": "invoice", "document": invoice["invoice_id"], "save_to": str(tmp_path)}
    details, content, _ = _file(await mcp_client.call_tool("get_pdf", arguments))
    again = await fails(mcp_client, "get_pdf", **arguments)
    assert _on_disk(details["saved_to"]) == (tmp_path, content)
    assert "exists already" in again


async def test_an_attachment_uploaded_as_base64_lists_and_comes_back_the_same(mcp_client: Client) -> None:
    invoice = await _invoice(mcp_client)
    stored = await ok(
        mcp_client,
        "upload_attachment",
        entity="invoice",
        record_id=invoice["invoice_number"],
        file_name="signed.png",
        content_base64=base64.b64encode(PNG).decode(),
        include_online=True,
    )
    listed = await ok(mcp_client, "list_attachments", entity="invoice", record_id=invoice["invoice_id"])
    by_name = await mcp_client.call_tool(
        "get_attachment", {"entity": "invoice", "record_id": invoice["invoice_number"], "file": "SIGNED.PNG"}
    )
    details, content, _ = _file(by_name)
    assert (stored["file_name"], stored["mime_type"], stored["size"]) == ("signed.png", "image/png", len(PNG))
    assert stored["include_online"] is True
    assert [a["attachment_id"] for a in listed["attachments"]] == [stored["attachment_id"]]
    assert content == PNG and details["attachment_id"] == stored["attachment_id"]


async def test_a_contacts_file_uploads_from_a_local_path(mcp_client: Client, tmp_path: Path) -> None:
    source = tmp_path / "terms.txt"
    source.write_bytes(b"Payment within 14 days.\n")
    stored = await ok(
        mcp_client,
        "upload_attachment",
        entity="contact",
        record_id="Owner A",
        file_name="terms.txt",
        path=str(source),
    )
    _, content, _ = _file(
        await mcp_client.call_tool(
            "get_attachment", {"entity": "contact", "record_id": "Owner A", "file": stored["attachment_id"]}
        )
    )
    assert content == source.read_bytes() and stored["mime_type"] == "text/plain"


async def test_uploads_xero_would_refuse_are_explained_before_sending(mcp_client: Client, tmp_path: Path) -> None:
    invoice = await _invoice(mcp_client)
    big = tmp_path / "scan.pdf"
    with big.open("wb") as handle:
        handle.truncate(10 * 1024 * 1024 + 1)
    base = {"entity": "invoice", "record_id": invoice["invoice_id"]}
    too_big = await fails(mcp_client, "upload_attachment", **base, file_name="scan.pdf", path=str(big))
    wrong_type = await fails(mcp_client, "upload_attachment", **base, file_name="run.exe", content_base64="AAAA")
    bad_name = await fails(mcp_client, "upload_attachment", **base, file_name="a/b.pdf", content_base64="AAAA")
    not_base64 = await fails(mcp_client, "upload_attachment", **base, file_name="a.pdf", content_base64="%%%")
    both = await fails(mcp_client, "upload_attachment", **base, file_name="a.pdf", content_base64="AAAA", path=str(big))
    online = {**base, "entity": "bank_transaction", "include_online": True}
    online_bill = await fails(mcp_client, "upload_attachment", **online, file_name="a.pdf", content_base64="AAAA")
    listed = await ok(mcp_client, "list_attachments", **base)
    assert "10,485,760 bytes" in too_big
    assert "does not accept .exe" in wrong_type and "pdf" in wrong_type
    assert "not a file name Xero takes" in bad_name
    assert "not base64" in not_base64
    assert "either path" in both
    assert "only a sales invoice" in online_bill
    assert listed["attachments"] == []


async def test_a_local_path_is_read_only_when_it_is_a_file_type_xero_takes(mcp_client: Client, tmp_path: Path) -> None:
    key = tmp_path / "id_ed25519"
    key.write_bytes(b"-----BEGIN OPENSSH PRIVATE KEY-----")
    invoice = await _invoice(mcp_client)
    base = {"entity": "invoice", "record_id": invoice["invoice_id"]}
    refused = await fails(mcp_client, "upload_attachment", **base, file_name="notes.txt", path=str(key))
    listed = await ok(mcp_client, "list_attachments", **base)
    assert "id_ed25519 is not a file type Xero takes" in refused and listed["attachments"] == []


async def test_a_server_away_from_its_user_never_reads_or_writes_its_own_disk(
    make_client: MakeClient, tmp_path: Path
) -> None:
    source = tmp_path / "terms.txt"
    source.write_bytes(b"terms")
    async with make_client(http_token="t" * 40) as client:
        invoice = await _invoice(client)
        base = {"entity": "invoice", "record_id": invoice["invoice_id"]}
        read = await fails(client, "upload_attachment", **base, file_name="terms.txt", path=str(source))
        pdf = {"kind": "invoice", "document": invoice["invoice_id"]}
        write = await fails(client, "get_pdf", **pdf, save_to=str(tmp_path))
        details, content, _ = _file(await client.call_tool("get_pdf", pdf))
    assert "not on your computer" in read and "content_base64" in read
    assert "not on your computer" in write and _listing(tmp_path) == [source]
    assert content.startswith(b"%PDF") and details["size"] == len(content)
