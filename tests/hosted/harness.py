"""A hosted xero-mcp server on a 127.0.0.1 port, over a real database, with the sandbox playing Xero; and MCP
clients that sign in to it with the mcp SDK's own OAuth client (discovery, registration, PKCE, the Xero sign-in).

The listening socket is bound before the server task starts, so clients can connect at once: nothing waits.
"""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx2
import uvicorn
from mcp import ClientSession
from mcp.client.auth import OAuthClientProvider, TokenStorage
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientInformationFull, OAuthClientMetadata, OAuthToken
from pydantic import AnyUrl, SecretStr

from xero_mcp.config import Settings
from xero_mcp.hosted.app import HostedApp, build_hosted, sandbox_hosted_settings
from xero_mcp.hosted.cimd import ClientMetadataDocuments
from xero_mcp.sandbox.app import Sandbox, SandboxConfig, create_sandbox
from xero_mcp.store import KeyRing, Store, generate_key, open_store

CLIENT_REDIRECT = "http://127.0.0.1:1/oauth/callback"


class Clock:
    """The store's clock: tests move it to expire tokens."""

    def __init__(self) -> None:
        import time

        self.offset = 0.0
        self._time = time.time

    def __call__(self) -> float:
        return self._time() + self.offset


class ManualClock:
    """Seconds that move only when a test moves them (cache and idle expiry)."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class RecordingTransport(httpx2.AsyncBaseTransport):
    """The server's way to Xero (the sandbox, in process), keeping every request it sends."""

    def __init__(self, inner: httpx2.AsyncBaseTransport) -> None:
        self._inner = inner
        self.requests: list[httpx2.Request] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        return await self._inner.handle_async_request(request)


@dataclass
class Server:
    """A running hosted server and what tests reach behind it."""

    base: str
    hosted: HostedApp
    sandbox: Sandbox
    store: Store
    clock: Clock
    to_xero: RecordingTransport

    @property
    def mcp_url(self) -> str:
        return f"{self.base}/mcp"

    async def sandbox_control(self, path: str, body: dict[str, Any]) -> httpx2.Response:
        async with httpx2.AsyncClient(base_url=f"{self.base}/sandbox/_sandbox") as http:
            return await http.post(path, json=body)


