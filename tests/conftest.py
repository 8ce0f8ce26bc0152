"""Shared test configuration: the sandbox fixtures every test directory uses.

- ``sandbox``: a fresh sandbox (seeded, rate limits off, clock frozen at ``SANDBOX_START``);
- ``sandbox_limited``: the same with Xero's rate limits on;
- ``tenant_id`` / ``second_tenant_id``: its two organisations;
- ``access_token``: a valid token connected to both organisations;
- ``api``: an httpx2 client on ``http://sandbox.test/api.xro/2.0`` with the token, the first organisation's
  tenant header and ``Accept: application/json``; every request and JSON response it carries is checked against
  Xero's OpenAPI spec (tests/openapi_check.py);
- ``api_for``: builds such a client for another sandbox, tenant or token.

The seeded state is built once per session and copied into each test's sandbox (sqlite3 backup), so a fixture
costs a few milliseconds.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

import httpx2
import pytest

from tests.openapi_check import API_PREFIX, validate_request, validate_response
from xero_mcp.sandbox.app import Sandbox, SandboxConfig, create_sandbox
from xero_mcp.sandbox.limits import LimitConfig
from xero_mcp.sandbox.state import SandboxState

SANDBOX_START = datetime(2026, 3, 16, 9, 30, tzinfo=UTC)
"""The frozen sandbox clock's starting instant in the fixtures."""

API_BASE_URL = "http://sandbox.test" + API_PREFIX

ApiFactory = Callable[..., httpx2.AsyncClient]


def _config(*, limits: bool) -> SandboxConfig:
    return SandboxConfig(limits=LimitConfig(enabled=limits), frozen_clock=True, start=SANDBOX_START)


@pytest.fixture(scope="session")
def seeded_state() -> SandboxState:
    """The seeded sandbox state, built once per test session (read-only: sandboxes copy it)."""
    return create_sandbox(_config(limits=False)).baseline()


@pytest.fixture
def sandbox(seeded_state: SandboxState) -> Sandbox:
    """A fresh seeded sandbox with rate limits off and a frozen clock."""
    return create_sandbox(_config(limits=False), baseline=seeded_state)


@pytest.fixture
def sandbox_limited(seeded_state: SandboxState) -> Sandbox:
    """A fresh seeded sandbox with Xero's rate limits on and a frozen clock."""
    return create_sandbox(_config(limits=True), baseline=seeded_state)


@pytest.fixture
def tenant_id(sandbox: Sandbox) -> str:
    """The first organisation ("Demo Company (Global)")."""
    return sandbox.tenant_ids()[0]


@pytest.fixture
def second_tenant_id(sandbox: Sandbox) -> str:
    """The second organisation ("Second Street Trading")."""
    return sandbox.tenant_ids()[1]


@pytest.fixture
def access_token(sandbox: Sandbox) -> str:
    """An access token connected to every organisation of `sandbox`."""
    return sandbox.identity.issue_token()


async def _check_request(request: httpx2.Request) -> None:
    if not request.url.path.startswith(API_PREFIX) or request.method not in ("PUT", "POST") or not request.content:
        return
    try:
        body = json.loads(request.content)
    except ValueError:
        return  # a test sending a malformed body on purpose: there is no JSON to check
    validate_request(request.method, request.url.path, body)


async def _check_response(response: httpx2.Response) -> None:
    request = response.request
    if not request.url.path.startswith(API_PREFIX):
        return
    if not response.headers.get("content-type", "").startswith("application/json"):
        return
    await response.aread()
    validate_response(request.method, request.url.path, response.status_code, response.json())


def make_api_client(sandbox: Sandbox, tenant: str | None, token: str) -> httpx2.AsyncClient:
    """An OpenAPI-checked client for the emulated Accounting API of `sandbox`."""
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    if tenant is not None:
        headers["xero-tenant-id"] = tenant
    return httpx2.AsyncClient(
        transport=sandbox.transport(),
        base_url=API_BASE_URL,
        headers=headers,
        event_hooks={"request": [_check_request], "response": [_check_response]},
    )


@pytest.fixture
async def api(sandbox: Sandbox, tenant_id: str, access_token: str) -> AsyncIterator[httpx2.AsyncClient]:
    """An OpenAPI-checked client for the first organisation of `sandbox`."""
    async with make_api_client(sandbox, tenant_id, access_token) as client:
        yield client


@pytest.fixture
async def api_for() -> AsyncIterator[ApiFactory]:
    """``api_for(sandbox, tenant_id, token=None)``: more OpenAPI-checked clients (closed after the test)."""
    clients: list[httpx2.AsyncClient] = []

    def build(sandbox: Sandbox, tenant: str | None, token: str | None = None) -> httpx2.AsyncClient:
        client = make_api_client(sandbox, tenant, token or sandbox.identity.issue_token())
        clients.append(client)
        return client

    yield build
    for client in clients:
        await client.aclose()
