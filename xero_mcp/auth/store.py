"""Where a login's tokens are kept between runs.

- KeyringStore: the OS keyring (macOS Keychain, Windows Credential Locker, Secret Service) through `keyring`, the
  default. If the keyring refuses the entry (some backends cap its size), the login goes to an encrypted file whose
  random key is kept in the keyring instead.
- EncryptedFileStore: AES-256-GCM (`cryptography`) in a file with mode 0600 under XERO_MCP_STATE_DIR, for servers
  and CI where no keyring exists. The key is derived with scrypt from XERO_MCP_TOKEN_KEY (or from a random key held
  in the keyring); the file holds only a header, the salt, the nonce and the ciphertext, never a token in any
  encoding.
- MemoryStore: for tests.

`open_store(settings)` picks: XERO_MCP_TOKEN_KEY set -> encrypted file; else a working keyring -> keyring; else a
TokenStoreError saying what to set. Every login is stored under a slot named after the identity service it came from,
so a sandbox login and a real Xero login never overwrite each other.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar, cast

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from pydantic import AwareDatetime, BaseModel, ConfigDict, SecretStr

from xero_mcp._files import private_dir
from xero_mcp.auth.errors import TokenStoreError
from xero_mcp.auth.provider import Tenant
from xero_mcp.config import MIN_TOKEN_KEY_LENGTH, TOKEN_KEY_ADVICE, Settings

KEYRING_SERVICE = "xero-mcp"
_T = TypeVar("_T")
_MAGIC = b"XMCPTOK1"
_SALT_BYTES = 16
_NONCE_BYTES = 12
# scrypt cost: about 16 MiB and a few tens of milliseconds, once per process and salt.
_SCRYPT_N = 2**14
_SCRYPT_R = 8
_SCRYPT_P = 1


class StoredLogin(BaseModel):
    """One signed-in user's tokens and organisations. Tokens are SecretStr so they never print by accident."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    identity_url: str
    client_id: str
    access_token: SecretStr
    refresh_token: SecretStr | None
    expires_at: AwareDatetime
    scopes: tuple[str, ...] = ()
    tenants: tuple[Tenant, ...] = ()
    default_tenant_id: str | None = None

    def to_bytes(self) -> bytes:
        """The login serialised for a store (JSON with the real token values: only ever written encrypted)."""
        data: dict[str, Any] = {
            "identity_url": self.identity_url,
            "client_id": self.client_id,
            "access_token": self.access_token.get_secret_value(),
            "refresh_token": self.refresh_token.get_secret_value() if self.refresh_token else None,
            "expires_at": self.expires_at.isoformat(),
            "scopes": list(self.scopes),
            "tenants": [{"tenant_id": t.tenant_id, "name": t.name, "tenant_type": t.tenant_type} for t in self.tenants],
            "default_tenant_id": self.default_tenant_id,
        }
        return json.dumps(data, separators=(",", ":")).encode("utf-8")

    @classmethod
    def from_bytes(cls, raw: bytes) -> StoredLogin:
        """Parse what `to_bytes` wrote."""
        return cls.model_validate_json(raw)


def slot_for(identity_url: str) -> str:
    """The store slot of logins made against this identity service."""
    return f"login:{identity_url.rstrip('/')}"


class TokenStore(Protocol):
    """Keeps at most one login per slot; loading, saving and deleting are quick local operations."""

    def load(self) -> StoredLogin | None:
        """The stored login, or None when nobody is signed in. Raises TokenStoreError when it cannot be read."""
        ...

    def save(self, login: StoredLogin) -> None:
        """Replace the stored login. Raises TokenStoreError when it cannot be written."""
        ...

    def delete(self) -> None:
        """Forget the stored login (nothing happens when there is none)."""
        ...

    def describe(self) -> str:
        """Where logins are kept, for the user (no secrets)."""
        ...


class MemoryStore:
    """A store in memory, for tests and one-off processes."""

    def __init__(self, login: StoredLogin | None = None) -> None:
        self.login = login
        self.saves = 0

    def load(self) -> StoredLogin | None:
        """The login held in memory."""
        return self.login

    def save(self, login: StoredLogin) -> None:
        """Hold `login` in memory."""
        self.login = login
        self.saves += 1

    def delete(self) -> None:
        """Forget the login."""
        self.login = None

    def describe(self) -> str:
        """Names the store."""
        return "memory (not persisted)"


