"""Encryption at rest for the hosted store: AES-256-GCM (cryptography's AESGCM) under named keys, for rotation.

XERO_MCP_ENCRYPTION_KEY holds one or more keys separated by commas: ``[kid:]key``, where ``key`` is 32 random bytes
in base64 (standard or URL-safe, padding optional) or as 64 hex digits, and ``kid`` a short name (default: the first
8 hex digits of the key's SHA-256). The first key encrypts; every key listed decrypts. To rotate: put a new key
first, keep the old one after it, run the store's ``reencrypt()`` (or just let sign-ins and refreshes rewrite each
record), then drop the old key.

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
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

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


KEY_ADVICE = (
    "each key in XERO_MCP_ENCRYPTION_KEY must be 32 random bytes, in base64 or as 64 hex digits: make one with "
    "`xero-mcp hosted keygen` (or `openssl rand -base64 32`)"
)
_HEX_KEY = re.compile(r"[0-9A-Fa-f]{64}")
_BASE64_KEY = re.compile(r"[A-Za-z0-9+/_-]{43}=?")
# A random 32-byte key has about 30 distinct byte values; fewer than this means a placeholder ("0000...", "aaaa...").
_MIN_DISTINCT_BYTES = 8


def _decode_key(text: str) -> bytes:
    """32 bytes of key material from base64 or hex, or EncryptionKeyError (never quoting the text).

    The alphabet is checked first: the stdlib's base64 decoders otherwise skip characters they do not know, so a
    passphrase could pass for a key.
    """
    raw: bytes | None = None
    if _HEX_KEY.fullmatch(text):
        raw = bytes.fromhex(text)
    elif _BASE64_KEY.fullmatch(text):
        try:
            raw = base64.urlsafe_b64decode(text.rstrip("=") + "=")  # also reads the standard alphabet's + and /
        except (binascii.Error, ValueError):
            raw = None
    if raw is None or len(raw) != 32:
        raise EncryptionKeyError(f"not 32 bytes of key material; {KEY_ADVICE}")
    if len(set(raw)) < _MIN_DISTINCT_BYTES:
        raise EncryptionKeyError(f"a placeholder, not random bytes; {KEY_ADVICE}")
    return raw


class KeyRing:
    """The encryption keys: the first one seals, any of them opens."""

    def __init__(self, keys: list[tuple[str, bytes]]) -> None:
        if not keys:
            raise EncryptionKeyError(
                f"XERO_MCP_ENCRYPTION_KEY is not set: hosted mode stores Xero tokens encrypted; {KEY_ADVICE}"
            )
        ids = [kid for kid, _ in keys]
        if len(set(ids)) != len(ids):
            raise EncryptionKeyError("two keys in XERO_MCP_ENCRYPTION_KEY have the same key id")
        self._keys = {kid: AESGCM(key) for kid, key in keys}
        self._material = [key for _, key in keys]
        self.current_id = ids[0]

    @classmethod
    def parse(cls, value: str | None) -> KeyRing:
        """Read XERO_MCP_ENCRYPTION_KEY's format (see the module docstring). Never echoes a key in an error."""
        keys: list[tuple[str, bytes]] = []
        entries = [entry.strip() for entry in (value or "").replace("\n", ",").split(",") if entry.strip()]
        for position, entry in enumerate(entries, 1):
            kid, sep, text = entry.partition(":")
            if not sep:
                kid, text = "", entry
            try:
                raw = _decode_key(text.strip())
            except EncryptionKeyError as exc:
                where = f"key {position} of {len(entries)}" if len(entries) > 1 else "the key"
                raise EncryptionKeyError(f"XERO_MCP_ENCRYPTION_KEY: {where}: {exc}") from None
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

    def derive(self, purpose: str) -> list[bytes]:
        """A 32-byte key for `purpose` derived (HKDF-SHA256) from each key, the sealing key's first: secrets that
        every replica sharing XERO_MCP_ENCRYPTION_KEY must agree on, never the encryption keys themselves."""
        return [
            HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=f"xero-mcp {purpose}".encode()).derive(key)
            for key in self._material
        ]

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
