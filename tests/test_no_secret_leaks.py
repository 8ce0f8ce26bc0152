"""The suite-wide secret leak guard (tests/conftest.py) finds leaks, and the likeliest places to leak do not.

The guard's own tests run a second guard inside the test's (`leak_watch.watching`) and leak made-up values that
only that inner guard knows, so the test's own guard stays quiet.
"""

from __future__ import annotations

import base64
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx2
import pytest
from mcp import Client
from mcp.server import MCPServer
from mcp.types import TextContent
from pydantic import SecretStr

from tests.conftest import (
    API_BASE_URL,
    SANDBOX_CLIENT_SECRET,
    LeakGuard,
    LeakWatch,
    check_no_leaks,
    find_leaks,
)
from xero_mcp.auth.commands import tenants_command
from xero_mcp.auth.login import run_login
from xero_mcp.auth.provider import LoginRequired, StaticTokenProvider, Tenant
from xero_mcp.auth.store import EncryptedFileStore, MemoryStore, TokenStore
from xero_mcp.client import AuthenticationError, XeroClient
from xero_mcp.client.errors import APIConnectionError
from xero_mcp.config import Settings
from xero_mcp.local import LocalSandbox, open_backend, sandbox_settings
from xero_mcp.sandbox.app import Sandbox
from xero_mcp.sandbox.clock import SandboxClock
from xero_mcp.sandbox.identity import IdentityService, s256
from xero_mcp.server import build_server
from xero_mcp.tools._context import Backend

ORIGIN = "http://sandbox.test"
LEAKED = "made-up-token-0123456789abcdefghijklmnopqrstuvwxyz"


def inner_guard() -> LeakGuard:
    guard = LeakGuard()
    guard.secret(LEAKED)
    return guard


def sources(findings: Sequence[str]) -> list[str]:
    return [finding.split(":", 1)[0] for finding in findings]


# --- the guard finds leaks ------------------------------------------------------------------------------------------


def test_a_token_in_a_debug_log_line_of_the_client_is_found(leak_watch: LeakWatch) -> None:
    guard = inner_guard()
    with leak_watch.watching(guard):
        logging.getLogger("xero_mcp.client").debug("sent %s with %d retries", LEAKED, 2)
    findings = guard.leaks()
    assert sources(findings) == ["log"]
    assert LEAKED not in findings[0]
    assert "sent [secret] with 2 retries" in findings[0]


def test_a_token_in_a_logged_traceback_is_found(leak_watch: LeakWatch) -> None:
    guard = inner_guard()
    with leak_watch.watching(guard):
        try:
            raise ValueError(f"bad token {LEAKED}")
        except ValueError:
            logging.getLogger("xero_mcp.server").warning("request failed", exc_info=True)
    assert sources(guard.leaks()) == ["log"]


def test_a_token_printed_to_stdout_or_stderr_is_found_even_when_the_test_read_it(
    leak_watch: LeakWatch, capsys: pytest.CaptureFixture[str]
) -> None:
    guard = inner_guard()
    with leak_watch.watching(guard, capsys):
        print(f"token: {LEAKED}")
        assert LEAKED in capsys.readouterr().out
        print(f"token again: {LEAKED}", file=sys.stderr)
    assert sorted(sources(guard.leaks())) == ["stderr", "stdout"]


async def test_a_token_in_a_tool_result_text_or_structured_content_is_found(leak_watch: LeakWatch) -> None:
    server = MCPServer("leaky")

    @server.tool()
    def reveal_text() -> str:
        """Returns the token as text."""
        return f"the token is {LEAKED}"

    @server.tool()
    def reveal_structured() -> dict[str, str]:
        """Returns the token in structured content."""
        return {"token": LEAKED}

    for tool in ("reveal_text", "reveal_structured"):
        guard = inner_guard()
        async with Client(server) as client:
            with leak_watch.watching(guard):
                await client.call_tool(tool, {})
        assert set(sources(guard.leaks())) == {"tool result"}, tool