class EncryptedFileStore:
    """AES-256-GCM encrypted login file (mode 0600) with a scrypt-derived key."""

    def __init__(self, path: Path, key: str, *, key_name: str = "XERO_MCP_TOKEN_KEY", slot: str = "login") -> None:
        if not key:
            raise TokenStoreError(f"{key_name} is empty: {TOKEN_KEY_ADVICE}")
        if len(key) < MIN_TOKEN_KEY_LENGTH:
            raise TokenStoreError(f"{key_name} is shorter than {MIN_TOKEN_KEY_LENGTH} characters: {TOKEN_KEY_ADVICE}")
        self.path = path
        self._key = key.encode("utf-8")
        self._key_name = key_name
        self._aad = _MAGIC + slot.encode("utf-8")
        self._derived: dict[bytes, bytes] = {}

    def _aes(self, salt: bytes) -> AESGCM:
        derived = self._derived.get(salt)
        if derived is None:
            derived = Scrypt(salt=salt, length=32, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P).derive(self._key)
            self._derived[salt] = derived
        return AESGCM(derived)

    def load(self) -> StoredLogin | None:
        """Decrypt the login file; None when there is none."""
        try:
            blob = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise TokenStoreError(f"Cannot read the stored Xero login at {self.path} ({exc.strerror}).") from None
        # A file left readable by an older version is closed up on first use, not only on the next save.
        with contextlib.suppress(PermissionError):
            self.path.chmod(0o600)
        header = len(_MAGIC) + _SALT_BYTES + _NONCE_BYTES
        if len(blob) <= header or not blob.startswith(_MAGIC):
            raise TokenStoreError(
                f"The stored Xero login at {self.path} is damaged. Delete it and run `xero-mcp login` again."
            )
        salt = blob[len(_MAGIC) : len(_MAGIC) + _SALT_BYTES]
        nonce = blob[len(_MAGIC) + _SALT_BYTES : header]
        try:
            plain = self._aes(salt).decrypt(nonce, blob[header:], self._aad)
        except InvalidTag:
            raise TokenStoreError(
                f"The stored Xero login at {self.path} cannot be decrypted with the current {self._key_name}. "
                f"Set {self._key_name} to the key used when you signed in, or run `xero-mcp logout` and "
                "`xero-mcp login` again."
            ) from None
        try:
            return StoredLogin.from_bytes(plain)
        except ValueError:
            raise TokenStoreError(
                f"The stored Xero login at {self.path} is unreadable. Run `xero-mcp login` again."
            ) from None

    def _salt(self) -> bytes:
        # Keep the file's salt so the derived key is computed once per process, not once per token refresh.
        try:
            with self.path.open("rb") as existing:
                head = existing.read(len(_MAGIC) + _SALT_BYTES)
            if head.startswith(_MAGIC) and len(head) == len(_MAGIC) + _SALT_BYTES:
                return head[len(_MAGIC) :]
        except OSError:
            pass
        return secrets.token_bytes(_SALT_BYTES)

    def save(self, login: StoredLogin) -> None:
        """Encrypt and atomically replace the login file, readable by its owner only."""
        salt = self._salt()
        nonce = secrets.token_bytes(_NONCE_BYTES)
        blob = _MAGIC + salt + nonce + self._aes(salt).encrypt(nonce, login.to_bytes(), self._aad)
        try:
            private_dir(self.path.parent)
            temporary = self.path.with_name(f".{self.path.name}.{secrets.token_hex(4)}.tmp")
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                with os.fdopen(descriptor, "wb") as handle:
                    handle.write(blob)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temporary, self.path)
            except BaseException:
                temporary.unlink(missing_ok=True)
                raise
            self.path.chmod(0o600)
        except OSError as exc:
            raise TokenStoreError(f"Cannot write the Xero login to {self.path} ({exc.strerror}).") from None

    def delete(self) -> None:
        """Remove the login file."""
        try:
            self.path.unlink(missing_ok=True)
        except OSError as exc:
            raise TokenStoreError(f"Cannot delete the stored Xero login at {self.path} ({exc.strerror}).") from None

    def describe(self) -> str:
        """Names the file and where its key comes from."""
        return f"encrypted file {self.path} (AES-256-GCM, key from {self._key_name})"


class KeyringBackend(Protocol):
    """The part of a `keyring` backend the store uses."""

    def get_password(self, service: str, username: str) -> str | None: ...

    def set_password(self, service: str, username: str, password: str) -> None: ...

    def delete_password(self, service: str, username: str) -> None: ...


