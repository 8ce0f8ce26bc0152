"""Fixtures for running the client against the in-process sandbox, on the sandbox's own clock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import httpx2
import pytest

from xero_mcp.auth.provider import StaticTokenProvider
from xero_mcp.client import TenantClient, XeroClient
from xero_mcp.config import Settings

if TYPE_CHECKING:
    from xero_mcp.sandbox.app import Sandbox

SANDBOX_START = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
SANDBOX_API = "http://sandbox.test/api.xro/2.0"


class SandboxTime:
    """The client's clock and sleep, driven by the sandbox's frozen clock: sleeping moves the sandbox's time."""

    def __init__(self, sandbox: Sandbox) -> None:
        self._clock = sandbox.clock
        self._start = sandbox.clock.now()
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return (self._clock.now() - self._start).total_seconds()

    def wall(self) -> datetime:
        return self._clock.now()

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self._clock.advance(seconds)
        await asyncio.sleep(0)


@dataclass
class Wire:
    """Every response status the client received, in order (429s included, which the sandbox does not count)."""

    statuses: list[int] = field(default_factory=list[int])
    calls: list[tuple[str, str]] = field(default_factory=list[tuple[str, str]])


class CountingTransport(httpx2.AsyncBaseTransport):
    """Wraps the sandbox transport to record what went over the wire."""

    def __init__(self, inner: httpx2.AsyncBaseTransport, wire: Wire) -> None:
        self._inner = inner
        self._wire = wire

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self._wire.calls.append((request.method, request.url.path))
        response = await self._inner.handle_async_request(request)
        self._wire.statuses.append(response.status_code)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


def _sandbox(*, limits_enabled: bool) -> Sandbox:
    # Imported here so the wire-level tests in this directory do not depend on the sandbox.
    from xero_mcp.sandbox.app import SandboxConfig, create_sandbox
    from xero_mcp.sandbox.limits import LimitConfig

    config = SandboxConfig(
        limits=LimitConfig(enabled=limits_enabled), frozen_clock=True, start=SANDBOX_START, seed=False
    )
    return create_sandbox(config)


@pytest.fixture
def sandbox() -> Sandbox:
    """The baseline organisations on a frozen clock, rate limits off."""
    return _sandbox(limits_enabled=False)


@pytest.fixture
def sandbox_limited() -> Sandbox:
    """The baseline organisations on a frozen clock with Xero's real limits (5 at once, 60 a minute)."""
    return _sandbox(limits_enabled=True)


@pytest.fixture
def wire() -> Wire:
    return Wire()


def _client(sandbox: Sandbox, wire: Wire, time: SandboxTime) -> XeroClient:
    token = sandbox.identity.issue_token()
    return XeroClient(
        Settings(api_url=SANDBOX_API),
        StaticTokenProvider(token),
        transport=CountingTransport(sandbox.transport(), wire),
        sleep=time.sleep,
        clock=time.monotonic,
        wall_clock=time.wall,
    )


@pytest.fixture
def sandbox_time(sandbox: Sandbox) -> SandboxTime:
    return SandboxTime(sandbox)


@pytest.fixture
async def org(sandbox: Sandbox, wire: Wire, sandbox_time: SandboxTime) -> AsyncIterator[TenantClient]:
    """The client bound to the sandbox's first organisation."""
    async with _client(sandbox, wire, sandbox_time) as client:
        yield client.tenant(sandbox.tenant_ids()[0])


@pytest.fixture
def limited_time(sandbox_limited: Sandbox) -> SandboxTime:
    return SandboxTime(sandbox_limited)


@pytest.fixture
async def limited_org(sandbox_limited: Sandbox, wire: Wire, limited_time: SandboxTime) -> AsyncIterator[TenantClient]:
    """The client bound to the first organisation of the rate-limited sandbox."""
    async with _client(sandbox_limited, wire, limited_time) as client:
        yield client.tenant(sandbox_limited.tenant_ids()[0])
