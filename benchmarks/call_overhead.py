"""Measurement 3: what the MCP layer costs per call.

A read tool (`list_accounts`) called over stdio against the sandbox server, beside the same read done directly with
xero-mcp's async client in one process against an in-process sandbox. Both sides run the same client, sign-in and
sandbox; the difference is the MCP layer (JSON-RPC over pipes, argument validation, the tool's projection and its
structured result). Calls alternate between the two sides so that machine noise falls on both alike.
"""

from __future__ import annotations

import anyio
from mcp import ClientSession
from mcp.client.stdio import stdio_client

from benchmarks._fast import open_fast_backend
from benchmarks._harness import Measurement, Options, Row, Stopwatch, median, p95
from benchmarks._servers import fast_sandbox_params
from xero_mcp.client.pagination import Where
from xero_mcp.config import Settings
from xero_mcp.local import start_sandbox

NAME = "call_overhead"
TITLE = "MCP call overhead"
TOOL = "list_accounts"
WARM_UP = 20
TARGET_MS = 5.0


async def _measure(calls: int) -> tuple[list[float], list[float], int]:
    local = start_sandbox(Settings())
    backend = await open_fast_backend(local)
    try:
        tenant = await backend.auth.resolve_tenant(None)
        api = backend.client.tenant(tenant.tenant_id if backend.auth.needs_tenant_header else None)
        active = Where.eq("Status", "ACTIVE")
        params = fast_sandbox_params()
        over_stdio: list[float] = []
        direct: list[float] = []
        accounts = 0
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            for number in range(WARM_UP + calls):
                watch = Stopwatch()
                result = await session.call_tool(TOOL, {})
                stdio_seconds = watch.elapsed()
                if result.is_error:
                    raise RuntimeError(f"{TOOL} failed over stdio: {result.content}")
                watch = Stopwatch()
                listed = await api.accounts.list(where=active)
                direct_seconds = watch.elapsed()
                if number >= WARM_UP:
                    over_stdio.append(stdio_seconds * 1000)
                    direct.append(direct_seconds * 1000)
                    accounts = len(listed)
    finally:
        for close in reversed(backend.closers):
            await close()
    return over_stdio, direct, accounts


def run(options: Options) -> Measurement:
    """Time a read tool over stdio and the same read through the client in process."""
    calls = options.repeat(200, 50)
    result = Measurement(
        NAME,
        TITLE,
        f"{calls} calls each after {WARM_UP} warm-up calls, alternating: `{TOOL}` through the mcp SDK's ClientSession "
        "over stdio to `python -m benchmarks.sandbox_server` (serve --sandbox with the client pacing on the sandbox's "
        "fast-forward clock), and `accounts.list(where=Status==ACTIVE)` through XeroClient against an in-process "
        "sandbox; wall time per call, client-side validation of the structured result included.",
    )
    over_stdio, direct, accounts = anyio.run(_measure, calls)
    overhead = median(over_stdio) - median(direct)
    result.add(
        Row(
            f"{TOOL} over stdio, median ({accounts} accounts)",
            median(over_stdio),
            "ms",
            median(direct),
            "XeroClient in process",
        )
    )
    result.add(Row(f"{TOOL} over stdio, p95", p95(over_stdio), "ms", p95(direct), "XeroClient in process"))
    result.add(
        Row(
            "MCP layer per call (median difference)",
            overhead,
            "ms",
            target=f"< {TARGET_MS:g} ms",
            met=overhead < TARGET_MS,
        )
    )
    return result
