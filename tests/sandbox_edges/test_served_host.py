"""`xero-mcp sandbox` over HTTP: on loopback its control API and identity service answer only loopback Host names,
so a web page rebinding its own name to 127.0.0.1 can neither reset the sandbox nor get a token from it."""

from __future__ import annotations

import socket
from typing import Any

import httpx2
import pytest

from xero_mcp.sandbox import serve

REBINDING_NAME = "rebind.attacker.example"


def served_app(monkeypatch: pytest.MonkeyPatch, host: str) -> Any:
    """The ASGI app `xero-mcp sandbox --host HOST` hands to uvicorn (no port is bound, no server started)."""
    captured: list[Any] = []
    monkeypatch.setattr(serve._listen, "bind", lambda *_: socket.socket())
    monkeypatch.setattr(serve._listen, "base_url", lambda _: "http://sandbox.test:5055")
    monkeypatch.setattr(serve._listen, "serve", lambda app, sock: (captured.append(app), sock.close()))
    assert serve.run_sandbox(host=host, port=5055, db=None, limits=False) == 0
    [app] = captured
    return app


async def _requests(app: Any, host_header: str) -> list[int]:
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url=f"http://{host_header}") as c:
        reset = await c.post("/_sandbox/reset")
        clock = await c.get("/_sandbox/clock")
        token = await c.post(
            "/connect/token",
            data={"grant_type": "client_credentials", "scope": "accounting.contacts"},
            auth=("sandbox-client", "sandbox-secret"),
        )
        connections = await c.get("/connections")
    return [reset.status_code, clock.status_code, token.status_code, connections.status_code]


@pytest.mark.parametrize("bind", ["127.0.0.1", "localhost", "::1"])
async def test_a_rebinding_host_is_refused_by_the_control_api_and_identity_service(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], bind: str
) -> None:
    app = served_app(monkeypatch, bind)
    capsys.readouterr()
    assert await _requests(app, f"{REBINDING_NAME}:5055") == [421, 421, 421, 421]
    assert await _requests(app, REBINDING_NAME) == [421, 421, 421, 421]


@pytest.mark.parametrize("host_header", ["127.0.0.1:5055", "localhost:5055", "[::1]:5055", "127.0.0.2", "localhost"])
async def test_loopback_host_names_reach_the_control_api_and_identity_service(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], host_header: str
) -> None:
    app = served_app(monkeypatch, "127.0.0.1")
    capsys.readouterr()
    statuses = await _requests(app, host_header)
    assert 421 not in statuses
    assert statuses[0] in (200, 204) and statuses[1] == 200


async def test_a_sandbox_bound_to_another_address_on_purpose_answers_any_host(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    app = served_app(monkeypatch, "0.0.0.0")  # noqa: S104 - binding every interface on purpose is the subject
    capsys.readouterr()
    statuses = await _requests(app, "sandbox:5055")
    assert 421 not in statuses
