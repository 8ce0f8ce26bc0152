"""A tool call carrying an amount or date Xero cannot accept ends as a tool error naming the field and the limit,
and nothing is sent to Xero (so nothing is retried)."""

from __future__ import annotations

from mcp import Client

from tests.tools._calls import fails, ok
from xero_mcp.sandbox.app import Sandbox


async def test_an_invoice_with_an_amount_of_1e308_is_refused_before_any_request(
    mcp_client: Client, sandbox: Sandbox
) -> None:
    lines = [{"description": "Absurd", "quantity": 1, "unit_amount": 1e308, "account": "200"}]
    before = sandbox.request_counts.by_route[("PUT", "/Invoices")]
    message = await fails(
        mcp_client, "create_document", kind="invoice", contact="Owner A", lines=lines, allow_duplicate=True
    )
    assert "unit_amount" in message and "9,999,999,999.99" in message
    assert sandbox.request_counts.by_route[("PUT", "/Invoices")] == before
    # The same call with a possible amount is sent once: the count above does watch the request.
    lines[0]["unit_amount"] = 9999999999.99
    await ok(mcp_client, "create_document", kind="invoice", contact="Owner A", lines=lines, allow_duplicate=True)
    assert sandbox.request_counts.by_route[("PUT", "/Invoices")] == before + 1


async def test_an_invoice_dated_9999_12_31_is_refused_before_any_request(mcp_client: Client, sandbox: Sandbox) -> None:
    lines = [{"description": "Far future", "quantity": 1, "unit_amount": 10, "account": "200"}]
    before = sandbox.request_counts.by_route[("PUT", "/Invoices")]
    message = await fails(
        mcp_client,
        "create_document",
        kind="invoice",
        contact="Owner A",
        lines=lines,
        date="9999-12-31",
        allow_duplicate=True,
    )
    assert "1753-01-01" in message and "9998-12-31" in message
    assert sandbox.request_counts.by_route[("PUT", "/Invoices")] == before
