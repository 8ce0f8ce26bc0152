"""Money from a tool's arguments to Xero's wire: exact decimals, never a float's approximation."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import httpx2
from mcp import Client

from tests.tools._calls import ok
from xero_mcp.config import Settings
from xero_mcp.local import LocalSandbox, open_backend, sandbox_settings
from xero_mcp.sandbox.app import Sandbox
from xero_mcp.server import build_server
from xero_mcp.tools._context import Backend


class _Recorder(httpx2.AsyncBaseTransport):
    """Keeps the raw body of every write the server sends to the sandbox."""

    def __init__(self, inner: httpx2.AsyncBaseTransport) -> None:
        self._inner = inner
        self.bodies: list[bytes] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        if request.method in ("PUT", "POST"):
            self.bodies.append(await request.aread())
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


async def test_an_amount_given_as_0_1_or_as_the_text_0_1_reaches_xero_as_exactly_0_1(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    settings = sandbox_settings(Settings(toolsets=("all",), state_dir=tmp_path / "state"))
    local = LocalSandbox(sandbox, settings)
    recorders: list[_Recorder] = []

    def record(inner: httpx2.AsyncBaseTransport) -> httpx2.AsyncBaseTransport:
        recorders.append(_Recorder(inner))
        return recorders[-1]

    async def factory() -> Backend:
        return await open_backend(local, wrap_transport=record)

    server, context = build_server(settings, factory)
    lines = [
        {"description": "As a number", "quantity": 3, "unit_amount": 0.1, "account": "200"},
        {"description": "As text", "quantity": "3", "unit_amount": "0.1", "account": "200"},
    ]
    try:
        async with Client(server) as client:
            created = await ok(
                client, "create_document", kind="invoice", contact="Owner A", lines=lines, allow_duplicate=True
            )
    finally:
        await context.aclose()

    writes = [body for recorder in recorders for body in recorder.bodies if b"Invoices" in body]
    assert len(writes) == 1
    # The raw text, not a parse of it: a float that crept in would show as 0.1000000000000000055511151231257827.
    assert writes[0].count(b'"UnitAmount":0.1,') == 2, writes[0]
    sent = json.loads(writes[0], parse_float=Decimal)["Invoices"][0]["LineItems"]
    assert [line["UnitAmount"] for line in sent] == [Decimal("0.1"), Decimal("0.1")]
    assert created["status"] == "DRAFT"
