"""Operating a served xero-mcp: /healthz, /readyz, /metrics behind the guard, request ids and JSON logs."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import httpx2
from mcp import Client
from pydantic import SecretStr

from xero_mcp.config import Settings
from xero_mcp.coordination.redis_engine import RedisCoordinator
from xero_mcp.http import http_app
from xero_mcp.local import LocalSandbox, open_backend, sandbox_settings
from xero_mcp.metrics import Metrics, endpoint_of
from xero_mcp.ops import REQUEST_ID, JsonFormatter
from xero_mcp.sandbox.app import Sandbox
from xero_mcp.server import build_server, readiness
from xero_mcp.tools._context import Backend

TOKEN = "ops-test-http-token"


def _served(sandbox: Sandbox, tmp_path: Path, *, broken_redis: bool = False):
    settings = sandbox_settings(Settings(toolsets=("all",), state_dir=tmp_path, http_token=SecretStr(TOKEN)))
    metrics = Metrics()

    async def factory() -> Backend:
        backend = await open_backend(LocalSandbox(sandbox, settings), metrics=metrics)
        if broken_redis:
            backend.client.coordinator = RedisCoordinator("redis://:pw-hidden@127.0.0.1:1/0", timeout=1.0)
        return backend

    server, context = build_server(settings, factory, metrics=metrics)

    async def ready() -> dict[str, str]:
        return await readiness(context)

    app = http_app(server, settings, host="192.0.2.20", port=8000, metrics=metrics, readiness=ready)
    return server, context, metrics, app


async def test_health_and_readiness_answer_without_credentials_and_metrics_need_them(
    tools_sandbox: Sandbox, tmp_path: Path
) -> None:
    _, context, _, app = _served(tools_sandbox, tmp_path)
    try:
        async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://t") as http:
            health = await http.get("/healthz")
            ready = await http.get("/readyz")
            metrics_without = await http.get("/metrics")
            metrics_with = await http.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    finally:
        await context.aclose()
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    assert ready.status_code == 200 and ready.json() == {"status": "ready"}
    assert metrics_without.status_code == 401
    assert metrics_with.status_code == 200
    assert "# TYPE xero_mcp_tool_calls_total counter" in metrics_with.text


async def test_readiness_fails_naming_redis_when_it_cannot_be_reached_without_showing_its_password(
    tools_sandbox: Sandbox, tmp_path: Path
) -> None:
    _, context, _, app = _served(tools_sandbox, tmp_path, broken_redis=True)
    try:
        async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://t") as http:
            ready = await http.get("/readyz")
    finally:
        await context.aclose()
    assert ready.status_code == 503
    problems = ready.json()["problems"]
    assert set(problems) == {"redis"}
    assert "pw-hidden" not in ready.text


async def test_metrics_count_tool_calls_errors_and_xero_calls_by_organisation_endpoint_and_status(
    tools_sandbox: Sandbox, tmp_path: Path
) -> None:
    server, context, metrics, _ = _served(tools_sandbox, tmp_path)
    try:
        async with Client(server) as client:
            await client.call_tool("list_records", {"kind": "invoice", "page_size": 5})
            failed = await client.call_tool("get_invoice", {"invoice": "INV-does-not-exist-0000"})
    finally:
        await context.aclose()
    assert failed.is_error
    text = metrics.exposition()[0].decode()
    assert 'xero_mcp_tool_calls_total{tool="list_records"} 1.0' in text
    assert 'xero_mcp_tool_errors_total{tool="get_invoice"} 1.0' in text
    assert 'xero_mcp_tool_errors_total{tool="list_records"}' not in text
    assert 'endpoint="/Invoices",org="' in text and 'status="200"' in text
    assert 'xero_mcp_tool_call_seconds_count{tool="list_records"} 1.0' in text


def test_an_endpoint_label_replaces_ids_and_numbers() -> None:
    assert endpoint_of("/Invoices/9f2a1d4e-0c3b-4d6a-8e7f-1a2b3c4d5e6f/History") == "/Invoices/{id}/History"
    assert endpoint_of("/Invoices/INV-0042") == "/Invoices/{id}"
    assert endpoint_of("/Reports/ProfitAndLoss") == "/Reports/ProfitAndLoss"


async def test_every_response_carries_a_request_id_and_a_sane_caller_id_is_kept(
    tools_sandbox: Sandbox, tmp_path: Path
) -> None:
    _, context, _, app = _served(tools_sandbox, tmp_path)
    try:
        async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://t") as http:
            minted = await http.get("/healthz")
            kept = await http.get("/healthz", headers={"X-Request-ID": "lb-1234"})
            refused = await http.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    finally:
        await context.aclose()
    assert len(minted.headers["x-request-id"]) == 32
    assert kept.headers["x-request-id"] == "lb-1234"
    assert refused.headers["x-request-id"] != "bad id\twith spaces"


def test_json_log_lines_carry_the_request_id_and_mask_credentials() -> None:
    record = logging.LogRecord(
        "xero_mcp.client", logging.INFO, __file__, 1, "sent %s", ("Authorization: Bearer eyJhbGciOi.abc.def",), None
    )
    token = REQUEST_ID.set("req-77")
    try:
        line = JsonFormatter().format(record)
    finally:
        REQUEST_ID.reset(token)
    entry = json.loads(line)
    assert entry["request_id"] == "req-77"
    assert entry["level"] == "INFO" and entry["logger"] == "xero_mcp.client"
    assert "eyJhbGciOi" not in line
