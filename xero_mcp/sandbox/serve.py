"""``xero-mcp sandbox``: the sandbox over HTTP (uvicorn), on loopback unless told otherwise.

Served over a socket, injected faults behave as on a network: a "slow" response really waits its delay, and a
dropped connection really closes mid-response (the client sees the server disconnect, not a 500).

Bound to a loopback address (the default), it answers only requests whose Host names a loopback address: its
control API resets and seeds state and its identity service hands tokens to anyone, so a web page that rebinds its
own name to 127.0.0.1 must not reach them. Bound to another address on purpose (`--host 0.0.0.0` in a container),
it answers any Host.
"""

from __future__ import annotations

import ipaddress
import secrets
import sys

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from xero_mcp import _listen
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


def _is_loopback_name(name: str) -> bool:
    """localhost, or an address in 127.0.0.0/8 or ::1 in any spelling (IPv4-mapped included)."""
    text = name.strip().strip("[]").lower()
    if text == "localhost":
        return True
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def _host_name(header: str) -> str:
    """The name in a Host header, without its port (`[::1]:5055` -> `::1`)."""
    value = header.strip()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class LoopbackHostGuard:
    """Answers 421 to any HTTP request whose Host header does not name a loopback address (DNS rebinding)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI connection."""
        if scope["type"] == "http":
            headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
            host = next((value.decode("latin-1") for key, value in headers if key == b"host"), "")
            if not _is_loopback_name(_host_name(host)):
                body = b"Invalid Host header: this sandbox serves loopback names only"
                await send(
                    {
                        "type": "http.response.start",
                        "status": 421,
                        "headers": [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def served_app(app: ASGIApp, host: str) -> ASGIApp:
    """The app as served on `host`: network faults made real, and Host names checked on a loopback bind."""
    served: ASGIApp = DroppingApp(app)
    return LoopbackHostGuard(served) if _is_loopback_name(host) else served


def run_sandbox(host: str, port: int, db: str | None, limits: bool, clock_rate: float = 1.0) -> int:
    """Serve the sandbox (Accounting API, identity, /_sandbox controls) until interrupted; the exit status.

    `clock_rate` runs the sandbox clock that many times faster than real time (rate windows, token lifetimes), for
    demos and process-level tests of Xero's limits.

    The port is bound before the banner is printed, so a taken port ends with one error line and status 1. The banner
    shows the port and a run id, which tell apart two sandboxes running on one machine (they share one identity).
    """
    try:
        sock = _listen.bind(host, port)
    except _listen.ListenError as exc:
        print(f"xero-mcp sandbox: {exc}", file=sys.stderr, flush=True)
        return 1
    config = SandboxConfig(db=db, limits=LimitConfig(enabled=limits), real_time_delays=True, clock_rate=clock_rate)
    sandbox = create_sandbox(config)
    base = _listen.base_url(sock)
    bound_port = sock.getsockname()[1]
    lines = [
        f"Xero sandbox, run {secrets.token_hex(3)}, listening on port {bound_port}: {base}",
        f"  Accounting API {base}/api.xro/2.0, token endpoint {base}/connect/token",
        f"  app client id: {config.client_id} (with the sandbox's published default secret)",
        f"  state: {db or 'in memory (lost on exit; --db FILE keeps it)'}; rate limits {'on' if limits else 'off'}"
        + (f"; clock x{clock_rate:g}" if clock_rate != 1.0 else ""),
        *(f"  organisation {name}: tenant {tenant}" for tenant, name in sandbox.state.organisations()),
        "  Press Ctrl-C to stop.",
    ]
    print("\n".join(lines), file=sys.stderr, flush=True)
    _listen.serve(served_app(sandbox.app, host), sock)
    return 0
