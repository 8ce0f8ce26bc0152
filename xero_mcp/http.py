"""Streamable HTTP for agent frameworks: `xero-mcp serve --transport http`.

On a loopback host the endpoint is open to local processes (as stdio is). On any other host it requires
`Authorization: Bearer <XERO_MCP_HTTP_TOKEN>`: the server acts on the user's Xero organisations, so it must never be
reachable unauthenticated from a network.

On every bind the MCP endpoint checks Host and Origin (DNS rebinding): a web page in the user's browser can point
its own name at a loopback address, but it cannot make the browser send a Host or Origin naming that address. The
names allowed follow from the bind address, plus `--allowed-hosts` / XERO_MCP_ALLOWED_HOSTS for a reverse proxy.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import json
import socket
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

import uvicorn
from mcp.server import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from starlette.types import ASGIApp, Receive, Scope, Send

from xero_mcp.config import Settings

if TYPE_CHECKING:
    from xero_mcp.metrics import Metrics
    from xero_mcp.ops import ReadinessCheck
    from xero_mcp.sync.cursors import CursorStore
    from xero_mcp.tools._context import ToolContext


class HttpConfigError(ValueError):
    """The HTTP transport cannot start safely with these settings."""


def _parse_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address `host` spells (brackets allowed around IPv6), or None for a name."""
    text = host.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def is_loopback(host: str) -> bool:
    """True for localhost and every spelling of a loopback address: 127.0.0.0/8, ::1 (also written in full or in
    brackets) and the IPv4-mapped ::ffff:127.x.y.z, which Python 3.11's ipaddress does not count as loopback."""
    if host.strip().lower() == "localhost":
        return True
    address = _parse_address(host)
    if address is None:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


_LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")


def _host_spellings(host: str) -> list[str]:
    """How a Host header may name this bind address: its canonical form and the spelling given."""
    address = _parse_address(host)
    if address is None:
        return [host.strip().lower()]
    if isinstance(address, ipaddress.IPv6Address):
        given = host.strip().strip("[]").lower()
        return list(dict.fromkeys([f"[{address.compressed}]", f"[{given}]"]))
    return [address.compressed]


def allowed_hosts_for(host: str, port: int, extra: Sequence[str]) -> list[str]:
    """Host header values the MCP endpoint accepts when bound to `host`:`port`.

    Each name is allowed bare and with the port (`name:*` when the port is chosen by the OS). A loopback bind also
    accepts `localhost`, `127.0.0.1` and `[::1]`; a wildcard bind (0.0.0.0, ::) accepts those loopback names, and
    any name the server is reached by from a network must be listed in `extra` (entries given without a port allow
    any port, as a reverse proxy may forward the public name with or without it).
    """
    address = _parse_address(host)
    names = _host_spellings(host)
    if address is not None and address.is_unspecified:
        names = list(_LOOPBACK_NAMES)
    elif is_loopback(host):
        # `localhost` resolves to 127.0.0.1 or ::1, so a client may name either; no web page can send them as Host.
        names = [*names, *_LOOPBACK_NAMES]
    suffix = f":{port}" if port else ":*"
    allowed: list[str] = []
    for name in names:
        allowed += [name, name + suffix]
    for entry in extra:
        value = entry.strip().lower()
        if not value:
            continue
        head, colon, tail = value.rpartition(":")
        has_port = bool(colon) and tail.isdigit() and (head.endswith("]") or ":" not in head)
        allowed += [value] if has_port else [value, f"{value}:*"]
    return list(dict.fromkeys(allowed))


def transport_security(host: str, port: int, extra: Sequence[str]) -> TransportSecuritySettings:
    """The SDK's DNS rebinding protection, on for every bind: the allowed hosts above, and as origins those hosts
    over http or https. Loopback origins on any port stay allowed on a loopback bind (a local web UI such as an
    inspector is a local process, which a loopback server already trusts)."""
    hosts = allowed_hosts_for(host, port, extra)
    origins = [f"{scheme}://{name}" for name in hosts for scheme in ("http", "https")]
    if is_loopback(host):
        origins += [f"http://{name}:*" for name in _LOOPBACK_NAMES]
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True, allowed_hosts=hosts, allowed_origins=list(dict.fromkeys(origins))
    )


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


