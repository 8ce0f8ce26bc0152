"""Lookups made on the side of a call (the ShortCode for deep links, the time zone) never break the call itself,
and once made they are not made again: a warm server spends its API calls on the job."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import httpx2
from mcp import Client

from tests.tools._calls import ok
from tests.tools.conftest import MakeClient
from xero_mcp.config import Settings
from xero_mcp.local import LocalSandbox, open_backend, sandbox_settings
from xero_mcp.sandbox.app import Sandbox
from xero_mcp.server import build_server
from xero_mcp.tools._context import Backend

AUCKLAND = "Second Street Trading"  # its Organisation.Timezone is NEWZEALANDSTANDARDTIME
LINE = [{"description": "Harbour tour", "quantity": 1, "unit_amount": "80", "account": "Sales"}]


class _NoOrganisationScope(httpx2.AsyncBaseTransport):
    """Answers GET /Organisation as Xero does for a token without the settings scope; passes the rest through."""

    def __init__(self, inner: httpx2.AsyncBaseTransport) -> None:
        self._inner = inner
        self.refused = 0

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        if request.method == "GET" and request.url.path.endswith("/Organisation"):
            self.refused += 1
            body = {"Type": None, "Title": "Forbidden", "Status": 403, "Detail": "AuthorizationUnsuccessful"}
            return httpx2.Response(403, headers={"content-type": "application/json"}, content=json.dumps(body).encode())
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


async def test_reads_and_writes_answer_with_plain_links_when_organisation_is_refused(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    # Without the organisation's time zone (or Xero's clock, read from the same answer) a document is dated on
    # the UTC day by this machine's clock, and that date is sent explicitly.
    days = {datetime.now(UTC).date().isoformat()}
    settings = sandbox_settings(Settings(toolsets=("all",), state_dir=tmp_path / "state"))
    transports: list[_NoOrganisationScope] = []

    def refuse(inner: httpx2.AsyncBaseTransport) -> httpx2.AsyncBaseTransport:
        transports.append(_NoOrganisationScope(inner))
        return transports[-1]

    async def factory() -> Backend:
        return await open_backend(LocalSandbox(sandbox, settings), wrap_transport=refuse)

    server, context = build_server(settings, factory)
    try:
        async with Client(server) as client:
            contact = await ok(client, "get_contact", contact="Kowhai Kitchens", tenant=AUCKLAND)
            listed = await ok(client, "list_records", kind="contact", search="Kowhai", tenant=AUCKLAND)
            invoice = await ok(
                client, "create_document", kind="invoice", contact="Kowhai Kitchens", lines=LINE, tenant=AUCKLAND
            )
            again = await ok(client, "get_invoice", invoice=invoice["invoice_id"], tenant=AUCKLAND)
    finally:
        await context.aclose()
    days.add(datetime.now(UTC).date().isoformat())
    assert contact["name"] == "Kowhai Kitchens" and contact.get("url") is None
    assert [item.get("url") for item in listed["items"]] == [None]
    assert invoice["date"] in days and invoice.get("url") is None
    assert again["invoice_id"] == invoice["invoice_id"]
    # A refusal is final for the organisation: asked once, not on every call.
    assert sum(transport.refused for transport in transports) == 1


async def _invoice_new_customer(client: Client, number: int) -> None:
    contact = await ok(
        client, "find_or_create_contact", name=f"Harbour Cafe {number}", email_address=f"c{number}@x.test"
    )
    line = {"description": "Catering", "quantity": 1, "unit_amount": 250 + number, "account": "200"}
    invoice = await ok(
        client, "create_document", kind="invoice", contact=contact["contact_id"], status="AUTHORISED", lines=[line]
    )
    preview = await ok(client, "email_invoice", invoice=invoice["invoice_id"])
    await ok(client, "email_invoice", invoice=invoice["invoice_id"], confirm_token=preview["confirm_token"])
    await ok(client, "create_payment", invoice=invoice["invoice_id"], amount=invoice["amount_due"], bank_account="090")


async def test_invoicing_a_new_customer_end_to_end_takes_six_api_calls_once_warm(
    make_client: MakeClient, sandbox: Sandbox
) -> None:
    async with make_client() as client:
        await _invoice_new_customer(client, 1)  # the session's one-time lookups: organisation, chart of accounts
        sandbox.request_counts.reset()
        await _invoice_new_customer(client, 2)
    routes = {f"{method} {route}": count for (method, route), count in sandbox.request_counts.by_route.items()}
    # The five the job needs, plus create_payment's read of the invoice: its payments are the payment's
    # find-before-create, and its status and amount due are Xero's payment rules, checked before writing.
    assert sandbox.request_counts.total == 6, routes
    assert routes.get("GET /Invoices/{id}") == 1 and "GET /Invoices" not in routes and "GET /Organisation" not in routes
