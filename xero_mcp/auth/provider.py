"""The contract between the Xero client and whatever supplies its access tokens.

The client asks for a token before each request and, when Xero answers 401 because the token expired, asks once for
a fresh one. Providers (static token, client credentials, a stored login with refresh) live beside this module; the
client depends only on this protocol.
"""

from __future__ import annotations

from collections.abc import Sequence
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


class UnknownTenant(LookupError):
    """No connected organisation matches the name or ID asked for; the message lists the connected ones."""

    def __init__(self, wanted: str | None, tenants: Sequence[Tenant], reason: str | None = None) -> None:
        self.wanted = wanted
        self.tenants = tuple(tenants)
        listing = "; ".join(f"{t.name} (ID {t.tenant_id})" for t in tenants) or "none"
        if reason is None:
            reason = f"No connected Xero organisation matches {wanted!r}."
        self.message = f"{reason} Connected organisations: {listing}."
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


def match_tenant(name_or_id: str, tenants: Sequence[Tenant]) -> Tenant:
    """The organisation whose ID (any case) or name (case-insensitive) is `name_or_id`; UnknownTenant otherwise."""
    wanted = name_or_id.strip()
    for tenant in tenants:
        if tenant.tenant_id.lower() == wanted.lower():
            return tenant
    named = [t for t in tenants if t.name.casefold() == wanted.casefold()]
    if len(named) == 1:
        return named[0]
    if named:
        raise UnknownTenant(
            wanted, tenants, f"Several connected organisations are named {wanted!r}: choose one by its ID."
        )
    raise UnknownTenant(wanted, tenants)


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
