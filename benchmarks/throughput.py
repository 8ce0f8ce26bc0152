"""Measurement 5: throughput under Xero's limits, in sandbox minutes.

600 reads for one organisation against a sandbox enforcing Xero's real limits (60 calls a minute, 5 in progress),
issued all at once so that only xero-mcp's client keeps them inside the limits. The client waits on the sandbox's
fast-forward clock (benchmarks/_fast.py), so ten sandbox minutes pass in a second or two of wall time while every
limit is enforced on the same clock.
"""

from __future__ import annotations

import asyncio

import anyio

from benchmarks._fast import RecordingTransport, open_fast_backend
from benchmarks._harness import Measurement, Options, Row, Stopwatch
from xero_mcp.config import Settings
from xero_mcp.local import start_sandbox

NAME = "throughput"
TITLE = "Throughput under Xero's limits"
READS = 600
LIMIT_PER_MINUTE = 60
TARGET_FRACTION = 0.95


async def _measure(result: Measurement) -> None:
    local = start_sandbox(Settings())
    sandbox = local.sandbox
    recorder = RecordingTransport(sandbox.transport(), sandbox.clock.now)
    backend = await open_fast_backend(local, transport=recorder)
    try:
        tenant = await backend.auth.resolve_tenant(None)
        api = backend.client.tenant(tenant.tenant_id if backend.auth.needs_tenant_header else None)
        # Let the sign-in's calls age out of every window, so the run starts with the full allowance.
        sandbox.clock.advance(120)
        recorder.responses.clear()
        sandbox.request_counts.reset()
        watch = Stopwatch()
        # One read more than counted: the rate is READS calls over the time from the first call to the next one.
        await asyncio.gather(*(api.accounts.list() for _ in range(READS + 1)))
        wall = watch.elapsed()
    finally:
        for close in reversed(backend.closers):
            await close()

    ok = sorted(when for status, when in recorder.responses if status == 200)
    refused = sum(1 for status, _ in recorder.responses if status == 429)
    span_minutes = (ok[READS] - ok[0]).total_seconds() / 60
    rate = READS / span_minutes if span_minutes > 0 else None
    achieved = result.add(
        Row(
            f"{READS} reads, one organisation, all issued at once",
            rate,
            "calls/min",
            LIMIT_PER_MINUTE,
            "Xero's limit",
            target=f">= {TARGET_FRACTION:.2f}x the limit",
            note=f"{span_minutes:.1f} sandbox min in {wall:.1f} s wall",
        )
    )
    achieved.met = achieved.ratio is not None and achieved.ratio >= TARGET_FRACTION
    result.add(
        Row(
            "429 responses received",
            refused,
            "responses",
            target="0",
            met=refused == 0,
            note=f"{sandbox.request_counts.total} calls served",
        )
    )


def run(options: Options) -> Measurement:
    """Measure the read rate xero-mcp's client sustains under Xero's limits, and the 429s it collects."""
    del options  # one run of 600 reads is the measurement; it takes seconds
    result = Measurement(
        NAME,
        TITLE,
        f"{READS + 1} accounts.list() calls gathered at once through XeroClient against a sandbox with Xero's limits "
        "(60/min, 5 concurrent), the client's sleep advancing the sandbox clock and its clock reading it; "
        f"rate = {READS} calls / sandbox time from the first 200 response to the {READS + 1}st; 429s counted at "
        "the transport.",
    )
    anyio.run(_measure, result)
    return result
