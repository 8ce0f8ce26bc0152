"""`xero-mcp demo`: the automations integration platforms sell for Xero, run through a real MCP client session.

The demo starts `xero-mcp serve --sandbox` as a subprocess, talks to it over stdio with the MCP SDK's client, and
runs each automation as a model would: trigger -> look up -> act. Every call and a short view of its result is
printed. It exits 0 only if every step worked.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import sys
import tempfile
from collections.abc import Mapping
from typing import Any

from mcp import Client, StdioServerParameters
from mcp.types import CallToolResult


class DemoFailed(Exception):
    """A step of the demo did not do what it should."""


class Demo:
    """Calls tools, prints each call and its result, and fails loudly on a tool error."""

    def __init__(self, client: Client) -> None:
        self._client = client
        self.calls = 0

    async def call(self, tool: str, **arguments: Any) -> dict[str, Any]:
        self.calls += 1
        shown = json.dumps(arguments, default=str)
        print(f"  -> {tool}({shown[1:-1] if shown != '{}' else ''})")
        result: CallToolResult = await self._client.call_tool(tool, arguments)
        text = " ".join(getattr(block, "text", "") for block in result.content)
        if result.is_error:
            print(f"  <- ERROR: {text}")
            raise DemoFailed(f"{tool} failed: {text}")
        data: dict[str, Any] = dict(result.structured_content or {})
        print(f"  <- {_summary(data)}")
        return data


def _summary(data: Mapping[str, Any], limit: int = 220) -> str:
    text = json.dumps(data, default=str, separators=(", ", ": "))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _only(records: list[dict[str, Any]], what: str) -> dict[str, Any]:
    if not records:
        raise DemoFailed(f"the trigger delivered no {what}")
    return records[0]


async def contact_to_history(demo: Demo, stamp: str) -> None:
    print("\n1. New or updated contact -> get contact -> add note to history")
    first = await demo.call("poll_contacts")
    await demo.call(
        "create_contact", name=f"Harbour View Cafe {stamp}", email_address=f"accounts+{stamp}@harbourview.example"
    )
    changes = await demo.call("poll_contacts", cursor=first["cursor"])
    contact = _only(changes["created"], "new contact")
    details = await demo.call("get_contact", contact=contact["contact_id"])
    await demo.call(
        "add_history_note",
        entity="contact",
        record_id=details["contact_id"],
        note="Welcome pack sent by the onboarding automation.",
    )


async def bill_to_history(demo: Demo, stamp: str) -> None:
    print("\n2. New or updated bill -> find bill -> add note to history")
    first = await demo.call("poll_bills")
    await demo.call("find_or_create_contact", name="PowerDirect", email_address="billing@powerdirect.example")
    await demo.call(
        "create_bill",
        contact="PowerDirect",
        reference=f"PD-{stamp}",
        lines=[
            {
                "description": "Electricity, October",
                "quantity": 1,
                "unit_amount": "245.80",
                "account": "Light, Power, Heating",
            }
        ],
        status="AUTHORISED",
    )
    changes = await demo.call("poll_bills", cursor=first["cursor"])
    bill = _only(changes["created"], "new bill")
    found = await demo.call("get_bill", bill=bill["invoice_id"])
    await demo.call(
        "add_history_note", entity="bill", record_id=found["invoice_id"], note="Checked against the meter reading."
    )


async def invoice_to_email(demo: Demo, stamp: str) -> None:
    print("\n3. New or updated sales invoice -> send invoice email")
    first = await demo.call("poll_sales_invoices")
    await demo.call("find_or_create_contact", name="Ridgeway University", email_address="ap@ridgeway.example")
    await demo.call(
        "create_invoice",
        contact="Ridgeway University",
        lines=[{"description": "Workshop facilitation", "quantity": 2, "unit_amount": "650", "account": "200"}],
        reference=f"WS-{stamp}",
        status="AUTHORISED",
    )
    changes = await demo.call("poll_sales_invoices", cursor=first["cursor"])
    invoice = _only(changes["created"], "new sales invoice")
    # This client cannot ask its user (no elicitation), so email_invoice previews first and returns a one-time
    # token; the demo plays the user who agrees and sends the token back.
    preview = await demo.call("email_invoice", invoice=invoice["invoice_id"])
    if not preview.get("done"):
        print(f"     (the user agrees: {preview.get('preview')})")
        await demo.call("email_invoice", invoice=invoice["invoice_id"], confirm_token=preview["confirm_token"])


async def credit_note_to_allocation(demo: Demo, stamp: str) -> None:
    print("\n4. New or updated credit note -> allocate it to an outstanding invoice")
    customer = f"Coastal Catering {stamp}"
    await demo.call("find_or_create_contact", name=customer, email_address=f"events+{stamp}@coastal.example")
    await demo.call(
        "create_invoice",
        contact=customer,
        lines=[{"description": "Event catering", "quantity": 1, "unit_amount": "900", "account": "200"}],
        status="AUTHORISED",
    )
    first = await demo.call("poll_credit_notes")
    await demo.call(
        "create_credit_note",
        contact=customer,
        lines=[{"description": "Refund: one tray short", "quantity": 1, "unit_amount": "120", "account": "200"}],
        status="AUTHORISED",
    )
    changes = await demo.call("poll_credit_notes", cursor=first["cursor"])
    credit_note = _only(changes["created"], "new credit note")
    outstanding = await demo.call("list_invoices", contact=customer, statuses=["AUTHORISED"])
    invoice = _only(outstanding["items"], "outstanding invoice")
    await demo.call(
        "allocate_credit_note",
        credit_note=credit_note["credit_note_id"],
        invoice=invoice["invoice_id"],
        amount=str(credit_note["remaining_credit"]),
    )


async def invoice_a_customer(demo: Demo, stamp: str) -> None:
    print("\n5. Invoice a customer end to end: find or create the contact, invoice, approve, pay, aged receivables")
    found = await demo.call(
        "find_or_create_contact", name=f"Acme Analytics {stamp}", email_address=f"ap+{stamp}@acme.example"
    )
    contact = found.get("contact") or found
    invoice = await demo.call(
        "create_invoice",
        contact=contact["contact_id"],
        lines=[{"description": "Consulting", "quantity": 3, "unit_amount": "150", "account": "200"}],
    )
    approved = await demo.call("approve_invoice", invoice=invoice["invoice_id"])
    await demo.call(
        "create_payment",
        invoice=approved["invoice_id"],
        amount=str(approved["amount_due"]),
        account="Business Bank Account",
    )
    await demo.call("get_report", report="AgedReceivablesByContact", contact=contact["contact_id"])


async def run(params: StdioServerParameters) -> int:
    """Run every automation against a fresh sandbox server; 0 when all of them worked."""
    stamp = dt.datetime.now(dt.UTC).strftime("%H%M%S")
    print("xero-mcp demo: starting `xero-mcp serve --sandbox` and connecting over stdio")
    async with Client(params) as client:
        demo = Demo(client)
        tenants = await demo.call("list_tenants")
        print(f"  ({len(tenants.get('tenants', []))} sandbox organisations connected)")
        try:
            for step in (contact_to_history, bill_to_history, invoice_to_email, credit_note_to_allocation):
                await step(demo, stamp)
            await invoice_a_customer(demo, stamp)
        except DemoFailed as exc:
            print(f"\nDemo failed: {exc}", file=sys.stderr)
            return 1
    print(f"\nAll automations ran: {demo.calls} tool calls through one MCP session.")
    return 0


def run_demo() -> int:
    """Entry point of `xero-mcp demo`."""
    with tempfile.TemporaryDirectory(prefix="xero-mcp-demo-") as state_dir:
        env = {**os.environ, "XERO_MCP_STATE_DIR": state_dir}
        for name in ("XERO_ACCESS_TOKEN", "XERO_CLIENT_ID", "XERO_CLIENT_SECRET", "XERO_TENANT_ID"):
            env.pop(name, None)
        params = StdioServerParameters(
            command=sys.executable, args=["-m", "xero_mcp", "serve", "--sandbox", "--toolsets", "all"], env=env
        )
        return asyncio.run(run(params))
