"""Fixtures for the coordination engines: a fake clock, and each engine behind one factory of "replicas".

`engine` is parametrised over the in-process engine and the Redis engine, so every behavioural test runs on both.
A replica is one process's handle on the engine: for the in-process engine every replica is the same object (there is
only one process); for Redis each replica is its own connection under one key prefix, as separate processes are.
The Redis engine needs XERO_MCP_TEST_REDIS_URL (CI sets it); each test uses a fresh key prefix and deletes its keys.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import pytest

from xero_mcp.coordination import Coordinator, InProcessCoordinator, Limits, WaitReason
from xero_mcp.coordination.redis_engine import RedisCoordinator

REDIS_URL = os.environ.get("XERO_MCP_TEST_REDIS_URL")
NO_REDIS = "XERO_MCP_TEST_REDIS_URL is not set, so the Redis engine cannot be exercised"


class FakeTime:
    """Seconds that move only when a sleep moves them (each sleep advances by its own length)."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)


@dataclass
class Engine:
    """Makes replicas of one coordination engine on one fake clock; records every wait they report."""

    kind: str
    time: FakeTime
    make: Callable[[Limits, float], Coordinator]
    waits: list[tuple[str | None, WaitReason, float]] = field(
        default_factory=list[tuple[str | None, WaitReason, float]]
    )
    made: list[Coordinator] = field(default_factory=list[Coordinator])

    def replica(self, limits: Limits | None = None, *, lease: float = 60.0) -> Coordinator:
        """A handle on the shared engine (for the in-process engine: the one and only)."""
        if self.kind == "memory" and self.made:
            return self.made[0]
        replica = self.make(limits or Limits(), lease)
        self.made.append(replica)
        return replica

    def observe(self, org: str | None, reason: WaitReason, seconds: float) -> None:
        self.waits.append((org, reason, seconds))


@pytest.fixture(params=["memory", "redis"])
async def engine(request: pytest.FixtureRequest) -> AsyncIterator[Engine]:
    """One engine per parameter, on a fresh fake clock."""
    kind: str = request.param
    time = FakeTime()
    if kind == "memory":
        holder: list[Engine] = []

        def make_memory(limits: Limits, lease: float) -> Coordinator:
            return InProcessCoordinator(clock=time.clock, sleep=time.sleep, limits=limits, observer=holder[0].observe)

        built = Engine(kind, time, make_memory)
        holder.append(built)
        yield built
        return
    async with _redis_engine(time) as built_redis:
        yield built_redis


@pytest.fixture
async def redis_engine() -> AsyncIterator[Engine]:
    """The Redis engine alone, for what only a shared engine must promise."""
    async with _redis_engine(FakeTime()) as built:
        yield built


@contextlib.asynccontextmanager
async def _redis_engine(time: FakeTime) -> AsyncIterator[Engine]:
    if not REDIS_URL:
        pytest.skip(NO_REDIS)
    prefix = f"xero-mcp-test:{uuid.uuid4().hex}"
    holder: list[Engine] = []

    def make_redis(limits: Limits, lease: float) -> Coordinator:
        return RedisCoordinator(
            REDIS_URL or "",
            prefix=prefix,
            clock=time.clock,
            sleep=time.sleep,
            limits=limits,
            observer=holder[0].observe,
            lease=lease,
        )

    built = Engine("redis", time, make_redis)
    holder.append(built)
    try:
        yield built
    finally:
        cleaner = RedisCoordinator(REDIS_URL, prefix=prefix)
        await cleaner.forget_all()
        await cleaner.aclose()
        for replica in built.made:
            await replica.aclose()
