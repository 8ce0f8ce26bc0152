"""`xero-mcp login`: the OAuth 2.0 authorization code flow with PKCE (S256) and `state`.

1. A redirect receiver is started (the loopback listener; tests substitute their own).
2. The sign-in URL is built by authlib with a fresh code verifier and state, then opened in the browser (or printed).
3. The redirect must carry the same `state`; anything else is rejected before the code is used. An `invalid_scope`
   answer to the default granular scopes is retried once with the broad scopes, and the user is told.
4. The code is exchanged with its verifier, the organisations are read from `/connections`, the default one is
   chosen (`--tenant`, a prompt when interactive, or the only/first one), and the login is stored.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Protocol

import httpx2
from pydantic import SecretStr

from xero_mcp.auth.errors import LoginFailed, OAuthFailure
from xero_mcp.auth.oauth import XeroOAuth, utc_now
from xero_mcp.auth.provider import Tenant
from xero_mcp.auth.scopes import login_scope_plan
from xero_mcp.auth.session import UnknownTenant, match_tenant
from xero_mcp.auth.store import StoredLogin, TokenStore
from xero_mcp.config import Settings

LOGIN_TIMEOUT = 300.0


class RedirectReceiver(Protocol):
    """Where the browser lands after signing in."""

    @property
    def redirect_uri(self) -> str: ...

    def expect(self, state: str) -> None:
        """The `state` the real redirect carries; a receiver that can refuse other callbacks does so."""
        ...

    async def wait(self, seconds: float) -> dict[str, str]:
        """The next redirect's query parameters (LoginFailed after `seconds`)."""
        ...


def new_code_verifier() -> str:
    """A PKCE code verifier: 64 characters from the unreserved set (RFC 7636 §4.1)."""
    return secrets.token_urlsafe(48)


async def run_login(
    settings: Settings,
    *,
    store: TokenStore,
    receiver: RedirectReceiver,
    open_url: Callable[[str], Awaitable[bool] | bool] | None,
    say: Callable[[str], None],
    choose_default: Callable[[Sequence[Tenant]], Tenant] | None = None,
    tenant: str | None = None,
    transport: httpx2.AsyncBaseTransport | None = None,
    now: Callable[[], datetime] = utc_now,
    wait_seconds: float = LOGIN_TIMEOUT,
) -> StoredLogin:
    """Sign in through the browser and store the login. Raises LoginFailed or LoginRequired with the reason."""
    oauth = XeroOAuth(settings, transport=transport, now=now)
    plan = login_scope_plan(settings)
    redirect_uri = receiver.redirect_uri
    for attempt, scopes in enumerate(plan):
        state = secrets.token_urlsafe(24)
        receiver.expect(state)
        verifier = new_code_verifier()
        url = oauth.authorization_url(redirect_uri=redirect_uri, scopes=scopes, state=state, code_verifier=verifier)
        opened = False
        if open_url is not None:
            result = open_url(url)
            opened = await result if not isinstance(result, bool) else result
        if opened:
            say("Opened the Xero sign-in page in your browser. If it did not appear, open this URL:")
        else:
            say("Open this URL in a browser to sign in to Xero:")
        say(f"  {url}")
        say(f"Waiting for the redirect to {redirect_uri} ...")

        params = await receiver.wait(wait_seconds)
        if not secrets.compare_digest(params.get("state", ""), state):
            raise LoginFailed(
                "The sign-in response did not come from this login attempt (state mismatch); nothing was stored. "
                "Run `xero-mcp login` again."
            )
        error = params.get("error")
        if error == "invalid_scope" and attempt + 1 < len(plan):
            say("Xero refused the granular scopes (invalid_scope): this app still uses the broad scopes.")
            say("Retrying once with the broad scopes: sign in again in the browser.")
            continue
        if error:
            description = params.get("error_description")
            raise LoginFailed(f"Xero refused the sign-in ({error}{': ' + description if description else ''}).")
        code = params.get("code")
        if not code:
            raise LoginFailed("The sign-in redirect carried no authorization code. Run `xero-mcp login` again.")
        try:
            issued = await oauth.exchange_code(
                code=code, redirect_uri=redirect_uri, code_verifier=verifier, scopes=scopes
            )
        except OAuthFailure as failure:
            raise LoginFailed(
                f"Xero refused to exchange the authorization code ({failure.error}). "
                "The code may have expired or been used already, or the PKCE check failed. Run `xero-mcp login` again."
            ) from None
        if issued.refresh_token is None:
            say("Warning: Xero issued no refresh token (offline_access not granted): this sign-in lasts 30 minutes.")

        status, tenants = await oauth.connections(issued.access_token)
        if status != 200:
            raise LoginFailed(f"Signed in, but Xero's /connections answered HTTP {status}; nothing was stored.")
        if not tenants:
            raise LoginFailed("Signed in, but no organisation was connected. Run `xero-mcp login` and pick one.")
        default = _choose_default(tenants, tenant, choose_default, say)
        login = StoredLogin(
            identity_url=settings.identity_url.rstrip("/"),
            client_id=oauth.client_id,
            access_token=SecretStr(issued.access_token),
            refresh_token=SecretStr(issued.refresh_token) if issued.refresh_token else None,
            expires_at=issued.expires_at,
            scopes=issued.scopes,
            tenants=tuple(tenants),
            default_tenant_id=default.tenant_id,
        )
        store.save(login)
        say(f"Signed in to Xero. Connected organisations: {', '.join(t.name for t in tenants)}.")
        say(f"Default organisation: {default.name} ({default.tenant_id}).")
        say(f"The login is stored in {store.describe()}.")
        return login
    raise AssertionError("unreachable: the scope plan ends in a return or a raise")


def _choose_default(
    tenants: Sequence[Tenant],
    wanted: str | None,
    choose: Callable[[Sequence[Tenant]], Tenant] | None,
    say: Callable[[str], None],
) -> Tenant:
    if wanted:
        try:
            return match_tenant(wanted, tenants)
        except UnknownTenant as exc:
            # The sign-in itself succeeded: keep it, and say how to pick the default afterwards.
            say(f"Warning: {exc}")
            say("Change the default with `xero-mcp tenants --default NAME`.")
            return tenants[0]
    if len(tenants) == 1 or choose is None:
        return tenants[0]
    return choose(tenants)
