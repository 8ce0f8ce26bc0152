"""Hosted mode (serve --auth oauth) operated like the single-user server: /healthz, /readyz on its database and
Redis, /metrics behind XERO_MCP_HTTP_TOKEN, request ids. The process-level checks (a replica stopped with SIGTERM
finishes its calls in flight) are in test_fleet.py, whose replicas run in hosted mode."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx2
import pytest
from pydantic import SecretStr

from tests.databases import database_url
from xero_mcp.config import Settings
from xero_mcp.hosted.app import build_hosted, sandbox_hosted_settings
from xero_mcp.metrics import Metrics
from xero_mcp.sandbox.app import Sandbox
from xero_mcp.store import KeyRing, Store, generate_key, open_store

REDIS_URL = os.environ.get("XERO_MCP_TEST_REDIS_URL")
METRICS_TOKEN = "hosted-metrics-token-for-tests"
BASE = "http://127.0.0.1:8000"


@asynccontextmanager
async def _hosted(
    sandbox: Sandbox, tmp_path: Path, *, redis_url: str | None, token: str | None = METRICS_TOKEN
) -> AsyncIterator[tuple[httpx2.AsyncClient, Store]]:
    async with database_url("postgresql", tmp_path) as url:
        settings = sandbox_hosted_settings(
            Settings(
                state_dir=tmp_path / "state",
                auth_mode="oauth",
                public_url=BASE,
                database_url=url,
                encryption_key=SecretStr(generate_key()),
                redis_url=SecretStr(redis_url) if redis_url else None,
                http_token=SecretStr(token) if token else None,
            ),
            BASE,
        )
        assert settings.encryption_key is not None
        store = await open_store(url, KeyRing.parse(settings.encryption_key.get_secret_value()))
        try:
            hosted = await build_hosted(
                settings, store=store, host="127.0.0.1", port=8000, transport=sandbox.transport(), metrics=Metrics()
            )
            try:
                async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=hosted.app), base_url=BASE) as http:
                    yield http, store
            finally:
                await hosted.users.aclose()
        finally:
            await store.close()


@pytest.mark.skipif(not REDIS_URL, reason="XERO_MCP_TEST_REDIS_URL is not set: readiness is checked against Redis")
async def test_hosted_health_and_readiness_answer_without_credentials_and_metrics_need_the_token(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    async with _hosted(sandbox, tmp_path, redis_url=REDIS_URL) as (http, _):
        health = await http.get("/healthz")
        ready = await http.get("/readyz", headers={"X-Request-ID": "probe-1"})
        without = await http.get("/metrics")
        wrong = await http.get("/metrics", headers={"Authorization": "Bearer not-the-token"})
        with_token = await http.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        mcp = await http.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    assert ready.status_code == 200 and ready.json() == {"status": "ready"}
    assert ready.headers["x-request-id"] == "probe-1"
    assert without.status_code == 401 and wrong.status_code == 401
    assert with_token.status_code == 200
    assert "# TYPE xero_mcp_tool_calls_total counter" in with_token.text
    assert "# TYPE xero_mcp_xero_calls_total counter" in with_token.text
    # The metrics token opens /metrics only: the MCP endpoint still asks for a sign-in.
    assert mcp.status_code == 401 and "resource_metadata" in mcp.headers["www-authenticate"]


async def test_hosted_readiness_names_redis_when_it_cannot_be_reached_without_showing_its_password(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    async with _hosted(sandbox, tmp_path, redis_url="redis://:pw-hidden@127.0.0.1:1/0") as (http, _):
        ready = await http.get("/readyz")
    assert ready.status_code == 503
    assert set(ready.json()["problems"]) == {"redis"}
    assert "pw-hidden" not in ready.text


async def test_hosted_readiness_names_the_database_when_it_cannot_be_read_and_no_token_serves_no_metrics(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    async with _hosted(sandbox, tmp_path, redis_url=None, token=None) as (http, store):
        ready = await http.get("/readyz")
        metrics = await http.get("/metrics")
        # The database goes away under the running server.
        await store.close()
        lost = await http.get("/readyz")
    assert ready.status_code == 200
    assert metrics.status_code == 404
    assert lost.status_code == 503 and set(lost.json()["problems"]) == {"database"}
