"""Shared test configuration: the sandbox fixtures every test directory uses.

- ``sandbox``: a fresh sandbox (seeded, rate limits off, clock frozen at ``SANDBOX_START``);
- ``sandbox_limited``: the same with Xero's rate limits on;
- ``tenant_id`` / ``second_tenant_id``: its two organisations;
- ``access_token``: a valid token connected to both organisations;
- ``api``: an httpx2 client on ``http://sandbox.test/api.xro/2.0`` with the token, the first organisation's
  tenant header and ``Accept: application/json``; every request and JSON response it carries is checked against
  Xero's OpenAPI spec (tests/openapi_check.py);
- ``api_for``: builds such a client for another sandbox, tenant or token.

Every test also runs with ``XDG_CACHE_HOME`` pointing into the run's temporary folder (``pytest_configure``).

The seeded state is built once per session and copied into each test's sandbox (sqlite3 backup), so a fixture
costs a few milliseconds.

Every test also runs under ``leak_guard`` (autouse): when it ends, no secret issued or held by a sandbox identity
service created during the test, the demo app's client secret or a value the test registered with
``leak_guard.secret(...)`` may appear in what the test saw: the ``xero_mcp`` loggers' records at DEBUG and above,
stdout and stderr, MCP tool results, and exceptions caught with ``pytest.raises``. ``leak_watch`` (session) holds
the hooks that collect these; ``find_leaks`` is the check itself.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import shutil
import tempfile
import weakref
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Generator, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import httpx2
import pytest
from mcp import ClientSession
from mcp.types import CallToolResult, TextContent
from pydantic import BaseModel

from tests.openapi_check import API_PREFIX, MISSING, spec_path, validate_request, validate_response
from xero_mcp.sandbox.app import Sandbox, SandboxConfig, create_sandbox
from xero_mcp.sandbox.identity import IdentityService
from xero_mcp.sandbox.limits import LimitConfig
from xero_mcp.sandbox.state import SandboxState

# `store_url`: a fresh database of each store engine in turn, for any test that takes it.
pytest_plugins = ("tests.databases",)

SANDBOX_START = datetime(2026, 3, 16, 9, 30, tzinfo=UTC)
"""The frozen sandbox clock's starting instant in the fixtures."""

API_BASE_URL = "http://sandbox.test" + API_PREFIX

ApiFactory = Callable[..., httpx2.AsyncClient]


_CACHE_HOME = pytest.StashKey[tuple[str | None, Path]]()


def pytest_configure(config: pytest.Config) -> None:
    """The tool catalogue (xero_mcp.tools._catalogue) of this run, servers started as processes included, lives in a
    folder of the run's own (made before collection, which may build servers), not in the home folder."""
    folder = Path(tempfile.mkdtemp(prefix="xero-mcp-cache-"))
    config.stash[_CACHE_HOME] = (os.environ.get("XDG_CACHE_HOME"), folder)
    os.environ["XDG_CACHE_HOME"] = str(folder)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Put XDG_CACHE_HOME back and remove the run's cache folder."""
    before, folder = config.stash[_CACHE_HOME]
    if before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = before
    shutil.rmtree(folder, ignore_errors=True)


def pytest_report_header() -> str:
    """Say at the top of every run whether the sandbox is checked against Xero's OpenAPI spec."""
    path = spec_path()
    if path is None:
        return f"Xero OpenAPI spec: tests that need it are skipped ({MISSING})"
    return f"Xero OpenAPI spec: {path}"


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


# --- the secret leak guard ------------------------------------------------------------------------------------------

SANDBOX_CLIENT_SECRET = "sandbox-secret"
"""The sandbox demo app's client secret: published, yet xero-mcp must never show it either."""

_WATCHED_LOGGER = "xero_mcp"
_CAPTURE_FIXTURES = ("capfd", "capfdbinary", "capsysbinary", "capteesys", "capsys")
_MASK = "[secret]"


