"""Running the server against the in-process sandbox: `xero-mcp serve --sandbox`, `xero-mcp demo`, and tests.

The sandbox is reached exactly as real Xero is, only through an in-process transport: the same client, the same
sign-in code (an OAuth authorization-code login with PKCE, the browser step done by following the authorize
redirect in process), the same token refresh. Only URLs and credentials differ. This module and the CLI are the
only parts of the server that import the sandbox.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

import httpx2
from pydantic import SecretStr

from xero_mcp.auth.login import run_login
from xero_mcp.auth.session import build_auth_session
from xero_mcp.auth.store import MemoryStore
from xero_mcp.client import XeroClient
from xero_mcp.config import Settings
from xero_mcp.sandbox.app import Sandbox, SandboxConfig, create_sandbox
from xero_mcp.store.store import Store, open_store
from xero_mcp.sync.cursors import CursorStore
from xero_mcp.sync.dedupe import DedupeLedger
from xero_mcp.tools._context import Backend, BackendFactory

if TYPE_CHECKING:
    from xero_mcp.metrics import Metrics

SANDBOX_ORIGIN = "http://sandbox.xero-mcp.invalid"
SANDBOX_CLIENT_ID = "sandbox-client"
SANDBOX_CLIENT_SECRET = "sandbox-secret"  # noqa: S105 - the sandbox's published demo app, not a secret


def sandbox_settings(settings: Settings) -> Settings:
    """The same settings, pointed at the in-process sandbox and its demo app."""
    return settings.model_copy(
        update={
            "api_url": f"{SANDBOX_ORIGIN}/api.xro/2.0",
            "identity_url": SANDBOX_ORIGIN,
            "login_url": SANDBOX_ORIGIN,
            "connections_url": f"{SANDBOX_ORIGIN}/connections",
            "client_id": SANDBOX_CLIENT_ID,
            "client_secret": SecretStr(SANDBOX_CLIENT_SECRET),
            "access_token": None,
        }
    )


class _InProcessBrowser:
    """Plays the user's browser for a sandbox login: follows the authorize URL and captures the redirect."""

    redirect_uri = "http://127.0.0.1:1/callback"

    def __init__(self, transport: httpx2.AsyncBaseTransport) -> None:
        self._transport = transport
        self._params: dict[str, str] = {}

    async def open(self, url: str) -> bool:
        async with httpx2.AsyncClient(transport=self._transport) as http:
            response = await http.get(url, follow_redirects=False)
        location = response.headers.get("location", "")
        if response.status_code not in (302, 303) or not location.startswith(self.redirect_uri):
            raise RuntimeError(f"the sandbox did not redirect back after sign-in (HTTP {response.status_code})")
        self._params = dict(parse_qsl(urlsplit(location).query))
        return True

    def expect(self, state: str) -> None:
        """Nothing to refuse: the redirect comes straight from the in-process sandbox, and run_login checks it."""

    async def wait(self, seconds: float) -> dict[str, str]:
        return self._params


class SandboxTime:
    """The client's clock and sleep on a frozen sandbox clock: sleeping moves sandbox time instead of waiting."""

    def __init__(self, sandbox: Sandbox) -> None:
        self._clock = sandbox.clock
        self._start = sandbox.clock.now()

    def monotonic(self) -> float:
        return (self._clock.now() - self._start).total_seconds()

    async def sleep(self, seconds: float) -> None:
        self._clock.advance(seconds)
        await asyncio.sleep(0)


@dataclass
class LocalSandbox:
    """A sandbox plus the settings that point the server at it."""

    sandbox: Sandbox
    settings: Settings


def start_sandbox(settings: Settings, config: SandboxConfig | None = None) -> LocalSandbox:
    """A fresh in-process sandbox and settings for it."""
    return LocalSandbox(create_sandbox(config or SandboxConfig()), sandbox_settings(settings))


TransportWrapper = Callable[[httpx2.AsyncBaseTransport], httpx2.AsyncBaseTransport]


async def open_backend(
    local: LocalSandbox,
    *,
    now: Callable[[], datetime] | None = None,
    wrap_transport: TransportWrapper | None = None,
    metrics: Metrics | None = None,
    database: Store | None = None,
) -> Backend:
    """Sign in to the sandbox (in memory) and build the client, trigger cursors and ledger the tools use.

    `wrap_transport` lets tests observe or check every request and response between the server and the sandbox;
    `metrics` counts the client's calls, as a served process does. The cursors and ledger live in `database` (the
    caller's, left open) or else in a store in memory.
    """
    transport = local.sandbox.transport()
    if wrap_transport is not None:
        transport = wrap_transport(transport)
    settings = local.settings
    clock = now or local.sandbox.clock.now
    store = MemoryStore()
    browser = _InProcessBrowser(transport)
    await run_login(
        settings,
        store=store,
        receiver=browser,
        open_url=browser.open,
        say=lambda _line: None,
        choose_default=lambda tenants: tenants[0],
        tenant=settings.tenant,
        transport=transport,
        now=clock,
    )
    auth = build_auth_session(settings, transport=transport, store=store, now=clock)
    on_call = metrics.xero_call if metrics is not None else None
    if local.sandbox.clock.frozen:
        # Tests freeze the sandbox clock: pacing and backoff then move sandbox time instead of waiting for real.
        time = SandboxTime(local.sandbox)
        client = XeroClient(
            settings,
            auth.provider,
            transport=transport,
            clock=time.monotonic,
            sleep=time.sleep,
            wall_clock=local.sandbox.clock.now,
            on_call=on_call,
        )
    else:
        client = XeroClient(settings, auth.provider, transport=transport, on_call=on_call)
    closers: list[Callable[[], Awaitable[None]]] = [client.aclose]
    if database is None:
        database = await open_store("sqlite://")
        closers.insert(0, database.close)
    return Backend(
        client=client, auth=auth, cursors=CursorStore(database), ledger=DedupeLedger(database), closers=closers
    )


def sandbox_backend_factory(settings: Settings, config: SandboxConfig | None = None) -> BackendFactory:
    """The backend factory for `serve --sandbox`: a sandbox with the demo organisations, built on first use."""

    async def build() -> Backend:
        return await open_backend(start_sandbox(settings, config))

    return build
