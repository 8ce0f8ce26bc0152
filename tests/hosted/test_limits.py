"""Abuse limits: Dynamic Client Registration is capped per source and in total, and the per-person backends kept in
memory are bounded (idle ones and the least recently used beyond the cap are dropped, then closed)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, cast

import httpx2
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.databases import database_url
from tests.hosted.harness import ManualClock, hosted_server
from xero_mcp.config import Settings
from xero_mcp.hosted.limits import MemoryRegistrations, RedisRegistrations, RegistrationLimit
from xero_mcp.hosted.users import RETIRE_GRACE_SECONDS, UserBackends
from xero_mcp.sandbox.app import Sandbox
from xero_mcp.store import KeyRing, Store, generate_key, open_store
from xero_mcp.tools._context import Backend


async def _registered(request: Request) -> JSONResponse:
    return JSONResponse({"client_id": "new"}, status_code=201)


def _client(limit: RegistrationLimit, source: str) -> httpx2.AsyncClient:
    transport = httpx2.ASGITransport(app=limit, client=(source, 5000))
    return httpx2.AsyncClient(transport=transport, base_url="http://testserver")


async def test_registrations_are_capped_per_source_and_in_total_with_a_429_saying_when_to_retry() -> None:
    clock = ManualClock()
    app = Starlette(
        routes=[Route("/register", _registered, methods=["POST"]), Route("/token", _registered, methods=["POST"])]
    )
    limit = RegistrationLimit(app, MemoryRegistrations(per_source=2, total=3, window=3600, clock=clock))
    async with _client(limit, "10.0.0.1") as first, _client(limit, "10.0.0.2") as second:
        assert [(await first.post("/register", json={})).status_code for _ in range(2)] == [201, 201]
        clock.now += 600
        refused = await first.post("/register", json={})
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "3000"
        body = refused.json()
        assert body["error"] == "temporarily_unavailable" and "at most 2 an hour" in body["error_description"]
        assert (await first.post("/token", json={})).status_code == 201  # only registration is limited
        assert (await second.post("/register", json={})).status_code == 201
        clock.now += 1
        total = await second.post("/register", json={})
        assert (
            total.status_code == 429 and "at most 3 client registrations an hour" in total.json()["error_description"]
        )
        clock.now = 1000.0 + 3600  # the first two leave the window
        assert (await first.post("/register", json={})).status_code == 201


REDIS_URL = os.environ.get("XERO_MCP_TEST_REDIS_URL")


@pytest.mark.skipif(REDIS_URL is None, reason="XERO_MCP_TEST_REDIS_URL is not set: the fleet-wide count needs Redis")
async def test_with_redis_the_caps_hold_across_replicas() -> None:
    assert REDIS_URL is not None
    prefix = f"xmcp-test-{secrets.token_hex(4)}"
    app = Starlette(routes=[Route("/register", _registered, methods=["POST"])])
    counters = [RedisRegistrations(REDIS_URL, prefix=prefix, per_source=2, total=3) for _ in range(2)]
    first, second = (RegistrationLimit(app, counter) for counter in counters)
    try:
        async with (
            _client(first, "10.0.0.1") as a1,
            _client(second, "10.0.0.1") as b1,
            _client(second, "10.0.0.2") as b2,
        ):
            assert (await a1.post("/register", json={})).status_code == 201
            assert (await b1.post("/register", json={})).status_code == 201
            refused = await a1.post("/register", json={})  # the other replica's registration counted
            assert refused.status_code == 429 and 3590 <= int(refused.headers["retry-after"]) <= 3600
            assert (await b2.post("/register", json={})).status_code == 201
            total = await b2.post("/register", json={})
            assert total.status_code == 429 and "at most 3 client registrations" in total.json()["error_description"]
    finally:
        from redis.asyncio import Redis

        async with Redis.from_url(REDIS_URL) as redis:
            keys = [key async for key in redis.scan_iter(f"{{{prefix}:registrations}}:*")]
            assert keys  # the counts lived in Redis
            await redis.delete(*keys)
        for counter in counters:
            await counter.aclose()


async def test_registration_is_refused_with_503_when_the_shared_count_is_unreachable() -> None:
    app = Starlette(routes=[Route("/register", _registered, methods=["POST"])])
    counter = RedisRegistrations("redis://127.0.0.1:1/0", prefix="x", per_source=2, total=3)
    try:
        async with _client(RegistrationLimit(app, counter), "10.0.0.1") as http:
            refused = await http.post("/register", json={})
    finally:
        await counter.aclose()
    assert refused.status_code == 503 and refused.json()["error"] == "temporarily_unavailable"


async def test_the_hosted_server_refuses_registrations_over_the_configured_cap(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    async with (
        database_url("sqlite", tmp_path) as url,
        hosted_server(url, tmp_path, sandbox, settings={"registrations_per_source": 1}) as server,
        httpx2.AsyncClient(base_url=server.base) as http,
    ):
        metadata = {"redirect_uris": ["http://127.0.0.1:1/cb"], "client_name": "capped"}
        assert (await http.post("/register", json=metadata)).status_code == 201
        refused = await http.post("/register", json=metadata)
    assert refused.status_code == 429 and "reuse the client you registered" in refused.json()["error_description"]


def test_the_limits_are_settings() -> None:
    settings = Settings.from_env(
        {
            "XERO_MCP_REGISTRATIONS_PER_SOURCE": "5",
            "XERO_MCP_REGISTRATIONS_PER_HOUR": "50",
            "XERO_MCP_MAX_USER_BACKENDS": "10",
            "XERO_MCP_USER_IDLE_TIMEOUT": "60",
        }
    )
    assert (settings.registrations_per_source, settings.registrations_per_hour) == (5, 50)
    assert (settings.max_user_backends, settings.user_idle_timeout) == (10, 60.0)


class CountingBackends(UserBackends):
    """Backends that record being built and closed, without a Xero login behind them."""

    def __init__(self, store: Store, settings: Settings, clock: ManualClock) -> None:
        self.dropped: list[str] = []
        self.built: list[str] = []
        self.closed: list[str] = []
        super().__init__(store, settings, clock=clock, on_drop=self.dropped.append)

    async def _build(self, user_id: str) -> Backend:
        self.built.append(user_id)

        async def close() -> None:
            self.closed.append(user_id)

        none: Any = None
        return Backend(client=none, auth=none, cursors=none, ledger=none, closers=[close], owner=user_id)


@pytest.fixture
async def store(tmp_path: Path) -> Any:
    opened = await open_store(f"sqlite:///{tmp_path / 'hosted.sqlite3'}", KeyRing.parse(generate_key()))
    yield opened
    await opened.close()


async def test_backends_beyond_the_cap_are_dropped_least_recently_used_first_then_closed_after_a_grace(
    store: Store,
) -> None:
    clock = ManualClock()
    users = CountingBackends(store, Settings(max_user_backends=2, user_idle_timeout=3600), clock)
    first = await users.for_user("ann")
    await users.for_user("ben")
    clock.now += 1
    assert await users.for_user("ann") is first  # ann is now the most recently used
    await users.for_user("cat")
    assert users.held() == ("ann", "cat") and users.dropped == ["ben"]
    assert users.closed == []  # a call may still be running on ben's backend
    clock.now += RETIRE_GRACE_SECONDS
    await users.for_user("cat")
    assert users.closed == ["ben"]
    await users.for_user("ben")
    assert users.built == ["ann", "ben", "cat", "ben"]
    await users.aclose()
    assert sorted(users.closed) == ["ann", "ben", "ben", "cat"]


async def test_idle_backends_are_dropped_and_rebuilt_on_the_next_call(store: Store) -> None:
    clock = ManualClock()
    users = CountingBackends(store, Settings(max_user_backends=100, user_idle_timeout=900), clock)
    await users.for_user("ann")
    clock.now += 600
    await users.for_user("ben")
    clock.now += 301
    await users.for_user("ben")
    assert users.held() == ("ben",) and users.dropped == ["ann"]
    await users.for_user("ann")
    assert users.built == ["ann", "ben", "ann"]
    await users.aclose()


def test_a_dropped_person_is_forgotten_by_the_tool_context() -> None:
    from xero_mcp.tools._context import OrgState, ToolContext

    async def no_backend() -> Backend:
        raise AssertionError

    context = ToolContext(Settings(), no_backend)
    states = cast("dict[tuple[str | None, str], OrgState]", context._states)  # pyright: ignore[reportPrivateUsage]
    states[("ann", "t1")] = OrgState()
    states[("ben", "t1")] = OrgState()
    context.forget_owner("ann")
    assert list(states) == [("ben", "t1")]
