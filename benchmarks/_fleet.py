"""Several hosted `xero-mcp serve --transport http` replicas behind a load balancer, on one PostgreSQL and one
Redis, against a served sandbox.

This is the deployment of docker-compose.yml with processes instead of containers (no container runtime here):
`xero-mcp sandbox` with Xero's limits on (its clock `clock_rate` times faster than real time, so Xero's minute
windows pass in seconds), N replicas in hosted mode (`XERO_MCP_AUTH=oauth`: people sign in through xero-mcp's own
authorization server, their Xero logins sealed in PostgreSQL, in a schema of the fleet's own) sharing a Redis key
prefix, and `RoundRobin`, a small TCP load balancer that sends each new connection to the next live replica; its
address is the replicas' public URL. A person signs in once with the mcp SDK's OAuth client (discovery,
registration, PKCE, xero-mcp's consent page and the sandbox's Xero sign-in, all through the balancer); sessions then
send that access token. Clients open one connection per request (no keep-alive), so consecutive requests of one MCP
client land on different replicas. Everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncGenerator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote

import httpx2
from mcp import ClientSession
from mcp.client.auth import OAuthClientProvider, TokenStorage
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientInformationFull, OAuthClientMetadata, OAuthToken
from pydantic import AnyUrl

REPO_ROOT = Path(__file__).resolve().parent.parent
SANDBOX_CLIENT_ID = "sandbox-client"
SANDBOX_CLIENT_SECRET = "sandbox-secret"  # noqa: S105 - the sandbox demo app's published secret
PERSON = "fleet@example.com"
# Where the MCP client says its OAuth callback is: nothing listens there, the person's browser stops before it.
CLIENT_CALLBACK = "http://127.0.0.1:1/callback"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RoundRobin:
    """A TCP load balancer: each new connection goes to the next backend that accepts it (a dead one is skipped)."""

    def __init__(self, backends: Sequence[tuple[str, int]]) -> None:
        self.backends = list(backends)
        self.port = free_port()
        self._turn = itertools.count()
        self._server: asyncio.Server | None = None
        self.connections: list[int] = [0] * len(self.backends)

    async def start(self) -> None:
        """Listen on 127.0.0.1:`port`."""
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def stop(self) -> None:
        """Stop listening and drop open connections."""
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        for _ in range(len(self.backends)):
            index = next(self._turn) % len(self.backends)
            try:
                upstream = await asyncio.open_connection(*self.backends[index])
            except OSError:
                continue
            self.connections[index] += 1
            break
        if upstream is None:
            writer.close()
            return
        up_reader, up_writer = upstream

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while chunk := await source.read(65536):
                    sink.write(chunk)
                    await sink.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                with contextlib.suppress(Exception):
                    sink.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


@dataclass
class Replica:
    """One `xero-mcp serve --transport http` process."""

    port: int
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Fleet:
    """The sandbox, the replicas and the load balancer (see the module docstring). `database_url` names a PostgreSQL
    server: the fleet makes a schema of its own there and drops it when it stops."""

    redis_url: str
    database_url: str
    replicas_wanted: int = 2
    clock_rate: float = 10.0
    limits: bool = True
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="xero-mcp-fleet-")))
    prefix: str = field(default_factory=lambda: f"xero-mcp-fleet:{uuid.uuid4().hex}")
    schema: str = field(default_factory=lambda: f"xmcp_fleet_{secrets.token_hex(6)}")
    metrics_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    sandbox_port: int = field(default_factory=free_port)
    replicas: list[Replica] = field(default_factory=list[Replica])
    balancer: RoundRobin | None = None
    access_token: str = ""
    _sandbox: subprocess.Popen[bytes] | None = None

    @property
    def sandbox_url(self) -> str:
        return f"http://127.0.0.1:{self.sandbox_port}"

    @property
    def public_url(self) -> str:
        """The balancer's address: the replicas' public URL (issuer, OAuth callbacks)."""
        assert self.balancer is not None
        return f"http://127.0.0.1:{self.balancer.port}"

    @property
    def url(self) -> str:
        """The MCP endpoint behind the load balancer."""
        return f"{self.public_url}/mcp"

    def python(self) -> str:
        """The interpreter every process of the fleet runs."""
        return sys.executable

    async def start(self) -> None:
        """Start the sandbox and the replicas behind the balancer, then sign the fleet's person in."""
        import psycopg
        from psycopg import sql

        from xero_mcp.store import generate_key

        sandbox_args = ["sandbox", "--port", str(self.sandbox_port), "--clock-rate", str(self.clock_rate)]
        if not self.limits:
            sandbox_args.append("--no-limits")
        self._sandbox = self._spawn(sandbox_args, {}, self.workdir / "sandbox.log")
        await _wait_until_up(f"{self.sandbox_url}/_sandbox/clock", self._sandbox)
        self.tenant_ids = [org["tenantId"] for org in (await self.stats())["organisations"]]
        async with await psycopg.AsyncConnection.connect(self.database_url, autocommit=True) as conn:
            await conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(self.schema)))
        separator = "&" if "?" in self.database_url else "?"
        ports = [free_port() for _ in range(self.replicas_wanted)]
        self.balancer = RoundRobin([("127.0.0.1", port) for port in ports])
        base_env = {
            "XERO_API_URL": f"{self.sandbox_url}/api.xro/2.0",
            "XERO_IDENTITY_URL": self.sandbox_url,
            "XERO_LOGIN_URL": self.sandbox_url,
            "XERO_CONNECTIONS_URL": f"{self.sandbox_url}/connections",
            "XERO_CLIENT_ID": SANDBOX_CLIENT_ID,
            "XERO_CLIENT_SECRET": SANDBOX_CLIENT_SECRET,
            "XERO_MCP_AUTH": "oauth",
            "XERO_MCP_PUBLIC_URL": self.public_url,
            "XERO_MCP_DATABASE_URL": f"{self.database_url}{separator}options={quote(f'-c search_path={self.schema}')}",
            "XERO_MCP_ENCRYPTION_KEY": generate_key(),
            "XERO_MCP_HTTP_TOKEN": self.metrics_token,
            "XERO_MCP_STATE_DIR": str(self.workdir / "state"),
            "XERO_MCP_REDIS_URL": self.redis_url,
            "XERO_MCP_REDIS_PREFIX": self.prefix,
            "XERO_MCP_CLOCK_RATE": str(self.clock_rate),
            "XERO_MCP_STATELESS_HTTP": "1",
            "XERO_MCP_TOOLSETS": "all",
            "XERO_MCP_SHUTDOWN_GRACE": "20",
        }
        self.replicas.extend(Replica(port=port, env=dict(base_env)) for port in ports)
        # One at a time: the first applies the store's migrations to the fresh schema.
        for index in range(len(self.replicas)):
            await self.start_replica(index)
        await self.balancer.start()
        self.access_token = await self.sign_in(PERSON, [self.tenant_ids[0]])

    async def sign_in(self, email: str, organisations: Sequence[str]) -> str:
        """Add `email` to the sandbox's Xero people with these organisations, sign them in through the balancer
        with the mcp SDK's OAuth client, and return their MCP access token."""
        await self.sandbox_control("identity/users", {"email": email, "organisations": list(organisations)})
        await self.sandbox_control("identity/login-as", {"email": email})
        person, kept = _Person(), _KeptTokens()
        metadata = OAuthClientMetadata(
            client_name="xero-mcp fleet",
            redirect_uris=[AnyUrl(CLIENT_CALLBACK)],
            grant_types=["authorization_code", "refresh_token"],
            response_types=["code"],
        )
        auth = OAuthClientProvider(self.url, metadata, kept, redirect_handler=person.open, callback_handler=person.code)
        async with (
            httpx2.AsyncClient(auth=auth, timeout=60.0) as http,
            streamable_http_client(self.url, http_client=http, terminate_on_close=False) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
        assert kept.tokens is not None
        return kept.tokens.access_token

    def single_user_env(self) -> dict[str, str]:
        """The environment of a single-user `xero-mcp serve` on the same sandbox (a custom connection: the demo app's
        client credentials), for comparisons with stdio."""
        kept = ("XERO_API_URL", "XERO_IDENTITY_URL", "XERO_LOGIN_URL", "XERO_CONNECTIONS_URL", "XERO_CLIENT_ID")
        env = {key: value for key, value in self.replicas[0].env.items() if key in kept}
        return {**env, "XERO_CLIENT_SECRET": SANDBOX_CLIENT_SECRET, "XERO_MCP_STATE_DIR": str(self.workdir / "single")}

    def _spawn(self, args: list[str], env: Mapping[str, str], log: Path) -> subprocess.Popen[bytes]:
        clean = {key: value for key, value in os.environ.items() if not key.startswith(("XERO_", "PYTHON"))}
        with log.open("ab") as out:
            return subprocess.Popen(
                [self.python(), "-m", "xero_mcp", *args],
                env={**clean, **env},
                cwd=REPO_ROOT,
                stdout=out,
                stderr=out,
                start_new_session=True,
            )

    async def start_replica(self, index: int) -> None:
        """Start (or restart) replica `index` and wait until it answers /healthz."""
        replica = self.replicas[index]
        replica.log = self.workdir / f"replica-{index}.log"
        replica.process = self._spawn(
            ["--log-format", "json", "serve", "--transport", "http", "--port", str(replica.port)],
            replica.env,
            replica.log,
        )
        await _wait_until_up(f"{replica.url}/healthz", replica.process)

    def kill(self, index: int) -> None:
        """Kill replica `index` at once (SIGKILL: no shutdown, as a crash)."""
        process = self.replicas[index].process
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(10)

    def terminate(self, index: int) -> int:
        """Stop replica `index` gracefully (SIGTERM) and return its exit status."""
        process = self.replicas[index].process
        assert process is not None
        process.send_signal(signal.SIGTERM)
        return process.wait(60)

    async def stop(self) -> None:
        """Stop everything and delete the fleet's Redis keys."""
        if self.balancer is not None:
            await self.balancer.stop()
        for index in range(len(self.replicas)):
            self.kill(index)
        if self._sandbox is not None and self._sandbox.poll() is None:
            self._sandbox.kill()
            self._sandbox.wait(10)
        from xero_mcp.coordination.redis_engine import RedisCoordinator

        cleaner = RedisCoordinator(self.redis_url, prefix=self.prefix)
        try:
            await cleaner.forget_all()
        finally:
            await cleaner.aclose()
        import psycopg
        from psycopg import sql

        async with await psycopg.AsyncConnection.connect(self.database_url, autocommit=True) as conn:
            await conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(self.schema)))

    async def ledger(self) -> list[str | None]:
        """The create-once ledger the replicas share in PostgreSQL: each row's Xero ID, None while the row is only a
        claim on its natural key (a create under way, or left by a replica that died)."""
        import psycopg
        from psycopg import sql

        async with await psycopg.AsyncConnection.connect(self.database_url) as conn:
            query = sql.SQL("SELECT xero_id FROM {}.ledger").format(sql.Identifier(self.schema))
            rows = await (await conn.execute(query)).fetchall()
        return [None if xero_id is None else str(xero_id) for (xero_id,) in rows]

    async def stats(self) -> dict[str, Any]:
        """The sandbox's /_sandbox/stats."""
        async with httpx2.AsyncClient() as http:
            return (await http.get(f"{self.sandbox_url}/_sandbox/stats")).json()

    async def sandbox_now(self) -> float:
        """The sandbox clock, in seconds since the epoch."""
        from datetime import datetime

        async with httpx2.AsyncClient() as http:
            raw = (await http.get(f"{self.sandbox_url}/_sandbox/clock")).json()["now"]
        return datetime.fromisoformat(raw).timestamp()

    async def advance(self, seconds: float) -> None:
        """Move the sandbox clock forward."""
        async with httpx2.AsyncClient() as http:
            (await http.post(f"{self.sandbox_url}/_sandbox/clock", json={"advance": seconds})).raise_for_status()

    async def sandbox_control(self, path: str, body: Any) -> Any:
        """POST to a /_sandbox control route."""
        async with httpx2.AsyncClient() as http:
            answer = await http.post(f"{self.sandbox_url}/_sandbox/{path}", json=body)
            answer.raise_for_status()
            return answer.json() if answer.content else None

    async def clear_faults(self) -> None:
        """Remove every injected fault."""
        async with httpx2.AsyncClient() as http:
            (await http.delete(f"{self.sandbox_url}/_sandbox/faults")).raise_for_status()

    async def metrics(self, index: int) -> str:
        """Replica `index`'s /metrics text."""
        async with httpx2.AsyncClient() as http:
            answer = await http.get(
                f"{self.replicas[index].url}/metrics", headers={"Authorization": f"Bearer {self.metrics_token}"}
            )
            answer.raise_for_status()
            return answer.text

    @contextlib.asynccontextmanager
    async def session(self, url: str | None = None) -> AsyncGenerator[ClientSession]:
        """The signed-in person's MCP session through the balancer (or `url`), one TCP connection per request."""
        http = httpx2.AsyncClient(
            headers={"Authorization": f"Bearer {self.access_token}"},
            limits=httpx2.Limits(max_keepalive_connections=0),
            timeout=httpx2.Timeout(300.0, read=300.0),
        )
        async with (
            http,
            streamable_http_client(url or self.url, http_client=http, terminate_on_close=False) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            yield session


@dataclass(frozen=True)
class Burst:
    """What a burst of reads cost, counted by the sandbox: Xero calls served and refused with a 429 in the burst,
    sandbox seconds from the first call sent to the last answer, and the wall-clock seconds that took."""

    calls: int
    refused: int
    elapsed: float
    wall: float

    @property
    def per_minute(self) -> float:
        """Calls per sandbox minute. Xero's fixed windows let the first minute's 60 calls go at once and each further
        60 once the previous minute ends: N calls ideally take N/60 - 1 minutes, so the rate is N over (elapsed +
        1 minute), 60 at best."""
        return self.calls * 60.0 / (self.elapsed + 60.0)


async def burst(fleet: Fleet, tool: str, count: int, *, clients: int = 20) -> Burst:
    """`count` calls of `tool` (reading one organisation) issued at once by `clients` MCP clients through the
    balancer. The clients connect, and every replica serves the person once (building their backend: a call of
    `list_tenants`, which Xero does not count against an organisation), before the clock starts: the burst measures
    the pacing of the calls, not sign-in or start-up."""

    async def tenant() -> tuple[int, int]:
        requests: dict[str, Any] = (await fleet.stats())["requests"]
        return int(requests["byTenant"].get(fleet.tenant_ids[0], 0)), sum(requests.get("refused", {}).values())

    for replica in fleet.replicas:
        async with fleet.session(f"{replica.url}/mcp") as warm:
            tool_json(await warm.call_tool("list_tenants", {}))
    async with contextlib.AsyncExitStack() as stack:
        # One after another: a session's task group must be left by the task that entered it.
        sessions = [await stack.enter_async_context(fleet.session()) for _ in range(clients)]
        calls_before, refused_before = await tenant()
        start, wall = await fleet.sandbox_now(), time.perf_counter()
        share = [count // clients + (1 if index < count % clients else 0) for index in range(clients)]
        results = await asyncio.gather(
            *(session.call_tool(tool, {}) for session, many in zip(sessions, share, strict=True) for _ in range(many))
        )
        wall = time.perf_counter() - wall
        elapsed = await fleet.sandbox_now() - start
    for result in results:
        tool_json(result)
    calls_after, refused_after = await tenant()
    return Burst(calls_after - calls_before, refused_after - refused_before, elapsed, wall)


def tool_json(result: Any) -> Any:
    """The JSON a tool returned as its text content."""
    assert not result.is_error, result.content
    return json.loads(result.content[0].text)


_HIDDEN_INPUT = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


class _Person:
    """The person's browser during a sign-in: from the MCP client's authorize URL through xero-mcp's consent page
    (answered "allow") and the sandbox's Xero sign-in (the `login-as` person consents at once), until the redirect
    to the MCP client's callback, whose code it keeps."""

    def __init__(self) -> None:
        self._code: AuthorizationCodeResult | None = None

    async def open(self, url: str) -> None:
        async with httpx2.AsyncClient(follow_redirects=True, timeout=60.0) as browser:
            page = await browser.get(url)
            if page.url.path != "/oauth/consent":
                raise RuntimeError(f"the sign-in stopped at {page.url.path} (HTTP {page.status_code})")
            answer = {**dict(_HIDDEN_INPUT.findall(page.text)), "decision": "allow"}
            try:
                refused = await browser.post(str(page.url.copy_with(query=None)), data=answer)
            except httpx2.ConnectError as exc:
                # Nothing listens at the MCP client's callback: the request that failed carries the code.
                query = dict(parse_qsl(exc.request.url.query.decode()))
                self._code = AuthorizationCodeResult(code=query["code"], state=query.get("state"), iss=query.get("iss"))
                return
        raise RuntimeError(f"the sign-in did not come back to the client (HTTP {refused.status_code} at {refused.url})")

    async def code(self) -> AuthorizationCodeResult:
        if self._code is None:
            raise RuntimeError("the sign-in gave no code")
        return self._code


class _KeptTokens(TokenStorage):
    """What the fleet's MCP client keeps between connections: its registration and its tokens, in memory."""

    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self._client: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self._client

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self._client = client_info


async def _wait_until_up(url: str, process: subprocess.Popen[bytes], attempts: int = 600) -> None:
    # Polling a starting process is the only way to know it listens; this waits for start-up, it times nothing.
    async with httpx2.AsyncClient() as http:
        for _ in range(attempts):
            if process.poll() is not None:
                raise RuntimeError(f"{url} exited with status {process.returncode} while starting")
            with contextlib.suppress(httpx2.TransportError):
                if (await http.get(url)).status_code == 200:
                    return
            await asyncio.sleep(0.05)
    raise RuntimeError(f"{url} did not come up")
