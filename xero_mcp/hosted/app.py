"""The composition root of hosted mode: store, authorization server, per-user backends and the HTTP app.

`xero-mcp serve --transport http --auth oauth` (or XERO_MCP_AUTH=oauth) runs `run_hosted`. Settings:

- XERO_MCP_PUBLIC_URL: the base URL clients reach (the issuer; the MCP endpoint is ``<public url>/mcp``);
- XERO_MCP_DATABASE_URL: ``sqlite:///path`` (default: ``hosted.sqlite3`` in the state directory) or
  ``postgresql://...``;
- XERO_MCP_ENCRYPTION_KEY: the key(s) Xero logins are sealed under (`xero_mcp.store.crypto`);
- XERO_CLIENT_ID / XERO_CLIENT_SECRET: the Xero app, with ``<public url>/oauth/xero/callback`` as its redirect URI.

With ``--sandbox`` the built-in sandbox plays Xero: it is served under ``/sandbox`` on the same origin so a browser
can reach its sign-in pages, while the server talks to it in process.
"""

from __future__ import annotations

import asyncio
import socket
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx2
from mcp.server import MCPServer
from mcp.server.auth.handlers.metadata import MetadataHandler
from mcp.server.auth.routes import build_metadata, cors_middleware
from mcp.server.auth.settings import AuthSettings, ClientRegistrationOptions, RevocationOptions
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from xero_mcp.auth.oauth import XeroOAuth
from xero_mcp.auth.scopes import login_scope_plan
from xero_mcp.config import Settings
from xero_mcp.hosted.cimd import ClientMetadataDocuments
from xero_mcp.hosted.confirm import shared_confirmations
from xero_mcp.hosted.limits import RegistrationCounter, RegistrationLimit, registration_counter
from xero_mcp.hosted.provider import CALLBACK_PATH, CONSENT_PATH, HostedAuthProvider, HostedUrls
from xero_mcp.hosted.users import UserBackends
from xero_mcp.http import operations, serve_until_stopped, transport_security
from xero_mcp.ops import readiness_problems
from xero_mcp.store import KeyRing, Store, open_store
from xero_mcp.tools._context import Backend, ToolContext

if TYPE_CHECKING:
    from xero_mcp.metrics import Metrics

SANDBOX_PREFIX = "/sandbox"
METADATA_PATH = "/.well-known/oauth-authorization-server"


class HostedConfigError(ValueError):
    """Hosted mode cannot start with these settings."""


@dataclass
class HostedApp:
    """Everything hosted mode runs on, for the server and for tests."""

    app: ASGIApp
    server: MCPServer
    context: ToolContext
    store: Store
    users: UserBackends
    provider: HostedAuthProvider
    urls: HostedUrls
    registrations: RegistrationCounter

    async def aclose(self) -> None:
        """Close each person's backend (their rotated Xero login saved), then the registration count."""
        await self.users.aclose()
        await self.registrations.aclose()


class _Prefix:
    """ASGI: requests under `prefix` go to a side app (mounted there: its root_path gains the prefix); everything
    else, lifespan included, goes to the main app."""

    def __init__(self, main: ASGIApp, prefix: str, side: ASGIApp) -> None:
        self._main = main
        self._prefix = prefix
        self._side = side

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] == "http" and (path == self._prefix or path.startswith(self._prefix + "/")):
            inner = dict(scope)
            inner["root_path"] = str(scope.get("root_path", "")) + self._prefix
            await self._side(inner, receive, send)
        else:
            await self._main(scope, receive, send)


def check_settings(settings: Settings) -> HostedUrls:
    """The public URLs, after checking the settings hosted mode needs. Raises HostedConfigError, or
    EncryptionKeyError for a key that is not 32 bytes of key material (before anything starts)."""
    if not settings.public_url:
        raise HostedConfigError(
            "XERO_MCP_PUBLIC_URL is not set: the base URL MCP clients reach, e.g. https://xero-mcp.example.com"
        )
    if settings.encryption_key is None:
        raise HostedConfigError(
            "XERO_MCP_ENCRYPTION_KEY is not set: Xero logins are stored encrypted. Make a key with "
            "`xero-mcp hosted keygen`"
        )
    KeyRing.parse(settings.encryption_key.get_secret_value())
    return HostedUrls(settings.public_url)


