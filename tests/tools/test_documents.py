"""The default set's consolidated tools: list_records, create_document, update_document, save_contact and
poll_changes do what each kind's own tool does, and refuse what a kind does not take."""

from __future__ import annotations

from tests.tools._calls import confirmed, fails, ok
from tests.tools.conftest import MakeClient
from xero_mcp.sandbox.app import Sandbox

CONSULTING = [{"description": "Consulting", "quantity": 3, "unit_amount": 150, "account": "Sales"}]
STOCK = [{"description": "Paper, 20 reams", "quantity": 20, "unit_amount": 6.5, "account": "Printing & Stationery"}]


async def test_create_document_creates_each_kind_once(make_client: MakeClient) -> None:
    async with make_client(toolsets=("default",)) as client:
        await ok(client, "find_or_create_contact", name="Kereru Paper Mill")
        await ok(client, "find_or_create_contact", name="Acme Consulting Group")
        bill = await ok(
            client, "create_document", kind="bill", contact="Kereru Paper Mill", lines=STOCK, reference="K-1"
        )
        again = await ok(
            client, "create_document", kind="bill", contact="kereru paper mill", lines=STOCK, reference="K-1"
        )
        quote = await ok(
            client,
            "create_document",
            kind="quote",
            contact="Acme Consulting Group",
            lines=CONSULTING,
            expiry_date="2026-12-31",
            title="Advice",
        )
        invoice = await ok(
            client, "create_document", kind="invoice", contact="Acme Consulting Group", lines=CONSULTING, number="D-1"
        )
    assert bill["type"] == "ACCPAY" and bill["invoice_number"] == "K-1"
    assert again["duplicate"] is True and again["invoice_id"] == bill["invoice_id"]
    assert quote["title"] == "Advice" and quote["status"] == "DRAFT"
    assert invoice["type"] == "ACCREC" and invoice["invoice_number"] == "D-1"


async def test_an_argument_a_kind_does_not_take_is_refused_with_what_it_takes(make_client: MakeClient) -> None:
    async with make_client(toolsets=("default",)) as client:
        await ok(client, "find_or_create_contact", name="Kereru Paper Mill")
        message = await fails(
            client, "create_document", kind="bill", contact="Kereru Paper Mill", lines=STOCK, expiry_date="2026-12-31"
        )
        listed = await ok(client, "list_records", kind="bill", contact="Kereru Paper Mill")
    assert "expiry_date: a bill does not take this; it takes contact, lines, reference" in message
    assert listed["items"] == []


async def test_a_status_or_contact_a_kind_cannot_do_with_is_refused_before_any_request(
    make_client: MakeClient, sandbox: Sandbox
) -> None:
    async with make_client(toolsets=("default",)) as client:
        before = sandbox.request_counts.total
        approved_quote = await fails(
            client, "create_document", kind="quote", contact="Acme", lines=CONSULTING, status="AUTHORISED"
        )
        no_contact = await fails(client, "create_document", kind="invoice", lines=CONSULTING)
        paid_quote = await fails(client, "update_document", kind="quote", document="QU-1", status="PAID")
        paid_filter = await fails(client, "list_records", kind="quote", statuses=["PAID"])
        requests = sandbox.request_counts.total - before
    assert "status: a quote takes DRAFT, SENT, not AUTHORISED." in approved_quote
    assert "contact: an invoice needs this." in no_contact
    assert "status: Input should be" in paid_quote  # not a status any document takes: the schema's enum refuses it
    assert "statuses: a quote takes DRAFT, SENT, ACCEPTED, DECLINED, INVOICED, not PAID." in paid_filter
    assert requests == 0


async def test_a_kind_that_takes_one_status_at_a_time_says_so(make_client: MakeClient) -> None:
    async with make_client(toolsets=("default",)) as client:
        message = await fails(client, "list_records", kind="quote", statuses=["DRAFT", "SENT"])
        drafts = await ok(client, "list_records", kind="quote", statuses=["draft"])
    assert "statuses: Xero filters quotes by one status at a time" in message
    assert all(quote["status"] == "DRAFT" for quote in drafts["items"])


async def test_list_records_lists_contacts_by_status(make_client: MakeClient) -> None:
    async with make_client(toolsets=("default",)) as client:
        created = await ok(client, "save_contact", name="Pukeko Plumbing")
        await ok(client, "save_contact", contact=created["contact_id"], status="ARCHIVED")
        active = await ok(client, "list_records", kind="contact", search="Pukeko")
        archived = await ok(client, "list_records", kind="contact", search="Pukeko", statuses=["ARCHIVED"])
    assert active["items"] == []
    assert [c["name"] for c in archived["items"]] == ["Pukeko Plumbing"]


async def test_save_contact_creates_once_then_changes_the_contact_it_names(make_client: MakeClient) -> None:
    async with make_client(toolsets=("default",)) as client:
        created = await ok(client, "save_contact", name="Kotare Cafe", email_address="hello@kotare.test")
        again = await ok(client, "save_contact", name="kotare cafe")
        changed = await ok(client, "save_contact", contact="Kotare Cafe", phone="021 555 0101")
        refused = await fails(client, "save_contact", contact="Kotare Cafe", dedupe_key="k-1")
    assert again["duplicate"] is True and again["contact_id"] == created["contact_id"]
    assert changed["contact_id"] == created["contact_id"]
    assert "only creating a contact takes these" in refused


async def test_update_document_confirms_replacing_lines_but_not_other_changes(make_client: MakeClient) -> None:
    async with make_client(toolsets=("default",)) as client:
        await ok(client, "find_or_create_contact", name="Acme Consulting Group")
        invoice = await ok(client, "create_document", kind="invoice", contact="Acme Consulting Group", lines=CONSULTING)
        number = invoice["invoice_number"]
        referenced = await ok(client, "update_document", kind="invoice", document=number, reference="PO-9")
        preview = await ok(client, "update_document", kind="invoice", document=number, lines=CONSULTING * 2)
        replaced = await confirmed(client, "update_document", kind="invoice", document=number, lines=CONSULTING * 2)
    assert referenced["reference"] == "PO-9"  # nothing irreversible: no question, a plain result
    assert (
        preview["done"] is False and preview["preview"] == f"Replace every line of invoice {number} with the 2 given."
    )
    assert replaced["result"]["total"] == 2 * invoice["total"]


async def test_poll_changes_watches_any_kind_with_one_tool(make_client: MakeClient) -> None:
    async with make_client(toolsets=("default",)) as client:
        first = await ok(client, "poll_changes", entity="contacts")
        await ok(client, "save_contact", name="Tui Tours")
        changes = await ok(client, "poll_changes", entity="contacts", cursor=first["cursor"])
        wrong = await fails(client, "poll_changes", entity="quotes", cursor=changes["cursor"])
    assert [c["name"] for c in changes["created"]] == ["Tui Tours"]
    assert "cursor: this cursor belongs to another entity or organisation" in wrong