def find_leaks(secrets: Iterable[str], shown: Mapping[str, Iterable[str]]) -> list[str]:
    """Each place where one of `secrets` appears in the texts `shown` (by source), with every secret masked."""
    wanted = {secret for secret in secrets if secret}
    findings: list[str] = []
    for source, texts in shown.items():
        text = "\n".join(texts)
        for secret in wanted:
            at = text.find(secret)
            if at >= 0:
                findings.append(f"{source}: {_masked_excerpt(text, at, len(secret), wanted)}")
    return findings


def _masked_excerpt(text: str, at: int, length: int, secrets: set[str]) -> str:
    # The whole line, so that every secret on it is masked entirely before it is cut to size.
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at + length)
    line = text[start : end if end >= 0 else len(text)]
    for secret in secrets:
        line = line.replace(secret, _MASK)
    middle = line.find(_MASK)
    return repr(line[max(0, middle - 100) : middle + 100])


def _as_text(value: str | bytes) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


class LeakGuard:
    """One test's secrets and everything the test saw: log lines, output, tool results, exception texts."""

    def __init__(self, lasting: Iterable[IdentityService] = ()) -> None:
        self.identities: list[IdentityService] = []
        self._lasting = lasting
        self._secrets: set[str] = {SANDBOX_CLIENT_SECRET}
        self.shown: defaultdict[str, list[str]] = defaultdict(list)

    def secret(self, *values: str) -> None:
        """Register values that must never be shown either (a made-up static token, a key)."""
        self._secrets.update(value for value in values if value)

    def secrets(self) -> set[str]:
        """The registered values and all that the identity services of this test (and long-lived ones) issued."""
        found = set(self._secrets)
        for identity in (*self.identities, *self._lasting):
            found |= identity.issued_secrets()
        return found

    def seen(self, source: str, *texts: str) -> None:
        """Record texts shown to someone; `source` says where, for the report."""
        self.shown[source].extend(texts)

    def seen_tool_result(self, result: object) -> None:
        """Record an MCP tool result: its text, its structured content and any other content."""
        if not isinstance(result, CallToolResult):
            if isinstance(result, BaseModel):
                self.seen("tool result", result.model_dump_json())
            return
        for part in result.content:
            self.seen("tool result", part.text if isinstance(part, TextContent) else part.model_dump_json())
        if result.structured_content is not None:
            self.seen("tool result", json.dumps(result.structured_content, ensure_ascii=False, default=str))

    def seen_exception(self, error: BaseException) -> None:
        """Record the str() and repr() of an exception, of its causes and contexts, and of a group's members."""
        pending: list[BaseException] = [error]
        visited: set[int] = set()
        while pending:
            current = pending.pop()
            if id(current) in visited:
                continue
            visited.add(id(current))
            self.seen("exception", str(current), repr(current))
            pending.extend(e for e in (current.__cause__, current.__context__) if e is not None)
            if isinstance(current, BaseExceptionGroup):
                pending.extend(cast(tuple[BaseException, ...], current.exceptions))

    def leaks(self) -> list[str]:
        """Where a secret was shown (masked); empty when nothing leaked."""
        return find_leaks(self.secrets(), self.shown)


class _LogCollector(logging.Handler):
    """Renders each `xero_mcp` record as any handler would (message, traceback) for the running test's guard."""

    def __init__(self, watch: LeakWatch) -> None:
        super().__init__(logging.DEBUG)
        self.watch = watch

    def emit(self, record: logging.LogRecord) -> None:
        """Give the rendered record to the running test's guard."""
        guard = self.watch.current
        if guard is None:
            return
        try:
            guard.seen("log", self.format(record))
        except Exception:
            self.handleError(record)


