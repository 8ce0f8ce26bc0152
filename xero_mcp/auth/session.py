"""AuthSession: the one object the tools build on: a token provider plus the connected organisations.

Which credentials are used, in order of precedence (the first that is present wins):

1. XERO_ACCESS_TOKEN (+ XERO_TENANT_ID): a bearer token given explicitly for this process. Setting it is the most
   deliberate act of the three (it names one token for one run), so it overrides whatever is stored. It is never
   refreshed: when Xero says it expired, the user is told to set a fresh one or to log in.
2. A stored login (`xero-mcp login`), for the identity service in XERO_IDENTITY_URL. It comes before client
   credentials because a web app's login also needs XERO_CLIENT_ID + XERO_CLIENT_SECRET to refresh: those two
   variables being set cannot mean "custom connection" while a login exists.
3. XERO_CLIENT_ID + XERO_CLIENT_SECRET without a stored login: a custom connection (client_credentials), bound to
   one organisation, no xero-tenant-id header needed.

With none of them, every call fails with LoginRequired saying what to do. The default organisation is XERO_TENANT_ID
when set (the environment beats stored preferences), else the login's default (`xero-mcp login` /
`xero-mcp tenants --default`), else the only connected organisation.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

import httpx2

from xero_mcp.auth.errors import AuthServiceUnavailable, TokenStoreError
from xero_mcp.auth.oauth import XeroOAuth, fetch_connections, utc_now
from xero_mcp.auth.provider import (
    LoginRequired,
    StaticTokenProvider,
    Tenant,
    TokenProvider,
    UnknownTenant,
    match_tenant,
)
from xero_mcp.auth.providers import NOT_SIGNED_IN, ClientCredentialsProvider, LoginTokenProvider
from xero_mcp.auth.scopes import client_credentials_scope_plan
from xero_mcp.auth.store import StoredLogin, TokenStore, open_store
from xero_mcp.config import Settings
from xero_mcp.coordination import Coordinator

__all__ = ["PRECEDENCE", "AuthSession", "UnknownTenant", "build_auth_session", "match_tenant"]

PRECEDENCE = (
    "Credential precedence: 1. XERO_ACCESS_TOKEN (+ XERO_TENANT_ID); 2. the stored login from `xero-mcp login`; "
    "3. XERO_CLIENT_ID + XERO_CLIENT_SECRET (custom connection, client credentials)."
)


class _Unavailable:
    """The provider when no credentials exist: every call explains how to sign in."""

    def __init__(self, message: str) -> None:
        self.message = message

    async def get_token(self) -> str:
        raise LoginRequired(self.message)

    async def refresh_token(self, rejected: str) -> str:
        raise LoginRequired(self.message)


class AuthSession:
    """Credentials and organisations for one server process (see the module docstring for the precedence)."""

    def __init__(
        self,
        provider: TokenProvider,
        *,
        source: str,
        connections_url: str,
        needs_tenant_header: bool = True,
        env_tenant_id: str | None = None,
        transport: httpx2.AsyncBaseTransport | None = None,
        timeout: float = 30.0,
        login_provider: LoginTokenProvider | None = None,
    ) -> None:
        self.provider = provider
        self.needs_tenant_header = needs_tenant_header
        self.source = source
        self._connections_url = connections_url
        self._env_tenant_id = env_tenant_id
        self._transport = transport
        self._timeout = timeout
        self._login_provider = login_provider
        self._tenants: list[Tenant] | None = None
        self._lock = asyncio.Lock()

    @property
    def is_login(self) -> bool:
        """Whether the credentials are a stored login (whose default organisation can be changed)."""
        return self._login_provider is not None

    def describe(self) -> str:
        """Which credential source is in use, in words (never a secret)."""
        return self.source

    async def tenants(self, *, refresh: bool = False) -> list[Tenant]:
        """The connected organisations, read from `/connections` once per session or when `refresh` is true."""
        if self._tenants is not None and not refresh:
            return list(self._tenants)
        async with self._lock:
            if self._tenants is None or refresh:
                self._tenants = await self._fetch_tenants()
            return list(self._tenants)

    async def _fetch_tenants(self) -> list[Tenant]:
        if isinstance(self.provider, _Unavailable):
            raise LoginRequired(self.provider.message)
        try:
            token = await self.provider.get_token()
            status, tenants = await fetch_connections(
                self._connections_url, token, transport=self._transport, request_timeout=self._timeout
            )
            if status == 401:
                token = await self.provider.refresh_token(token)
                status, tenants = await fetch_connections(
                    self._connections_url, token, transport=self._transport, request_timeout=self._timeout
                )
        except AuthServiceUnavailable:
            offline = self._known_tenants()
            if offline:
                return offline
            raise
        if status == 200:
            if self._login_provider is not None:
                await self._login_provider.update_login(tenants=tenants)
            return tenants
        offline = self._known_tenants()
        if offline:
            return offline
        raise LoginRequired(
            f"Xero's /connections answered HTTP {status} for the {self.source}. Sign in again with `xero-mcp login`."
        )

    def _known_tenants(self) -> list[Tenant]:
        # Without /connections, what is already known still lets a tool address an organisation by ID.
        if self._login_provider is not None:
            try:
                return list(self._login_provider.current_login().tenants)
            except LoginRequired:
                return []
        if self._env_tenant_id:
            return [Tenant(tenant_id=self._env_tenant_id, name=self._env_tenant_id)]
        return []

    def default_tenant_id(self) -> str | None:
        """XERO_TENANT_ID, else the stored login's default organisation, else None."""
        if self._env_tenant_id:
            return self._env_tenant_id
        if self._login_provider is not None:
            try:
                return self._login_provider.current_login().default_tenant_id
            except LoginRequired:
                return None
        return None

    async def resolve_tenant(self, name_or_id: str | None) -> Tenant:
        """The organisation named or identified by `name_or_id` (None: the default). Raises UnknownTenant."""
        tenants = await self.tenants()
        if name_or_id is not None and name_or_id.strip():
            try:
                return match_tenant(name_or_id, tenants)
            except UnknownTenant:
                # It may have been connected since the list was read.
                return match_tenant(name_or_id, await self.tenants(refresh=True))
        default_id = self.default_tenant_id()
        if default_id:
            try:
                return match_tenant(default_id, tenants)
            except UnknownTenant:
                origin = "XERO_TENANT_ID" if self._env_tenant_id else "the login's default organisation"
                raise UnknownTenant(
                    default_id, tenants, f"The default organisation {default_id!r} ({origin}) is not connected."
                ) from None
        if len(tenants) == 1:
            return tenants[0]
        if not tenants:
            raise LoginRequired("No Xero organisation is connected. Run `xero-mcp login` and connect one.")
        raise UnknownTenant(
            None,
            tenants,
            "Several organisations are connected and none is the default: name one (tenant argument), or set a "
            "default with `xero-mcp tenants --default NAME` or XERO_TENANT_ID.",
        )

    async def set_default_tenant(self, name_or_id: str) -> Tenant:
        """Make an organisation the stored login's default. Only a stored login keeps a default."""
        if self._login_provider is None:
            raise LoginRequired(
                f"The default organisation is kept only for a `xero-mcp login` sign-in; the {self.source} is in use. "
                "Set XERO_TENANT_ID instead."
            )
        chosen = match_tenant(name_or_id, await self.tenants())
        await self._login_provider.update_login(default_tenant_id=chosen.tenant_id)
        return chosen


