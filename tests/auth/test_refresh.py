"""A stored login's tokens: refresh before expiry, single flight, rotation persisted first, Xero's grace (§6.2)."""

import asyncio
from datetime import timedelta

import httpx2
import pytest

from tests.auth.conftest import Sandbox, sign_in
from xero_mcp.auth.errors import AuthServiceUnavailable, TokenStoreError
from xero_mcp.auth.oauth import XeroOAuth
from xero_mcp.auth.provider import LoginRequired
from xero_mcp.auth.providers import LoginTokenProvider
from xero_mcp.auth.store import MemoryStore, StoredLogin
from xero_mcp.sandbox.faults import FaultRule


async def no_sleep(seconds: float) -> None:
    return None


def provider_for(sandbox: Sandbox, store: MemoryStore) -> LoginTokenProvider:
    oauth = XeroOAuth(sandbox.settings(), transport=sandbox.transport, now=sandbox.clock.now)
    return LoginTokenProvider(store, oauth, now=sandbox.clock.now, sleep=no_sleep)


def tokens(store: MemoryStore) -> tuple[str, str]:
    login = store.login
    assert login is not None and login.refresh_token is not None
    return login.access_token.get_secret_value(), login.refresh_token.get_secret_value()


class FailingStore(MemoryStore):
    """A store whose writes fail (a locked keyring, a full disk)."""

    def save(self, login: StoredLogin) -> None:
        if self.login is not None:
            raise TokenStoreError("the store refused the write")
        super().save(login)


async def test_fresh_token_is_used_without_refreshing(sandbox: Sandbox) -> None:
    store = await sign_in(sandbox)
    access, _ = tokens(store)
    provider = provider_for(sandbox, store)
    sandbox.clock.advance(1800 - 121)
    assert await provider.get_token() == access
    assert sandbox.identity.token_requests["refresh_token"] == 0


async def test_token_is_refreshed_shortly_before_it_expires(sandbox: Sandbox) -> None:
    store = await sign_in(sandbox)
    access, refresh = tokens(store)
    provider = provider_for(sandbox, store)
    sandbox.clock.advance(1800 - 60)
    renewed = await provider.get_token()
    assert renewed != access
    assert (await sandbox.api(renewed, "9f2a1d4e-0c3b-4d6a-8e7f-1a2b3c4d5e6f")).status_code == 200
    assert tokens(store)[1] != refresh


async def test_fifty_concurrent_calls_with_an_expired_token_cause_exactly_one_refresh(sandbox: Sandbox) -> None:
    store = await sign_in(sandbox)
    expired, original_refresh = tokens(store)
    provider = provider_for(sandbox, store)
    sandbox.clock.advance(3600)
    results = await asyncio.gather(
        *(provider.get_token() for _ in range(25)), *(provider.refresh_token(expired) for _ in range(25))
    )
    assert len(set(results)) == 1
    assert results[0] != expired
    assert sandbox.identity.token_requests["refresh_token"] == 1
    assert provider.refreshes == 1
    # What is stored afterwards is the rotated refresh token, and it is the one Xero honours next.
    stored_access, stored_refresh = tokens(store)
    assert stored_access == results[0]
    assert stored_refresh != original_refresh
    sandbox.clock.advance(31 * 60)
    assert await provider.get_token() != stored_access
    assert sandbox.identity.token_requests["refresh_token"] == 2


async def test_rejected_token_is_renewed_even_when_the_clock_says_it_is_fresh(sandbox: Sandbox) -> None:
    store = await sign_in(sandbox)
    access, _ = tokens(store)
    provider = provider_for(sandbox, store)
    renewed = await provider.refresh_token(access)
    assert renewed != access
    # A caller holding the old, already replaced token gets the current one without another refresh.
    assert await provider.refresh_token(access) == renewed
    assert sandbox.identity.token_requests["refresh_token"] == 1


async def test_rotation_by_another_process_sharing_the_store_is_adopted(sandbox: Sandbox) -> None:
    store = await sign_in(sandbox)
    expired, _ = tokens(store)
    first, second = provider_for(sandbox, store), provider_for(sandbox, store)
    assert await second.get_token() == expired  # second caches the login now
    sandbox.clock.advance(3600)
    renewed = await first.get_token()
    assert await second.refresh_token(expired) == renewed
    assert sandbox.identity.token_requests["refresh_token"] == 1


async def test_new_access_token_is_not_used_when_the_rotated_refresh_token_cannot_be_stored(
    sandbox: Sandbox,
) -> None:
    store = await sign_in(sandbox, FailingStore())
    expired, refresh = tokens(store)
    provider = provider_for(sandbox, store)
    sandbox.clock.advance(3600)
    with pytest.raises(TokenStoreError) as failure:
        await provider.get_token()
    sandbox.seen(str(failure.value))
    assert tokens(store) == (expired, refresh)
    # The store still holds the previous refresh token, which Xero honours during the grace period.
    working = MemoryStore(store.login)
    assert await provider_for(sandbox, working).get_token() != expired
    assert tokens(working)[1] != refresh