def test_a_token_in_an_exception_caught_by_pytest_raises_is_found(leak_watch: LeakWatch) -> None:
    guard = inner_guard()
    with leak_watch.watching(guard), pytest.raises(AuthenticationError):
        raise AuthenticationError(f"Bearer {LEAKED} was refused", status_code=401)
    assert sources(guard.leaks()) == ["exception"]


def test_a_token_in_the_cause_of_a_caught_exception_is_found(leak_watch: LeakWatch) -> None:
    guard = inner_guard()
    with leak_watch.watching(guard), pytest.raises(LoginRequired, match="sign in again"):
        try:
            raise KeyError(LEAKED)
        except KeyError as exc:
            raise LoginRequired("sign in again") from exc
    assert sources(guard.leaks()) == ["exception"]


def test_a_token_issued_by_an_identity_service_made_during_the_test_is_a_known_secret(leak_watch: LeakWatch) -> None:
    guard = LeakGuard()
    with leak_watch.watching(guard):
        identity = IdentityService(SandboxClock(frozen=True), lambda: [])
        token = identity.issue_token([])
    assert guard.identities == [identity]
    assert token in guard.secrets()
    assert SANDBOX_CLIENT_SECRET in guard.secrets()


def test_a_finding_masks_every_secret_on_its_line() -> None:
    first, second = "first-secret-value-1234567890", "second-secret-value-0987654321"
    findings = find_leaks({first, second}, {"log": ["quiet line", f"a={first} b={second}", "another"]})
    assert len(findings) == 2
    for finding in findings:
        assert finding.startswith("log: ")
        assert first not in finding and second not in finding
        assert "a=[secret] b=[secret]" in finding


def test_the_guard_fails_a_test_that_leaked_and_passes_one_that_did_not() -> None:
    clean = inner_guard()
    clean.seen("stdout", "nothing to see")
    check_no_leaks(clean)

    leaky = inner_guard()
    leaky.seen("stdout", f"token={LEAKED}")
    with pytest.raises(pytest.fail.Exception) as failure:
        check_no_leaks(leaky)
    assert "stdout: " in str(failure.value)
    assert LEAKED not in str(failure.value)


# --- the identity service lists what it issued ------------------------------------------------------------------------


async def test_the_identity_service_lists_every_code_and_token_it_issued_and_keeps_them_after_a_reset(
    sandbox: Sandbox,
) -> None:
    verifier = "v" * 64
    async with httpx2.AsyncClient(transport=sandbox.transport(), base_url=ORIGIN) as http:
        authorize = await http.get(
            "/identity/connect/authorize",
            params={
                "response_type": "code",
                "client_id": "sandbox-client",
                "redirect_uri": "http://localhost:1/callback",
                "scope": "openid offline_access accounting.settings",
                "state": "s",
                "code_challenge": s256(verifier),
                "code_challenge_method": "S256",
            },
        )
        code = dict(parse_qsl(urlsplit(authorize.headers["location"]).query))["code"]
        exchanged = await http.post(
            "/connect/token",
            data={
                "grant_type": "authorization_code",
                "client_id": "sandbox-client",
                "code": code,
                "redirect_uri": "http://localhost:1/callback",
                "code_verifier": verifier,
            },
        )
        custom = await http.post(
            "/connect/token",
            data={"grant_type": "client_credentials"},
            auth=("sandbox-client", SANDBOX_CLIENT_SECRET),
        )
    tokens = exchanged.json()
    sandbox.identity.register_client("second-app", "second-app-secret-value")
    issued = {
        code,
        tokens["access_token"],
        tokens["refresh_token"],
        tokens["id_token"],
        custom.json()["access_token"],
        sandbox.identity.issue_token(),
        SANDBOX_CLIENT_SECRET,
        "second-app-secret-value",
    }
    assert issued <= sandbox.identity.issued_secrets()
    sandbox.identity.reset()
    assert issued <= sandbox.identity.issued_secrets()


# --- the likeliest places to leak do not ------------------------------------------------------------------------------


