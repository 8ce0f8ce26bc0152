"""Two hosted replicas behind a load balancer on one PostgreSQL and one Redis, against a served sandbox with Xero's
limits on.

The topology of docker-compose.yml, run as processes (see benchmarks/_fleet.py): the replicas run in hosted mode
(XERO_MCP_AUTH=oauth), and the person signs in once through the balancer with the mcp SDK's OAuth client. The sandbox
clock runs five times faster than real time, and so does the replicas' pacing, so Xero's minute windows pass in
seconds. Every count comes from the sandbox itself (requests served, 429s, token requests, records), not from the
replicas.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from prometheus_client.parser import text_string_to_metric_families

from benchmarks._fleet import Fleet, burst, tool_json

REDIS_URL = os.environ.get("XERO_MCP_TEST_REDIS_URL")
DATABASE_URL = os.environ.get("XERO_MCP_TEST_DATABASE_URL")

# Fast enough that ten sandbox minutes take two real ones, slow enough that a call's real latency (tens of
# milliseconds on a busy machine) stays a small part of a sandbox minute.
CLOCK_RATE = 5.0

pytestmark = pytest.mark.skipif(
    not (REDIS_URL and DATABASE_URL),
    reason="XERO_MCP_TEST_REDIS_URL and XERO_MCP_TEST_DATABASE_URL are needed: the replicas share Redis and PostgreSQL",
)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def fleet() -> AsyncIterator[Fleet]:
    """One fleet for the module: starting three processes and signing in is the slow part."""
    started = Fleet(REDIS_URL or "", DATABASE_URL or "", replicas_wanted=2, clock_rate=CLOCK_RATE)
    try:
        await started.start()
        yield started
    finally:
        await started.stop()


async def _count(fleet: Fleet, method: str, route: str) -> int:
    routes: list[dict[str, Any]] = (await fleet.stats())["requests"]["byRoute"]
    return sum(int(r["count"]) for r in routes if r["route"] == route and r["method"] == method)


async def _writes(fleet: Fleet, route: str) -> int:
    return await _count(fleet, "PUT", route) + await _count(fleet, "POST", route)


async def _contacts_named(fleet: Fleet, name: str) -> list[dict[str, Any]]:
    async with fleet.session() as session:
        found = tool_json(await session.call_tool("list_records", {"kind": "contact", "search": name}))
    return [contact for contact in found["items"] if contact["name"] == name]


@pytest.mark.asyncio(loop_scope="module")
async def test_600_reads_at_once_across_both_replicas_use_at_least_95_percent_of_60_a_minute_with_no_429(
    fleet: Fleet,
) -> None:
    reads = await burst(fleet, "list_accounts", 600)
    print(f"\n600 reads: {reads.calls} Xero calls in {reads.elapsed:.0f} sandbox s = {reads.per_minute:.1f} a minute")
    assert reads.calls == 600
    assert reads.refused == 0
    assert reads.per_minute >= 0.95 * 60
    assert reads.per_minute <= 60.0 + 1e-9
    # Each replica's /metrics (behind the metrics token) counted its share of those calls, and no 429.
    answered = rate_limited = 0.0
    for index in range(len(fleet.replicas)):
        for family in text_string_to_metric_families(await fleet.metrics(index)):
            for sample in family.samples:
                if sample.name == "xero_mcp_xero_calls_total" and sample.labels["endpoint"] == "/Accounts":
                    answered += sample.value if sample.labels["status"] == "200" else 0
                rate_limited += sample.value if sample.name == "xero_mcp_xero_rate_limited_total" else 0
    assert answered >= 600
    assert rate_limited == 0


@pytest.mark.asyncio(loop_scope="module")
async def test_the_same_create_through_both_replicas_at_once_makes_one_record(fleet: Fleet) -> None:
    for variant, bodies in {
        "identical": [{"name": "Fleet Identical Ltd", "email_address": "same@fleet.test"}] * 4,
        "different": [
            {"name": "Fleet Different Ltd", "email_address": f"person{index}@fleet.test"} for index in range(4)
        ],
    }.items():

        async def create(replica: int, body: dict[str, str]) -> Any:
            async with fleet.session(f"{fleet.replicas[replica].url}/mcp") as session:
                return await session.call_tool("save_contact", body)

        results = await asyncio.gather(*(create(index % 2, body) for index, body in enumerate(bodies)))
        assert all(not result.is_error for result in results), variant
        [made] = await _contacts_named(fleet, bodies[0]["name"])
        # The replicas met at the natural key's claim row in PostgreSQL: one row, which now records the contact.
        assert (await fleet.ledger()).count(made["contact_id"]) == 1, variant


@pytest.mark.asyncio(loop_scope="module")
async def test_fifty_calls_with_an_expired_token_across_both_replicas_cause_exactly_one_refresh(fleet: Fleet) -> None:
    # Two hours on: every access token the sandbox issued has expired.
    await fleet.advance(7200)
    before = (await fleet.stats())["tokenRequests"].get("refresh_token", 0)

    async def read() -> None:
        async with fleet.session() as session:
            result = await session.call_tool("list_accounts", {})
            assert not result.is_error, result.content

    await asyncio.gather(*(read() for _ in range(50)))
    after = (await fleet.stats())["tokenRequests"].get("refresh_token", 0)
    assert after - before == 1


@pytest.mark.asyncio(loop_scope="module")
async def test_a_replica_killed_with_writes_in_flight_loses_and_doubles_nothing_after_a_retry_through_the_other(
    fleet: Fleet,
) -> None:
    names = [f"Fleet Crash {index} Ltd" for index in range(6)]
    writes_before = await _writes(fleet, "/Contacts")
    # The sandbox commits these creates, then holds the answers back: they are in flight when the replica dies.
    await fleet.sandbox_control("faults", {"method": "*", "path": "/Contacts", "kind": "slow", "count": 3, "delay": 30})

    async def create_on_first(name: str) -> None:
        async with fleet.session(f"{fleet.replicas[0].url}/mcp") as session:
            await session.call_tool("save_contact", {"name": name})

    in_flight = [asyncio.create_task(create_on_first(name)) for name in names]
    try:
        # Waiting for the sandbox to have taken the writes in: polling, not timing.
        for _ in range(600):
            if await _writes(fleet, "/Contacts") >= writes_before + 3:
                break
            await asyncio.sleep(0.05)
        fleet.kill(0)
    finally:
        for task in in_flight:
            task.cancel()
        await asyncio.gather(*in_flight, return_exceptions=True)
    await fleet.clear_faults()
    assert await _writes(fleet, "/Contacts") >= writes_before + 3
    try:
        async with fleet.session() as session:
            for result in await asyncio.gather(*(session.call_tool("save_contact", {"name": n}) for n in names)):
                assert not result.is_error, result.content
        for name in names:
            assert len(await _contacts_named(fleet, name)) == 1, name
        # The dead replica's claims were recovered by looking the records up in Xero: no key is left claimed.
        assert None not in await fleet.ledger()
    finally:
        await fleet.start_replica(0)


@pytest.mark.asyncio(loop_scope="module")
async def test_a_stopped_replica_finishes_its_calls_in_flight_before_exiting(fleet: Fleet) -> None:
    await fleet.sandbox_control(
        "faults", {"method": "GET", "path": "/Accounts", "kind": "slow", "count": 1, "delay": 2}
    )

    async def slow_read() -> Any:
        async with fleet.session(f"{fleet.replicas[1].url}/mcp") as session:
            # The client checks a result against the tool's output schema, listing tools first if it has not yet:
            # list them now, so the only request in flight at the signal is the call itself.
            await session.list_tools()
            return await session.call_tool("list_accounts", {})

    reads_before = await _count(fleet, "GET", "/Accounts")
    reading = asyncio.create_task(slow_read())
    for _ in range(600):
        if await _count(fleet, "GET", "/Accounts") > reads_before:
            break
        await asyncio.sleep(0.05)
    status = await asyncio.to_thread(fleet.terminate, 1)
    result = await reading
    await fleet.start_replica(1)
    assert not result.is_error, result.content
    # uvicorn stops on SIGTERM after the calls in flight, then ends by the signal it caught, as its shells expect.
    assert status in (0, -signal.SIGTERM)


@pytest.mark.asyncio(loop_scope="module")
async def test_a_trigger_consumer_alternating_replicas_gets_every_change_once_also_when_one_dies_before_the_ack(
    fleet: Fleet,
) -> None:
    delivered: list[str] = []

    async def poll(cursor: str | None) -> str:
        async with fleet.session() as session:
            result = tool_json(
                await session.call_tool(
                    "poll_changes", {"entity": "contacts", **({"cursor": cursor} if cursor else {})}
                )
            )
        delivered.extend(contact["name"] for contact in [*result["created"], *result["updated"]])
        return str(result["cursor"])

    async def create(name: str) -> None:
        async with fleet.session() as session:
            assert not (await session.call_tool("save_contact", {"name": name})).is_error

    cursor = await poll(None)
    for name in ("Trigger One Ltd", "Trigger Two Ltd"):
        await create(name)
    cursor = await poll(cursor)
    # Delivered, not yet acknowledged (the ack is the next poll carrying this cursor): one replica dies now.
    fleet.kill(0)
    try:
        await create("Trigger Three Ltd")
        cursor = await poll(cursor)
        cursor = await poll(cursor)
    finally:
        await fleet.start_replica(0)
    await create("Trigger Four Ltd")
    for _ in range(3):
        cursor = await poll(cursor)
    wanted = ["Trigger One Ltd", "Trigger Two Ltd", "Trigger Three Ltd", "Trigger Four Ltd"]
    assert sorted(name for name in delivered if name.startswith("Trigger ")) == sorted(wanted)
