"""Xero's OAuth 2.0 endpoints, spoken through authlib's httpx2 client.

One small object per set of settings: it builds the authorization URL (PKCE S256 + state), exchanges a code,
refreshes, fetches client-credentials tokens, revokes, and reads `/connections`. Every call takes the injectable
httpx2 transport, so tests run against the sandbox in-process. Failures are raised as OAuthFailure (Xero answered
with an OAuth error), AuthServiceUnavailable (Xero could not be reached or answered 5xx, after the one retry a lost
response deserves is left to the caller), or the httpx2 transport error itself where the caller must tell a lost
response from a refusal (`raw_network_errors=True`).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypeVar, cast

import httpx2
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.httpx_client import AsyncOAuth2Client

from xero_mcp.auth.errors import AuthServiceUnavailable, LoginRequired, OAuthFailure
from xero_mcp.auth.provider import Tenant
from xero_mcp.config import Settings

_T = TypeVar("_T")


def utc_now() -> datetime:
    """The real current time, timezone-aware."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Endpoints:
    """Where Xero's identity service lives (each can point at the sandbox or any Xero-compatible server)."""

    authorize: str
    token: str
    revocation: str
    connections: str

    @classmethod
    def from_settings(cls, settings: Settings) -> Endpoints:
        """The endpoints under the settings' login, identity and connections URLs."""
        identity = settings.identity_url.rstrip("/")
        return cls(
            authorize=f"{settings.login_url.rstrip('/')}/identity/connect/authorize",
            token=f"{identity}/connect/token",
            revocation=f"{identity}/connect/revocation",
            connections=settings.connections_url,
        )


@dataclass(frozen=True)
class TokenSet:
    """What the token endpoint issued; token values are hidden from repr."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    expires_at: datetime
    scopes: tuple[str, ...]
    # OpenID Connect's ID token, when `openid` was granted: who signed in (the hosted connector needs it).
    id_token: str | None = field(default=None, repr=False)


class _OAuthClient(Protocol):
    """The typed surface of authlib's (untyped) AsyncOAuth2Client that this module uses."""

    def create_authorization_url(
        self, url: str, state: str | None = None, code_verifier: str | None = None
    ) -> tuple[str, str]: ...

    async def fetch_token(self, url: str, **kwargs: Any) -> Mapping[str, Any]: ...

    async def refresh_token(self, url: str, refresh_token: str) -> Mapping[str, Any]: ...

    async def revoke_token(self, url: str, token: str, token_type_hint: str) -> httpx2.Response: ...

    async def aclose(self) -> None: ...


