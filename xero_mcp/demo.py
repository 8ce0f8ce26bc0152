"""`xero-mcp demo`: the automations integration platforms sell for Xero, run through a real MCP client session.

The demo starts `xero-mcp serve --sandbox` as a subprocess, talks to it over stdio with the MCP SDK's client, and
runs each automation as a model would: trigger -> look up -> act. Each call is shown as one line and its result as
a table or a sentence (rich: colour and a progress line on a terminal, plain text when piped). It exits 0 only if
every step worked.

Every run starts a fresh sandbox, so the names it creates need no timestamps to be new.
"""

from __future__ import annotations

import asyncio
import io
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from mcp import Client, StdioServerParameters
from mcp.types import CallToolResult
from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

Record = dict[str, Any]


class DemoFailed(Exception):
    """A step of the demo did not do what it should."""


def money(value: Any) -> str:
    """An amount as the demo shows it: thousands separated, two decimals (JSON numbers read through str, exactly)."""
    if value is None or value == "":
        return ""
    return f"{Decimal(str(value)):,.2f}"


def _table(*columns: str, title: str | None = None) -> Table:
    table = Table(
        *columns, box=box.SIMPLE_HEAD, title=title, title_justify="left", show_edge=False, pad_edge=False, expand=False
    )
    for column in table.columns:
        column.overflow = "fold"
        if str(column.header) in {"Total", "Amount due", "Amount", "Remaining credit", "Paid", "Due"}:
            column.justify = "right"
    return table


def document_table(records: Sequence[Mapping[str, Any]], title: str | None = None) -> Table:
    """Invoices, bills and credit notes: number, contact, status, total, what is still due, due date."""
    table = _table("Number", "Contact", "Status", "Total", "Amount due", "Due date", title=title)
    for record in records:
        number = record.get("invoice_number") or record.get("credit_note_number") or ""
        due = record.get("amount_due", record.get("remaining_credit"))
        table.add_row(
            number,
            record.get("contact_name", ""),
            record.get("status", ""),
            money(record.get("total")),
            money(due),
            record.get("due_date", ""),
        )
    return table


def report_table(report: Mapping[str, Any]) -> Table:
    """A report's sections as one table: the label column, then the report's own columns, totals in bold."""
    columns: list[str] = [str(column) for column in report.get("columns", [])]
    titles = [str(title) for title in report.get("titles", []) if title]
    table = _table("", *[column or " " for column in columns], title=" / ".join(titles) or None)
    for column in table.columns[1:]:
        column.justify = "right"
    for section in report.get("sections", []):
        if section.get("title"):
            table.add_row(Text(str(section["title"]), style="bold"))
        for row in section.get("rows", []):
            style = "bold" if row.get("total") else ""
            values = ["" if value is None else _cell(value) for value in row.get("values", [])]
            table.add_row(str(row.get("label", "")), *values, style=style)
    return table


