"""Measurement 6: the scale of the sandbox itself, so that the other measurements measure xero-mcp, not the emulator.

Requests per second for a list call through the in-process transport, beside a Starlette app that returns the same
bytes without doing anything (the floor of ASGI plus httpx2 in one process); and the cost of a `where` query and of
a page read as one organisation grows from 1,000 to 10,000 to 100,000 invoices.
"""

from __future__ import annotations

from datetime import UTC, datetime

import anyio
import httpx2
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from benchmarks._bulk import InvoiceLoader
from benchmarks._harness import Measurement, Options, Row, Stopwatch, median
from xero_mcp.sandbox.app import API_PREFIX, Sandbox, SandboxConfig, create_sandbox
from xero_mcp.sandbox.limits import LimitConfig
from xero_mcp.sandbox.transport import SandboxTransport

NAME = "sandbox_scale"
TITLE = "Scale of the sandbox"
BASE_URL = "http://sandbox.benchmark" + API_PREFIX
START = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
SIZES = (1_000, 10_000, 100_000)
LIST_PATH = "/Accounts"


def _floor_app(body: bytes, headers: dict[str, str]) -> Starlette:
    async def fixed(request: Request) -> Response:
        del request
        return Response(body, headers=headers)

    return Starlette(routes=[Route(API_PREFIX + LIST_PATH, fixed)])


async def requests_per_second(client: httpx2.AsyncClient, path: str, calls: int) -> float:
    """Sequential GETs of `path` per second of wall time, after a short warm-up; every answer must be a 200."""
    for _ in range(20):
        (await client.get(path)).raise_for_status()
    watch = Stopwatch()
    for _ in range(calls):
        response = await client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
    return calls / watch.elapsed()


async def query_ms(client: httpx2.AsyncClient, path: str, params: dict[str, str], repeats: int) -> float:
    """Median milliseconds of one GET with these parameters (one warm-up call first)."""
    (await client.get(path, params=params)).raise_for_status()
    samples: list[float] = []
    for _ in range(repeats):
        watch = Stopwatch()
        response = await client.get(path, params=params)
        samples.append(watch.elapsed() * 1000)
        response.raise_for_status()
    return median(samples)


def _client(transport: httpx2.AsyncBaseTransport, sandbox: Sandbox, tenant_id: str) -> httpx2.AsyncClient:
    token = sandbox.identity.issue_token()
    headers = {"Authorization": f"Bearer {token}", "xero-tenant-id": tenant_id, "Accept": "application/json"}
    return httpx2.AsyncClient(transport=transport, base_url=BASE_URL, headers=headers)


async def _measure(result: Measurement, options: Options) -> None:
    sandbox = create_sandbox(SandboxConfig(limits=LimitConfig(enabled=False), start=START, frozen_clock=True))
    tenant_id = sandbox.tenant_ids()[0]
    calls = options.repeat(2_000, 300)
    repeats = options.repeat(30, 8)

    async with _client(sandbox.transport(), sandbox, tenant_id) as api:
        sample = await api.get(LIST_PATH)
        sample.raise_for_status()
        accounts = len(sample.json()["Accounts"])
        served = await requests_per_second(api, LIST_PATH, calls)
        floor_headers = {"content-type": sample.headers["content-type"]}
        floor = _floor_app(sample.content, floor_headers)
        async with _client(SandboxTransport(floor), sandbox, tenant_id) as bare:
            ceiling = await requests_per_second(bare, LIST_PATH, calls)
        result.add(
            Row(
                f"sandbox GET {LIST_PATH} ({accounts} accounts, {len(sample.content):,} bytes), sequential",
                served,
                "req/s",
                ceiling,
                "Starlette app returning the same bytes, same transport",
                note=f"{calls:,} calls",
            )
        )

        loader = InvoiceLoader(sandbox, tenant_id)
        customer = loader.customers[7]["ContactID"]
        where = f'Type=="ACCREC" AND Status=="AUTHORISED" AND Contact.ContactID==guid("{customer}")'
        queries = {
            # Ten matches per customer at the smallest size: every size returns the same ten-invoice page, so any
            # growth is the query's, not the response's.
            "where query": {"where": where, "page": "1", "pageSize": "10"},
            "page read": {"page": "5"},
        }
        timings: dict[str, dict[int, float]] = {name: {} for name in queries}
        load_seconds = 0.0
        for size in SIZES:
            watch = Stopwatch()
            loader.add(size - loader.loaded)
            load_seconds += watch.elapsed()
            for name, params in queries.items():
                timings[name][size] = await query_ms(api, "/Invoices", params, repeats)

    smallest = SIZES[0]
    for name, by_size in timings.items():
        for size in SIZES[1:]:
            result.add(
                Row(
                    f"{name} at {size:,} invoices",
                    by_size[size],
                    "ms",
                    by_size[smallest],
                    f"at {smallest:,} invoices",
                    note=f"{size // smallest}x the data",
                )
            )
    result.method += f" Loading {SIZES[-1]:,} invoices took {load_seconds:.1f} s."


def run(options: Options) -> Measurement:
    """Measure the sandbox's request rate and how its queries grow with the organisation's size."""
    result = Measurement(
        NAME,
        TITLE,
        "in process through the sandbox's httpx2 transport, limits off: requests/s of sequential GETs after 20 "
        'warm-up calls; where = Type=="ACCREC" AND Status=="AUTHORISED" AND Contact.ContactID==guid(one of 50 '
        "customers), first page of 10; page read = GET /Invoices?page=5 (100 per page, UpdatedDateUTC order); "
        f"median ms of {options.repeat(30, 8)} calls at each size; invoices: copies of rule-built invoices "
        "written in one transaction.",
    )
    anyio.run(_measure, result, options)
    return result
