"""Start-up does only what tools/list needs: the client, sign-in and sandbox load on the first tool call (the backend
factory), and once the tool catalogue exists (xero_mcp.tools._catalogue) no tool module, nor what the tools import,
loads before a call needs it.

Cold start (spawn -> initialize -> tools/list) is measured by `python -m benchmarks --only cold_start`; these tests
keep the laziness behind it from regressing silently. Which modules a process has imported can only be seen from a
fresh interpreter, so the server is built, listed and called in a subprocess that reports its sys.modules: twice, a
first start (no catalogue: it is made) and the next one (it is read).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, get_args

import pytest

from tests.openapi_check import load_spec
from xero_mcp.tools import settings

# What the backend factory loads on the first tool call, on every start. httpx2 is not listed: the mcp SDK itself
# imports it at start-up.
BACKEND_MODULES = (
    "xero_mcp.client._base",
    "xero_mcp.client.resources",
    "xero_mcp.auth.session",
    "xero_mcp.sync.webhooks",
    "xero_mcp.local",
    "xero_mcp.sandbox",
    "xero_mcp.sandbox.app",
    "authlib",
    "keyring",
)

# The tool modules and what they import, which a start from the catalogue leaves for the first call: the result
# models, the client's models (the package loads lazily, PEP 562; every model module imports _base), the store and
# the sync algorithms over it, and rapidfuzz (its compiled extension is the costliest import there is).
TOOL_MODULES = (
    "xero_mcp.tools.tenants",
    "xero_mcp.tools.contacts",
    "xero_mcp.tools.documents",
    "xero_mcp.tools._projections",
    "xero_mcp.client.models._base",
    "xero_mcp.store.store",
    "xero_mcp.sync.cursors",
    "xero_mcp.sync.dedupe",
    "sqlite3",
    "rapidfuzz",
)

SCRIPT = """
import asyncio, json, sys

from mcp import Client

from xero_mcp.config import Settings
from xero_mcp.server import build_server

WATCHED = json.loads(sys.argv[1])
settings = Settings.from_env(toolsets=("all",))


async def sandbox_backend():
    # What `serve --sandbox` builds on the first tool call.
    from xero_mcp.local import open_backend, start_sandbox

    return await open_backend(start_sandbox(settings))


async def main():
    server, context = build_server(settings, sandbox_backend)
    async with Client(server) as client:
        listed = await client.list_tools()
        at_list = [name for name in WATCHED if name in sys.modules]
        called = await client.call_tool("list_tenants", {})
        at_call = [name for name in WATCHED if name in sys.modules]
    await context.aclose()
    published = [tool.model_dump(mode="json", by_alias=True, exclude_none=True) for tool in listed.tools]
    print(json.dumps({"tools": published, "called_ok": not called.is_error, "at_list": at_list,
                      "at_call": at_call}))


asyncio.run(main())
"""


@pytest.fixture(scope="module")
def starts(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], dict[str, Any]]:
    """What a fresh interpreter had imported after tools/list, and after its first tool call: on a first start (the
    catalogue is made), then on the next start (it is read)."""
    env = {
        **os.environ,
        "XERO_MCP_STATE_DIR": str(tmp_path_factory.mktemp("state")),
        "XDG_CACHE_HOME": str(tmp_path_factory.mktemp("cache")),
    }
    for name in ("XERO_ACCESS_TOKEN", "XERO_CLIENT_ID", "XERO_CLIENT_SECRET", "XERO_TENANT_ID"):
        env.pop(name, None)

    def start() -> dict[str, Any]:
        done = subprocess.run(  # noqa: S603 - this interpreter running the fixed script above
            [sys.executable, "-c", SCRIPT, json.dumps([*BACKEND_MODULES, *TOOL_MODULES])],
            capture_output=True,
            text=True,
            env=env,
            cwd=Path(__file__).resolve().parents[1],
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return json.loads(done.stdout.strip().splitlines()[-1])

    first = start()
    assert list((Path(env["XDG_CACHE_HOME"]) / "xero-mcp").glob("tools-*.json")), "the first start wrote no catalogue"
    return first, start()


def test_listing_every_tool_imports_no_client_sign_in_or_sandbox_module(
    starts: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    for started in starts:
        assert len(started["tools"]) > 30
        assert set(started["at_list"]).isdisjoint(BACKEND_MODULES), started["at_list"]


def test_a_start_from_the_catalogue_imports_no_tool_module_before_a_call(
    starts: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    first, second = starts
    assert set(TOOL_MODULES) <= set(first["at_list"])  # the first start made the catalogue from the modules
    assert second["at_list"] == []
    assert "xero_mcp.tools.tenants" in second["at_call"]  # list_tenants' module, loaded by its call


def test_tools_from_the_catalogue_are_published_exactly_as_made(starts: tuple[dict[str, Any], dict[str, Any]]) -> None:
    first, second = starts
    assert second["tools"] == first["tools"]


def test_the_first_tool_call_loads_the_client_sign_in_and_sandbox(
    starts: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    for started in starts:
        assert started["called_ok"]
        assert {"xero_mcp.client._base", "xero_mcp.client.models._base", "xero_mcp.sandbox.app", "authlib"} <= set(
            started["at_call"]
        )


def test_the_account_types_are_the_specs() -> None:
    # One declaration, shared by the tools' schema and the client's models, kept to the spec's enum.
    spec_types = load_spec()["components"]["schemas"]["AccountType"]["enum"]
    assert list(get_args(settings.AccountType)) == spec_types