def _oauth_for_login(
    settings: Settings,
    login: StoredLogin,
    transport: httpx2.AsyncBaseTransport | None,
    now: Callable[[], datetime],
) -> XeroOAuth:
    # The secret belongs to XERO_CLIENT_ID: use it only when that is the app the login was made with.
    secret = settings.client_secret if settings.client_id == login.client_id else None
    app_settings = settings.model_copy(update={"client_id": login.client_id, "client_secret": secret})
    return XeroOAuth(app_settings, transport=transport, now=now)


def build_auth_session(
    settings: Settings,
    *,
    transport: httpx2.AsyncBaseTransport | None = None,
    store: TokenStore | None = None,
    now: Callable[[], datetime] | None = None,
    coordinator: Coordinator | None = None,
    on_refresh: Callable[[], None] | None = None,
) -> AuthSession:
    """The session for these settings, choosing credentials by the precedence in the module docstring.

    With a `coordinator`, a stored login is refreshed under its named lock, once for every process that shares it;
    `on_refresh` is told of each refresh (metrics).
    """
    clock = now or utc_now

    def session(
        provider: TokenProvider,
        source: str,
        *,
        needs_tenant_header: bool = True,
        login_provider: LoginTokenProvider | None = None,
    ) -> AuthSession:
        return AuthSession(
            provider,
            source=source,
            connections_url=settings.connections_url,
            needs_tenant_header=needs_tenant_header,
            env_tenant_id=settings.tenant_id,
            transport=transport,
            timeout=settings.request_timeout,
            login_provider=login_provider,
        )

    if settings.access_token is not None:
        return session(
            StaticTokenProvider(settings.access_token.get_secret_value()),
            "static access token from XERO_ACCESS_TOKEN (never refreshed)",
        )

    store_problem: str | None = None
    login: StoredLogin | None = None
    if store is None:
        try:
            store = open_store(settings)
        except TokenStoreError as exc:
            store_problem = str(exc)
    if store is not None:
        try:
            login = store.load()
        except TokenStoreError as exc:
            # A login exists but cannot be read: say so rather than silently using other credentials.
            return session(_Unavailable(str(exc)), "stored login (unreadable)")

    if store is not None and login is not None:
        refresh_name = f"refresh:{login.client_id}"
        fleet_lock = (lambda: coordinator.lock(refresh_name, ttl=60.0)) if coordinator is not None else None
        provider = LoginTokenProvider(
            store,
            _oauth_for_login(settings, login, transport, clock),
            login=login,
            now=clock,
            fleet_lock=fleet_lock,
            on_refresh=on_refresh,
        )
        return session(provider, f"stored login (app {login.client_id}) in {store.describe()}", login_provider=provider)

    if settings.client_id and settings.client_secret is not None:
        oauth = XeroOAuth(settings, transport=transport, now=clock)
        return session(
            ClientCredentialsProvider(oauth, client_credentials_scope_plan(settings), now=clock),
            f"custom connection (client credentials for XERO_CLIENT_ID {settings.client_id})",
            needs_tenant_header=False,
        )

    message = NOT_SIGNED_IN + (
        " Or set XERO_CLIENT_ID + XERO_CLIENT_SECRET for a custom connection, or XERO_ACCESS_TOKEN (+ XERO_TENANT_ID)."
    )
    if store_problem:
        message = f"{message} Note: {store_problem}"
    return session(_Unavailable(message), "no credentials")
