"""The poll_changes trigger end to end: subscriptions start at now, changes come once (created, then updated), a lost
reply is delivered again, every page is read, and organisations and entities keep their own cursors.

The sandbox's clock is frozen; tests move it forward between changes, as time passes between real edits.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from mcp import Client

from tests.tools._calls import confirmed, fails, ok
from tests.tools.conftest import MakeClient
from xero_mcp.config import Settings
from xero_mcp.local import LocalSandbox, open_backend, sandbox_settings
from xero_mcp.sandbox.app import Sandbox
from xero_mcp.server import build_server
from xero_mcp.sync.cursors import ChangeEvent
from xero_mcp.tools._context import Backend

SECOND = "Second Street Trading"


async def _poll(client: Client, entity: str, cursor: str | None = None, **extra: Any) -> dict[str, Any]:
    if cursor is not None:
        extra["cursor"] = cursor
    return await ok(client, "poll_changes", entity=entity, **extra)


def _ids(result: dict[str, Any], key: str, field: str) -> list[str]:
    return [record[field] for record in result[key]]


async def test_a_contact_is_delivered_once_as_created_then_once_per_update(
    make_client: MakeClient, sandbox: Sandbox
) -> None:
    async with make_client() as client:
        start = await _poll(client, "contacts")
        sandbox.clock.advance(60)
        contact = await ok(client, "find_or_create_contact", name="Matai Joinery", email_address="hi@matai.test")
        new = await _poll(client, "contacts", start["cursor"])
        quiet = await _poll(client, "contacts", new["cursor"])
        sandbox.clock.advance(60)
        await ok(client, "save_contact", contact="Matai Joinery", phone="04 555 0101")
        changed = await _poll(client, "contacts", quiet["cursor"])
    assert (start["created"], start["updated"]) == ([], [])
    assert "Subscription started" in start["note"]
    assert _ids(new, "created", "contact_id") == [contact["contact_id"]] and new["updated"] == []
    assert new["created"][0]["name"] == "Matai Joinery" and "/Contacts/View/" in new["created"][0]["url"]
    assert (quiet["created"], quiet["updated"], quiet.get("note")) == ([], [], None)
    assert changed["created"] == [] and _ids(changed, "updated", "contact_id") == [contact["contact_id"]]


async def test_a_result_whose_cursor_never_comes_back_is_delivered_again(
    make_client: MakeClient, sandbox: Sandbox
) -> None:
    async with make_client() as client:
        start = await _poll(client, "contacts")
        sandbox.clock.advance(60)
        contact = await ok(client, "save_contact", name="Hoiho Boats")
        lost = await _poll(client, "contacts", start["cursor"])
        retried = await _poll(client, "contacts", start["cursor"])
        after = await _poll(client, "contacts", retried["cursor"])
        stale = await _poll(client, "contacts", "xc1_never-issued")
    assert _ids(lost, "created", "contact_id") == [contact["contact_id"]]
    assert _ids(retried, "created", "contact_id") == [contact["contact_id"]]
    assert (after["created"], after["updated"]) == ([], [])
    assert "not recognised" in stale["note"]


async def test_since_starts_a_subscription_in_the_past_and_sales_invoices_are_accrec_only(
    make_client: MakeClient,
) -> None:
    async with make_client() as client:
        sales = await _poll(client, "sales_invoices", modified_since="2026-01-01T00:00:00Z")
        bills = await _poll(client, "bills", modified_since="2026-01-01T00:00:00+13:00")
    assert len(sales["created"]) > 10 and {i["type"] for i in sales["created"]} == {"ACCREC"}
    assert len(bills["created"]) > 5 and {i["type"] for i in bills["created"]} == {"ACCPAY"}
    statuses = {i["status"] for i in sales["created"]}
    assert {"VOIDED", "DELETED", "PAID"} <= statuses  # voided and deleted records come through with their status


async def test_each_trigger_delivers_its_own_records(make_client: MakeClient, sandbox: Sandbox) -> None:
    tools = ("sales_invoices", "bills", "payments", "bank_transactions", "quotes")
    async with make_client() as client:
        cursors = {tool: (await _poll(client, tool))["cursor"] for tool in (*tools, "credit_notes")}
        sandbox.clock.advance(60)
        await ok(client, "find_or_create_contact", name="Kahu Trading")
        line = [{"description": "Parts", "quantity": 1, "unit_amount": 100, "account": "Sales"}]
        invoice = await ok(
            client, "create_document", kind="invoice", contact="Kahu Trading", lines=line, status="AUTHORISED"
        )
        bill = await ok(client, "create_document", kind="bill", contact="Kahu Trading", lines=line, reference="K-77")
        payment = await ok(
            client,
            "create_payment",
            invoice=invoice["invoice_number"],
            amount=50,
            bank_account="090",
            date="2026-11-02",
        )
        spent = await ok(
            client, "create_document", kind="spend_money", bank_account="090", contact="Kahu Trading", lines=line
        )
        quote = await ok(client, "create_document", kind="quote", contact="Kahu Trading", lines=line)
        note = await ok(client, "create_document", kind="credit_note", contact="Kahu Trading", lines=line)
        polled = {tool: await _poll(client, tool, cursor) for tool, cursor in cursors.items()}
    assert _ids(polled["sales_invoices"], "created", "invoice_id") == [invoice["invoice_id"]]
    assert polled["sales_invoices"]["created"][0]["amount_due"] == 60
    assert _ids(polled["bills"], "created", "invoice_id") == [bill["invoice_id"]]
    assert _ids(polled["payments"], "created", "payment_id") == [payment["payment_id"]]
    assert _ids(polled["bank_transactions"], "created", "bank_transaction_id") == [spent["bank_transaction_id"]]
    assert _ids(polled["quotes"], "created", "quote_id") == [quote["quote_id"]]
    assert _ids(polled["credit_notes"], "created", "credit_note_id") == [note["credit_note_id"]]


async def test_a_deleted_payment_comes_through_as_an_update_with_its_status(
    make_client: MakeClient, sandbox: Sandbox
) -> None:
    async with make_client() as client:
        await ok(client, "find_or_create_contact", name="Ruru Audio")
        line = [{"description": "Speakers", "quantity": 1, "unit_amount": 100, "account": "Sales"}]
        invoice = await ok(
            client, "create_document", kind="invoice", contact="Ruru Audio", lines=line, status="AUTHORISED"
        )
        payment = await ok(client, "create_payment", invoice=invoice["invoice_id"], amount=110, bank_account="090")
        start = await _poll(client, "payments")
        sandbox.clock.advance(60)
        await confirmed(client, "delete_payment", payment=payment["payment_id"])
        polled = await _poll(client, "payments", start["cursor"])
    assert polled["created"] == []
    assert [(p["payment_id"], p["status"]) for p in polled["updated"]] == [(payment["payment_id"], "DELETED")]


async def test_every_page_is_read_a_thousand_records_at_a_time(make_client: MakeClient, sandbox: Sandbox) -> None:
    progress: list[float] = []

    async def seen(done: float, total: float | None, message: str | None) -> None:
        progress.append(done)

    async with make_client() as client:
        start = await _poll(client, "contacts", tenant=SECOND)
        sandbox.clock.advance(60)
        for batch in range(21):
            contacts = [{"Name": f"Bulk contact {batch * 50 + n:04d}"} for n in range(50)]
            await ok(client, "xero_write", method="PUT", path="/Contacts", body={"Contacts": contacts}, tenant=SECOND)
        before = sandbox.request_counts.total
        result = await client.call_tool(
            "poll_changes",
            {"entity": "contacts", "cursor": start["cursor"], "tenant": SECOND},
            progress_callback=seen,
        )
        calls = sandbox.request_counts.total - before
    assert not result.is_error and result.structured_content is not None
    names = {contact["name"] for contact in result.structured_content["created"]}
    assert len(names) == 1050 and "Bulk contact 1049" in names
    assert calls == 2  # 1050 records at 1000 a page
    assert progress == [1, 2]


async def test_organisations_and_triggers_keep_their_own_cursors(
    make_client: MakeClient, sandbox: Sandbox, tenant_names: list[str]
) -> None:
    async with make_client() as client:
        demo = await _poll(client, "contacts")
        second = await _poll(client, "contacts", tenant=SECOND)
        sandbox.clock.advance(60)
        contact = await ok(client, "save_contact", name="Weka Wines", tenant=SECOND)
        demo_after = await _poll(client, "contacts", demo["cursor"])
        second_after = await _poll(client, "contacts", second["cursor"], tenant=SECOND)
        crossed = await fails(client, "poll_changes", entity="bills", cursor=second_after["cursor"], tenant=SECOND)
    assert demo_after["created"] == []
    assert _ids(second_after, "created", "contact_id") == [contact["contact_id"]]
    assert "cursor: this cursor belongs to another entity or organisation, not bills" in crossed


async def test_one_read_only_poll_tool_watches_every_entity(make_client: MakeClient) -> None:
    async with make_client(read_only=True, toolsets=("all",)) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        schema = next(tool for tool in (await client.list_tools()).tools if tool.name == "poll_changes").input_schema
    assert {name for name in names if name.startswith("poll_")} == {"poll_changes"}
    assert set(schema["properties"]["entity"]["enum"]) == {
        "contacts",
        "bills",
        "bank_transactions",
        "payments",
        "quotes",
        "sales_invoices",
        "credit_notes",
    }


async def test_records_named_by_webhook_events_are_fetched_even_outside_the_window(
    tools_sandbox: Sandbox, tmp_path: Path
) -> None:
    settings = sandbox_settings(Settings(toolsets=("all",), state_dir=tmp_path / "state"))

    async def factory() -> Backend:
        return await open_backend(LocalSandbox(tools_sandbox, settings))

    server, context = build_server(settings, factory)
    try:
        async with Client(server) as client:
            contact = await ok(client, "save_contact", name="Tieke Tours")
            note = await ok(
                client,
                "create_document",
                kind="credit_note",
                contact="Tieke Tours",
                lines=[{"description": "Refund", "quantity": 1, "unit_amount": 20, "account": "Sales"}],
            )
            tools_sandbox.clock.advance(3600)  # both changes are now far behind any poll window
            contacts = await _poll(client, "contacts")
            notes = await _poll(client, "credit_notes")
            tenant_id = tools_sandbox.tenant_ids()[0]
            changed_at = tools_sandbox.clock.now() - timedelta(hours=1)
            # What the webhook receiver does with Xero's events: into the backend's own store.
            await (await context.backend()).cursors.record_events(
                [
                    ChangeEvent(tenant_id, "CONTACT", contact["contact_id"], "UPDATE", changed_at),
                    ChangeEvent(tenant_id, "CREDITNOTE", note["credit_note_id"], "CREATE", changed_at),
                ],
                now=tools_sandbox.clock.now(),
            )
            contacts_after = await _poll(client, "contacts", contacts["cursor"])
            notes_after = await _poll(client, "credit_notes", notes["cursor"])
    finally:
        await context.aclose()
    assert contacts_after["created"] == []  # Xero's UPDATE event says the contact existed before
    assert _ids(contacts_after, "updated", "contact_id") == [contact["contact_id"]]
    assert _ids(notes_after, "created", "credit_note_id") == [note["credit_note_id"]]
