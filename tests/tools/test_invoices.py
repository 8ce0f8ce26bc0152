"""Sales invoice tools end to end: the invoice-and-email scenario, duplicates, name resolution, status rules,
voiding with confirmation, emailing, online links and listing."""

from __future__ import annotations

from typing import Any

from mcp import Client
from mcp.client import ClientRequestContext
from mcp.types import ElicitRequestParams, ElicitResult

from tests.tools._calls import confirmed, confirmed_result, fails, fails_confirmed, ok
from tests.tools.conftest import MakeClient
from xero_mcp.sandbox.app import Sandbox

CONSULTING = [{"description": "Consulting", "quantity": 3, "unit_amount": 150, "account": "Sales"}]


async def _customer(client: Client, name: str = "Acme Consulting Group") -> dict[str, Any]:
    return await ok(client, "find_or_create_contact", name=name, email_address="accounts@acme.test")


async def _invoice(client: Client, **extra: Any) -> dict[str, Any]:
    """create_document for an invoice of CONSULTING to Acme Consulting Group, with `extra` arguments."""
    return await ok(
        client, "create_document", kind="invoice", contact="Acme Consulting Group", lines=CONSULTING, **extra
    )


async def _approved(client: Client, **extra: Any) -> dict[str, Any]:
    await _customer(client)
    return await _invoice(client, status="AUTHORISED", **extra)


async def _refused_line(client: Client, **line: Any) -> str:
    """Why create_document refuses an invoice whose one line is `line` (with a description and unit amount)."""
    return await fails(
        client,
        "create_document",
        kind="invoice",
        contact="Acme Consulting Group",
        lines=[{"description": "x", "unit_amount": 1, **line}],
    )


async def test_invoicing_a_customer_and_emailing_it_takes_three_calls(make_client: MakeClient) -> None:
    async with make_client() as client:
        contact = await ok(client, "find_or_create_contact", name="Acme Consulting Group", email_address="ap@acme.test")
        invoice = await _invoice(client, status="AUTHORISED")
        emailed = (await confirmed(client, "email_invoice", invoice=invoice["invoice_number"]))["result"]
    assert invoice["status"] == "AUTHORISED" and invoice["duplicate"] is False
    assert invoice["contact_name"] == contact["name"]
    assert (invoice["total"], invoice["amount_due"]) == (495, 495)  # 450 plus the organisation's 10% sales tax
    assert "/AccountsReceivable/View.aspx" in invoice["url"]
    assert emailed == {
        "invoice_id": invoice["invoice_id"],
        "invoice_number": invoice["invoice_number"],
        "status": "AUTHORISED",
        "sent_to": "ap@acme.test",
    }


async def test_creating_the_same_invoice_again_returns_the_first_as_a_duplicate(make_client: MakeClient) -> None:
    async with make_client() as client:
        await _customer(client)
        first = await ok(client, "create_document", kind="invoice", contact="Acme Consulting Group", lines=CONSULTING)
        again = await ok(client, "create_document", kind="invoice", contact="acme consulting group", lines=CONSULTING)
        forced = await ok(
            client,
            "create_document",
            kind="invoice",
            contact="Acme Consulting Group",
            lines=CONSULTING,
            allow_duplicate=True,
        )
        listed = await ok(client, "list_records", kind="invoice", contact="Acme Consulting Group")
    assert again["duplicate"] is True and again["invoice_id"] == first["invoice_id"]
    assert forced["duplicate"] is False and forced["invoice_id"] != first["invoice_id"]
    assert len(listed["items"]) == 2