class KeyringStore:
    """The login in the OS keyring; an encrypted file with a keyring-held key when the keyring refuses the entry."""

    def __init__(self, backend: KeyringBackend, slot: str, fallback_path: Path, *, name: str = "OS keyring") -> None:
        self._backend = backend
        self._slot = slot
        self._key_slot = f"{slot}#file-key"
        self._fallback_path = fallback_path
        self._name = name

    def _fallback(self, *, create: bool) -> EncryptedFileStore | None:
        key = self._call("read", lambda: self._backend.get_password(KEYRING_SERVICE, self._key_slot))
        if key is None:
            if not create:
                return None
            key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")
            self._call("write", lambda: self._backend.set_password(KEYRING_SERVICE, self._key_slot, key))
        return EncryptedFileStore(self._fallback_path, key, key_name=f"the {self._name}", slot=self._slot)

    def _call(self, action: str, operation: Callable[[], _T]) -> _T:
        from keyring.errors import KeyringError

        try:
            return operation()
        except KeyringError as exc:
            raise self._error(action, exc) from None

    def _error(self, action: str, exc: Exception) -> TokenStoreError:
        return TokenStoreError(
            f"The {self._name} could not {action} the Xero login ({type(exc).__name__}). Unlock the keyring, "
            "or set XERO_MCP_TOKEN_KEY to keep the login in an encrypted file instead."
        )

    def load(self) -> StoredLogin | None:
        """The login from the keyring (or its encrypted-file overflow)."""
        raw = self._call("read", lambda: self._backend.get_password(KEYRING_SERVICE, self._slot))
        if raw is not None:
            try:
                return StoredLogin.from_bytes(raw.encode("utf-8"))
            except ValueError:
                raise TokenStoreError(
                    f"The Xero login in the {self._name} is unreadable. Run `xero-mcp login` again."
                ) from None
        fallback = self._fallback(create=False)
        return fallback.load() if fallback is not None else None

    def save(self, login: StoredLogin) -> None:
        """Put the login in the keyring; on a refused entry, in the encrypted file."""
        from keyring.errors import KeyringError, PasswordSetError

        try:
            self._backend.set_password(KEYRING_SERVICE, self._slot, login.to_bytes().decode("utf-8"))
        except PasswordSetError:
            fallback = self._fallback(create=True)
            assert fallback is not None
            fallback.save(login)
            return
        except KeyringError as exc:
            raise self._error("write", exc) from None
        # A login that fits the keyring again must not leave a stale overflow copy behind.
        self._fallback_path.unlink(missing_ok=True)

    def delete(self) -> None:
        """Remove the login (and any overflow file and its key) from the keyring."""
        from keyring.errors import KeyringError, PasswordDeleteError

        for slot in (self._slot, self._key_slot):
            try:
                self._backend.delete_password(KEYRING_SERVICE, slot)
            except PasswordDeleteError:
                # Nothing stored under that name: already deleted.
                continue
            except KeyringError as exc:
                raise self._error("delete", exc) from None
        self._fallback_path.unlink(missing_ok=True)

    def describe(self) -> str:
        """Names the keyring."""
        return f"the {self._name} (service {KEYRING_SERVICE!r})"


def _usable_keyring() -> tuple[KeyringBackend, str] | None:
    import keyring
    from keyring.backends import fail

    try:
        backend = keyring.get_keyring()
    except Exception:
        return None
    if isinstance(backend, fail.Keyring):
        return None
    inner = getattr(backend, "backends", None)
    if inner is not None and not inner:
        # A chainer with nothing to chain is no keyring at all.
        return None
    module = type(backend).__module__
    if module.endswith(".null") or module.endswith(".fail"):
        return None
    return cast(KeyringBackend, backend), f"OS keyring ({type(backend).__name__})"


def open_store(settings: Settings) -> TokenStore:
    """The store for this machine: encrypted file with XERO_MCP_TOKEN_KEY, else the keyring, else an error."""
    slot = slot_for(settings.identity_url)
    digest = hashlib.sha256(slot.encode("utf-8")).hexdigest()[:12]
    path = settings.state_dir / f"login-{digest}.enc"
    if settings.token_key is not None:
        return EncryptedFileStore(path, settings.token_key.get_secret_value(), slot=slot)
    found = _usable_keyring()
    if found is not None:
        backend, name = found
        return KeyringStore(backend, slot, path, name=name)
    raise TokenStoreError(
        "No OS keyring is available to keep the Xero login. Set XERO_MCP_TOKEN_KEY to keep it in an encrypted file "
        f"under {settings.state_dir}, or sign in on a machine with a keyring. {TOKEN_KEY_ADVICE}"
    )