async def build_hosted(
    settings: Settings,
    *,
    store: Store,
    host: str,
    port: int,
    transport: httpx2.AsyncBaseTransport | None = None,
    sandbox_app: ASGIApp | None = None,
    metrics: Metrics | None = None,
    documents: ClientMetadataDocuments | None = None,
) -> HostedApp:
    """Wire hosted mode over an open store. `transport` reaches Xero (or the sandbox, in process); `sandbox_app` is
    served under /sandbox for the browser. The app answers /healthz and /readyz (the store's database and Redis),
    and with `metrics` counts calls, serving them at /metrics to the bearer of XERO_MCP_HTTP_TOKEN. `documents`
    fetches Client ID Metadata Documents (default: public addresses only; with the sandbox, loopback ones too, so a
    client on this machine can try them)."""
    from xero_mcp.server import build_server, fleet_coordinator

    urls = check_settings(settings)
    users = UserBackends(
        store,
        settings,
        transport=transport,
        coordinator=fleet_coordinator(settings, metrics=metrics),
        metrics=metrics,
    )
    provider = HostedAuthProvider(
        store,
        XeroOAuth(settings, transport=transport),
        urls,
        identity_url=settings.identity_url,
        xero_scopes=login_scope_plan(settings)[0],
        on_sign_in=users.forget,
        documents=documents or ClientMetadataDocuments(allow_loopback=sandbox_app is not None),
    )
    # Validated from strings so the issuer keeps its exact spelling (no trailing slash): RFC 8414 and RFC 9207
    # compare issuers as strings, and the `iss` sent back with each code must equal the metadata's.
    auth = AuthSettings.model_validate(
        {
            "issuer_url": urls.issuer,
            "resource_server_url": urls.resource,
            "validate_token_resource": True,
            "client_registration_options": ClientRegistrationOptions(enabled=True),
            "revocation_options": RevocationOptions(enabled=True),
        }
    )

    async def no_shared_backend() -> Backend:
        raise AssertionError("hosted mode resolves each request's backend from its user")

    assert settings.encryption_key is not None  # check_settings
    keys = KeyRing.parse(settings.encryption_key.get_secret_value())
    server, context = build_server(
        settings,
        no_shared_backend,
        resolver=users.current,
        auth_provider=provider,
        auth=auth,
        metrics=metrics,
        confirmations=shared_confirmations(store, keys),
    )
    users.on_drop = context.forget_owner
    server.custom_route(CALLBACK_PATH, methods=["GET"])(provider.xero_callback)
    server.custom_route(CONSENT_PATH, methods=["GET", "POST"])(provider.consent)
    if settings.webhook_key is not None:
        from xero_mcp.hosted.webhooks import HostedWebhooks
        from xero_mcp.sync.webhooks import DEFAULT_PATH

        webhooks = HostedWebhooks(store, settings.webhook_key)
        server.custom_route(DEFAULT_PATH, methods=["POST"])(webhooks.receive)
    public_host = urlsplit(urls.issuer).netloc
    security = transport_security(host, port, [*settings.allowed_hosts, public_host])
    starlette = server.streamable_http_app(
        host=host,
        transport_security=security,
        max_sessions=settings.max_sessions,
        session_idle_timeout=settings.session_idle_timeout,
        stateless_http=settings.stateless_http,
    )
    _advertise_client_id_metadata_documents(starlette, auth)
    app: ASGIApp = starlette
    redis_url = settings.redis_url.get_secret_value() if settings.redis_url else None
    registrations = registration_counter(
        redis_url,
        prefix=settings.redis_prefix,
        per_source=settings.registrations_per_source,
        total=settings.registrations_per_hour,
    )
    app = RegistrationLimit(app, registrations)
    if sandbox_app is not None:
        app = _Prefix(app, SANDBOX_PREFIX, sandbox_app)

    async def database() -> None:
        await store.get_user("-")

    async def ready() -> dict[str, str]:
        return await readiness_problems(database, users.coordinator)

    token = settings.http_token.get_secret_value() if settings.http_token else None
    app = operations(app, readiness=ready, metrics=metrics, metrics_token=token)
    return HostedApp(app, server, context, store, users, provider, urls, registrations)