async def test_an_invoice_finds_one_with_the_same_number_made_elsewhere(make_client: MakeClient) -> None:
    async with make_client() as client:
        contact = await _customer(client)
        await ok(
            client,
            "xero_write",
            method="PUT",
            path="/Invoices",
            body={
                "Type": "ACCREC",
                "InvoiceNumber": "WEB-1001",
                "Contact": {"ContactID": contact["contact_id"]},
                "LineItems": [{"Description": "Web order", "Quantity": 1, "UnitAmount": 80, "AccountCode": "200"}],
            },
        )
        repeated = await ok(
            client,
            "create_document",
            kind="invoice",
            contact="Acme Consulting Group",
            lines=CONSULTING,
            number="WEB-1001",
        )
    assert repeated["duplicate"] is True
    assert repeated["total"] == 88  # the existing invoice, not the one described in this call


async def test_lines_name_items_tax_rates_and_tracking_options_in_words(make_client: MakeClient) -> None:
    # Region (North, South, East, West) is one of the demo organisation's tracking categories.
    async with make_client() as client:
        await _customer(client)
        await ok(client, "create_item", code="ZX-BLUE", name="Blue Zircon Widget", sale_price=20, sales_account="Sales")
        created = await ok(
            client,
            "create_document",
            kind="invoice",
            contact="Acme Consulting Group",
            lines=[
                {"item": "blue zircon WIDGET", "quantity": 2},
                {
                    "description": "Setup",
                    "unit_amount": 100,
                    "account": "200 - Sales",
                    "tax": "tax exempt",
                    "tracking": [{"category": "region", "option": "NORTH"}],
                },
            ],
        )
        detail = await ok(client, "get_invoice", invoice=created["invoice_id"])
    widget, setup = detail["lines"]
    assert (widget["item_code"], widget["line_amount"], widget["account_code"]) == ("ZX-BLUE", 40, "200")
    assert (setup["tax_type"], setup["tracking"]) == ("NONE", ["Region: North"])
    assert detail["total"] == 144  # 40 + 4 tax on the widgets, 100 tax exempt


async def test_unknown_account_tax_rate_and_tracking_option_list_close_matches(make_client: MakeClient) -> None:
    async with make_client() as client:
        await _customer(client)
        account = await _refused_line(client, account="Sale")
        tax = await _refused_line(client, account="200", tax="Tax on Sale")
        option = await _refused_line(client, account="200", tracking=[{"category": "Region", "option": "Nort"}])
        contact = await fails(client, "create_document", kind="invoice", contact="Acme Consulting", lines=CONSULTING)
    assert "lines[0].account: no account matches 'Sale'. Close matches: Sales (200)" in account
    assert "lines[0].tax: no tax rate matches 'Tax on Sale'. Close matches: Tax on Sales (OUTPUT)" in tax
    assert "lines[0].tracking.option: no option of 'Region' matches 'Nort'. Close matches: North" in option
    assert "Close matches: Acme Consulting Group" in contact


async def test_a_misspelt_line_field_is_refused_rather_than_dropped(make_client: MakeClient) -> None:
    async with make_client() as client:
        await _customer(client)
        message = await _refused_line(client, account_code="200")
    assert "account_code" in message


async def test_xero_validation_errors_come_back_as_tool_errors(make_client: MakeClient) -> None:
    async with make_client() as client:
        await _customer(client)
        message = await fails(
            client,
            "create_document",
            kind="invoice",
            contact="Acme Consulting Group",
            lines=CONSULTING,
            currency_code="JPY",
        )
    assert message.endswith("Xero rejected the request: Organisation is not subscribed to currency JPY")


async def test_updating_an_invoice_replaces_lines_and_keeps_the_rest(make_client: MakeClient) -> None:
    async with make_client() as client:
        created = await _approved(client, reference="PO 77")
        updated = await confirmed_result(
            client,
            "update_document",
            kind="invoice",
            document=created["invoice_number"],
            lines=[{"description": "Consulting (revised)", "quantity": 2, "unit_amount": 150, "account": "Sales"}],
        )
        detail = await ok(client, "get_invoice", invoice=created["invoice_number"])
    assert updated["total"] == 330 and updated["reference"] == "PO 77"
    assert [line["description"] for line in detail["lines"]] == ["Consulting (revised)"]


