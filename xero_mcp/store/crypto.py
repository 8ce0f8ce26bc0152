"""Encryption at rest for the hosted store: AES-256-GCM (cryptography's AESGCM) under named keys, for rotation.

XERO_MCP_ENCRYPTION_KEY holds one or more keys separated by commas: ``[kid:]key``, where ``key`` is 32 random bytes
in base64 (standard or URL-safe) and ``kid`` a short name (default: the first 8 hex digits of the key's SHA-256). The
first key encrypts; every key listed decrypts. To rotate: put a new key first, keep the old one after it, run the
store's ``reencrypt()`` (or just let sign-ins and refreshes rewrite each record), then drop the old key.

Each sealed value is (key id, 96-bit random nonce, ciphertext+tag), bound by associated data to what it is for (a
record kind and its owner), so a ciphertext copied to another user's row does not decrypt.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_NONCE_BYTES = 12
_KID = re.compile(r"[A-Za-z0-9_.-]{1,32}")


class EncryptionKeyError(ValueError):
    """XERO_MCP_ENCRYPTION_KEY is missing or malformed, or a sealed value cannot be opened with the keys given."""


@dataclass(frozen=True)
class Sealed:
    """One encrypted value as stored: which key, the nonce, the ciphertext (with its GCM tag)."""

    key_id: str
    nonce: bytes
    ciphertext: bytes


def generate_key() -> str:
    """A fresh key for XERO_MCP_ENCRYPTION_KEY (base64 of 32 random bytes)."""
    return base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode("ascii")


def _decode_key(text: str) -> bytes:
    padded = text + "=" * (-len(text) % 4)
    for decode in (base64.urlsafe_b64decode, base64.b64decode):
        try:
            raw = decode(padded)
        except (binascii.Error, ValueError):
            continue
        if len(raw) == 32:
            return raw
    raise EncryptionKeyError(
        "each key in XERO_MCP_ENCRYPTION_KEY must be 32 random bytes in base64 (make one with `xero-mcp keygen`)"
    )


class KeyRing:
    """The encryption keys: the first one seals, any of them opens."""

    def __init__(self, keys: list[tuple[str, bytes]]) -> None:
        if not keys:
            raise EncryptionKeyError("XERO_MCP_ENCRYPTION_KEY is not set: hosted mode stores Xero tokens encrypted.")
        ids = [kid for kid, _ in keys]
        if len(set(ids)) != len(ids):
            raise EncryptionKeyError("two keys in XERO_MCP_ENCRYPTION_KEY have the same key id")
        self._keys = {kid: AESGCM(key) for kid, key in keys}
        self.current_id = ids[0]

    @classmethod
    def parse(cls, value: str | None) -> KeyRing:
        """Read XERO_MCP_ENCRYPTION_KEY's format (see the module docstring). Never echoes a key in an error."""
        keys: list[tuple[str, bytes]] = []
        for entry in (value or "").replace("\n", ",").split(","):
            entry = entry.strip()
            if not entry:
                continue
            kid, sep, text = entry.partition(":")
            if not sep:
                kid, text = "", entry
            raw = _decode_key(text.strip())
            kid = kid.strip() or hashlib.sha256(raw).hexdigest()[:8]
            if not _KID.fullmatch(kid):
                raise EncryptionKeyError(
                    "a key id in XERO_MCP_ENCRYPTION_KEY may use only letters, digits, '-', '_', '.'"
                )
            keys.append((kid, raw))
        return cls(keys)

    def key_ids(self) -> tuple[str, ...]:
        """The ids of every key that can open values, the sealing key first."""
        return tuple(self._keys)

    def seal(self, plaintext: bytes, context: str) -> Sealed:
        """Encrypt under the current key, bound to `context` (associated data)."""
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._keys[self.current_id].encrypt(nonce, plaintext, context.encode("utf-8"))
        return Sealed(self.current_id, nonce, sealed)

    def open(self, sealed: Sealed, context: str) -> bytes:
        """Decrypt a value sealed for `context` under any known key."""
        aead = self._keys.get(sealed.key_id)
        if aead is None:
            raise EncryptionKeyError(
                f"a stored value is sealed under key id {sealed.key_id!r}, which XERO_MCP_ENCRYPTION_KEY no longer "
                "lists: add that key back (after the current one) to read it"
            )
        try:
            return aead.decrypt(sealed.nonce, sealed.ciphertext, context.encode("utf-8"))
        except InvalidTag:
            raise EncryptionKeyError(f"a stored value failed authentication under key id {sealed.key_id!r}") from None
