"""Stored state is private to the user: the state directory 0700, its SQLite and login files 0600, also when they
already existed with looser modes; and the key of the encrypted login file is long enough to resist guessing."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from xero_mcp.auth.errors import TokenStoreError
from xero_mcp.auth.store import EncryptedFileStore, open_store
from xero_mcp.config import SettingError, Settings
from xero_mcp.store.store import LOCAL_DB_NAME, open_local_store
from xero_mcp.store.store import open_store as open_database

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes do not apply on Windows")

LONG_KEY = "k7Qp2Vx9Lm4Rt8Wz1Ya6Sd3Fg5Hj0Nb2Cv"  # 36 characters


def entries(path: Path) -> list[Path]:
    return list(path.iterdir())


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def loosened_state_dir(tmp_path: Path) -> Path:
    """A state dir and SQLite files left world-readable by an older version or a careless umask."""
    state = tmp_path / "state"
    state.mkdir(mode=0o755)
    state.chmod(0o755)
    for name in (LOCAL_DB_NAME, f"{LOCAL_DB_NAME}-wal", f"{LOCAL_DB_NAME}-shm"):
        (state / name).touch()
        (state / name).chmod(0o644)
    return state


async def test_a_new_state_dir_and_its_database_are_private(tmp_path: Path) -> None:
    state = tmp_path / "fresh"
    old_umask = os.umask(0o022)
    try:
        await (await open_local_store(state)).close()
    finally:
        os.umask(old_umask)
    assert mode(state) == 0o700
    assert mode(state / LOCAL_DB_NAME) == 0o600


async def test_an_existing_state_dir_and_its_sqlite_files_are_made_private_when_opened(tmp_path: Path) -> None:
    state = loosened_state_dir(tmp_path)
    (state / LOCAL_DB_NAME).unlink()  # an empty file is not a database; the loose directory is the point here
    await (await open_local_store(state)).close()
    assert mode(state) == 0o700
    for name in (LOCAL_DB_NAME, f"{LOCAL_DB_NAME}-wal", f"{LOCAL_DB_NAME}-shm"):
        path = state / name
        if path.exists():
            assert mode(path) == 0o600, name


async def test_an_existing_loose_sqlite_file_is_made_private_when_opened(tmp_path: Path) -> None:
    state = tmp_path / "state"
    await (await open_local_store(state)).close()
    state.chmod(0o755)
    (state / LOCAL_DB_NAME).chmod(0o644)
    await (await open_local_store(state)).close()
    assert mode(state) == 0o700
    assert mode(state / LOCAL_DB_NAME) == 0o600


def test_the_encrypted_login_file_and_an_existing_loose_state_dir_are_made_private(tmp_path: Path) -> None:
    from tests.auth.test_store import a_login

    state = tmp_path / "state"
    state.mkdir(mode=0o755)
    state.chmod(0o755)
    store = open_store(Settings(state_dir=state, token_key=LONG_KEY))
    store.save(a_login())
    assert mode(state) == 0o700
    files = list(state.glob("login-*.enc"))
    assert files and all(mode(path) == 0o600 for path in files)


@pytest.mark.parametrize("key", ["a", "password", "x" * 31])
def test_a_token_key_under_32_characters_is_refused_with_how_to_make_one(key: str) -> None:
    with pytest.raises(SettingError) as caught:
        Settings.from_env({"XERO_MCP_TOKEN_KEY": key})
    message = str(caught.value)
    assert "XERO_MCP_TOKEN_KEY" in message and "32 characters" in message
    assert "secrets.token_urlsafe(32)" in message
    assert repr(key) not in message


@pytest.mark.parametrize("key", ["a", "password", "x" * 31])
def test_the_encrypted_file_store_refuses_a_short_key_itself(tmp_path: Path, key: str) -> None:
    with pytest.raises(TokenStoreError, match="32 characters"):
        EncryptedFileStore(tmp_path / "login.enc", key)


def test_a_token_key_of_32_characters_or_more_is_accepted() -> None:
    settings = Settings.from_env({"XERO_MCP_TOKEN_KEY": "x" * 32})
    assert settings.token_key is not None and len(settings.token_key.get_secret_value()) == 32


def test_an_existing_loose_login_file_is_made_private_when_it_is_read(tmp_path: Path) -> None:
    from tests.auth.test_store import a_login

    path = tmp_path / "login.enc"
    EncryptedFileStore(path, LONG_KEY).save(a_login())
    path.chmod(0o644)
    assert EncryptedFileStore(path, LONG_KEY).load() is not None
    assert mode(path) == 0o600


async def test_an_in_memory_store_leaves_no_file_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    await (await open_database("sqlite://")).close()
    assert entries(tmp_path) == []


async def test_the_ledger_of_an_older_sync_database_is_carried_over_once(tmp_path: Path) -> None:
    import sqlite3

    from tests.sync.fakes import TENANT_A, rid
    from xero_mcp.sync.dedupe import DedupeLedger

    state = tmp_path / "state"
    state.mkdir()
    with sqlite3.connect(state / "sync.sqlite3") as old:
        old.execute(
            "CREATE TABLE created_records (tenant_id TEXT, kind TEXT, natural_key TEXT, xero_id TEXT, recorded_ms INT)"
        )
        old.execute(
            "INSERT INTO created_records VALUES (?, 'invoice', 'invoice_number=inv-1', ?, 1)", (TENANT_A, rid(1))
        )
    old.close()
    store = await open_local_store(state)
    try:
        entry = await DedupeLedger(store).lookup(TENANT_A, "invoice", "invoice_number=inv-1")
        assert entry is not None and entry.xero_id == rid(1)
    finally:
        await store.close()
