"""Fixtures for running the client against the in-process sandbox (tests/conftest.py), on the sandbox's clock.

Every request the client sends to the sandbox is checked against Xero's OpenAPI spec when the spec is present, so
these tests also prove the client's request bodies are ones Xero documents.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime

import httpx2
import pytest

from tests.conftest import API_BASE_URL
from tests.openapi_check import API_PREFIX, spec_path, validate_request
from xero_mcp.auth.provider import StaticTokenProvider
from xero_mcp.client import TenantClient, XeroClient
from xero_mcp.config import Settings
from xero_mcp.sandbox.app import Sandbox


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
    """Every request the client sent and every status it got back (429s too, which the sandbox does not count)."""

    statuses: list[int] = field(default_factory=list[int])
    calls: list[tuple[str, str]] = field(default_factory=list[tuple[str, str]])


class CheckingTransport(httpx2.AsyncBaseTransport):
    """Wraps the sandbox transport: records the traffic and checks request bodies against Xero's spec."""

    def __init__(self, inner: httpx2.AsyncBaseTransport, wire: Wire) -> None:
        self._inner = inner
        self._wire = wire
        self._check = spec_path() is not None

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self._wire.calls.append((request.method, request.url.path))
        if self._check and request.method in ("PUT", "POST") and request.url.path.startswith(API_PREFIX):
            validate_request(request.method, request.url.path, json.loads(request.content))
        response = await self._inner.handle_async_request(request)
        self._wire.statuses.append(response.status_code)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


@pytest.fixture
def wire() -> Wire:
    return Wire()


def _client(sandbox: Sandbox, token: str, wire: Wire, time: SandboxTime) -> XeroClient:
    return XeroClient(
        Settings(api_url=API_BASE_URL),
        StaticTokenProvider(token),
        transport=CheckingTransport(sandbox.transport(), wire),
        sleep=time.sleep,
        clock=time.monotonic,
        wall_clock=time.wall,
    )


@pytest.fixture
def sandbox_time(sandbox: Sandbox) -> SandboxTime:
    return SandboxTime(sandbox)


@pytest.fixture
async def org(
    sandbox: Sandbox, tenant_id: str, access_token: str, wire: Wire, sandbox_time: SandboxTime
) -> AsyncIterator[TenantClient]:
    """The client bound to the sandbox's first organisation."""
    async with _client(sandbox, access_token, wire, sandbox_time) as client:
        yield client.tenant(tenant_id)


@pytest.fixture
def limited_time(sandbox_limited: Sandbox) -> SandboxTime:
    return SandboxTime(sandbox_limited)


@pytest.fixture
async def limited_org(sandbox_limited: Sandbox, wire: Wire, limited_time: SandboxTime) -> AsyncIterator[TenantClient]:
    """The client bound to the first organisation of the rate-limited sandbox."""
    token = sandbox_limited.identity.issue_token()
    async with _client(sandbox_limited, token, wire, limited_time) as client:
        yield client.tenant(sandbox_limited.tenant_ids()[0])
