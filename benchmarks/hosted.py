"""Measurement 7: hosted replicas behind a load balancer, at Xero's limits, and what HTTP costs per call against stdio.

The process topology of deploy/docker-compose.yml (benchmarks/_fleet.py): a served sandbox with Xero's limits, its
clock five times faster than real time (as in tests/replicas/test_fleet.py: a faster clock also multiplies the real
time each call takes, which is not pacing); one or two `xero-mcp serve --transport http` replicas in hosted mode on
one PostgreSQL and one Redis; a small round-robin balancer; a person signed in through it. 600 reads of one
organisation are issued at once through the balancer (see `burst`). Overhead: the same tool called one at a time over
Streamable HTTP through the balancer, and over stdio (a single-user `xero-mcp serve` on the same sandbox with limits
off), alternating.
"""

from __future__ import annotations

import os
import time

import anyio
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from benchmarks._fleet import Burst, Fleet, burst
from benchmarks._harness import REPO_ROOT, Measurement, Options, Row, median, p95

NAME = "hosted"
TITLE = "Replicas at Xero's limits"
READS = 600
LIMIT_PER_MINUTE = 60
TARGET_FRACTION = 0.95
CLOCK_RATE = 5.0
TOOL = "list_accounts"
REDIS_URL = os.environ.get("XERO_MCP_REDIS_URL_BENCH") or os.environ.get(
    "XERO_MCP_TEST_REDIS_URL", "redis://127.0.0.1:6379/15"
)
DATABASE_URL = os.environ.get("XERO_MCP_DATABASE_URL_BENCH") or os.environ.get(
    "XERO_MCP_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


async def _throughput(replicas: int) -> Burst:
    fleet = Fleet(REDIS_URL, DATABASE_URL, replicas_wanted=replicas, clock_rate=CLOCK_RATE)
    await fleet.start()
    try:
        return await burst(fleet, TOOL, READS)
    finally:
        await fleet.stop()


async def _overhead(calls: int) -> tuple[list[float], list[float]]:
    fleet = Fleet(REDIS_URL, DATABASE_URL, replicas_wanted=1, clock_rate=1.0, limits=False)
    await fleet.start()
    try:
        params = StdioServerParameters(
            command=fleet.python(),
            args=["-m", "xero_mcp", "serve", "--toolsets", "all"],
            env={**{k: v for k, v in os.environ.items() if not k.startswith("XERO_")}, **fleet.single_user_env()},
            cwd=REPO_ROOT,
        )
        http_ms: list[float] = []
        stdio_ms: list[float] = []
        async with (
            fleet.session() as over_http,
            stdio_client(params) as (read, write),
            ClientSession(read, write) as over_stdio,
        ):
            await over_stdio.initialize()
            await over_http.list_tools()
            await over_stdio.list_tools()
            for number in range(20 + calls):
                started = time.perf_counter()
                await over_http.call_tool(TOOL, {})
                middle = time.perf_counter()
                await over_stdio.call_tool(TOOL, {})
                done = time.perf_counter()
                if number >= 20:
                    http_ms.append((middle - started) * 1000)
                    stdio_ms.append((done - middle) * 1000)
        return http_ms, stdio_ms
    finally:
        await fleet.stop()


def run(options: Options) -> Measurement:
    """Measure the fleet's read rate at Xero's limits with one and two replicas, and HTTP's per-call overhead."""
    result = Measurement(
        NAME,
        TITLE,
        f"{READS} {TOOL} calls at once, by 20 connected clients, through a round-robin balancer to 1 or 2 hosted "
        f"replicas on one PostgreSQL and one Redis, against a served sandbox with Xero's limits and a x{CLOCK_RATE:g} "
        "clock; rate and 429s counted by the sandbox. "
        f"Overhead: {TOOL} one at a time over Streamable HTTP (balancer, 1 replica) and over stdio, alternating.",
    )

    async def measure() -> None:
        for replicas in (1, 2):
            reads = await _throughput(replicas)
            row = result.add(
                Row(
                    f"{READS} reads at once, {replicas} replica{'s' if replicas > 1 else ''}",
                    reads.per_minute,
                    "calls/min",
                    LIMIT_PER_MINUTE,
                    "Xero's limit",
                    target=f">= {TARGET_FRACTION:.2f}x the limit",
                    note=f"{reads.calls} calls, {reads.refused} responses 429; {reads.wall:.0f} s wall",
                )
            )
            row.met = row.ratio is not None and row.ratio >= TARGET_FRACTION and reads.refused == 0
        http_ms, stdio_ms = await _overhead(50 if options.quick else 200)
        for label, pick in (("p50", median), ("p95", p95)):
            result.add(
                Row(
                    f"{TOOL} per call over HTTP (balancer, 1 replica), {label}",
                    pick(http_ms),
                    "ms",
                    pick(stdio_ms),
                    f"stdio {label}",
                )
            )

    anyio.run(measure)
    return result
