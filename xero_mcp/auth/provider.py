"""The contract between the Xero client and whatever supplies its access tokens.

The client asks for a token before each request and, when Xero answers 401 because the token expired, asks once for
a fresh one. Providers (static token, client credentials, a stored login with refresh) live beside this module; the
client depends only on this protocol.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


class LoginRequired(Exception):
    """No usable credentials: the message tells the user what to do (run `xero-mcp login`, set a variable, ...)."""


@dataclass(frozen=True, slots=True)
class Tenant:
    """One connected Xero organisation, as `/connections` describes it."""

    tenant_id: str
    name: str
    tenant_type: str = "ORGANISATION"


@runtime_checkable
class TokenProvider(Protocol):
    """Supplies bearer tokens for Xero API calls."""

    async def get_token(self) -> str:
        """A currently valid access token, refreshed first if it is about to expire. Raises LoginRequired."""
        ...

    async def refresh_token(self, rejected: str) -> str:
        """A new access token after Xero rejected `rejected`.

        Concurrent callers that saw the same rejected token share one refresh; a caller whose rejected token is
        already stale gets the current token without another refresh. Raises LoginRequired when refreshing is
        impossible (static token, revoked or expired login).
        """
        ...


class StaticTokenProvider:
    """A bearer token given as is (XERO_ACCESS_TOKEN): used until Xero says it expired, never refreshed."""

    def __init__(self, token: str) -> None:
        self._token = token

    async def get_token(self) -> str:
        return self._token

    async def refresh_token(self, rejected: str) -> str:
        raise LoginRequired(
            "The access token in XERO_ACCESS_TOKEN was rejected by Xero (Xero access tokens last 30 minutes). "
            "Set a fresh token, or run `xero-mcp login` to sign in once and have tokens refreshed automatically."
        )
