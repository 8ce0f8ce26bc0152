"""Streamable HTTP transport: authentication off loopback, and Xero's webhook beside the MCP endpoint."""

from __future__ import annotations

import json
from pathlib import Path

import httpx2
import pytest
from mcp.server import MCPServer
from pydantic import SecretStr
from starlette.types import Receive, Scope, Send

from xero_mcp.config import Settings
from xero_mcp.http import BearerTokenGuard, HttpConfigError, http_app, is_loopback
from xero_mcp.sync.webhooks import sign


async def _ok_app(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"inner"})


def test_loopback_hosts_are_recognised() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("192.0.2.20") and not is_loopback("192.0.2.10")


def test_serving_off_loopback_without_a_token_is_refused() -> None:
    with pytest.raises(HttpConfigError, match="XERO_MCP_HTTP_TOKEN"):
        http_app(MCPServer("t"), Settings(), host="192.0.2.20", port=8000)


async def test_guard_rejects_missing_or_wrong_bearer_and_passes_the_right_one() -> None:
    guard = BearerTokenGuard(_ok_app, "s3cret-token")
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=guard), base_url="http://t") as client:
        missing = await client.post("/mcp")
        wrong = await client.post("/mcp", headers={"Authorization": "Bearer nope"})
        right = await client.post("/mcp", headers={"Authorization": "Bearer s3cret-token"})
    assert missing.status_code == 401 and wrong.status_code == 401
    assert "s3cret" not in missing.text and "s3cret" not in wrong.text
    assert right.status_code == 200 and right.text == "inner"


async def test_webhook_is_reachable_without_the_bearer_but_needs_xeros_signature(tmp_path: Path) -> None:
    settings = Settings(state_dir=tmp_path, http_token=SecretStr("s3cret-token"), webhook_key=SecretStr("signing-key"))
    app = http_app(MCPServer("t"), settings, host="192.0.2.20", port=8000)
    intent = json.dumps({"events": [], "firstEventSequence": 0, "lastEventSequence": 0, "entropy": "X"}).encode()
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://t") as client:
        unsigned = await client.post("/webhooks/xero", content=intent)
        signed = await client.post(
            "/webhooks/xero", content=intent, headers={"x-xero-signature": sign(intent, "signing-key")}
        )
        mcp_without_token = await client.post("/mcp")
    assert unsigned.status_code == 401
    assert signed.status_code == 200 and signed.content == b""
    assert mcp_without_token.status_code == 401
