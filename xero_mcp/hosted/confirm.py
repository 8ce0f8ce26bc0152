"""Confirmation tokens that hold across replicas: a destructive tool's preview answered by one replica can be
confirmed on another, once, and only by the person it was shown to (see `xero_mcp.tools._confirm`)."""

from __future__ import annotations

from mcp.server.auth.middleware.auth_context import get_access_token

from xero_mcp.store import KeyRing, Store
from xero_mcp.tools._confirm import ConfirmationTokens

_PURPOSE = "confirmation tokens"
_PREFIX = "confirm-token:"


class StoreNonces:
    """Issued nonces in the hosted store, which every replica shares: spending one is a single delete, so two
    replicas given the same token concurrently cannot both act."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def add(self, nonce: str, expires_at: int) -> None:
        await self._store.put_pending(_PREFIX + nonce, b"", expires_at)

    async def spend(self, nonce: str) -> bool:
        return await self._store.take_pending(_PREFIX + nonce) is not None


def caller() -> str:
    """The signed-in person this request's access token belongs to ("" outside a request)."""
    token = get_access_token()
    return token.subject or "" if token is not None else ""


def shared_confirmations(store: Store, keys: KeyRing) -> ConfirmationTokens:
    """Tokens signed under a key every replica derives from XERO_MCP_ENCRYPTION_KEY, spent through the store."""
    return ConfirmationTokens(keys=keys.derive(_PURPOSE), nonces=StoreNonces(store), caller=caller)
