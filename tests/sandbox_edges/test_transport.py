"""SandboxTransport: injected network faults surface as httpx2's own network errors."""

from collections.abc import Awaitable, Callable

import httpx2
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from xero_mcp.sandbox.faults import ConnectionDropped, FaultInjector, FaultRule, ResponseTimedOut, fault_response
from xero_mcp.sandbox.transport import SandboxTransport


class Recorder:
    def __init__(self) -> None:
        self.committed: list[str] = []


def make_app(faults: FaultInjector, recorder: Recorder, *, with_middleware: bool = False) -> Starlette:
    async def contacts(request: Request) -> Response:
        rule = faults.take(request.method, request.url.path)
        if rule is not None:
            canned = fault_response(rule)
            if canned is not None:
                return canned
            if rule.kind == "drop":
                raise ConnectionDropped
        recorder.committed.append(request.method)
        if rule is not None and rule.kind == "commit_then_drop":
            raise ConnectionDropped
        if rule is not None and rule.kind == "slow":
            raise ResponseTimedOut
        return PlainTextResponse("ok")

    async def broken(request: Request) -> Response:
        raise RuntimeError("a bug in the sandbox")

    class PassThrough(BaseHTTPMiddleware):
        async def dispatch(self, request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
            return await call_next(request)

    return Starlette(
        routes=[Route("/api.xro/2.0/Contacts", contacts, methods=["GET", "PUT"]), Route("/broken", broken)],
        middleware=[Middleware(PassThrough)] if with_middleware else [],
    )


@pytest.fixture(params=[False, True], ids=["bare", "with-middleware"])
def setup(request: pytest.FixtureRequest) -> tuple[httpx2.AsyncClient, FaultInjector, Recorder]:
    faults = FaultInjector()
    recorder = Recorder()
    app = make_app(faults, recorder, with_middleware=request.param)
    client = httpx2.AsyncClient(transport=SandboxTransport(app), base_url="http://sandbox")
    return client, faults, recorder


async def test_ordinary_responses_pass_through(setup: tuple[httpx2.AsyncClient, FaultInjector, Recorder]) -> None:
    client, _, recorder = setup
    async with client:
        response = await client.get("/api.xro/2.0/Contacts")
    assert (response.status_code, response.text) == (200, "ok")
    assert recorder.committed == ["GET"]


async def test_dropped_connection_raises_remote_protocol_error_and_nothing_is_committed(
    setup: tuple[httpx2.AsyncClient, FaultInjector, Recorder],
) -> None:
    client, faults, recorder = setup
    faults.add(FaultRule("PUT", "/api.xro/2.0/Contacts", "drop"))
    async with client:
        with pytest.raises(httpx2.RemoteProtocolError, match="Server disconnected without sending a response"):
            await client.put("/api.xro/2.0/Contacts", json={})
    assert recorder.committed == []


async def test_commit_then_drop_commits_and_raises_remote_protocol_error(
    setup: tuple[httpx2.AsyncClient, FaultInjector, Recorder],
) -> None:
    client, faults, recorder = setup
    faults.add(FaultRule("PUT", "/api.xro/2.0/Contacts", "commit_then_drop"))
    async with client:
        with pytest.raises(httpx2.RemoteProtocolError):
            await client.put("/api.xro/2.0/Contacts", json={})
        assert (await client.put("/api.xro/2.0/Contacts", json={})).status_code == 200
    assert recorder.committed == ["PUT", "PUT"]


async def test_slow_response_raises_read_timeout_after_processing(
    setup: tuple[httpx2.AsyncClient, FaultInjector, Recorder],
) -> None:
    client, faults, recorder = setup
    faults.add(FaultRule("GET", "*", "slow", delay=30.0))
    async with client:
        with pytest.raises(httpx2.ReadTimeout):
            await client.get("/api.xro/2.0/Contacts")
    assert recorder.committed == ["GET"]


async def test_injected_429_is_an_ordinary_response(setup: tuple[httpx2.AsyncClient, FaultInjector, Recorder]) -> None:
    client, faults, _ = setup
    faults.add(FaultRule("GET", "*", "429", retry_after=3))
    async with client:
        response = await client.get("/api.xro/2.0/Contacts")
    assert response.status_code == 429
    assert response.headers["retry-after"] == "3"


async def test_other_app_exceptions_are_not_disguised(
    setup: tuple[httpx2.AsyncClient, FaultInjector, Recorder],
) -> None:
    client, _, _ = setup
    async with client:
        with pytest.raises(RuntimeError, match="a bug in the sandbox"):
            await client.get("/broken")
