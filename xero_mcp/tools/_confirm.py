"""One-time confirmation tokens: how a client that cannot ask the user still gets the user's say before an
irreversible change.

Without elicitation, a destructive tool's first call writes nothing and returns its preview plus a token. The token
is an HMAC (stdlib `hmac`, SHA-256) over the tool's name, the caller, a nonce, an expiry and the exact arguments of
that call, so it cannot be made up, reused for other arguments or by another person, or replayed: only the second
call carrying it, with the same arguments and from the same caller, acts, and only once. `confirm: true` or "yes" is
not a token.

By default the key is random and the issued nonces live in this process, so a token is honoured by the server that
issued it. Hosted mode shares both across replicas: the keys are derived from XERO_MCP_ENCRYPTION_KEY (HKDF, see
`KeyRing.derive`) and the nonces live in the hosted store (`StoreNonces`), so a preview answered by one replica can
be confirmed on another, still once. The caller is the signed-in person (the access token's subject).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from pydantic_core import to_jsonable_python

from xero_mcp.tools._errors import UserInputError

TOKEN_TTL_SECONDS = 300.0
"""How long a preview's token stays valid: long enough to ask the user, short enough to go stale quickly."""


def canonical_arguments(arguments: Mapping[str, Any]) -> str:
    """The arguments as one stable string (sorted keys, JSON types), so equal arguments always sign the same."""
    return json.dumps(to_jsonable_python(dict(arguments)), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


class IssuedNonces(Protocol):
    """Where issued nonces wait to be spent: each can be spent once, until its expiry."""

    async def add(self, nonce: str, expires_at: int) -> None:
        """Remember a nonce just issued."""
        ...

    async def spend(self, nonce: str) -> bool:
        """Forget the nonce; True if it was waiting (issued, unspent and unexpired), False otherwise."""
        ...


class MemoryNonces:
    """Issued nonces in this process (stdio, or one HTTP server)."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._waiting: dict[str, int] = {}
        self._lock = asyncio.Lock()

    async def add(self, nonce: str, expires_at: int) -> None:
        async with self._lock:
            now = self._clock()
            self._waiting = {n: e for n, e in self._waiting.items() if e >= now}
            self._waiting[nonce] = expires_at

    async def spend(self, nonce: str) -> bool:
        async with self._lock:
            expires_at = self._waiting.pop(nonce, None)
            return expires_at is not None and expires_at >= self._clock()


class ConfirmationTokens:
    """Issues and redeems one-time tokens bound to a tool, its exact arguments and the caller.

    `keys`: the HMAC keys, the signing one first (any of them verifies, so a key rotation does not void the tokens
    of the last five minutes); default one random key. `nonces`: where issued nonces wait (default: this process).
    `caller`: who is calling (default: nobody in particular, as on stdio). `clock` is wall-clock seconds, which
    replicas sharing `nonces` agree on.
    """

    def __init__(
        self,
        *,
        keys: Sequence[bytes] = (),
        nonces: IssuedNonces | None = None,
        caller: Callable[[], str] = lambda: "",
        ttl: float = TOKEN_TTL_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._keys = [*keys] or [secrets.token_bytes(32)]
        self._nonces = nonces or MemoryNonces(clock)
        self._caller = caller
        self._ttl = ttl
        self._clock = clock

    @staticmethod
    def _sign(key: bytes, tool: str, caller: str, nonce: str, expiry: int, arguments: str) -> str:
        message = json.dumps([tool, caller, nonce, expiry, arguments], separators=(",", ":")).encode()
        return _b64(hmac.new(key, message, hashlib.sha256).digest()[:18])

    async def issue(self, tool: str, arguments: Mapping[str, Any]) -> str:
        """A token that lets exactly one later call of `tool` with these `arguments`, by this caller, act."""
        nonce = _b64(secrets.token_bytes(12))
        expiry = int(self._clock() + self._ttl)
        signature = self._sign(self._keys[0], tool, self._caller(), nonce, expiry, canonical_arguments(arguments))
        await self._nonces.add(nonce, expiry)
        return f"{nonce}.{expiry}.{signature}"

    async def redeem(self, tool: str, arguments: Mapping[str, Any], token: str) -> None:
        """Spend `token` for this call, or raise UserInputError saying why it cannot be used."""
        again = "Call again without confirm_token to get a new preview and token, and ask the user."
        nonce, _, rest = token.strip().partition(".")
        expiry_text, _, signature = rest.partition(".")
        if not (nonce and expiry_text.isdigit() and signature):
            raise UserInputError(f"confirm_token: not a token from this tool's preview. {again}")
        expiry = int(expiry_text)
        signed = canonical_arguments(arguments)
        caller = self._caller()
        if not any(
            hmac.compare_digest(self._sign(key, tool, caller, nonce, expiry, signed), signature) for key in self._keys
        ):
            raise UserInputError(
                f"confirm_token: does not match these exact arguments (a token only confirms the call it was "
                f"issued for, to the person it was issued to). {again}"
            )
        if expiry < self._clock():
            raise UserInputError(f"confirm_token: expired (tokens last {int(self._ttl)} seconds). {again}")
        if not await self._nonces.spend(nonce):
            raise UserInputError(f"confirm_token: already used; each token confirms one call. {again}")