async def test_changing_amounts_of_a_paid_invoice_is_explained(make_client: MakeClient) -> None:
    async with make_client() as client:
        created = await _approved(client)
        await ok(
            client,
            "create_payment",
            invoice=created["invoice_number"],
            amount=100,
            bank_account="Business Bank Account",
        )
        message = await fails_confirmed(
            client, "update_document", kind="invoice", document=created["invoice_number"], lines=CONSULTING
        )
        reference = await ok(
            client, "update_document", kind="invoice", document=created["invoice_number"], reference="Paid in part"
        )
    assert "has payments or credits applied" in message and "delete_payment" in message
    assert reference["reference"] == "Paid in part" and reference["amount_due"] == 395


async def test_approve_invoice_authorises_a_draft_once(make_client: MakeClient) -> None:
    async with make_client() as client:
        await _customer(client)
        draft = await ok(client, "create_document", kind="invoice", contact="Acme Consulting Group", lines=CONSULTING)
        approved = await ok(client, "approve_invoice", invoice=draft["invoice_number"])
        again = await ok(client, "approve_invoice", invoice=draft["invoice_id"])
    assert draft["status"] == "DRAFT"
    assert approved["status"] == again["status"] == "AUTHORISED"


async def test_void_invoice_previews_until_confirmed_when_the_client_cannot_ask(make_client: MakeClient) -> None:
    async with make_client() as client:
        created = await _approved(client)
        preview = await ok(client, "void_invoice", invoice=created["invoice_number"])
        still = await ok(client, "get_invoice", invoice=created["invoice_number"])
        done = await confirmed(client, "void_invoice", invoice=created["invoice_number"])
    assert preview["done"] is False
    assert preview["preview"] == f"Void invoice {created['invoice_number']} to Acme Consulting Group for 495.00 USD."
    assert still["status"] == "AUTHORISED"
    assert done["done"] is True and done["result"]["status"] == "VOIDED"