def _client(sandbox: Sandbox, token: str, transport: httpx2.AsyncBaseTransport | None = None) -> XeroClient:
    return XeroClient(
        Settings(api_url=API_BASE_URL),
        StaticTokenProvider(token),
        transport=transport or sandbox.transport(),
        max_retries=0,
    )


async def test_the_clients_debug_log_of_a_request_shows_the_request_but_not_the_token(
    sandbox: Sandbox, tenant_id: str, access_token: str, leak_guard: LeakGuard
) -> None:
    async with _client(sandbox, access_token) as client:
        organisation = await client.tenant(tenant_id).organisation.get()
    assert organisation.name
    lines = leak_guard.shown["log"]
    assert any(line.startswith("GET /Organisation -> 200") for line in lines), lines
    assert access_token in leak_guard.secrets()
    assert not find_leaks(leak_guard.secrets(), leak_guard.shown)


async def test_a_connection_error_quoting_the_authorization_header_is_redacted_in_the_error_and_the_log(
    sandbox: Sandbox, tenant_id: str, access_token: str, leak_guard: LeakGuard
) -> None:
    def refuse(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError(f"refused {request.url} (Authorization: {request.headers['authorization']})")

    async with _client(sandbox, access_token, httpx2.MockTransport(refuse)) as client:
        with pytest.raises(APIConnectionError) as failure:
            await client.tenant(tenant_id).organisation.get()
    assert "(Authorization: [redacted]" in str(failure.value)
    assert access_token not in str(failure.value) and access_token not in repr(failure.value)
    assert not find_leaks(leak_guard.secrets(), leak_guard.shown)


async def test_a_401_for_an_unknown_token_does_not_repeat_the_token(
    sandbox: Sandbox, tenant_id: str, leak_guard: LeakGuard
) -> None:
    token = "not-a-token-the-sandbox-issued-7f3a9c2e5b"
    leak_guard.secret(token)
    async with _client(sandbox, token) as client:
        with pytest.raises(AuthenticationError) as failure:
            await client.tenant(tenant_id).organisation.get()
    assert failure.value.status_code == 401
    assert token not in str(failure.value) and token not in repr(failure.value)


async def test_an_expired_static_token_asks_for_a_new_one_without_repeating_it(
    sandbox: Sandbox, tenant_id: str, access_token: str
) -> None:
    sandbox.clock.advance(1801)
    async with _client(sandbox, access_token) as client:
        with pytest.raises(LoginRequired, match="XERO_ACCESS_TOKEN") as failure:
            await client.tenant(tenant_id).organisation.get()
    assert access_token not in str(failure.value) and access_token not in repr(failure.value)


class _FollowRedirect:
    """The browser step of a login: follow the sign-in URL in process and hand back the redirect's parameters."""

    redirect_uri = "http://localhost:53682/callback"

    def __init__(self, transport: httpx2.AsyncBaseTransport) -> None:
        self.transport = transport
        self.params: dict[str, str] = {}

    async def open(self, url: str) -> bool:
        async with httpx2.AsyncClient(transport=self.transport) as browser:
            response = await browser.get(url)
        self.params = dict(parse_qsl(urlsplit(response.headers["location"]).query))
        return True

    def expect(self, state: str) -> None:
        pass  # the redirect comes straight from the sandbox; run_login checks its state

    async def wait(self, seconds: float) -> dict[str, str]:
        return self.params


def _sandbox_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "api_url": f"{ORIGIN}/api.xro/2.0",
        "identity_url": ORIGIN,
        "login_url": ORIGIN,
        "connections_url": f"{ORIGIN}/connections",
        "client_id": "sandbox-client",
        "state_dir": tmp_path / "state",
    }
    values.update(overrides)
    return Settings(**values)


async def _sign_in(sandbox: Sandbox, settings: Settings, store: TokenStore) -> None:
    browser = _FollowRedirect(sandbox.transport())
    lines: list[str] = []

    def first(tenants: Sequence[Tenant]) -> Tenant:
        return tenants[0]

    await run_login(
        settings,
        store=store,
        receiver=browser,
        open_url=browser.open,
        say=lines.append,
        choose_default=first,
        transport=sandbox.transport(),
        now=sandbox.clock.now,
    )
    print("\n".join(lines))