def http_app(
    server: MCPServer,
    settings: Settings,
    *,
    host: str,
    port: int,
    metrics: Metrics | None = None,
    readiness: ReadinessCheck | None = None,
    cursors: Callable[[], Awaitable[CursorStore]] | None = None,
) -> Any:
    """The ASGI app for Streamable HTTP at /mcp, guarded by a bearer token when configured or required, with Host and
    Origin checked on every bind.

    `metrics` adds /metrics behind the same guard; `readiness` adds the open /healthz and /readyz probes. Every
    request gets an X-Request-ID. With `stateless_http` (XERO_MCP_STATELESS_HTTP) no MCP session lives in the
    process, so any replica behind a load balancer can answer any request.

    With XERO_WEBHOOK_KEY set, Xero's webhooks are received at /webhooks/xero (signature-checked) and recorded so
    the next poll of that organisation and entity fetches the changed records without waiting for its window: into
    the backend's store that `cursors` gives (the state dir's when none is given).
    """
    token = settings.http_token.get_secret_value() if settings.http_token else None
    if not is_loopback(host) and not token:
        raise HttpConfigError(
            f"Refusing to serve on {host} without authentication: set XERO_MCP_HTTP_TOKEN to a long random secret "
            "that clients send as 'Authorization: Bearer <token>', or bind to 127.0.0.1."
        )
    app: Any = server.streamable_http_app(
        host=host,
        transport_security=transport_security(host, port, settings.allowed_hosts),
        max_sessions=settings.max_sessions,
        session_idle_timeout=settings.session_idle_timeout,
        stateless_http=settings.stateless_http,
    )
    if metrics is not None:
        from xero_mcp.ops import MetricsRoute

        app = MetricsRoute(app, metrics.exposition)
    if token:
        app = BearerTokenGuard(app, token)
    if settings.webhook_key is not None:
        from starlette.applications import Starlette

        from xero_mcp.sync.webhooks import DEFAULT_PATH, webhook_route

        route = webhook_route(cursors or _local_cursors(settings), settings.webhook_key)
        app = PathDispatch(app, DEFAULT_PATH, Starlette(routes=[route]))
    return operations(app, readiness=readiness)


def operations(
    app: ASGIApp,
    *,
    readiness: ReadinessCheck | None,
    metrics: Metrics | None = None,
    metrics_token: str | None = None,
) -> ASGIApp:
    """`app` with the open /healthz and /readyz probes (given `readiness`) and a request id on every request; with
    `metrics` and `metrics_token`, also /metrics behind `Authorization: Bearer <metrics_token>` (hosted mode, whose MCP
    endpoint has its own sign-in; without a token it serves no metrics)."""
    from xero_mcp.ops import HealthRoutes, MetricsRoute, RequestIds

    if metrics is not None and metrics_token:
        app = PathDispatch(app, "/metrics", BearerTokenGuard(MetricsRoute(app, metrics.exposition), metrics_token))
    if readiness is not None:
        app = HealthRoutes(app, readiness)
    return RequestIds(app)


def _backend_cursors(context: ToolContext) -> Callable[[], Awaitable[CursorStore]]:
    async def cursors() -> CursorStore:
        return (await context.backend()).cursors

    return cursors


def _local_cursors(settings: Settings) -> Callable[[], Awaitable[CursorStore]]:
    """The state dir's trigger state, opened on the first webhook (an app built without a backend: tests)."""
    opened: list[CursorStore] = []
    lock = asyncio.Lock()

    async def cursors() -> CursorStore:
        async with lock:
            if not opened:
                from xero_mcp.store.store import open_local_store
                from xero_mcp.sync.cursors import CursorStore

                opened.append(CursorStore(await open_local_store(settings.state_dir)))
        return opened[0]

    return cursors


