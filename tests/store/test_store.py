"""The store behaves the same on SQLite and on PostgreSQL (the PostgreSQL half needs XERO_MCP_TEST_DATABASE_URL)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from tests.databases import StoreClock
from xero_mcp.store import EncryptionKeyError, KeyRing, RefreshUse, Store, generate_key, hash_secret, open_store
from xero_mcp.store.migrations import MIGRATIONS, migrate


@pytest.fixture
def clock(store_clock: StoreClock) -> StoreClock:
    return store_clock


@pytest.fixture
async def store(store_url: str, clock: StoreClock) -> AsyncIterator[Store]:
    opened = await open_store(store_url, KeyRing.parse(generate_key()), clock=clock)
    yield opened
    await opened.close()


async def _grant(store: Store, email: str = "alice@example.com") -> tuple[str, str]:
    user = await store.upsert_user(f"xero-{email}", email, email.split("@")[0])
    refresh = hash_secret(f"refresh-{email}")
    grant = await store.create_grant(
        user.user_id, "client-1", "http://127.0.0.1/mcp", ("xero",), [(refresh, "refresh", store.now() + 3600)]
    )
    return grant.grant_id, refresh


async def test_opening_twice_applies_each_migration_once(store_url: str, clock: StoreClock) -> None:
    first = await open_store(store_url, KeyRing.parse(generate_key()), clock=clock)
    await first.close()
    from xero_mcp.store.engines import open_engine

    engine = await open_engine(store_url)
    try:
        assert await migrate(engine, 0) == []
        async with engine.transaction() as conn:
            rows = await conn.run("SELECT version FROM schema_migrations ORDER BY version")
        assert [row[0] for row in rows] == [m.version for m in MIGRATIONS]
    finally:
        await engine.close()


async def test_a_database_of_the_first_version_is_brought_up_to_date_keeping_its_users(store_url: str) -> None:
    from xero_mcp.store.engines import open_engine

    engine = await open_engine(store_url)
    try:
        assert await migrate(engine, 0, MIGRATIONS[:1]) == [1]  # a hosted database from before the triggers moved
        user = await Store(engine).upsert_user("xero-1", "a@example.com", "A")
        assert await migrate(engine, 0) == [m.version for m in MIGRATIONS[1:]]
        upgraded = Store(engine)
        assert await upgraded.get_user(user.user_id) == user
        assert await upgraded.subscription(user.user_id, "default", "t", "contacts") is None  # the new tables exist
    finally:
        await engine.close()


async def test_a_user_signing_in_again_keeps_their_id_and_takes_xeros_latest_email(store: Store) -> None:
    first = await store.upsert_user("xero-1", "old@example.com", "Alice")
    again = await store.upsert_user("xero-1", "new@example.com", "Alice B")
    assert again.user_id == first.user_id
    assert (await store.find_users("NEW@example.com"))[0].name == "Alice B"


async def test_a_client_is_kept_as_registered(store: Store) -> None:
    await store.save_client("c1", b'{"client_id": "c1"}')
    record = await store.get_client("c1")
    assert record is not None and record.info == b'{"client_id": "c1"}'
    assert await store.get_client("c2") is None


async def test_tokens_are_kept_only_as_hashes(store: Store, store_url: str) -> None:
    _, refresh_hash = await _grant(store)
    found = await store.find_token(refresh_hash, "refresh")
    assert found is not None and found.usable
    assert found.token_hash == refresh_hash != "refresh-alice@example.com"
    assert await store.find_token(refresh_hash, "access") is None


async def test_a_refresh_token_works_once_and_its_replay_revokes_the_grant(store: Store) -> None:
    grant_id, refresh = await _grant(store)
    successor = hash_secret("next")
    assert await store.use_refresh_token(refresh, [(successor, "refresh", store.now() + 60)]) is RefreshUse.USED
    assert await store.use_refresh_token(refresh, []) is RefreshUse.REPLAYED
    grant = await store.get_grant(grant_id)
    assert grant is not None and grant.revoked_reason == "refresh token replayed"
    found = await store.find_token(successor, "refresh")
    assert found is not None and not found.usable
    assert await store.use_refresh_token(successor, []) is RefreshUse.UNKNOWN


async def test_of_two_concurrent_refreshes_with_one_token_only_one_succeeds(store: Store) -> None:
    _, refresh = await _grant(store)
    results = await asyncio.gather(
        store.use_refresh_token(refresh, [(hash_secret("a"), "refresh", store.now() + 60)]),
        store.use_refresh_token(refresh, [(hash_secret("b"), "refresh", store.now() + 60)]),
    )
    assert sorted(r.value for r in results) == ["replayed", "used"]


async def test_an_authorization_code_is_taken_once(store: Store) -> None:
    from xero_mcp.store import AuthCodeRecord

    user = await store.upsert_user("x", "a@example.com", "A")
    code = AuthCodeRecord(
        hash_secret("code"), "c1", user.user_id, "http://127.0.0.1/cb", True, "ch", ("xero",), "r", 9e9
    )
    await store.put_code(code)
    assert await store.get_code(code.code_hash) == code
    taken = await asyncio.gather(store.take_code(code.code_hash), store.take_code(code.code_hash))
    assert [t for t in taken if t is not None] == [code]


async def test_a_pending_sign_in_is_read_once_and_not_after_it_expires(store: Store, clock: StoreClock) -> None:
    await store.put_pending("state-1", b"verifier", store.now() + 600)
    assert await store.take_pending("state-1") == b"verifier"
    assert await store.take_pending("state-1") is None
    await store.put_pending("state-2", b"verifier", store.now() + 600)
    clock.now += 601
    assert await store.take_pending("state-2") is None


async def test_revoking_a_user_refuses_their_tokens_and_forgets_their_xero_login(store: Store) -> None:
    grant_id, refresh = await _grant(store)
    grant = await store.get_grant(grant_id)
    assert grant is not None
    await store.save_xero_login(grant.user_id, b"xero tokens")
    assert await store.revoke_user(grant.user_id)
    found = await store.find_token(refresh, "refresh")
    assert found is not None and not found.usable
    assert await store.load_xero_login(grant.user_id) is None
    assert await store.use_refresh_token(refresh, []) is RefreshUse.UNKNOWN


async def test_a_xero_login_is_stored_encrypted_and_versioned(store: Store, store_url: str) -> None:
    user = await store.upsert_user("x", "a@example.com", "A")
    assert await store.save_xero_login(user.user_id, b'{"refresh_token": "xero-secret-refresh"}') == 1
    assert await store.save_xero_login(user.user_id, b'{"refresh_token": "xero-secret-rotated"}') == 2
    assert await store.load_xero_login(user.user_id) == (b'{"refresh_token": "xero-secret-rotated"}', 2)
    from xero_mcp.store.engines import open_engine

    engine = await open_engine(store_url)
    try:
        async with engine.transaction() as conn:
            rows = await conn.run("SELECT ciphertext FROM xero_logins")
    finally:
        await engine.close()
    assert b"xero-secret" not in bytes(rows[0][0])


async def test_rotating_the_key_re_encrypts_logins_and_the_old_key_can_then_go(
    store_url: str, clock: StoreClock
) -> None:
    old, new = generate_key(), generate_key()
    store = await open_store(store_url, KeyRing.parse(f"old:{old}"), clock=clock)
    user = await store.upsert_user("x", "a@example.com", "A")
    await store.save_xero_login(user.user_id, b"tokens")
    await store.save_client("c1", b"{}")
    await store.close()

    rotated = await open_store(store_url, KeyRing.parse(f"new:{new},old:{old}"), clock=clock)
    assert await rotated.reencrypt() == 2
    await rotated.close()

    only_new = await open_store(store_url, KeyRing.parse(f"new:{new}"), clock=clock)
    try:
        assert await only_new.load_xero_login(user.user_id) == (b"tokens", 1)
        client = await only_new.get_client("c1")
        assert client is not None and client.info == b"{}"
    finally:
        await only_new.close()


async def test_a_login_sealed_for_one_user_does_not_open_as_another_users(store_url: str, clock: StoreClock) -> None:
    store = await open_store(store_url, KeyRing.parse(generate_key()), clock=clock)
    try:
        alice = await store.upsert_user("xa", "a@example.com", "A")
        bob = await store.upsert_user("xb", "b@example.com", "B")
        await store.save_xero_login(alice.user_id, b"alice's tokens")
        await store.save_xero_login(bob.user_id, b"bob's tokens")
        from xero_mcp.store.engines import open_engine

        engine = await open_engine(store_url)
        try:
            async with engine.transaction() as conn:
                # Copy Alice's ciphertext onto Bob's row, as someone with database access might.
                await conn.run(
                    "UPDATE xero_logins SET nonce = (SELECT nonce FROM xero_logins WHERE user_id = :a), "
                    "ciphertext = (SELECT ciphertext FROM xero_logins WHERE user_id = :a) WHERE user_id = :b",
                    {"a": alice.user_id, "b": bob.user_id},
                )
        finally:
            await engine.close()
        with pytest.raises(EncryptionKeyError):
            await store.load_xero_login(bob.user_id)
    finally:
        await store.close()


def test_a_malformed_encryption_key_is_refused_without_echoing_it() -> None:
    with pytest.raises(EncryptionKeyError) as caught:
        KeyRing.parse("not-a-real-key-value")
    assert "not-a-real-key-value" not in str(caught.value)
    with pytest.raises(EncryptionKeyError):
        KeyRing.parse("")


async def test_purging_keeps_recently_expired_tokens_so_a_replay_is_still_recognised(
    store: Store, clock: StoreClock
) -> None:
    grant_id, refresh = await _grant(store)  # expires in an hour
    clock.now += 3600 + 3600  # an hour past expiry: still kept
    assert await store.purge_expired() == 0
    assert await store.find_token(refresh, "refresh") is not None
    clock.now += 86400  # a day past expiry: gone
    assert await store.purge_expired() == 1
    assert await store.find_token(refresh, "refresh") is None
    assert await store.get_grant(grant_id) is not None
