"""The sandbox identity service in-process, and a guard that no token or secret leaks into logs or output."""

import json
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from xero_mcp.auth.login import run_login
from xero_mcp.auth.store import MemoryStore
from xero_mcp.config import Settings
from xero_mcp.sandbox.clock import SandboxClock
from xero_mcp.sandbox.faults import ConnectionDropped, FaultInjector, ResponseTimedOut, fault_response
from xero_mcp.sandbox.identity import IdentityService
from xero_mcp.sandbox.transport import SandboxTransport

DEMO = ("9f2a1d4e-0c3b-4d6a-8e7f-1a2b3c4d5e6f", "Demo Company (NZ)")
SECOND = ("3c1b2a4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "Second Sandbox Ltd")
ORIGIN = "http://sandbox.test"
CLIENT_SECRET = "sandbox-secret"


class FaultLayer:
    """Serves the fault injector's rules in front of the identity endpoints, as the sandbox app does."""

    def __init__(self, app: Starlette, faults: FaultInjector) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        rule = self.faults.take(scope["method"], scope["path"]) if scope["type"] == "http" else None
        if rule is None:
            await self.app(scope, receive, send)
            return
        canned = fault_response(rule)
        if canned is not None:
            await canned(scope, receive, send)
            return
        if rule.kind == "drop":
            raise ConnectionDropped

        async def discard(message: Any) -> None:
            return None

        await self.app(scope, receive, discard)
        raise ConnectionDropped if rule.kind == "commit_then_drop" else ResponseTimedOut


class RecordingTransport(httpx2.AsyncBaseTransport):
    """Counts requests by path and remembers every token the sandbox issues (for the leak guard)."""

    def __init__(self, inner: httpx2.AsyncBaseTransport, secrets: set[str]) -> None:
        self.inner = inner
        self.secrets = secrets
        self.requests: list[httpx2.Request] = []

    def count(self, path: str) -> int:
        return sum(1 for r in self.requests if r.url.path == path)

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        response = await self.inner.handle_async_request(request)
        content = await response.aread()
        if request.url.path == "/connect/token" and response.status_code == 200:
            body = json.loads(content)
            self.secrets.update(str(body[k]) for k in ("access_token", "refresh_token") if k in body)
        return httpx2.Response(response.status_code, headers=response.headers, content=content, request=request)


@dataclass
class Sandbox:
    clock: SandboxClock
    identity: IdentityService
    faults: FaultInjector
    transport: RecordingTransport
    state_dir: Path
    secrets: set[str] = field(default_factory=lambda: {CLIENT_SECRET})
    texts: list[str] = field(default_factory=list[str])

    def settings(self, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "identity_url": ORIGIN,
            "login_url": ORIGIN,
            "connections_url": f"{ORIGIN}/connections",
            "api_url": f"{ORIGIN}/api.xro/2.0",
            "client_id": "sandbox-client",
            "state_dir": self.state_dir,
        }
        values.update(overrides)
        return Settings(**values)

    def seen(self, *texts: str) -> None:
        """Register output (CLI text, exception messages) for the leak check."""
        self.texts.extend(texts)

    async def follow(self, url: str) -> dict[str, str]:
        """The browser step: open the sign-in URL and return the redirect's query parameters."""
        async with httpx2.AsyncClient(transport=self.transport) as browser:
            response = await browser.get(url)
        assert response.status_code == 302, response.text
        return {k: v[0] for k, v in parse_qs(urlsplit(response.headers["location"]).query).items()}

    async def api(self, token: str, tenant: str | None) -> httpx2.Response:
        headers = {"Authorization": f"Bearer {token}"}
        if tenant is not None:
            headers["xero-tenant-id"] = tenant
        async with httpx2.AsyncClient(transport=self.transport, base_url=ORIGIN) as http:
            return await http.get("/api.xro/2.0/Organisation", headers=headers)


@pytest.fixture
def sandbox(tmp_path: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]) -> Iterator[Sandbox]:
    """The identity service with two organisations; afterwards, no issued token or the secret in logs or output."""
    caplog.set_level(logging.DEBUG)
    clock = SandboxClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC), frozen=True)
    identity = IdentityService(clock, lambda: [DEMO, SECOND])
    faults = FaultInjector()

    async def organisation(request: Request) -> Response:
        outcome = identity.authenticate(
            request.headers.get("authorization"),
            request.headers.get("xero-tenant-id"),
            request.method,
            request.url.path,
        )
        if isinstance(outcome, Response):
            return outcome
        return JSONResponse({"tenant": outcome.tenant_id})

    app = Starlette(routes=[*identity.routes(), Route("/api.xro/2.0/Organisation", organisation)])
    secrets: set[str] = {CLIENT_SECRET}
    transport = RecordingTransport(SandboxTransport(FaultLayer(app, faults)), secrets)
    box = Sandbox(clock, identity, faults, transport, tmp_path / "state", secrets)
    yield box
    captured = capsys.readouterr()
    haystacks = [caplog.text, captured.out, captured.err, *box.texts]
    for secret in box.secrets:
        for text in haystacks:
            assert secret not in text, "a token or secret leaked into logs or output"


@pytest.fixture
async def http(sandbox: Sandbox) -> AsyncIterator[httpx2.AsyncClient]:
    async with httpx2.AsyncClient(transport=sandbox.transport, base_url=ORIGIN) as client:
        yield client


class _DirectReceiver:
    """Delivers the sandbox's redirect straight to the login flow (the browser step without a browser)."""

    redirect_uri = "http://localhost:53682/callback"

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.pending: list[dict[str, str]] = []

    async def open(self, url: str) -> bool:
        self.pending.append(await self.sandbox.follow(url))
        return True

    def expect(self, state: str) -> None:
        pass  # the redirect comes straight from the sandbox; run_login checks its state

    async def wait(self, seconds: float) -> dict[str, str]:
        return self.pending.pop(0)


async def sign_in(sandbox: Sandbox, store: Any = None, **settings: Any) -> Any:
    """Log in against the sandbox (as `xero-mcp login` does) and return the store holding the login.

    Without a store, a MemoryStore is made and returned; a given store is returned as it is.
    """
    target = store if store is not None else MemoryStore()
    receiver = _DirectReceiver(sandbox)
    lines: list[str] = []
    await run_login(
        sandbox.settings(**settings),
        store=target,
        receiver=receiver,
        open_url=receiver.open,
        say=lines.append,
        transport=sandbox.transport,
        now=sandbox.clock.now,
    )
    sandbox.seen(*lines)
    return target