def run_http(
    server: MCPServer,
    settings: Settings,
    *,
    host: str,
    port: int,
    context: ToolContext | None = None,
    metrics: Metrics | None = None,
) -> int:
    """Serve Streamable HTTP until stopped (see `serve_until_stopped`); where it listens is printed to stderr once it
    serves."""

    from xero_mcp import _listen

    readiness: ReadinessCheck | None = None
    if context is not None:
        from xero_mcp.server import readiness as check

        async def ready() -> dict[str, str]:
            return await check(context)

        readiness = ready
    try:
        sock = _listen.bind(host, port)
    except _listen.ListenError as exc:
        print(f"xero-mcp: {exc}", file=sys.stderr)
        return 1
    try:
        # The bound port, not the requested one: with --port 0 the allowed Host names carry the port chosen.
        app = http_app(
            server,
            settings,
            host=host,
            port=int(sock.getsockname()[1]),
            metrics=metrics,
            readiness=readiness,
            cursors=_backend_cursors(context) if context is not None else None,
        )
    except HttpConfigError as exc:
        sock.close()
        print(f"xero-mcp: {exc}", file=sys.stderr)
        return 2
    notes = [f"xero-mcp: MCP server (Streamable HTTP) listening on {_listen.base_url(sock)}/mcp"]
    address = _parse_address(host)
    if address is not None and address.is_unspecified and not settings.allowed_hosts:
        notes.append(
            "xero-mcp: listening on every interface, but only loopback names are accepted in the Host header; list "
            "the names clients use to reach this server in --allowed-hosts (XERO_MCP_ALLOWED_HOSTS)."
        )
    closers = [context.aclose] if context is not None else []
    asyncio.run(serve_until_stopped(app, sock, settings, announce=notes, closers=closers))
    return 0


async def serve_until_stopped(
    app: ASGIApp,
    sock: socket.socket,
    settings: Settings,
    *,
    announce: Sequence[str],
    closers: Sequence[Callable[[], Awaitable[None]]] = (),
) -> None:
    """Serve `app` on the bound `sock` until SIGTERM or SIGINT, then stop accepting, let the calls in flight finish
    (up to `settings.shutdown_grace` seconds) and run `closers` (backends, stores), in that order.

    The `announce` lines go to stderr once the server serves, not merely once the port is bound: from then on a
    signal is uvicorn's, which shuts down in order. Uvicorn raises the caught signal again when it is done (SIGINT
    becomes KeyboardInterrupt, SIGTERM ends the process), so everything that must happen on the way out happens
    inside its shutdown, before that.
    """
    config = uvicorn.Config(
        app, log_level="warning", log_config=None, timeout_graceful_shutdown=max(1, round(settings.shutdown_grace))
    )
    await _OrderlyServer(config, announce, closers).serve(sockets=[sock])


class _OrderlyServer(uvicorn.Server):
    """Uvicorn's server, announcing itself once it serves and closing what it served from on the way out."""

    def __init__(
        self, config: uvicorn.Config, announce: Sequence[str], closers: Sequence[Callable[[], Awaitable[None]]]
    ) -> None:
        super().__init__(config)
        self._announce = list(announce)
        self._closers = list(closers)

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        """Start serving, then say so."""
        try:
            await super().startup(sockets=sockets)
        except BaseException:
            await self._close()
            raise
        if self.started:
            for line in self._announce:
                print(line, file=sys.stderr, flush=True)
        else:
            await self._close()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """Finish the calls in flight, then close the backends (still before uvicorn re-raises the signal)."""
        try:
            await super().shutdown(sockets=sockets)
        finally:
            await self._close()

    async def _close(self) -> None:
        closers, self._closers = self._closers, []
        for close in closers:
            await close()
