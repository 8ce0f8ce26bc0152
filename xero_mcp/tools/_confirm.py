"""One-time confirmation tokens: how a client that cannot ask the user still gets the user's say before an
irreversible change.

Without elicitation, a destructive tool's first call writes nothing and returns its preview plus a token. The token
is an HMAC (stdlib `hmac`, SHA-256, a random per-server key) over the tool's name, a nonce, an expiry and the exact
arguments of that call, so it cannot be made up, reused for other arguments, or replayed: only the second call
carrying it, with the same arguments, acts, and only once. `confirm: true` or "yes" is not a token.

The key and the spent nonces live in this process: a token is honoured by the server that issued it (a restarted
server, or another replica, asks for a new preview).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any

from pydantic_core import to_jsonable_python

from xero_mcp.tools._errors import UserInputError

TOKEN_TTL_SECONDS = 300.0
"""How long a preview's token stays valid: long enough to ask the user, short enough to go stale quickly."""


def canonical_arguments(arguments: Mapping[str, Any]) -> str:
    """The arguments as one stable string (sorted keys, JSON types), so equal arguments always sign the same."""
    return json.dumps(to_jsonable_python(dict(arguments)), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


class ConfirmationTokens:
    """Issues and redeems one-time tokens bound to a tool and its exact arguments."""

    def __init__(
        self,
        *,
        key: bytes | None = None,
        ttl: float = TOKEN_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._key = key if key is not None else secrets.token_bytes(32)
        self._ttl = ttl
        self._clock = clock
        self._spent: dict[str, float] = {}  # nonce -> expiry, kept until the token would have expired anyway

    def _sign(self, tool: str, nonce: str, expiry: int, arguments: str) -> str:
        message = "\n".join((tool, nonce, str(expiry), arguments)).encode()
        return _b64(hmac.new(self._key, message, hashlib.sha256).digest()[:18])

    def issue(self, tool: str, arguments: Mapping[str, Any]) -> str:
        """A token that lets exactly one later call of `tool` with these `arguments` act."""
        nonce = _b64(secrets.token_bytes(9))
        expiry = int(self._clock() + self._ttl)
        return f"{nonce}.{expiry}.{self._sign(tool, nonce, expiry, canonical_arguments(arguments))}"

    def redeem(self, tool: str, arguments: Mapping[str, Any], token: str) -> None:
        """Spend `token` for this call, or raise UserInputError saying why it cannot be used."""
        now = self._clock()
        self._spent = {nonce: expiry for nonce, expiry in self._spent.items() if expiry >= now}
        again = "Call again without confirm_token to get a new preview and token, and ask the user."
        nonce, _, rest = token.strip().partition(".")
        expiry_text, _, signature = rest.partition(".")
        if not (nonce and expiry_text.isdigit() and signature):
            raise UserInputError(f"confirm_token: not a token from this tool's preview. {again}")
        expiry = int(expiry_text)
        expected = self._sign(tool, nonce, expiry, canonical_arguments(arguments))
        if not hmac.compare_digest(expected, signature):
            raise UserInputError(
                f"confirm_token: does not match these exact arguments (a token only confirms the call it was "
                f"issued for). {again}"
            )
        if expiry < now:
            raise UserInputError(f"confirm_token: expired (tokens last {int(self._ttl)} seconds). {again}")
        if nonce in self._spent:
            raise UserInputError(f"confirm_token: already used; each token confirms one call. {again}")
        self._spent[nonce] = float(expiry)
