"""A sandbox backend whose client waits on the sandbox's clock: Xero's pacing without the wall-clock wait.

xero-mcp's client keeps every organisation under 60 calls a minute by sleeping. Against the in-process sandbox the
benchmarks give it a `sleep` that moves the sandbox clock forward instead and a `clock` that reads the sandbox clock
(the pair XeroClient's constructor takes), so a minute of pacing passes in microseconds while the sandbox still
enforces its limits on the same clock: throughput is counted in sandbox minutes, and latency is the code's own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime

import httpx2

from xero_mcp.client import XeroClient
from xero_mcp.local import LocalSandbox, open_backend
from xero_mcp.sandbox.app import Sandbox
from xero_mcp.tools._context import Backend


def fast_forward(sandbox: Sandbox) -> tuple[Callable[[], float], Callable[[float], Awaitable[None]]]:
    """A (clock, sleep) pair on the sandbox's clock: sleeping advances it, reading it gives epoch seconds."""

    def clock() -> float:
        return sandbox.clock.now().timestamp()

    async def sleep(seconds: float) -> None:
        if seconds > 0:
            sandbox.clock.advance(seconds)
        await asyncio.sleep(0)

    return clock, sleep


class RecordingTransport(httpx2.AsyncBaseTransport):
    """Wraps a transport and records, for every Accounting API response, its status and the sandbox time it came."""

    def __init__(self, inner: httpx2.AsyncBaseTransport, now: Callable[[], datetime]) -> None:
        self._inner = inner
        self._now = now
        self.responses: list[tuple[int, datetime]] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        """Pass the request on and note the answer."""
        response = await self._inner.handle_async_request(request)
        if "/api.xro/" in request.url.path:
            self.responses.append((response.status_code, self._now()))
        return response

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self._inner.aclose()


async def open_fast_backend(local: LocalSandbox, *, transport: httpx2.AsyncBaseTransport | None = None) -> Backend:
    """`xero_mcp.local.open_backend` (the same sign-in and stores), with the client on the fast-forward clock.

    `transport` replaces the client's way into the sandbox (to watch its traffic); default: the sandbox's own.
    """
    backend = await open_backend(local)
    sandbox = local.sandbox
    clock, sleep = fast_forward(sandbox)
    client = XeroClient(
        local.settings,
        backend.auth.provider,
        transport=transport or sandbox.transport(),
        sleep=sleep,
        clock=clock,
        wall_clock=sandbox.clock.now,
    )
    return Backend(
        client=client,
        auth=backend.auth,
        cursors=backend.cursors,
        ledger=backend.ledger,
        closers=[client.aclose, *backend.closers],
    )
