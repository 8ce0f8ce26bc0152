"""The in-process HTTP transport to the sandbox, with network failures made real.

Tests and `xero-mcp serve --sandbox` talk to the sandbox app without a socket. Injected network faults are raised
inside the app as exceptions; this transport turns them into the very exceptions httpx2 raises for a real dropped
connection or a read timeout, so the client's retry code is exercised exactly as it would be against Xero.
"""

from __future__ import annotations

from typing import cast

import httpx2
from starlette.types import ASGIApp

from xero_mcp.sandbox.faults import ConnectionDropped, ResponseTimedOut


def _find(error: BaseException, kind: type[BaseException]) -> BaseException | None:
    # Starlette middleware may wrap an app exception in an exception group.
    if isinstance(error, kind):
        return error
    if isinstance(error, BaseExceptionGroup):
        for inner in cast("tuple[BaseException, ...]", error.exceptions):
            found = _find(inner, kind)
            if found is not None:
                return found
    return None


class SandboxTransport(httpx2.AsyncBaseTransport):
    """An httpx2 transport into a sandbox ASGI app, mapping injected faults to httpx2's network errors."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._inner = httpx2.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        """Send the request into the app; a dropped connection or a timeout surfaces as httpx2 would raise it."""
        try:
            return await self._inner.handle_async_request(request)
        except BaseException as error:
            if _find(error, ConnectionDropped) is not None:
                raise httpx2.RemoteProtocolError(
                    "Server disconnected without sending a response.", request=request
                ) from None
            if _find(error, ResponseTimedOut) is not None:
                raise httpx2.ReadTimeout("The read operation timed out", request=request) from None
            raise

    async def aclose(self) -> None:
        """Close the wrapped ASGI transport."""
        await self._inner.aclose()
