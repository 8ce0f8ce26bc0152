"""Xero's own Python SDK (xero-python) driving the sandbox over a real socket: the stripe-mock pattern.

The SDK is generated from Xero's OpenAPI spec by Xero and shares nothing with this project's client, so a response
it cannot deserialize, or deserializes to the wrong values, is the sandbox's fault. Fixtures:

- ``sdk_server`` (session): the seeded sandbox (rate limits off, clock frozen at ``SANDBOX_START``) served by uvicorn
  in a thread on an ephemeral loopback port. The listening socket is bound before the server starts, so a request
  made at once waits in the socket's backlog until the server accepts it: nothing polls or sleeps for readiness.
- ``xero``: the SDK's ``AccountingApi`` on that base URL, with a token from the sandbox's identity service (the
  SDK's own client-credentials call) and the organisation's tenant ID (the SDK's ``IdentityApi.get_connections``).
  The sandbox is reset to its seeded state before each test. Every JSON response it receives is also checked against
  Xero's OpenAPI spec (tests/openapi_check.py).

Each test names the SDK operation(s) it is the contract test for with ``@pytest.mark.sdk_operation(...)``; the
``xero`` fixture fails a test that never called the operation it names, and tests/xero_sdk/test_census.py checks
that every operation of the SDK's AccountingApi is either named by a test or listed as not emulated, with the reason.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import uvicorn
from xero_python.accounting import AccountingApi
from xero_python.api_client import ApiClient, Configuration
from xero_python.api_client.oauth2 import OAuth2Token, TokenApi
from xero_python.exceptions import ApiException
from xero_python.identity import IdentityApi

from tests.conftest import SANDBOX_START
from tests.openapi_check import API_PREFIX, validate_response
from xero_mcp.sandbox.app import Sandbox, SandboxConfig, create_sandbox
from xero_mcp.sandbox.limits import LimitConfig
from xero_mcp.sandbox.serve import DroppingApp
from xero_mcp.sandbox.state import SandboxState

CLIENT_ID = "sandbox-client"
CALL_FAILED = pytest.StashKey[bool]()
"""Set on a test item whose call phase failed: its operation claim is not checked on top of the failure."""
CLIENT_SECRET = "sandbox-secret"


@dataclass
class SdkServer:
    """The sandbox served over HTTP for the SDK, and the token the SDK got from its identity service."""

    sandbox: Sandbox
    root_url: str
    token: dict[str, Any] = field(default_factory=dict[str, Any])


@pytest.fixture(scope="session")
def sdk_server(seeded_state: SandboxState) -> Iterator[SdkServer]:
    """The seeded sandbox on an ephemeral loopback port (uvicorn in a thread), for the whole session."""
    config = SandboxConfig(limits=LimitConfig(enabled=False), frozen_clock=True, start=SANDBOX_START)
    sandbox = create_sandbox(config, baseline=seeded_state)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(DroppingApp(sandbox.app), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, name="sdk-sandbox", daemon=True)
    thread.start()
    try:
        yield SdkServer(sandbox, f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        listener.close()


class OperationLog:
    """The SDK operations a test called, each with how it ended ("ok" or the HTTP status of the ApiException)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def called(self, name: str) -> bool:
        """Whether the test called operation `name` at all."""
        return any(op == name for op, _ in self.calls)


class RecordingApi:
    """The SDK's AccountingApi, recording which operations are called (the census checks each test's claim)."""

    def __init__(self, api: AccountingApi, log: OperationLog) -> None:
        self._api = api
        self._log = log

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._api, name)
        if not callable(attribute) or name.startswith("_") or name.startswith("get_resource"):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                result = attribute(*args, **kwargs)
            except ApiException as error:
                self._log.calls.append((name, str(error.status)))
                raise
            self._log.calls.append((name, "ok"))
            return result

        return call


def _checked_requests(client: ApiClient) -> None:
    """Check every JSON response the SDK receives against Xero's OpenAPI spec before the SDK reads it."""
    rest = client.rest_client
    original: Callable[..., Any] = rest.request

    def request(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        path = url.split("?", 1)[0]
        relative = path[path.index(API_PREFIX) :] if API_PREFIX in path else None
        try:
            response = original(method, url, *args, **kwargs)
        except ApiException as error:
            body = error.body
            if relative is not None and error.status == 400 and body:
                validate_response(method, relative, 400, json.loads(body))
            raise
        headers = response.getheaders() if hasattr(response, "getheaders") else {}
        content_type = str(headers.get("Content-Type", headers.get("content-type", "")))
        if relative is not None and content_type.startswith("application/json") and response.data:
            validate_response(method, relative, response.status, json.loads(response.data))
        return response

    rest.request = request


@dataclass
class Xero:
    """What a contract test works with: the SDK's API (recording), the tenant ID and the sandbox behind them."""

    api: Any
    tenant: str
    sandbox: Sandbox
    log: OperationLog
    client: ApiClient


@pytest.fixture
def xero(sdk_server: SdkServer, request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Xero]:
    """The SDK configured for the sandbox (reset to its seed), with the first organisation's tenant ID."""
    sdk_server.sandbox.reset()
    tokens: dict[str, Any] = {}
    configuration = Configuration(oauth2_token=OAuth2Token(client_id=CLIENT_ID, client_secret=CLIENT_SECRET))
    configuration.temp_folder_path = str(tmp_path)
    client = ApiClient(
        configuration,
        pool_threads=1,
        oauth2_token_getter=lambda: tokens.get("token"),
        oauth2_token_saver=lambda token: tokens.update(token=token),
    )
    if not sdk_server.token:
        token_api = TokenApi(client, CLIENT_ID, CLIENT_SECRET)
        token_api.client_credentials_token_url = sdk_server.root_url + "/connect/token"
        sdk_server.token = token_api.get_client_credentials_token(app_store_billing=False)
    client.set_oauth2_token(sdk_server.token)
    connections = IdentityApi(client, base_url=sdk_server.root_url).get_connections()
    tenant = str(connections[0].tenant_id)
    _checked_requests(client)
    log = OperationLog()
    api = RecordingApi(AccountingApi(client, base_url=sdk_server.root_url + API_PREFIX), log)
    yield Xero(api, tenant, sdk_server.sandbox, log, client)
    if request.node.stash.get(CALL_FAILED, False):
        return
    for marker in request.node.iter_markers("sdk_operation"):
        for operation in marker.args:
            if not log.called(operation):
                pytest.fail(f"the contract test for {operation} never called it", pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Remember a failed call phase, so the teardown does not report a missing operation call as well."""
    report = yield
    if call.when == "call" and report.failed:
        item.stash[CALL_FAILED] = True
    return report