@asynccontextmanager
async def hosted_server(
    database_url: str,
    tmp_path: Path,
    sandbox: Sandbox | None = None,
    *,
    webhook_key: str | None = None,
    encryption_key: str | None = None,
    public_url: str | None = None,
    settings: dict[str, Any] | None = None,
    documents: ClientMetadataDocuments | None = None,
) -> AsyncIterator[Server]:
    """Start a hosted server on a free loopback port over `database_url`, with `sandbox` (default: a new one)
    playing Xero. Replicas share `database_url`, `sandbox`, `encryption_key` and `public_url` (the name a load
    balancer would answer to: tokens are bound to it)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    public = public_url or base
    clock = Clock()
    sandbox = sandbox or create_sandbox(SandboxConfig())
    hosted_settings = sandbox_hosted_settings(
        Settings(
            state_dir=tmp_path / "state",
            auth_mode="oauth",
            toolsets=("all",),
            public_url=public,
            database_url=database_url,
            encryption_key=SecretStr(encryption_key or generate_key()),
            webhook_key=SecretStr(webhook_key) if webhook_key else None,
            **(settings or {}),
        ),
        public,
    )
    assert hosted_settings.encryption_key is not None
    keys = KeyRing.parse(hosted_settings.encryption_key.get_secret_value())
    store = await open_store(database_url, keys, clock=clock)
    to_xero = RecordingTransport(sandbox.transport())
    hosted = await build_hosted(
        hosted_settings,
        store=store,
        host="127.0.0.1",
        port=port,
        transport=to_xero,
        sandbox_app=sandbox.app,
        documents=documents,
    )
    server = uvicorn.Server(uvicorn.Config(hosted.app, log_level="warning", lifespan="on"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        yield Server(base, hosted, sandbox, store, clock, to_xero)
    finally:
        server.should_exit = True
        await task
        await hosted.aclose()
        await store.close()
        sock.close()


class MemoryTokens(TokenStorage):
    """What an MCP client keeps between connections."""

    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self.client: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client = client_info


def _hidden_inputs(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))


@dataclass
class Browser:
    """Plays the person's browser without pages: follows redirects from the authorize URL to the client's callback
    (the sandbox signs in whoever `login-as` named)."""

    visited: list[str] = field(default_factory=list[str])
    result: AuthorizationCodeResult | None = None

    async def open(self, url: str) -> None:
        async with httpx2.AsyncClient(follow_redirects=False) as http:
            for _ in range(10):
                self.visited.append(url)
                if url.startswith(CLIENT_REDIRECT):
                    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
                    if "code" not in query:
                        raise RuntimeError(f"sign-in refused: {query.get('error')}: {query.get('error_description')}")
                    self.result = AuthorizationCodeResult(
                        code=query["code"], state=query.get("state"), iss=query.get("iss")
                    )
                    return
                response = await http.get(url)
                if response.status_code == 200 and urlsplit(url).path == "/oauth/consent":
                    # xero-mcp's own consent page: the person allows this client, as they would by clicking.
                    response = await http.post(
                        url.split("?")[0], data={**_hidden_inputs(response.text), "decision": "allow"}
                    )
                if response.status_code not in (302, 303):
                    raise RuntimeError(f"sign-in stopped at {url}: HTTP {response.status_code}")
                url = urljoin(url, response.headers["location"])
        raise RuntimeError("too many redirects")

    async def callback(self) -> AuthorizationCodeResult:
        assert self.result is not None
        return self.result


@dataclass
class McpUser:
    """One person's MCP client: its OAuth state and a way to open sessions."""

    server: Server
    storage: MemoryTokens = field(default_factory=MemoryTokens)
    browser: Browser = field(default_factory=Browser)
    client_metadata_url: str | None = None

    def auth(self) -> OAuthClientProvider:
        metadata = OAuthClientMetadata(
            client_name="xero-mcp tests",
            redirect_uris=[AnyUrl(CLIENT_REDIRECT)],
            grant_types=["authorization_code", "refresh_token"],
            response_types=["code"],
        )
        return OAuthClientProvider(
            self.server.mcp_url,
            metadata,
            self.storage,
            redirect_handler=self.browser.open,
            callback_handler=self.browser.callback,
            client_metadata_url=self.client_metadata_url,
        )

    @asynccontextmanager
    async def session(self) -> AsyncIterator[ClientSession]:
        async with AsyncExitStack() as stack:
            http = await stack.enter_async_context(httpx2.AsyncClient(auth=self.auth(), timeout=30.0))
            read, write = await stack.enter_async_context(streamable_http_client(self.server.mcp_url, http_client=http))
            session = await stack.enter_async_context(ClientSession(read, write))
            await session.initialize()
            yield session


@asynccontextmanager
async def bearer_session(mcp_url: str, access_token: str) -> AsyncIterator[ClientSession]:
    """An MCP session carrying an access token obtained elsewhere (another replica, another client)."""
    async with (
        httpx2.AsyncClient(headers={"Authorization": f"Bearer {access_token}"}, timeout=30.0) as http,
        streamable_http_client(mcp_url, http_client=http) as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        yield session


async def sign_in(server: Server, email: str) -> McpUser:
    """A person's MCP client, signed in as the sandbox user `email` (the control API picks the user)."""
    response = await server.sandbox_control("/identity/login-as", {"email": email})
    assert response.status_code == 200, response.text
    user = McpUser(server)
    async with user.session() as session:
        await session.list_tools()
    assert user.storage.tokens is not None
    return user