class LeakWatch:
    """The session's hooks that see what tests see, routed to the running test's `LeakGuard`.

    It wraps `IdentityService.__init__` (to know every identity service), `ClientSession.call_tool` (tool results,
    for every MCP client), `ExceptionInfo.fill_unfilled` (what `pytest.raises` caught), `CaptureFixture.readouterr`
    (output a test reads) and collects the `xero_mcp` loggers' records at every level.
    """

    def __init__(self) -> None:
        self.current: LeakGuard | None = None
        self.lasting: weakref.WeakSet[IdentityService] = weakref.WeakSet()
        self._logger = logging.getLogger(_WATCHED_LOGGER)
        self._handler = _LogCollector(self)
        self._level = self._logger.level

    def install(self, patch: pytest.MonkeyPatch) -> None:
        """Put the hooks in place (undone with `patch`) and start collecting log records."""
        watch = self
        init = IdentityService.__init__
        call_tool = ClientSession.call_tool
        fill_unfilled = cast(Callable[[pytest.ExceptionInfo[Any], Any], None], pytest.ExceptionInfo.fill_unfilled)
        readouterr = cast(Callable[[pytest.CaptureFixture[Any]], Any], pytest.CaptureFixture.readouterr)

        @functools.wraps(init)
        def watched_init(identity: IdentityService, *args: Any, **kwargs: Any) -> None:
            init(identity, *args, **kwargs)
            if watch.current is not None:
                watch.current.identities.append(identity)
            else:
                watch.lasting.add(identity)

        @functools.wraps(call_tool)
        async def watched_call_tool(session: ClientSession, *args: Any, **kwargs: Any) -> Any:
            result = await call_tool(session, *args, **kwargs)
            if watch.current is not None:
                watch.current.seen_tool_result(result)
            return result

        def watched_fill_unfilled(info: pytest.ExceptionInfo[Any], exc_info: Any) -> None:
            fill_unfilled(info, exc_info)
            if watch.current is not None:
                watch.current.seen_exception(exc_info[1])

        def watched_readouterr(capture: pytest.CaptureFixture[Any]) -> Any:
            result = readouterr(capture)
            if watch.current is not None:
                watch.current.seen("stdout", _as_text(result.out))
                watch.current.seen("stderr", _as_text(result.err))
            return result

        patch.setattr(IdentityService, "__init__", watched_init)
        patch.setattr(ClientSession, "call_tool", watched_call_tool)
        patch.setattr(pytest.ExceptionInfo, "fill_unfilled", watched_fill_unfilled)
        patch.setattr(pytest.CaptureFixture, "readouterr", watched_readouterr)
        self._collect_logs()

    def uninstall(self) -> None:
        """Stop collecting log records and give the `xero_mcp` logger back its level."""
        self._logger.removeHandler(self._handler)
        self._logger.setLevel(self._level)

    def _collect_logs(self) -> None:
        # Again for every test, in case one changed the logger and left it so. DEBUG records then also reach the
        # root logger's handlers (pytest's log capture shows them with a failure).
        if self._handler not in self._logger.handlers:
            self._logger.addHandler(self._handler)
        if self._logger.level != logging.DEBUG:
            self._logger.setLevel(logging.DEBUG)

    @contextmanager
    def watching(self, guard: LeakGuard, capture: pytest.CaptureFixture[Any] | None = None) -> Generator[LeakGuard]:
        """Route what is seen to `guard` inside the block; at its end, the output `capture` holds is read too."""
        outer = self.current
        self.current = guard
        self._collect_logs()
        try:
            yield guard
        finally:
            try:
                if capture is not None:
                    capture.readouterr()
            finally:
                self.current = outer


def check_no_leaks(guard: LeakGuard) -> None:
    """Fail the running test, saying where (secrets masked), when `guard` saw a secret."""
    leaks = guard.leaks()
    if leaks:
        pytest.fail("A token or secret was shown:\n" + "\n".join(leaks), pytrace=False)


@pytest.fixture(scope="session", autouse=True)
def leak_watch() -> Iterator[LeakWatch]:
    """The session's leak-watching hooks (see `LeakWatch`)."""
    watch = LeakWatch()
    with pytest.MonkeyPatch.context() as patch:
        watch.install(patch)
        try:
            yield watch
        finally:
            watch.uninstall()


@pytest.fixture(autouse=True)
def leak_guard(request: pytest.FixtureRequest, leak_watch: LeakWatch) -> Iterator[LeakGuard]:
    """Fail the test when a token or secret appears in anything it saw (see the module docstring)."""
    name = next((name for name in _CAPTURE_FIXTURES if name in request.fixturenames), "capsys")
    capture: pytest.CaptureFixture[Any] = request.getfixturevalue(name)
    guard = LeakGuard(leak_watch.lasting)
    with leak_watch.watching(guard, capture):
        yield guard
    check_no_leaks(guard)
