"""Measurement 4: Xero API calls per job, counted where Xero would count them (at the sandbox), beside the minimum.

Every call an organisation makes comes out of its 60 a minute and 5,000 a day, so a job that takes more calls than
Xero's API needs for it costs the user throughput. Jobs run through an in-memory MCP client against the server that
`xero-mcp serve --sandbox` builds (`build_server` with a sandbox backend), after one warm-up call that does the
session's one-time work (sign-in, the organisation's ShortCode for deep links); the batch job uses the client
directly, as nothing but the client batches.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any, cast

import anyio
from mcp import Client

from benchmarks._bulk import InvoiceLoader
from benchmarks._fast import open_fast_backend
from benchmarks._harness import Measurement, Options, Row
from xero_mcp.client.models import ContactRef, InvoiceCreate, LineItemInput
from xero_mcp.config import Settings
from xero_mcp.local import LocalSandbox, start_sandbox
from xero_mcp.sandbox.app import RequestCounts
from xero_mcp.server import build_server
from xero_mcp.tools._context import Backend

NAME = "api_calls"
TITLE = "API calls per job"
POLLED = 5_000
BATCH = 200


@dataclass(frozen=True)
class Job:
    """One job's count and the minimum Xero allows for it, with the argument for that minimum."""

    figure: str
    minimum: int
    why: str


