"""Token storage: the OS keyring, the AES-256-GCM file fallback and the choice between them."""

import base64
import binascii
import stat
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

import pytest
from keyring.errors import PasswordDeleteError, PasswordSetError
from pydantic import SecretStr

from xero_mcp.auth.errors import TokenStoreError
from xero_mcp.auth.provider import Tenant
from xero_mcp.auth.store import EncryptedFileStore, KeyringStore, StoredLogin, open_store, slot_for
from xero_mcp.config import Settings

ACCESS = "eyJhbGciOiJSUzI1NiJ9.access-token-value-7f3a9c2e4b1d"
REFRESH = "refresh-token-value-0c9d8e7f6a5b4c3d2e1f"
KEY = "a-token-key-of-at-least-32-characters"


def a_login(**changes: object) -> StoredLogin:
    values: dict[str, object] = {
        "identity_url": "https://identity.xero.com",
        "client_id": "app-client-id",
        "access_token": SecretStr(ACCESS),
        "refresh_token": SecretStr(REFRESH),
        "expires_at": datetime(2026, 3, 2, 8, 30, tzinfo=UTC),
        "scopes": ("offline_access", "accounting.invoices"),
        "tenants": (Tenant("9f2a1d4e-0c3b-4d6a-8e7f-1a2b3c4d5e6f", "Demo Company (NZ)"),),
        "default_tenant_id": "9f2a1d4e-0c3b-4d6a-8e7f-1a2b3c4d5e6f",
    }
    values.update(changes)
    return StoredLogin.model_validate(values)


def encodings(secret: str) -> list[bytes]:
    raw = secret.encode()
    forms = [
        raw,
        base64.b64encode(raw),
        base64.urlsafe_b64encode(raw),
        base64.b64encode(raw).rstrip(b"="),
        binascii.hexlify(raw),
        binascii.hexlify(raw).upper(),
        urllib.parse.quote(secret).encode(),
        secret.encode("utf-16-le"),
    ]
    # Any long enough piece of the token would give it away too.
    forms.extend(raw[i : i + 16] for i in range(0, len(raw) - 16, 8))
    return forms


class MemoryKeyring:
    """A keyring backend in memory; `limit` mimics backends that cap an entry's size."""

    def __init__(self, limit: int | None = None) -> None:
        self.entries: dict[tuple[str, str], str] = {}
        self.limit = limit

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.limit is not None and len(password) > self.limit:
            raise PasswordSetError("entry too large")
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.entries:
            raise PasswordDeleteError("not found")
        del self.entries[(service, username)]


# ------------------------------------------------------------------------------------------------ encrypted file


def test_encrypted_file_round_trips_a_login(tmp_path: Path) -> None:
    store = EncryptedFileStore(tmp_path / "state" / "login.enc", "correct horse battery staple, and more")
    assert store.load() is None
    store.save(a_login())
    loaded = store.load()
    assert loaded == a_login()
    assert loaded is not None and loaded.access_token.get_secret_value() == ACCESS


def test_encrypted_file_contains_no_token_in_any_encoding(tmp_path: Path) -> None:
    path = tmp_path / "login.enc"
    EncryptedFileStore(path, "correct horse battery staple, and more").save(a_login())
    blob = path.read_bytes()
    for secret in (ACCESS, REFRESH):
        for form in encodings(secret):
            assert form not in blob
    assert b"Demo Company" not in blob
    assert b"correct horse" not in blob


def test_encrypted_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "state" / "login.enc"
    store = EncryptedFileStore(path, "k" * 32)
    store.save(a_login())
    store.save(a_login(access_token=SecretStr("a-second-access-token")))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["login.enc"]


def test_wrong_key_fails_clearly_without_revealing_either_key(tmp_path: Path) -> None:
    path = tmp_path / "login.enc"
    EncryptedFileStore(path, "the-key-used-at-login-0123456789abc").save(a_login())
    with pytest.raises(TokenStoreError) as failure:
        EncryptedFileStore(path, "some-other-key-0123456789abcdef01234").load()
    message = str(failure.value)
    assert "cannot be decrypted with the current XERO_MCP_TOKEN_KEY" in message
    assert "xero-mcp login" in message
    assert (
        "the-key-used-at-login-0123456789abc" not in message and "some-other-key-0123456789abcdef01234" not in message
    )


