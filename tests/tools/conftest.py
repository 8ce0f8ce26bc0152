"""Fixtures for end-to-end tool tests: an in-memory MCP client talking to a server on the in-process sandbox.

async def test_x(mcp_client, sandbox): ...
async def test_y(make_client):
    async with make_client(read_only=True) as client: ...
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from tests.openapi_check import SpecCheckedTransport
from xero_mcp.config import Settings
from xero_mcp.local import LocalSandbox, open_backend, sandbox_settings
from xero_mcp.sandbox.app import Sandbox, SandboxConfig, create_sandbox
from xero_mcp.sandbox.limits import LimitConfig
from xero_mcp.sandbox.state import SandboxState
from xero_mcp.server import build_server
from xero_mcp.tools._context import Backend

SANDBOX_START = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)

MakeClient = Callable[..., AbstractAsyncContextManager[Client]]


def _config() -> SandboxConfig:
    return SandboxConfig(limits=LimitConfig(enabled=False), frozen_clock=True, start=SANDBOX_START)


@pytest.fixture(scope="session")
def tools_seeded_state() -> SandboxState:
    """The seeded state at SANDBOX_START, built once per session and copied into each test's sandbox."""
    return create_sandbox(_config()).baseline()


@pytest.fixture
def tools_sandbox(tools_seeded_state: SandboxState) -> Sandbox:
    """A seeded sandbox on a frozen clock, rate limits off (tests that need limits turn them on)."""
    return create_sandbox(_config(), baseline=tools_seeded_state)


@pytest.fixture
def sandbox(tools_sandbox: Sandbox) -> Sandbox:
    """The sandbox behind `mcp_client` / `make_client` (control it: faults, clock, limits, state)."""
    return tools_sandbox


@pytest.fixture
def make_client(tools_sandbox: Sandbox, tmp_path: Path, request: pytest.FixtureRequest) -> MakeClient:
    """Connect an in-memory MCP client to a server on the sandbox; keyword arguments override Settings.

    Every request the tools send is checked against Xero's spec, except in tests marked
    `@pytest.mark.invalid_requests` (they send Xero an invalid body on purpose, through xero_write).
    """
    check_requests = request.node.get_closest_marker("invalid_requests") is None

    @asynccontextmanager
    async def connect(
        *, mode: str = "auto", elicitation_callback: Any = None, **overrides: Any
    ) -> AsyncIterator[Client]:
        values: dict[str, Any] = {"toolsets": ("all",), "state_dir": tmp_path / "state"}
        values.update(overrides)
        settings = sandbox_settings(Settings(**values))
        local = LocalSandbox(tools_sandbox, settings)

        async def factory() -> Backend:
            # Every request the tools send to the sandbox, and every answer, is checked against Xero's spec.
            return await open_backend(
                local, wrap_transport=lambda inner: SpecCheckedTransport(inner, requests=check_requests)
            )

        server, context = build_server(settings, factory)
        try:
            async with Client(server, mode=mode, elicitation_callback=elicitation_callback) as client:
                yield client
        finally:
            await context.aclose()

    return connect


@pytest.fixture
async def mcp_client(make_client: MakeClient) -> AsyncIterator[Client]:
    """An MCP client over every tool, against the seeded sandbox.

    The client's task groups must be entered and left by one task, while pytest-asyncio sets a fixture up and
    tears it down in different tasks; so one background task holds the connection for the whole test.
    """
    connected: asyncio.Future[Client] = asyncio.get_running_loop().create_future()
    finished = asyncio.Event()

    async def hold() -> None:
        try:
            async with make_client() as client:
                connected.set_result(client)
                await finished.wait()
        except BaseException as exc:
            if not connected.done():
                connected.set_exception(exc)
            raise

    holder = asyncio.create_task(hold())
    try:
        yield await connected
    finally:
        finished.set()
        await holder


@pytest.fixture
def tenant_names(tools_sandbox: Sandbox) -> list[str]:
    """The sandbox organisations' names (the first is the default)."""
    return [name for _, name in tools_sandbox.state.organisations()]