JOBS = {
    "poll": Job(
        f"poll_changes (sales_invoices) after {POLLED:,} invoices changed",
        POLLED // 1000,
        "If-Modified-Since pages of 1,000",
    ),
    "batch": Job(f"create {BATCH} invoices (client create_many)", BATCH // 50, "PUT /Invoices carries 50 per call"),
    "existing": Job("find_or_create_contact, existing contact", 1, "one GET /Contacts search"),
    "new": Job("find_or_create_contact, new contact", 2, "one search, one PUT /Contacts"),
    "invoice_customer": Job(
        "invoice a new customer end to end, first in the session",
        5,
        "find + create contact, PUT /Invoices (AUTHORISED), POST /Invoices/{id}/Email, PUT /Payments",
    ),
    "invoice_customer_again": Job(
        "invoice another new customer end to end (per-organisation lookups cached)",
        5,
        "the same five calls",
    ),
}


def _routes(counts: RequestCounts) -> str:
    parts = [f"{method} {route} x{count}" for (method, route), count in sorted(counts.by_route.items())]
    return ", ".join(parts) or "no calls"


class _Jobs:
    """The running server, its sandbox and a counter reset around each job."""

    def __init__(self, client: Client, local: LocalSandbox, backend: Backend, tenant_id: str) -> None:
        self.client = client
        self.local = local
        self.backend = backend
        self.tenant_id = tenant_id
        self.counts = local.sandbox.request_counts

    async def tool(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        """Call a tool; an error result stops the measurement (a count of a failed job means nothing)."""
        result = await self.client.call_tool(name, arguments)
        if result.is_error:
            raise RuntimeError(f"{name} failed: {result.content}")
        return cast(dict[str, Any], result.structured_content or {})

    async def counted(self, job: Callable[[], Awaitable[None]]) -> tuple[int, str]:
        """Run a job and return the API calls the sandbox served for it, and their routes."""
        self.counts.reset()
        await job()
        return self.counts.total, _routes(self.counts)


async def _measure(result: Measurement) -> None:
    local = start_sandbox(Settings())
    backend = await open_fast_backend(local)

    async def factory() -> Backend:
        return backend

    # All toolsets: the poll_* triggers are not in the default selection.
    server, context = build_server(Settings(toolsets=("all",)), factory)
    tenant = await backend.auth.resolve_tenant(None)
    loader = InvoiceLoader(local.sandbox, tenant.tenant_id)
    counted: dict[str, tuple[int, str]] = {}
    try:
        async with Client(server, raise_exceptions=True) as client:
            jobs = _Jobs(client, local, backend, tenant.tenant_id)
            await jobs.tool("get_organisation", {})

            async def existing() -> None:
                found = await jobs.tool("find_or_create_contact", {"name": loader.customers[3]["Name"]})
                if found.get("created"):
                    raise RuntimeError("an existing contact was created again")

            async def new() -> None:
                await jobs.tool("find_or_create_contact", {"name": "Benchmark Newcomer Ltd"})

            async def batch() -> None:
                customer = ContactRef(contact_id=loader.customers[5]["ContactID"])
                line = LineItemInput(
                    description="Support", quantity=Decimal(1), unit_amount=Decimal("120.00"), account_code="200"
                )
                invoices = [
                    InvoiceCreate(type="ACCREC", contact=customer, line_items=[line], reference=f"batch {n}")
                    for n in range(BATCH)
                ]
                outcomes = await backend.client.tenant(tenant.tenant_id).invoices.create_many(invoices)
                failed = [outcome for outcome in outcomes if outcome.record is None]
                if failed:
                    raise RuntimeError(f"{len(failed)} of {BATCH} invoices were not created: {failed[0].errors}")

            async def invoice_customer(number: int) -> None:
                # A different customer, email and amount each time, so no duplicate check finds the previous run's.
                contact = await jobs.tool(
                    "find_or_create_contact",
                    {"name": f"Harbour Cafe {number}", "email_address": f"accounts{number}@harbour.test"},
                )
                if not contact.get("created"):
                    raise RuntimeError("the new customer was not created")
                contact_id = _find_id(contact, "contact_id")
                line = {"description": "Catering", "quantity": 1, "unit_amount": 250 + number, "account": "200"}
                invoice = await jobs.tool(
                    "create_document",
                    {"kind": "invoice", "contact": contact_id, "status": "AUTHORISED", "lines": [line]},
                )
                if invoice.get("duplicate"):
                    raise RuntimeError("create_document returned an earlier invoice as a duplicate")
                invoice_id = _find_id(invoice, "invoice_id")
                # No elicitation here: the preview (no API call) returns the token the user's "yes" would send.
                preview = await jobs.tool("email_invoice", {"invoice": invoice_id})
                await jobs.tool("email_invoice", {"invoice": invoice_id, "confirm_token": preview["confirm_token"]})
                due = _find_value(invoice, "amount_due") or _find_value(invoice, "total")
                await jobs.tool("create_payment", {"invoice": invoice_id, "amount": due, "bank_account": "090"})

            counted["existing"] = await jobs.counted(existing)
            counted["new"] = await jobs.counted(new)
            counted["batch"] = await jobs.counted(batch)
            counted["invoice_customer"] = await jobs.counted(lambda: invoice_customer(1))
            counted["invoice_customer_again"] = await jobs.counted(lambda: invoice_customer(2))

            changed = loader.add(POLLED)
            started = await jobs.tool("poll_changes", {"entity": "sales_invoices"})
            local.sandbox.clock.advance(1)
            loader.touch(changed, updated_from=local.sandbox.clock.now() + timedelta(seconds=1))
            local.sandbox.clock.advance(POLLED / 1000 + 2)
            polled: dict[str, Any] = {}

            async def poll() -> None:
                polled.update(
                    await jobs.tool("poll_changes", {"entity": "sales_invoices", "cursor": started["cursor"]})
                )

            counted["poll"] = await jobs.counted(poll)
            seen = len(polled.get("created", [])) + len(polled.get("updated", []))
            if seen != POLLED:
                raise RuntimeError(f"the second poll returned {seen} invoices, not the {POLLED} changed")
    finally:
        await context.aclose()

    for key in ("poll", "batch", "existing", "new", "invoice_customer", "invoice_customer_again"):
        job = JOBS[key]
        calls, routes = counted[key]
        row = result.add(Row(job.figure, calls, "calls", job.minimum, f"minimum: {job.why}", note=routes))
        row.target = "= minimum"
        row.met = calls <= job.minimum


def _find_value(data: Any, key: str) -> Any:
    """The first value under `key` anywhere in a structured tool result."""
    if isinstance(data, dict):
        mapping = cast(dict[str, Any], data)
        if key in mapping:
            return mapping[key]
        for value in mapping.values():
            found = _find_value(value, key)
            if found is not None:
                return found
    elif isinstance(data, list):
        for value in cast(list[Any], data):
            found = _find_value(value, key)
            if found is not None:
                return found
    return None


def _find_id(data: dict[str, Any], key: str) -> str:
    value = _find_value(data, key)
    if not isinstance(value, str):
        raise RuntimeError(f"no {key} in the tool result {data}")
    return value


def run(options: Options) -> Measurement:
    """Count the API calls of each job at the sandbox."""
    del options  # counts are exact: nothing to repeat
    result = Measurement(
        NAME,
        TITLE,
        "requests the sandbox served (Sandbox.request_counts: admitted Accounting API calls, sign-in excluded) during "
        "each job, through an in-memory mcp.Client on build_server + a sandbox backend after one warm-up "
        f"get_organisation; {POLLED:,} changed invoices written into the store between the subscription's first "
        "poll and the counted second one.",
    )
    anyio.run(_measure, result)
    return result