def _advertise_client_id_metadata_documents(app: Starlette, auth: AuthSettings) -> None:
    """Serve the SDK's own authorization-server metadata with `client_id_metadata_document_supported` (and the `none`
    token endpoint auth method public clients use) added: the SDK has no option for them, and clients use a metadata
    document URL only when it is advertised."""
    metadata = build_metadata(
        auth.issuer_url,
        auth.service_documentation_url,
        auth.client_registration_options or ClientRegistrationOptions(),
        auth.revocation_options or RevocationOptions(),
    )
    metadata.client_id_metadata_document_supported = True
    # Public clients (a metadata document's, or a registration asking for it) authenticate with PKCE alone.
    metadata.token_endpoint_auth_methods_supported = [*(metadata.token_endpoint_auth_methods_supported or []), "none"]
    for index, route in enumerate(app.router.routes):
        if isinstance(route, Route) and route.path == METADATA_PATH:
            app.router.routes[index] = Route(
                METADATA_PATH,
                endpoint=cors_middleware(MetadataHandler(metadata).handle, ["GET", "OPTIONS"]),
                methods=["GET", "OPTIONS"],
            )
            return
    raise AssertionError("the mcp SDK no longer serves the authorization-server metadata route")


def sandbox_hosted_settings(settings: Settings, public_url: str) -> Settings:
    """Settings pointing at the in-process sandbox, whose sign-in pages the browser reaches under /sandbox."""
    from xero_mcp.local import sandbox_settings

    return sandbox_settings(settings).model_copy(update={"login_url": public_url.rstrip("/") + SANDBOX_PREFIX})


def add_demo_users(sandbox: Any) -> None:
    """Two sandbox people sharing one organisation, so a newcomer sees the login and consent pages."""
    first, second = [tenant for tenant, _ in sandbox.state.organisations()][:2]
    sandbox.identity.add_user("alice@example.com", [first, second], "Alice Adams")
    sandbox.identity.add_user("bob@example.com", [second], "Bob Brown")


async def _serve(settings: Settings, *, host: str, port: int, sandbox: bool) -> int:
    from xero_mcp import _listen

    try:
        sock = _listen.bind(host, port)
    except _listen.ListenError as exc:
        print(f"xero-mcp: {exc}", file=sys.stderr)
        return 1
    with sock:
        await _serve_on(sock, settings, host=host, sandbox=sandbox)
    return 0


async def _serve_on(sock: socket.socket, settings: Settings, *, host: str, sandbox: bool) -> None:
    from xero_mcp import _listen
    from xero_mcp.metrics import Metrics

    public_url = settings.public_url or _listen.base_url(sock)
    settings = settings.model_copy(update={"public_url": public_url})
    check_settings(settings)
    transport: httpx2.AsyncBaseTransport | None = None
    sandbox_app: ASGIApp | None = None
    if sandbox:
        from xero_mcp.sandbox.app import SandboxConfig, create_sandbox

        instance = create_sandbox(SandboxConfig())
        add_demo_users(instance)
        settings = sandbox_hosted_settings(settings, public_url)
        transport, sandbox_app = instance.transport(), instance.app
    database_url = settings.database_url or f"sqlite:///{settings.state_dir / 'hosted.sqlite3'}"
    assert settings.encryption_key is not None  # check_settings
    store = await open_store(database_url, KeyRing.parse(settings.encryption_key.get_secret_value()))
    try:
        hosted = await build_hosted(
            settings,
            store=store,
            host=host,
            port=int(sock.getsockname()[1]),
            transport=transport,
            sandbox_app=sandbox_app,
            metrics=Metrics(),
        )
    except BaseException:
        await store.close()
        raise
    announce = [f"xero-mcp: MCP endpoint {hosted.urls.resource} (sign in with Xero)"]
    if sandbox:
        announce.append(f"xero-mcp: sandbox sign-in pages at {public_url}{SANDBOX_PREFIX}")
    # Calls in flight finish first, then each person's backend closes (their rotated Xero login saved), then the store.
    await serve_until_stopped(hosted.app, sock, settings, announce=announce, closers=[hosted.aclose, store.close])


def run_hosted(settings: Settings, *, host: str, port: int, sandbox: bool = False) -> int:
    """Serve hosted mode until stopped; 2 when the settings cannot work."""
    from xero_mcp.store import EncryptionKeyError, StoreConfigError

    try:
        return asyncio.run(_serve(settings, host=host, port=port, sandbox=sandbox))
    except (HostedConfigError, EncryptionKeyError, StoreConfigError) as exc:
        print(f"xero-mcp: {exc}", file=sys.stderr)
        return 2
