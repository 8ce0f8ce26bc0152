"""Streamable HTTP against a browser on the same machine: DNS rebinding, and how many sessions one server keeps.

The rebinding tests serve the real ASGI app with uvicorn on a real socket bound to the address under test, and send
the request a rebinding page would make: its own name in Host (and Origin), the bound address underneath.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx2
import pytest
import uvicorn
from mcp.server import MCPServer
from pydantic import SecretStr

from xero_mcp.config import Settings
from xero_mcp.http import allowed_hosts_for, http_app, is_loopback

REBINDING_NAME = "rebind.attacker.example"

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "probe", "version": "1"}},
}
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


def _ipv6_loopback_available() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


@contextmanager
def serving(app: Any, address: str) -> Iterator[int]:
    """Serve `app` with uvicorn on a socket bound to `address`; yields the port.

    The socket is bound and listening before the server starts, so a client connecting at once waits in the backlog
    instead of racing the start-up.
    """
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((address, 0))
    sock.listen(16)
    port = int(sock.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, log_level="critical", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def _url_host(address: str) -> str:
    return f"[{address}]" if ":" in address else address


def _initialize(address: str, port: int, **headers: str) -> httpx2.Response:
    with httpx2.Client(timeout=30) as client:
        return client.post(
            f"http://{_url_host(address)}:{port}/mcp", json=INITIALIZE, headers={**MCP_HEADERS, **headers}
        )


LOOPBACK_BINDS = [
    "127.0.0.1",
    "127.0.0.2",
    pytest.param(
        "0:0:0:0:0:0:0:1",
        marks=pytest.mark.skipif(not _ipv6_loopback_available(), reason="this machine has no IPv6 loopback"),
    ),
]


@pytest.mark.parametrize("bind", LOOPBACK_BINDS)
def test_a_rebinding_host_header_is_refused_on_every_loopback_bind(bind: str) -> None:
    server = MCPServer("t")
    with serving(http_app(server, Settings(), host=bind, port=0), bind) as port:
        rebound = _initialize(bind, port, Host=f"{REBINDING_NAME}:{port}")
        rebound_without_port = _initialize(bind, port, Host=REBINDING_NAME)
        direct = _initialize(bind, port)
    assert rebound.status_code == 421
    assert rebound_without_port.status_code == 421
    assert direct.status_code == 200, direct.text


@pytest.mark.parametrize("bind", LOOPBACK_BINDS)
def test_a_foreign_origin_is_refused_on_every_loopback_bind(bind: str) -> None:
    server = MCPServer("t")
    with serving(http_app(server, Settings(), host=bind, port=0), bind) as port:
        foreign = _initialize(bind, port, Origin=f"http://{REBINDING_NAME}:{port}")
        own = _initialize(bind, port, Origin=f"http://{_url_host(bind)}:{port}")
    assert foreign.status_code == 403
    assert own.status_code == 200, own.text


def test_a_reverse_proxy_name_given_in_allowed_hosts_is_accepted_and_others_are_not() -> None:
    settings = Settings(allowed_hosts=("mcp.example.com",))
    with serving(http_app(MCPServer("t"), settings, host="127.0.0.1", port=0), "127.0.0.1") as port:
        proxied = _initialize("127.0.0.1", port, Host="mcp.example.com", Origin="https://mcp.example.com")
        rebound = _initialize("127.0.0.1", port, Host=REBINDING_NAME)
    assert proxied.status_code == 200, proxied.text
    assert rebound.status_code == 421


def test_a_network_bind_still_needs_the_bearer_token_and_checks_the_host() -> None:
    settings = Settings(http_token=SecretStr("a-long-random-bearer-token-for-tests"))
    app = http_app(MCPServer("t"), settings, host="0.0.0.0", port=0)  # noqa: S104 - the wildcard bind is the subject
    with serving(app, "127.0.0.1") as port:
        without_token = _initialize("127.0.0.1", port)
        bearer = {"Authorization": "Bearer a-long-random-bearer-token-for-tests"}
        rebound = _initialize("127.0.0.1", port, Host=REBINDING_NAME, **bearer)
        direct = _initialize("127.0.0.1", port, **bearer)
    assert without_token.status_code == 401
    assert rebound.status_code == 421
    assert direct.status_code == 200, direct.text


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "127.0.0.2", "127.255.255.254", "::1", "0:0:0:0:0:0:0:1", "[::1]", "::ffff:127.0.0.1", "localhost"],
)
def test_every_spelling_of_a_loopback_address_is_loopback(address: str) -> None:
    assert is_loopback(address)


OFF_LOOPBACK = ["0.0.0.0", "::", "192.0.2.20", "::ffff:192.0.2.20", "localhost.attacker.example", "127.0.0.1.nip.io"]  # noqa: S104


@pytest.mark.parametrize("address", OFF_LOOPBACK)
def test_addresses_off_the_loopback_are_not_loopback(address: str) -> None:
    assert not is_loopback(address)


def test_allowed_hosts_follow_the_bind_address_with_and_without_its_port() -> None:
    hosts = allowed_hosts_for("0:0:0:0:0:0:0:1", 8000, ())
    assert {"[::1]", "[::1]:8000", "[0:0:0:0:0:0:0:1]:8000", "localhost:8000"} <= set(hosts)
    assert not any(REBINDING_NAME in host for host in hosts)
    proxied = allowed_hosts_for("127.0.0.1", 8000, ("mcp.example.com", "other.example:8443"))
    assert {"mcp.example.com", "other.example:8443", "127.0.0.1:8000"} <= set(proxied)


def test_allowed_hosts_come_from_the_environment_and_the_serve_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    from xero_mcp import cli, server

    from_env = Settings.from_env({"XERO_MCP_ALLOWED_HOSTS": "mcp.example.com, other.example:8443"})
    assert from_env.allowed_hosts == ("mcp.example.com", "other.example:8443")
    served: list[Settings] = []

    def fake_run_server(settings: Settings, **_: Any) -> int:
        served.append(settings)
        return 0

    monkeypatch.setattr(server, "run_server", fake_run_server)
    with contextlib.suppress(SystemExit):
        cli.main(["serve", "--transport", "http", "--allowed-hosts", "proxy.example"])
    assert [settings.allowed_hosts for settings in served] == [("proxy.example",)]


def _session_id(response: httpx2.Response) -> str:
    return response.headers["mcp-session-id"]


def test_a_server_opens_no_more_sessions_than_its_cap_and_frees_a_place_when_one_ends() -> None:
    settings = Settings(max_sessions=2)
    with serving(http_app(MCPServer("t"), settings, host="127.0.0.1", port=0), "127.0.0.1") as port:
        first = _initialize("127.0.0.1", port)
        second = _initialize("127.0.0.1", port)
        third = _initialize("127.0.0.1", port)
        with httpx2.Client(timeout=30) as client:
            ended = client.delete(
                f"http://127.0.0.1:{port}/mcp",
                headers={**MCP_HEADERS, "mcp-session-id": _session_id(first), "mcp-protocol-version": "2025-11-25"},
            )
        after_one_ended = _initialize("127.0.0.1", port)
    assert [first.status_code, second.status_code, third.status_code] == [200, 200, 503]
    assert ended.status_code == 200
    assert after_one_ended.status_code == 200


def test_idle_sessions_expire_after_the_configured_timeout_far_sooner_than_the_sdks_half_hour() -> None:
    default_server, tuned_server = MCPServer("default"), MCPServer("tuned")
    http_app(default_server, Settings(), host="127.0.0.1", port=0)
    http_app(tuned_server, Settings(session_idle_timeout=45, max_sessions=7), host="127.0.0.1", port=0)
    assert default_server.session_manager.session_idle_timeout == 600
    assert default_server.session_manager.max_sessions == 100
    assert tuned_server.session_manager.session_idle_timeout == 45
    assert tuned_server.session_manager.max_sessions == 7


def test_session_limits_come_from_the_serve_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    from xero_mcp import cli, server

    served: list[Settings] = []

    def fake_run_server(settings: Settings, **_: Any) -> int:
        served.append(settings)
        return 0

    monkeypatch.setattr(server, "run_server", fake_run_server)
    with contextlib.suppress(SystemExit):
        cli.main(["serve", "--transport", "http", "--max-sessions", "3", "--session-idle-timeout", "120"])
    assert [(settings.max_sessions, settings.session_idle_timeout) for settings in served] == [(3, 120)]


def test_a_server_bound_to_localhost_answers_the_loopback_addresses_localhost_resolves_to() -> None:
    hosts = allowed_hosts_for("localhost", 8000, ())
    assert {"localhost:8000", "127.0.0.1:8000", "[::1]:8000"} <= set(hosts)
    assert not any(REBINDING_NAME in host for host in hosts)