async def _accept(ctx: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult:
    return ElicitResult(action="accept", content={"confirm": True})


async def _decline(ctx: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult:
    return ElicitResult(action="decline")


async def test_void_invoice_asks_the_user_and_respects_their_answer(make_client: MakeClient) -> None:
    async with make_client(elicitation_callback=_decline) as client:
        created = await _approved(client)
        declined = await ok(client, "void_invoice", invoice=created["invoice_number"])
        kept = await ok(client, "get_invoice", invoice=created["invoice_number"])
    async with make_client(elicitation_callback=_accept) as client:
        accepted = await ok(client, "void_invoice", invoice=created["invoice_number"])
    assert declined["done"] is False and "declined" in declined["next_step"]
    assert kept["status"] == "AUTHORISED"
    assert accepted["done"] is True and accepted["result"]["status"] == "VOIDED"


async def test_voiding_a_draft_deletes_it_and_a_paid_invoice_is_refused(make_client: MakeClient) -> None:
    async with make_client() as client:
        await _customer(client)
        draft = await ok(client, "create_document", kind="invoice", contact="Acme Consulting Group", lines=CONSULTING)
        preview = await ok(client, "void_invoice", invoice=draft["invoice_number"])
        deleted = await confirmed(client, "void_invoice", invoice=draft["invoice_number"])
        paid = await _approved(client, number="PAID-1")
        await ok(client, "create_payment", invoice="PAID-1", amount=495, bank_account="Business Bank Account")
        message = await fails(client, "void_invoice", invoice="PAID-1")
        after = await ok(client, "get_invoice", invoice=paid["invoice_id"])
    number = draft["invoice_number"]
    assert preview["preview"] == f"Delete the draft invoice {number} to Acme Consulting Group for 495.00 USD."
    assert deleted["result"]["status"] == "DELETED"
    assert "495.00 USD paid or credited" in message and "delete_payment" in message
    assert after["status"] == "PAID"


async def test_updating_a_voided_invoice_is_explained(make_client: MakeClient) -> None:
    async with make_client() as client:
        created = await _approved(client)
        await confirmed(client, "void_invoice", invoice=created["invoice_number"])
        message = await fails(
            client, "update_document", kind="invoice", document=created["invoice_number"], reference="late change"
        )
    assert "is VOIDED; voided documents cannot be changed" in message


async def test_email_invoice_explains_that_drafts_must_be_approved_first(make_client: MakeClient) -> None:
    async with make_client() as client:
        await _customer(client)
        draft = await ok(client, "create_document", kind="invoice", contact="Acme Consulting Group", lines=CONSULTING)
        message = await fails_confirmed(client, "email_invoice", invoice=draft["invoice_number"])
    assert f"invoice {draft['invoice_number']} is DRAFT" in message and "approve_invoice" in message


async def test_online_invoice_link_is_given_for_approved_invoices_only(make_client: MakeClient) -> None:
    async with make_client() as client:
        approved = await _approved(client)
        link = await ok(client, "get_online_invoice_url", invoice=approved["invoice_number"])
        draft = await ok(
            client,
            "create_document",
            kind="invoice",
            contact="Acme Consulting Group",
            lines=CONSULTING,
            reference="draft",
        )
        message = await fails(client, "get_online_invoice_url", invoice=draft["invoice_number"])
    assert link["invoice_id"] == approved["invoice_id"] and link["online_invoice_url"].startswith("https://")
    assert "is DRAFT" in message and "approve_invoice" in message


async def test_get_invoice_with_an_unknown_number_says_where_to_look(make_client: MakeClient) -> None:
    async with make_client() as client:
        message = await fails(client, "get_invoice", invoice="INV-9999")
    assert "no invoice or bill has the ID or number 'INV-9999'" in message and "list_records" in message


async def test_listing_invoices_filters_by_status_contact_and_date_and_pages(make_client: MakeClient) -> None:
    async with make_client() as client:
        await _customer(client)
        for day in ("2026-10-01", "2026-10-15", "2026-10-31"):
            await _invoice(client, date=day, status="AUTHORISED")
        await _invoice(client, date="2026-10-20")
        october = await ok(
            client,
            "list_records",
            kind="invoice",
            contact="Acme Consulting Group",
            date_from="2026-10-10",
            date_to="2026-10-31",
        )
        drafts = await ok(client, "list_records", kind="invoice", contact="Acme Consulting Group", statuses=["DRAFT"])
        page_one = await ok(client, "list_records", kind="invoice", contact="Acme Consulting Group", page_size=3)
        page_two = await ok(
            client, "list_records", kind="invoice", contact="Acme Consulting Group", page_size=3, page=2
        )
    assert [i["date"] for i in october["items"]] == ["2026-10-31", "2026-10-20", "2026-10-15"]
    assert [(i["date"], i["status"]) for i in drafts["items"]] == [("2026-10-20", "DRAFT")]
    assert page_one["has_more"] is True and len(page_one["items"]) == 3
    assert page_two["has_more"] is False and len(page_two["items"]) == 1
    assert {i["type"] for i in page_one["items"] + page_two["items"]} == {"ACCREC"}


async def test_emailing_by_invoice_id_costs_one_api_call_and_a_refusal_is_still_explained(
    make_client: MakeClient, sandbox: Sandbox
) -> None:
    async with make_client() as client:
        approved = await _approved(client)
        draft = await ok(
            client, "create_document", kind="invoice", contact="Acme Consulting Group", lines=CONSULTING, reference="d2"
        )
        before = sandbox.request_counts.total
        emailed = (await confirmed(client, "email_invoice", invoice=approved["invoice_id"]))["result"]
        calls = sandbox.request_counts.total - before
        message = await fails_confirmed(client, "email_invoice", invoice=draft["invoice_id"])
    assert emailed == {"invoice_id": approved["invoice_id"]}
    assert calls == 1
    assert "is DRAFT" in message and "approve_invoice" in message