def _cell(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return money(value)
    return str(value)


class Demo:
    """Calls tools through the MCP session and shows each call and its result."""

    def __init__(self, client: Client, console: Console) -> None:
        self._client = client
        self.console = console
        self.calls = 0
        self.step = ""

    async def call(self, tool: str, **arguments: Any) -> Record:
        """Call a tool; its structured result, or DemoFailed with the tool's error text."""
        self.calls += 1
        shown = ", ".join(f"{key}={_brief(key, value)}" for key, value in arguments.items())
        self.console.print(Text.assemble(("  → ", "cyan"), (tool, "bold cyan"), (f"({shown})", "dim")), soft_wrap=True)
        if self.console.is_terminal:
            with self.console.status(f"{self.step} · {tool} (call {self.calls})", spinner="dots"):
                result: CallToolResult = await self._client.call_tool(tool, arguments)
        else:
            result = await self._client.call_tool(tool, arguments)
        if result.is_error:
            text = " ".join(getattr(block, "text", "") for block in result.content)
            self.console.print(Text.assemble(("    ✗ ", "bold red"), text))
            raise DemoFailed(f"{tool} failed: {text}")
        return dict(result.structured_content or {})

    def say(self, message: str | Text) -> None:
        """One line of result, indented under its call."""
        self.console.print(Text("    ") + (Text(message) if isinstance(message, str) else message), soft_wrap=True)

    def show(self, table: Table) -> None:
        """A table of records or a report, indented under its call."""
        self.console.print(Padding(table, (0, 0, 0, 4), expand=False))


def _brief(key: str, value: Any) -> str:
    if key == "lines" and isinstance(value, list):
        count = len(value)  # pyright: ignore[reportUnknownArgumentType]
        return f"[{count} line{'s' if count != 1 else ''}]"
    text = str(value)
    if len(text) == 36 and text.count("-") == 4:  # a Xero ID: its first block is enough to follow it
        return text[:8] + "…"
    return repr(text) if isinstance(value, str) else text


def _only(records: list[Record], what: str) -> Record:
    if not records:
        raise DemoFailed(f"the trigger delivered no {what}")
    return records[0]


def _polled(changes: Mapping[str, Any]) -> str:
    created, updated = changes.get("created", []), changes.get("updated", [])
    names = [str(r.get("invoice_number") or r.get("credit_note_number") or r.get("name") or "") for r in created]
    return f"trigger fired: {len(created)} new ({', '.join(names)}), {len(updated)} updated"


async def _started(demo: Demo, entity: str) -> Record:
    first = await demo.call("poll_changes", entity=entity)
    demo.say(Text("subscription started: the next poll returns what changes from now on", style="dim"))
    return first


async def contact_to_history(demo: Demo) -> None:
    """New contact -> look it up -> note in its history."""
    first = await _started(demo, "contacts")
    await demo.call("save_contact", name="Bluebell Bakery", email_address="accounts@bluebell.example")
    changes = await demo.call("poll_changes", entity="contacts", cursor=first["cursor"])
    contact = _only(changes["created"], "new contact")
    demo.say(f"new contact: {contact['name']} <{contact.get('email_address', '')}>")
    details = await demo.call("get_contact", contact=contact["contact_id"])
    demo.say(
        f"{details['name']}: receivable {money(details.get('receivable_outstanding'))}, "
        f"payable {money(details.get('payable_outstanding'))}, status {details.get('contact_status', '')}"
    )
    note = await demo.call(
        "add_history_note", entity="contact", record_id=details["contact_id"], note="Welcome pack sent."
    )
    demo.say(f"history note added: “{note.get('details', '')}”")


async def bill_to_history(demo: Demo) -> None:
    """New bill -> find it -> note in its history."""
    first = await _started(demo, "bills")
    await demo.call("find_or_create_contact", name="PowerDirect", email_address="billing@powerdirect.example")
    await demo.call(
        "create_document",
        kind="bill",
        contact="PowerDirect",
        reference="PD-OCT",
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
    changes = await demo.call("poll_changes", entity="bills", cursor=first["cursor"])
    bill = _only(changes["created"], "new bill")
    demo.say(_polled(changes))
    found = await demo.call("get_bill", bill=bill["invoice_id"])
    demo.show(document_table([found], title="New bill"))
    lines = _table("Description", "Qty", "Unit", "Account", "Amount", title="Its lines")
    for line in found.get("lines", []):
        lines.add_row(
            line.get("description", ""),
            str(line.get("quantity", "")),
            money(line.get("unit_amount")),
            line.get("account_code", ""),
            money(line.get("line_amount")),
        )
    demo.show(lines)
    demo.say(
        f"subtotal {money(found.get('sub_total'))} + tax {money(found.get('total_tax'))} = {money(found.get('total'))}"
    )
    await demo.call("add_history_note", entity="bill", record_id=found["invoice_id"], note="Checked against the meter.")
    demo.say("history note added to the bill")


async def invoice_to_email(demo: Demo) -> None:
    """New sales invoice -> email it to the customer."""
    first = await _started(demo, "sales_invoices")
    customer = await demo.call(
        "find_or_create_contact", name="Ridgeway University", email_address="ap@ridgeway.example"
    )
    await demo.call(
        "create_document",
        kind="invoice",
        contact="Ridgeway University",
        lines=[{"description": "Workshop facilitation", "quantity": 2, "unit_amount": "650", "account": "200"}],
        reference="Spring workshops",
        status="AUTHORISED",
    )
    changes = await demo.call("poll_changes", entity="sales_invoices", cursor=first["cursor"])
    invoice = _only(changes["created"], "new sales invoice")
    demo.say(_polled(changes))
    demo.show(document_table([invoice], title="New sales invoice"))
    # This client cannot ask its user (no elicitation), so email_invoice previews first and returns a one-time
    # token; the demo plays the user who agrees and sends the token back.
    preview = await demo.call("email_invoice", invoice=invoice["invoice_id"])
    if not preview.get("done"):
        demo.say(Text(f"asks to confirm: {preview.get('preview', '')} (the demo's user agrees)", style="yellow"))
        await demo.call("email_invoice", invoice=invoice["invoice_id"], confirm_token=preview["confirm_token"])
    demo.say(
        Text.assemble(
            "emailed ",
            (invoice.get("invoice_number", ""), "bold"),
            f" ({money(invoice.get('total'))} {invoice.get('currency_code', '')}) to ",
            (f"{customer.get('name', '')} <{customer.get('email_address', '')}>", "bold green"),
        )
    )


async def credit_note_to_allocation(demo: Demo) -> None:
    """New credit note -> allocate it to the customer's outstanding invoice."""
    customer = "Coastal Catering"
    await demo.call("find_or_create_contact", name=customer, email_address="events@coastal.example")
    await demo.call(
        "create_document",
        kind="invoice",
        contact=customer,
        lines=[{"description": "Event catering", "quantity": 1, "unit_amount": "900", "account": "200"}],
        status="AUTHORISED",
    )
    first = await _started(demo, "credit_notes")
    await demo.call(
        "create_document",
        kind="credit_note",
        contact=customer,
        lines=[{"description": "Refund: one tray short", "quantity": 1, "unit_amount": "120", "account": "200"}],
        status="AUTHORISED",
    )
    changes = await demo.call("poll_changes", entity="credit_notes", cursor=first["cursor"])
    credit_note = _only(changes["created"], "new credit note")
    demo.say(_polled(changes))
    outstanding = await demo.call("list_records", kind="invoice", contact=customer, statuses=["AUTHORISED"])
    invoice = _only(outstanding["items"], "outstanding invoice")
    demo.show(document_table([credit_note, invoice], title="The new credit note and the invoice it can pay"))
    allocation = await demo.call(
        "allocate_credit_note",
        credit_note=credit_note["credit_note_id"],
        invoice=invoice["invoice_id"],
        amount=str(credit_note["remaining_credit"]),
    )
    demo.say(
        f"allocated {money(allocation.get('amount'))} of {allocation.get('credit_note_number', '')} to "
        f"{allocation.get('invoice_number', '')}: amount due now {money(allocation.get('invoice_amount_due'))}, "
        f"credit left {money(allocation.get('remaining_credit'))}"
    )


async def invoice_a_customer(demo: Demo) -> None:
    """Invoice a new customer end to end: contact, draft, approval, a deposit, aged receivables."""
    found = await demo.call("find_or_create_contact", name="Acme Analytics", email_address="ap@acme.example")
    contact = found.get("contact") or found
    demo.say(f"{'created' if found.get('created') else 'found'} {contact['name']}")
    draft = await demo.call(
        "create_document",
        kind="invoice",
        contact=contact["contact_id"],
        lines=[{"description": "Consulting", "quantity": 3, "unit_amount": "150", "account": "200"}],
    )
    approved = await demo.call("approve_invoice", invoice=draft["invoice_id"])
    demo.show(document_table([approved], title="Approved invoice"))
    payment = await demo.call(
        "create_payment", invoice=approved["invoice_id"], amount="200", bank_account="Business Bank Account"
    )
    demo.say(
        f"deposit of {money(payment.get('amount'))} on {payment.get('invoice_number', '')} recorded in "
        f"{payment.get('account', '')}"
    )
    report = await demo.call("get_report", report="AgedReceivablesByContact", contact=contact["contact_id"])
    demo.show(report_table(report))


STEPS: list[tuple[str, Callable[[Demo], Awaitable[None]]]] = [
    ("New or updated contact → get contact → add a history note", contact_to_history),
    ("New or updated bill → find the bill → add a history note", bill_to_history),
    ("New or updated sales invoice → email it to the customer", invoice_to_email),
    ("New or updated credit note → allocate it to an outstanding invoice", credit_note_to_allocation),
    ("Invoice a customer end to end → approve → take a deposit → aged receivables", invoice_a_customer),
]

NEXT_STEPS = [
    ("xero-mcp serve --sandbox", "serve this demo organisation to your MCP client"),
    ("xero-mcp tools --toolsets all", "every tool, by toolset"),
    ("xero-mcp sandbox", "the Xero sandbox over HTTP, to sign in to as to Xero"),
    ("xero-mcp login --help", "connect your own Xero organisation (guide: docs/connect-to-xero.md)"),
]


async def run(params: StdioServerParameters, console: Console | None = None) -> int:
    """Run every automation against a fresh sandbox server; 0 when all of them worked."""
    console = console or make_console()
    console.print(
        Text("xero-mcp demo", style="bold"),
        Text("· five automations through one MCP session, on the built-in sandbox", style="dim"),
    )
    async with Client(params) as client:
        demo = Demo(client, console)
        demo.step = "connecting"
        tenants = await demo.call("list_tenants")
        names = [f"{t['name']}{' (default)' if t.get('default') else ''}" for t in tenants.get("tenants", [])]
        demo.say(f"connected organisations: {', '.join(names)}")
        try:
            for number, (title, step) in enumerate(STEPS, start=1):
                demo.step = f"step {number}/{len(STEPS)}"
                console.print()
                console.print(Text(f"{number}. {title}", style="bold magenta"))
                await step(demo)
        except DemoFailed as exc:
            console.print(Text(f"\nDemo failed: {exc}", style="bold red"))
            return 1
    console.print()
    console.print(
        Text(
            f"All {len(STEPS)} automations worked: {demo.calls} tool calls through one MCP session.", style="bold green"
        )
    )
    console.print(
        "Deep links in the results point at Xero's web app and open nothing real for the sandbox.", style="dim"
    )
    console.print()
    console.print(Text("Try next", style="bold"))
    width = max(len(command) for command, _ in NEXT_STEPS)
    for command, meaning in NEXT_STEPS:
        console.print(Text.assemble("  ", (command.ljust(width), "cyan"), "  ", meaning))
    return 0


def make_console() -> Console:
    """Colour and a progress line on a terminal; plain text, wide enough for the tables, when piped."""
    terminal = sys.stdout.isatty()
    return Console(highlight=False, width=None if terminal else 110, soft_wrap=False)


def run_demo() -> int:
    """Entry point of `xero-mcp demo`."""
    if isinstance(sys.stdout, io.TextIOWrapper):
        # Piped on Windows, stdout takes the ANSI code page, which has no arrows or box lines: substitute, never fail.
        sys.stdout.reconfigure(errors="replace")
    with tempfile.TemporaryDirectory(prefix="xero-mcp-demo-") as state_dir:
        env = {**os.environ, "XERO_MCP_STATE_DIR": state_dir}
        for name in ("XERO_ACCESS_TOKEN", "XERO_CLIENT_ID", "XERO_CLIENT_SECRET", "XERO_TENANT_ID"):
            env.pop(name, None)
        params = StdioServerParameters(
            command=sys.executable, args=["-m", "xero_mcp", "serve", "--sandbox", "--toolsets", "all"], env=env
        )
        return asyncio.run(run(params))
