"""``xero-mcp sandbox``: the sandbox over HTTP (uvicorn), on loopback unless told otherwise.

Served over a socket, injected faults behave as on a network: a "slow" response really waits its delay, and a
dropped connection really closes mid-response (the client sees the server disconnect, not a 500).
"""

from __future__ import annotations

import sys

import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from xero_mcp.sandbox.app import SandboxConfig, create_sandbox
from xero_mcp.sandbox.limits import LimitConfig

DROPPED = "sandbox.dropped"
"""The ASGI scope key the app sets when an injected fault drops the connection."""


class DroppingApp:
    """Wraps the sandbox app for a real server: an injected drop becomes a connection closed mid-response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI connection."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def guarded(message: Message) -> None:
            # Once the app has dropped the request, the error response its middleware would send is withheld.
            if not scope.get(DROPPED):
                await send(message)

        try:
            await self.app(scope, receive, guarded)
        except Exception:
            if not scope.get(DROPPED):
                raise
            # A response that promises a body and never sends it: the server closes the connection part-way,
            # which a client reports as a server disconnect, as it would for a real network drop.
            await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"1")]})


def run_sandbox(host: str, port: int, db: str | None, limits: bool) -> int:
    """Serve the sandbox (Accounting API, identity, /_sandbox controls) until interrupted; the exit status."""
    config = SandboxConfig(db=db, limits=LimitConfig(enabled=limits), real_time_delays=True)
    sandbox = create_sandbox(config)
    base = f"http://{host}:{port}"
    lines = [
        f"Xero sandbox on {base} (Accounting API at {base}/api.xro/2.0, token endpoint {base}/connect/token)",
        f"  app client id: {config.client_id} (with the sandbox's published default secret)",
        f"  state: {db or 'in memory'}; rate limits {'on' if limits else 'off'}",
        *(f"  organisation {name}: tenant {tenant}" for tenant, name in sandbox.state.organisations()),
    ]
    print("\n".join(lines), file=sys.stderr, flush=True)
    uvicorn.run(DroppingApp(sandbox.app), host=host, port=port, log_level="warning")
    return 0
