"""What only the Redis engine has to promise: a replica that dies never blocks the fleet, and a replica that loses
Redis sends nothing to Xero."""

from __future__ import annotations

import httpx2
import pytest

from tests.coordination.conftest import NO_REDIS, REDIS_URL, Engine
from xero_mcp.auth.provider import StaticTokenProvider
from xero_mcp.client import XeroClient
from xero_mcp.config import Settings
from xero_mcp.coordination import CoordinationUnavailable, Limits
from xero_mcp.coordination.redis_engine import RedisCoordinator, redact_url

ORG = "11111111-1111-4111-8111-111111111111"
UNREACHABLE = "redis://:hunter2-redis-password@127.0.0.1:1/0"


async def test_a_lock_held_by_a_replica_that_died_is_taken_over_when_its_lease_ends(redis_engine: Engine) -> None:
    engine = redis_engine
    dead, alive = engine.replica(), engine.replica()
    start = engine.time.now
    # Entered and never left (kept referenced so nothing finalises it): the replica "dies" holding the lock.
    held = dead.lock("refresh:app", ttl=30.0)
    await held.__aenter__()
    async with alive.lock("refresh:app"):
        assert engine.time.now - start == pytest.approx(30.0, abs=0.06)
    assert held is not None


async def test_a_slot_held_by_a_replica_that_died_frees_when_its_lease_ends(redis_engine: Engine) -> None:
    engine = redis_engine
    dead = engine.replica(Limits(concurrent=1), lease=20.0)
    alive = engine.replica(Limits(concurrent=1), lease=20.0)
    start = engine.time.now
    held = dead.call(ORG)
    await held.__aenter__()
    async with alive.call(ORG):
        assert engine.time.now - start == pytest.approx(20.0, abs=0.06)
    assert {reason for _, reason, _ in engine.waits} == {"concurrent"}
    assert held is not None


async def test_losing_redis_fails_closed_with_a_clear_error_that_hides_the_password() -> None:
    coordinator = RedisCoordinator(UNREACHABLE, timeout=1.0)
    try:
        with pytest.raises(CoordinationUnavailable) as refused:
            async with coordinator.call(ORG):
                pass
        with pytest.raises(CoordinationUnavailable):
            await coordinator.ping()
    finally:
        await coordinator.aclose()
    message = str(refused.value)
    assert "hunter2" not in message
    assert "not sent" in message
    assert "127.0.0.1:1" in message


async def test_a_client_whose_redis_is_gone_sends_nothing_to_xero() -> None:
    sent: list[httpx2.Request] = []

    def answer(request: httpx2.Request) -> httpx2.Response:
        sent.append(request)
        return httpx2.Response(200, json={"Invoices": []})

    coordinator = RedisCoordinator(UNREACHABLE, timeout=1.0)
    client = XeroClient(
        Settings(api_url="https://xero.test/api.xro/2.0"),
        StaticTokenProvider("token"),
        transport=httpx2.MockTransport(answer),
        coordinator=coordinator,
    )
    async with client:
        with pytest.raises(CoordinationUnavailable):
            await client.tenant(ORG).request("GET", "/Invoices")
    await coordinator.aclose()
    assert sent == []


def test_a_redis_url_is_shown_without_its_password() -> None:
    assert redact_url("redis://user:pw@cache.internal:6380/2") == "redis://user:***@cache.internal:6380/2"
    assert redact_url("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"


async def test_keys_of_one_deployment_are_all_under_its_prefix_and_removable() -> None:
    if not REDIS_URL:
        pytest.skip(NO_REDIS)
    coordinator = RedisCoordinator(REDIS_URL, prefix="xero-mcp-test:prefix-check")
    try:
        async with coordinator.call(ORG), coordinator.lock("create:x"):
            pass
        assert await coordinator.forget_all() >= 3
        assert await coordinator.forget_all() == 0
    finally:
        await coordinator.aclose()
