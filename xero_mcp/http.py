"""Streamable HTTP for agent frameworks: `xero-mcp serve --transport http`.

On a loopback host the endpoint is open to local processes (as stdio is). On any other host it requires
`Authorization: Bearer <XERO_MCP_HTTP_TOKEN>`: the server acts on the user's Xero organisations, so it must never be
reachable unauthenticated from a network.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
from typing import Any

from mcp.server import MCPServer
from starlette.types import ASGIApp, Receive, Scope, Send

from xero_mcp.config import Settings


class HttpConfigError(ValueError):
    """The HTTP transport cannot start safely with these settings."""


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class BearerTokenGuard:
    """ASGI middleware: every HTTP request must carry the configured bearer token (lifespan passes through)."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self._app = app
        self._expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
            given = next((value for name, value in headers if name.lower() == b"authorization"), b"")
            if not hmac.compare_digest(given, self._expected):
                body = json.dumps({"error": "unauthorized", "error_description": "missing or wrong bearer token"})
                await send(
                    {
                        "type": "http.response.start",
                        "status": 401,
                        "headers": [(b"content-type", b"application/json"), (b"www-authenticate", b"Bearer")],
                    }
                )
                await send({"type": "http.response.body", "body": body.encode()})
                return
        await self._app(scope, receive, send)


class PathDispatch:
    """ASGI: requests for one exact path go to a side app (Xero's webhook, signed by Xero, not by our bearer token);
    everything else, lifespan included, goes to the main app."""

    def __init__(self, main: ASGIApp, path: str, side: ASGIApp) -> None:
        self._main = main
        self._path = path
        self._side = side

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("path") == self._path:
            await self._side(scope, receive, send)
        else:
            await self._main(scope, receive, send)


def http_app(server: MCPServer, settings: Settings, *, host: str) -> Any:
    """The ASGI app for Streamable HTTP at /mcp, guarded by a bearer token when configured or required.

    With XERO_WEBHOOK_KEY set, Xero's webhooks are received at /webhooks/xero (signature-checked) and recorded so
    the next poll of that organisation and entity fetches the changed records without waiting for its window.
    """
    token = settings.http_token.get_secret_value() if settings.http_token else None
    if not is_loopback(host) and not token:
        raise HttpConfigError(
            f"Refusing to serve on {host} without authentication: set XERO_MCP_HTTP_TOKEN to a long random secret "
            "that clients send as 'Authorization: Bearer <token>', or bind to 127.0.0.1."
        )
    app: Any = server.streamable_http_app(host=host)
    if token:
        app = BearerTokenGuard(app, token)
    if settings.webhook_key is not None:
        from starlette.applications import Starlette

        from xero_mcp.sync.cursors import CursorStore
        from xero_mcp.sync.webhooks import DEFAULT_PATH, webhook_route

        store = CursorStore.open(settings.state_dir)
        app = PathDispatch(app, DEFAULT_PATH, Starlette(routes=[webhook_route(store, settings.webhook_key)]))
    return app


def run_http(server: MCPServer, settings: Settings, *, host: str, port: int) -> int:
    """Serve Streamable HTTP until stopped."""
    import uvicorn

    try:
        app = http_app(server, settings, host=host)
    except HttpConfigError as exc:
        import sys

        print(f"xero-mcp: {exc}", file=sys.stderr)
        return 2
    uvicorn.run(app, host=host, port=port, log_level="warning")
    return 0