def test_login_of_another_slot_does_not_decrypt_as_this_one(tmp_path: Path) -> None:
    path = tmp_path / "login.enc"
    EncryptedFileStore(path, KEY, slot=slot_for("http://127.0.0.1:5055")).save(a_login())
    with pytest.raises(TokenStoreError, match="cannot be decrypted"):
        EncryptedFileStore(path, KEY, slot=slot_for("https://identity.xero.com")).load()


def test_damaged_file_fails_clearly(tmp_path: Path) -> None:
    path = tmp_path / "login.enc"
    path.write_bytes(b"not a login file")
    with pytest.raises(TokenStoreError, match="damaged"):
        EncryptedFileStore(path, KEY).load()


def test_empty_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TokenStoreError, match="XERO_MCP_TOKEN_KEY is empty"):
        EncryptedFileStore(tmp_path / "login.enc", "")


def test_delete_removes_the_file(tmp_path: Path) -> None:
    store = EncryptedFileStore(tmp_path / "login.enc", KEY)
    store.save(a_login())
    store.delete()
    store.delete()
    assert store.load() is None


# ------------------------------------------------------------------------------------------------------ keyring


def test_keyring_store_round_trips_and_deletes(tmp_path: Path) -> None:
    backend = MemoryKeyring()
    store = KeyringStore(backend, slot_for("https://identity.xero.com"), tmp_path / "login.enc")
    store.save(a_login())
    assert store.load() == a_login()
    assert list(backend.entries) == [("xero-mcp", "login:https://identity.xero.com")]
    store.delete()
    assert store.load() is None
    assert backend.entries == {}


def test_keyring_that_refuses_the_entry_gets_an_encrypted_file_with_a_keyring_held_key(tmp_path: Path) -> None:
    backend = MemoryKeyring(limit=100)
    path = tmp_path / "state" / "login.enc"
    store = KeyringStore(backend, "login:https://identity.xero.com", path)
    store.save(a_login())
    assert path.exists()
    blob = path.read_bytes()
    for form in encodings(ACCESS) + encodings(REFRESH):
        assert form not in blob
    assert list(backend.entries) == [("xero-mcp", "login:https://identity.xero.com#file-key")]
    assert store.load() == a_login()
    store.delete()
    assert not path.exists()
    assert backend.entries == {}


def test_locked_keyring_fails_clearly(tmp_path: Path) -> None:
    from keyring.errors import KeyringLocked

    class Locked(MemoryKeyring):
        def get_password(self, service: str, username: str) -> str | None:
            raise KeyringLocked("locked")

    with pytest.raises(TokenStoreError, match="XERO_MCP_TOKEN_KEY"):
        KeyringStore(Locked(), "login:x", tmp_path / "login.enc").load()


# ------------------------------------------------------------------------------------------------ choosing one


def test_token_key_selects_the_encrypted_file_under_the_state_dir(tmp_path: Path) -> None:
    store = open_store(Settings(state_dir=tmp_path, token_key="a-long-random-secret-0123456789abc"))
    assert isinstance(store, EncryptedFileStore)
    assert store.path.parent == tmp_path
    assert "XERO_MCP_TOKEN_KEY" in store.describe()
    assert "a-long-random-secret" not in store.describe()


def test_sandbox_and_xero_logins_live_in_different_files(tmp_path: Path) -> None:
    xero = open_store(Settings(state_dir=tmp_path, token_key=KEY))
    sandbox = open_store(Settings(state_dir=tmp_path, token_key=KEY, identity_url="http://127.0.0.1:5055"))
    assert isinstance(xero, EncryptedFileStore) and isinstance(sandbox, EncryptedFileStore)
    assert xero.path != sandbox.path


def test_working_keyring_is_the_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    backend = MemoryKeyring()
    monkeypatch.setattr("keyring.get_keyring", lambda: backend)
    store = open_store(Settings(state_dir=tmp_path))
    assert isinstance(store, KeyringStore)
    store.save(a_login())
    assert backend.entries


def test_no_keyring_and_no_key_says_what_to_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from keyring.backends import fail

    monkeypatch.setattr("keyring.get_keyring", lambda: fail.Keyring())
    with pytest.raises(TokenStoreError) as failure:
        open_store(Settings(state_dir=tmp_path))
    message = str(failure.value)
    assert "No OS keyring is available" in message
    assert "XERO_MCP_TOKEN_KEY" in message
    assert str(tmp_path) in message


def test_stored_login_never_prints_its_tokens() -> None:
    login = a_login()
    for text in (repr(login), str(login), login.model_dump_json()):
        assert ACCESS not in text and REFRESH not in text
