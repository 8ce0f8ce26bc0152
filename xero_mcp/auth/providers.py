"""Token providers that renew their tokens: a stored login (refresh token) and a custom connection.

Both refresh ahead of expiry and run at most one renewal at a time (single flight): callers that arrive while a
renewal is under way wait for it and share its result, and a caller whose rejected token is already stale gets the
current token at once.

A stored login's refresh token rotates on every use (reference §6.2). The rotated token is persisted before the new
access token is handed to anyone, so a crash can never leave the store holding a refresh token Xero has retired.
When the refresh response is lost (connection dropped, timeout, 5xx), the same refresh token is sent again: Xero
honours it for 30 minutes after its first use. A refused refresh (`invalid_grant`: expired, revoked or past the
grace period) becomes LoginRequired telling the user to run `xero-mcp login`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta

import httpx2
from pydantic import SecretStr

from xero_mcp.auth.errors import AuthServiceUnavailable, OAuthFailure
from xero_mcp.auth.oauth import TokenSet, XeroOAuth, utc_now
from xero_mcp.auth.provider import LoginRequired, Tenant
from xero_mcp.auth.store import StoredLogin, TokenStore

logger = logging.getLogger(__name__)

REFRESH_MARGIN = timedelta(minutes=2)
RETRY_DELAYS: tuple[float, ...] = (0.5, 2.0)

NOT_SIGNED_IN = (
    "Nobody is signed in to Xero here. Run `xero-mcp login` (with XERO_CLIENT_ID set to your Xero app's client id)."
)
LOGIN_EXPIRED = (
    "The Xero sign-in has expired or was revoked (Xero refused the refresh token). "
    "Run `xero-mcp login` to sign in again."
)


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, httpx2.HTTPStatusError):
        return exc.response.status_code >= 500 or exc.response.status_code == 429
    return isinstance(exc, httpx2.TransportError)


class LoginTokenProvider:
    """Access tokens of the login in a TokenStore, refreshed with rotation (see the module docstring).

    `fleet_lock` makes the single flight span every process sharing the store (a coordinator's named lock);
    `on_refresh` is told of every refresh (metrics).
    """

    def __init__(
        self,
        store: TokenStore,
        oauth: XeroOAuth,
        *,
        login: StoredLogin | None = None,
        now: Callable[[], datetime] = utc_now,
        refresh_margin: timedelta = REFRESH_MARGIN,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        retry_delays: Sequence[float] = RETRY_DELAYS,
        fleet_lock: Callable[[], AbstractAsyncContextManager[None]] | None = None,
        on_refresh: Callable[[], None] | None = None,
    ) -> None:
        self._on_refresh = on_refresh
        self._store = store
        self._fleet_lock = fleet_lock or contextlib.nullcontext
        self._oauth = oauth
        self._login = login
        self._now = now
        self._margin = refresh_margin
        self._sleep = sleep
        self._retry_delays = tuple(retry_delays)
        self._lock = asyncio.Lock()
        self.refreshes = 0

    @property
    def store(self) -> TokenStore:
        """Where the login is kept."""
        return self._store

    def _fresh(self, login: StoredLogin) -> bool:
        return self._now() < login.expires_at - self._margin

    def current_login(self) -> StoredLogin:
        """The login as last loaded or refreshed. Raises LoginRequired when nobody is signed in."""
        if self._login is None:
            self._login = self._store.load()
        if self._login is None:
            raise LoginRequired(NOT_SIGNED_IN)
        return self._login

    async def get_token(self) -> str:
        """A valid access token, refreshed first when it expires within the refresh margin."""
        login = self.current_login()
        if self._fresh(login):
            return login.access_token.get_secret_value()
        return await self._renew(login.access_token.get_secret_value(), forced=False)

    async def refresh_token(self, rejected: str) -> str:
        """A new access token after Xero rejected `rejected` (shared with concurrent callers)."""
        return await self._renew(rejected, forced=True)

    async def _renew(self, stale: str, *, forced: bool) -> str:
        # One refresh per process (the asyncio lock), and one per fleet: replicas sharing the stored login take the
        # fleet lock, then re-read the store, so a rotation another replica made is used instead of repeated.
        async with self._lock, self._fleet_lock():
            # Another process sharing the store may have refreshed already; its rotation is the one to build on.
            latest = self._store.load()
            if latest is None:
                self._login = None
                raise LoginRequired(NOT_SIGNED_IN)
            self._login = latest
            current = latest.access_token.get_secret_value()
            if self._fresh(latest) and (current != stale or not forced):
                return current
            renewed = await self._rotate(latest)
            return renewed.access_token.get_secret_value()

    async def _rotate(self, login: StoredLogin) -> StoredLogin:
        if login.refresh_token is None:
            raise LoginRequired(
                "The Xero sign-in has no refresh token (the offline_access scope was not granted) and its access "
                "token has expired. Run `xero-mcp login` again."
            )
        issued = await self._request_refresh(login.refresh_token.get_secret_value(), login.scopes)
        renewed = login.model_copy(
            update={
                "access_token": SecretStr(issued.access_token),
                "refresh_token": SecretStr(issued.refresh_token) if issued.refresh_token else login.refresh_token,
                "expires_at": issued.expires_at,
                "scopes": issued.scopes or login.scopes,
            }
        )
        # Persist first: once Xero has rotated the refresh token, the old one dies 30 minutes after this use.
        self._store.save(renewed)
        self._login = renewed
        self.refreshes += 1
        if self._on_refresh is not None:
            self._on_refresh()
        logger.info("refreshed the Xero access token (valid until %s)", renewed.expires_at.isoformat())
        return renewed

    async def _request_refresh(self, refresh_token: str, scopes: tuple[str, ...]) -> TokenSet:
        attempts = len(self._retry_delays) + 1
        for attempt in range(attempts):
            try:
                return await self._oauth.refresh(refresh_token, scopes)
            except OAuthFailure as failure:
                raise _refresh_refused(failure) from None
            except (httpx2.TransportError, httpx2.HTTPStatusError) as exc:
                if not _retryable(exc) or attempt == attempts - 1:
                    raise AuthServiceUnavailable(
                        "Could not reach Xero's identity service to renew the access token "
                        f"({_network_problem(exc)}). The sign-in is still valid; try again shortly."
                    ) from None
                # Xero may have rotated the token and the answer got lost; the same token stays valid in the grace.
                logger.warning(
                    "token refresh response lost (%s); retrying with the same refresh token", _network_problem(exc)
                )
                await self._sleep(self._retry_delays[attempt])
        raise AssertionError("unreachable: the loop returns or raises")

    async def update_login(
        self, *, tenants: Sequence[Tenant] | None = None, default_tenant_id: str | None = None
    ) -> None:
        """Record the connected organisations and/or the default one in the stored login."""
        async with self._lock:
            login = self._store.load()
            if login is None:
                raise LoginRequired(NOT_SIGNED_IN)
            changes: dict[str, object] = {}
            if tenants is not None:
                changes["tenants"] = tuple(tenants)
            if default_tenant_id is not None:
                changes["default_tenant_id"] = default_tenant_id
            updated = login.model_copy(update=changes)
            if updated != login:
                self._store.save(updated)
            self._login = updated


class ClientCredentialsProvider:
    """A custom connection's access tokens (client_credentials), fetched again shortly before they expire."""

    def __init__(
        self,
        oauth: XeroOAuth,
        scope_plan: Sequence[tuple[str, ...]],
        *,
        now: Callable[[], datetime] = utc_now,
        refresh_margin: timedelta = REFRESH_MARGIN,
        on_notice: Callable[[str], None] | None = None,
    ) -> None:
        self._oauth = oauth
        self._plan = list(scope_plan) or [()]
        self._now = now
        self._margin = refresh_margin
        self._on_notice = on_notice
        self._lock = asyncio.Lock()
        self._token: TokenSet | None = None
        self.fetches = 0

    def _fresh(self) -> bool:
        return self._token is not None and self._now() < self._token.expires_at - self._margin

    async def get_token(self) -> str:
        """A valid access token for the custom connection."""
        if self._token is not None and self._fresh():
            return self._token.access_token
        return await self._renew(None)

    async def refresh_token(self, rejected: str) -> str:
        """A new token after Xero rejected `rejected` (shared with concurrent callers)."""
        return await self._renew(rejected)

    async def _renew(self, rejected: str | None) -> str:
        async with self._lock:
            if self._token is not None and self._fresh() and self._token.access_token != rejected:
                return self._token.access_token
            self._token = await self._fetch()
            self.fetches += 1
            return self._token.access_token

    async def _fetch(self) -> TokenSet:
        for index, scopes in enumerate(self._plan):
            try:
                issued = await self._oauth.client_credentials(scopes)
            except OAuthFailure as failure:
                if failure.error == "invalid_scope" and index + 1 < len(self._plan):
                    notice = (
                        "Xero refused the granular scopes for the custom connection (invalid_scope); "
                        "retrying once with the broad scopes."
                    )
                    logger.warning(notice)
                    if self._on_notice is not None:
                        self._on_notice(notice)
                    continue
                raise _client_credentials_refused(failure) from None
            # Later renewals go straight to the scope set that worked.
            self._plan = self._plan[index:]
            return issued
        raise AssertionError("unreachable: the plan is never empty")


def _network_problem(exc: Exception) -> str:
    if isinstance(exc, httpx2.HTTPStatusError):
        return f"HTTP {exc.response.status_code}"
    return type(exc).__name__


def _refresh_refused(failure: OAuthFailure) -> LoginRequired:
    if failure.error == "invalid_grant":
        return LoginRequired(LOGIN_EXPIRED)
    if failure.error in ("invalid_client", "unauthorized_client"):
        return LoginRequired(
            f"Xero rejected the app while renewing the sign-in ({failure.error}). Check XERO_CLIENT_ID (and "
            "XERO_CLIENT_SECRET for a web app), then run `xero-mcp login`."
        )
    return LoginRequired(f"Xero refused to renew the sign-in ({failure.error}). Run `xero-mcp login` again.")


def _client_credentials_refused(failure: OAuthFailure) -> LoginRequired:
    if failure.error == "invalid_client":
        return LoginRequired(
            "Xero rejected XERO_CLIENT_ID / XERO_CLIENT_SECRET (invalid_client). Check both values of the custom "
            "connection in developer.xero.com."
        )
    if failure.error == "unauthorized_client":
        return LoginRequired(
            "This Xero app cannot use client credentials (unauthorized_client): it is not a custom connection. "
            "Run `xero-mcp login` instead, or use a custom connection's client id and secret."
        )
    if failure.error == "invalid_scope":
        return LoginRequired(
            "Xero refused the requested scopes for the custom connection (invalid_scope). Set XERO_SCOPES to the "
            "scopes the connection was granted."
        )
    return LoginRequired(f"Xero refused the custom connection's token request ({failure.error}).")