async def test_lost_refresh_response_is_recovered_with_the_previous_refresh_token(sandbox: Sandbox) -> None:
    store = await sign_in(sandbox)
    expired, refresh = tokens(store)
    provider = provider_for(sandbox, store)
    sandbox.faults.add(FaultRule("POST", "/connect/token", "commit_then_drop"))
    sandbox.clock.advance(3600)
    renewed = await provider.get_token()
    assert renewed != expired
    assert sandbox.faults.injected["commit_then_drop"] == 1
    assert sandbox.identity.token_requests["refresh_token"] == 2
    assert tokens(store)[1] != refresh
    assert (await sandbox.api(renewed, "9f2a1d4e-0c3b-4d6a-8e7f-1a2b3c4d5e6f")).status_code == 200


async def test_lost_refresh_response_is_not_recoverable_after_the_grace_period(sandbox: Sandbox) -> None:
    store = await sign_in(sandbox)
    provider = provider_for(sandbox, store)
    sandbox.faults.add(FaultRule("POST", "/connect/token", "commit_then_drop"))
    sandbox.faults.add(FaultRule("POST", "/connect/token", "drop", count=2))
    sandbox.clock.advance(3600)
    with pytest.raises(AuthServiceUnavailable, match="still valid") as unavailable:
        await provider.get_token()
    sandbox.clock.advance(31 * 60)
    with pytest.raises(LoginRequired, match="xero-mcp login") as expired:
        await provider.get_token()
    assert not isinstance(expired.value, AuthServiceUnavailable)
    sandbox.seen(str(unavailable.value), str(expired.value))


async def test_revoked_login_surfaces_as_login_required(sandbox: Sandbox) -> None:
    store = await sign_in(sandbox)
    _, refresh = tokens(store)
    await XeroOAuth(sandbox.settings(), transport=sandbox.transport).revoke(refresh)
    provider = provider_for(sandbox, store)
    sandbox.clock.advance(3600)
    with pytest.raises(LoginRequired, match="expired or was revoked") as failure:
        await provider.get_token()
    sandbox.seen(str(failure.value))


async def test_refresh_token_unused_for_sixty_days_needs_a_new_login(sandbox: Sandbox) -> None:
    store = await sign_in(sandbox)
    provider = provider_for(sandbox, store)
    sandbox.clock.advance(timedelta(days=61).total_seconds())
    with pytest.raises(LoginRequired, match="xero-mcp login"):
        await provider.get_token()


async def test_login_without_offline_access_cannot_refresh(sandbox: Sandbox) -> None:
    store = await sign_in(sandbox, scopes=("accounting.invoices", "accounting.contacts"))
    assert store.login is not None and store.login.refresh_token is None
    provider = provider_for(sandbox, store)
    sandbox.clock.advance(3600)
    with pytest.raises(LoginRequired, match="offline_access"):
        await provider.get_token()


async def test_nobody_signed_in_is_login_required() -> None:
    from xero_mcp.config import Settings

    oauth = XeroOAuth(Settings(client_id="sandbox-client"))
    with pytest.raises(LoginRequired, match="xero-mcp login"):
        await LoginTokenProvider(MemoryStore(), oauth).get_token()


class _Yielding(httpx2.AsyncBaseTransport):
    """Lets other tasks run while a request is "on the wire", as a network would."""

    def __init__(self, inner: httpx2.AsyncBaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        for _ in range(5):
            await asyncio.sleep(0)
        return await self._inner.handle_async_request(request)


@pytest.mark.parametrize("engine", ["memory", "redis"])
async def test_fifty_concurrent_calls_on_two_replicas_sharing_a_login_cause_exactly_one_refresh(
    sandbox: Sandbox, engine: str
) -> None:
    import uuid

    from tests.coordination.conftest import NO_REDIS, REDIS_URL, FakeTime
    from xero_mcp.coordination import Coordinator, InProcessCoordinator
    from xero_mcp.coordination.redis_engine import RedisCoordinator

    time = FakeTime()
    prefix = f"xero-mcp-test:{uuid.uuid4().hex}"
    if engine == "redis" and not REDIS_URL:
        pytest.skip(NO_REDIS)
    shared = InProcessCoordinator(clock=time.clock, sleep=time.sleep)

    def replica_coordinator() -> Coordinator:
        if engine == "memory":
            return shared
        return RedisCoordinator(REDIS_URL or "", prefix=prefix, clock=time.clock, sleep=time.sleep)

    store = await sign_in(sandbox)
    expired, _ = tokens(store)
    coordinators = [replica_coordinator(), replica_coordinator()]
    oauth = XeroOAuth(sandbox.settings(), transport=_Yielding(sandbox.transport), now=sandbox.clock.now)
    replicas = [
        LoginTokenProvider(
            store,
            oauth,
            now=sandbox.clock.now,
            sleep=no_sleep,
            fleet_lock=lambda c=coordinator: c.lock("refresh:sandbox-client", ttl=60.0),
        )
        for coordinator in coordinators
    ]
    sandbox.clock.advance(3600)
    try:
        results = await asyncio.gather(
            *(replicas[i % 2].get_token() for i in range(25)),
            *(replicas[i % 2].refresh_token(expired) for i in range(25)),
        )
    finally:
        for coordinator in coordinators:
            if isinstance(coordinator, RedisCoordinator):
                await coordinator.forget_all()
                await coordinator.aclose()
    assert len(set(results)) == 1
    assert results[0] != expired
    assert sandbox.identity.token_requests["refresh_token"] == 1