@pytest.mark.parametrize("credentials", ["stored login", "custom connection", "static token"])
async def test_xero_mcp_tenants_lists_the_organisations_without_any_token_or_secret(
    credentials: str,
    sandbox: Sandbox,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    leak_guard: LeakGuard,
) -> None:
    store = MemoryStore()
    if credentials == "stored login":
        settings = _sandbox_settings(tmp_path)
        await _sign_in(sandbox, settings, store)
    elif credentials == "custom connection":
        settings = _sandbox_settings(tmp_path, client_secret=SANDBOX_CLIENT_SECRET)
    else:
        settings = _sandbox_settings(tmp_path, access_token=sandbox.identity.issue_token())
    code = await tenants_command(settings, transport=sandbox.transport(), store=store, now=sandbox.clock.now)
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Connected organisations" in out
    assert len(leak_guard.secrets()) > 1
    assert not find_leaks(leak_guard.secrets(), {"stdout": [out], "stderr": [err]})


def test_settings_never_show_their_secrets() -> None:
    secrets = {
        "client_secret": "client-secret-value-4e1d",
        "access_token": "access-token-value-9b2c",
        "token_key": "token-key-value-51aa-0f3e9d27c84b6a15",
        "http_token": "http-token-value-77f0",
        "webhook_key": "webhook-key-value-c3d9",
    }
    settings = Settings(
        client_secret=SecretStr(secrets["client_secret"]),
        access_token=SecretStr(secrets["access_token"]),
        token_key=SecretStr(secrets["token_key"]),
        http_token=SecretStr(secrets["http_token"]),
        webhook_key=SecretStr(secrets["webhook_key"]),
    )
    shown = [repr(settings), str(settings), f"{settings}", settings.model_dump_json(), repr(settings.model_dump())]
    assert not find_leaks(secrets.values(), {"settings": shown})


async def test_the_encrypted_token_file_holds_no_token_in_any_encoding(
    sandbox: Sandbox, tmp_path: Path, leak_guard: LeakGuard
) -> None:
    key = "a-long-random-token-key-for-this-test-5d0e"
    leak_guard.secret(key)
    path = tmp_path / "login.bin"
    store = EncryptedFileStore(path, key)
    await _sign_in(sandbox, _sandbox_settings(tmp_path), store)
    login = store.load()
    assert login is not None and login.refresh_token is not None
    blob = path.read_bytes()
    for secret in [*sandbox.identity.issued_secrets(), key]:
        raw = secret.encode()
        for encoded in (
            raw,
            base64.b64encode(raw),
            base64.urlsafe_b64encode(raw),
            raw.hex().encode(),
            secret.encode("utf-16-le"),
        ):
            assert encoded not in blob


async def test_tool_results_and_a_lost_logins_tool_error_carry_no_token(
    sandbox: Sandbox, tmp_path: Path, leak_guard: LeakGuard
) -> None:
    settings = sandbox_settings(Settings(toolsets=("all",), state_dir=tmp_path / "state"))
    local = LocalSandbox(sandbox, settings)

    async def backend() -> Backend:
        return await open_backend(local)

    server, context = build_server(settings, backend)
    try:
        async with Client(server) as client:
            organisation = await client.call_tool("get_organisation", {})
            sandbox.identity.reset()
            sandbox.clock.advance(1801)
            refused = await client.call_tool("get_organisation", {})
    finally:
        await context.aclose()
    assert not organisation.is_error
    assert refused.is_error
    assert "xero-mcp login" in " ".join(part.text for part in refused.content if isinstance(part, TextContent))
    assert len(leak_guard.shown["tool result"]) >= 3
    # The in-process sign-in minted a code, an access token and a refresh token, all known to the guard.
    assert len(sandbox.identity.issued_secrets() - {SANDBOX_CLIENT_SECRET}) == 3
    assert sandbox.identity.issued_secrets() <= leak_guard.secrets()
    assert not find_leaks(leak_guard.secrets(), leak_guard.shown)