class _Unclosable(httpx2.AsyncBaseTransport):
    """Shares a caller's transport between short-lived clients without letting any of them close it."""

    def __init__(self, inner: httpx2.AsyncBaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        return None


def _describe_network_error(exc: Exception) -> str:
    if isinstance(exc, httpx2.HTTPStatusError):
        return f"HTTP {exc.response.status_code}"
    return type(exc).__name__


class XeroOAuth:
    """OAuth operations for one app (client id, optional secret) against one set of endpoints."""

    def __init__(
        self,
        settings: Settings,
        *,
        client_id: str | None = None,
        transport: httpx2.AsyncBaseTransport | None = None,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        chosen = client_id or settings.client_id
        if not chosen:
            raise LoginRequired(
                "XERO_CLIENT_ID is not set: create an app at developer.xero.com (type 'Auth code with PKCE' for "
                "`xero-mcp login`, or a custom connection) and set XERO_CLIENT_ID to its client id."
            )
        self.client_id: str = chosen
        self._secret = settings.client_secret.get_secret_value() if settings.client_secret else None
        self.endpoints = Endpoints.from_settings(settings)
        self._transport = _Unclosable(transport) if transport is not None else None
        self._timeout = settings.request_timeout
        self._now = now

    @property
    def has_secret(self) -> bool:
        """Whether the app authenticates with a client secret (a web app or custom connection)."""
        return self._secret is not None

    def _make_client(self, **extra: Any) -> _OAuthClient:
        kwargs: dict[str, Any] = {"timeout": self._timeout, **extra}
        if self._transport is not None:
            kwargs["transport"] = self._transport
        return cast(_OAuthClient, AsyncOAuth2Client(client_id=self.client_id, client_secret=self._secret, **kwargs))

    @asynccontextmanager
    async def _client(self, **extra: Any) -> AsyncGenerator[_OAuthClient]:
        client = self._make_client(**extra)
        try:
            yield client
        finally:
            await client.aclose()

    def _token_set(self, token: Mapping[str, Any], fallback_scopes: tuple[str, ...]) -> TokenSet:
        expires_in = int(token.get("expires_in") or 1800)
        scope = token.get("scope")
        return TokenSet(
            access_token=str(token["access_token"]),
            refresh_token=str(token["refresh_token"]) if token.get("refresh_token") else None,
            expires_at=self._now() + timedelta(seconds=expires_in),
            scopes=tuple(str(scope).split()) if scope else fallback_scopes,
            id_token=str(token["id_token"]) if token.get("id_token") else None,
        )

    async def _guard(self, call: Awaitable[_T], *, raw_network_errors: bool = False) -> _T:
        try:
            return await call
        except OAuthError as exc:
            error = cast(str | None, exc.error) or "oauth_error"
            description = cast(str | None, exc.description) or None
            raise OAuthFailure(error, description) from None
        except (httpx2.TransportError, httpx2.HTTPStatusError) as exc:
            if raw_network_errors:
                raise
            raise AuthServiceUnavailable(
                f"Xero's identity service at {self.endpoints.token.rsplit('/connect/', 1)[0]} could not be reached "
                f"({_describe_network_error(exc)}). Check the network and try again."
            ) from None

    def authorization_url(self, *, redirect_uri: str, scopes: tuple[str, ...], state: str, code_verifier: str) -> str:
        """The sign-in URL to open in a browser (PKCE S256 challenge and `state` included)."""
        # Building a URL opens no connection, so this client needs no closing.
        client = self._make_client(redirect_uri=redirect_uri, scope=" ".join(scopes), code_challenge_method="S256")
        url, _ = client.create_authorization_url(self.endpoints.authorize, state=state, code_verifier=code_verifier)
        return url

    async def exchange_code(
        self, *, code: str, redirect_uri: str, code_verifier: str, scopes: tuple[str, ...]
    ) -> TokenSet:
        """Trade an authorization code (and its PKCE verifier) for tokens."""
        async with self._client(redirect_uri=redirect_uri, code_challenge_method="S256") as client:
            token = await self._guard(
                client.fetch_token(
                    self.endpoints.token,
                    grant_type="authorization_code",
                    code=code,
                    code_verifier=code_verifier,
                )
            )
        return self._token_set(token, scopes)

    async def refresh(self, refresh_token: str, scopes: tuple[str, ...]) -> TokenSet:
        """Use a refresh token. Network errors are raised as httpx2 raised them: the caller decides on a retry."""
        async with self._client() as client:
            token = await self._guard(
                client.refresh_token(self.endpoints.token, refresh_token=refresh_token), raw_network_errors=True
            )
        return self._token_set(token, scopes)

    async def client_credentials(self, scopes: tuple[str, ...]) -> TokenSet:
        """A custom connection's access token (no refresh token)."""
        if self._secret is None:
            raise LoginRequired("A custom connection needs XERO_CLIENT_SECRET as well as XERO_CLIENT_ID.")
        async with self._client(scope=" ".join(scopes) or None) as client:
            token = await self._guard(client.fetch_token(self.endpoints.token, grant_type="client_credentials"))
        return self._token_set(token, scopes)

    async def revoke(self, refresh_token: str) -> None:
        """Revoke a refresh token (which also removes the user's connections to this app)."""
        async with self._client() as client:
            response = await self._guard(
                client.revoke_token(
                    self.endpoints.revocation,
                    token=refresh_token,
                    token_type_hint="refresh_token",  # noqa: S106 - the RFC 7009 hint name, not a secret
                )
            )
        status = response.status_code
        if status >= 500:
            raise AuthServiceUnavailable(f"Xero could not revoke the sign-in (HTTP {status}). Try again later.")
        if status >= 400:
            raise OAuthFailure(_oauth_error_code(response))

    async def connections(self, access_token: str) -> tuple[int, list[Tenant]]:
        """`GET /connections` with this token (see `fetch_connections`)."""
        return await fetch_connections(
            self.endpoints.connections, access_token, transport=self._transport, request_timeout=self._timeout
        )


async def fetch_connections(
    url: str, access_token: str, *, transport: httpx2.AsyncBaseTransport | None, request_timeout: float
) -> tuple[int, list[Tenant]]:
    """`GET /connections`: the HTTP status and, when it is 200, the connected organisations."""
    kwargs: dict[str, Any] = {"timeout": request_timeout}
    if transport is not None:
        kwargs["transport"] = transport if isinstance(transport, _Unclosable) else _Unclosable(transport)
    try:
        async with httpx2.AsyncClient(**kwargs) as http:
            response = await http.get(
                url, headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"}
            )
    except httpx2.TransportError as exc:
        raise AuthServiceUnavailable(
            f"Xero's connections endpoint {url} could not be reached ({type(exc).__name__}). "
            "Check the network and try again."
        ) from None
    if response.status_code != 200:
        return response.status_code, []
    return 200, _parse_connections(response)


def _oauth_error_code(response: httpx2.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"http_{response.status_code}"
    if isinstance(body, dict) and isinstance(cast(dict[str, Any], body).get("error"), str):
        return str(cast(dict[str, Any], body)["error"])
    return f"http_{response.status_code}"


def _parse_connections(response: httpx2.Response) -> list[Tenant]:
    try:
        body = response.json()
    except ValueError:
        raise AuthServiceUnavailable("Xero's connections endpoint answered with something other than JSON.") from None
    if not isinstance(body, list):
        raise AuthServiceUnavailable("Xero's connections endpoint answered with something other than a list.")
    tenants: list[Tenant] = []
    for item in cast(list[Any], body):
        if not isinstance(item, dict):
            continue
        entry = cast(dict[str, Any], item)
        tenant_id = entry.get("tenantId")
        if not isinstance(tenant_id, str):
            continue
        name = entry.get("tenantName")
        kind = entry.get("tenantType")
        tenants.append(
            Tenant(
                tenant_id=tenant_id,
                name=name if isinstance(name, str) and name else tenant_id,
                tenant_type=kind if isinstance(kind, str) and kind else "ORGANISATION",
            )
        )
    return tenants
