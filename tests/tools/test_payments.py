"""Payment tools end to end: paying invoices without paying twice, Xero's payment rules explained, listing, and
deleting a payment only once the user agrees."""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client
from mcp.client import ClientRequestContext
from mcp.types import ElicitRequestParams, ElicitResult

from tests.tools._calls import confirmed, fails, ok
from tests.tools.conftest import MakeClient

BANK = "Business Bank Account"
LINE = [{"description": "Survey", "quantity": 1, "unit_amount": 100, "account": "Sales"}]  # 110 with sales tax


async def _invoice(client: Client, status: str = "AUTHORISED") -> dict[str, Any]:
    await ok(client, "find_or_create_contact", name="Totara Surveys")
    return await ok(
        client,
        "create_document",
        kind="invoice",
        contact="Totara Surveys",
        lines=LINE,
        status=status,
        allow_duplicate=True,
    )


async def _pay(client: Client, invoice: str, amount: float, **extra: Any) -> dict[str, Any]:
    return await ok(
        client, "create_payment", invoice=invoice, amount=amount, date="2026-11-02", bank_account=BANK, **extra
    )


async def test_a_payment_reduces_the_amount_due_of_the_invoice(make_client: MakeClient) -> None:
    async with make_client() as client:
        invoice = await _invoice(client)
        payment = await _pay(client, invoice["invoice_number"], 40, reference="Part 1")
        after = await ok(client, "get_invoice", invoice=invoice["invoice_number"])
    assert invoice["amount_due"] == 110
    assert payment["duplicate"] is False
    assert (payment["amount"], payment["date"], payment["status"]) == (40, "2026-11-02", "AUTHORISED")
    assert (payment["invoice_id"], payment["invoice_number"]) == (invoice["invoice_id"], invoice["invoice_number"])
    assert (payment["contact_name"], payment["account"], payment["reference"]) == ("Totara Surveys", BANK, "Part 1")
    assert after["amount_due"] == 70 and after["status"] == "AUTHORISED"


async def test_paying_the_same_amount_on_the_same_day_again_returns_the_first_payment(make_client: MakeClient) -> None:
    async with make_client() as client:
        invoice = await _invoice(client)
        first = await _pay(client, invoice["invoice_number"], 25)
        again = await _pay(client, invoice["invoice_id"], 25.00)
        second = await _pay(client, invoice["invoice_number"], 25, allow_duplicate=True)
        after = await ok(client, "get_invoice", invoice=invoice["invoice_number"])
    assert again["duplicate"] is True and again["payment_id"] == first["payment_id"]
    assert second["duplicate"] is False and second["payment_id"] != first["payment_id"]
    assert after["amount_due"] == 60


async def test_a_payment_made_elsewhere_is_found_before_paying_again(make_client: MakeClient) -> None:
    async with make_client() as client:
        invoice = await _invoice(client)
        await ok(
            client,
            "xero_write",
            method="PUT",
            path="/Payments",
            body={
                "Invoice": {"InvoiceID": invoice["invoice_id"]},
                "Account": {"Code": "090"},
                "Amount": 110,
                "Date": "2026-11-02",
            },
        )
        repeated = await _pay(client, invoice["invoice_number"], 110)
    assert repeated["duplicate"] is True and repeated["amount"] == 110


async def test_payment_rules_are_explained_before_xero_is_asked(make_client: MakeClient) -> None:
    async with make_client() as client:
        draft = await _invoice(client, status="DRAFT")
        open_invoice = await _invoice(client)
        paid = await _invoice(client)
        await _pay(client, paid["invoice_number"], 110)
        not_approved = await fails(
            client, "create_payment", invoice=draft["invoice_number"], amount=10, bank_account=BANK
        )
        too_much = await fails(
            client, "create_payment", invoice=open_invoice["invoice_number"], amount=111, bank_account=BANK
        )
        already_paid = await fails(
            client, "create_payment", invoice=paid["invoice_number"], amount=5, bank_account=BANK
        )
        unknown = await fails(client, "create_payment", invoice="INV-99999", amount=5, bank_account=BANK)
    assert f"Invoice {draft['invoice_number']} is DRAFT" in not_approved and "approve_invoice" in not_approved
    assert f"amount: 111 is more than the 110.00 due on invoice {open_invoice['invoice_number']}" in too_much
    assert f"Invoice {paid['invoice_number']} is already PAID" in already_paid
    assert "invoice: no invoice or bill has the ID or number 'INV-99999'" in unknown


async def test_the_bank_account_must_be_named_when_there_are_several(make_client: MakeClient) -> None:
    async with make_client() as client:
        invoice = await _invoice(client)
        unnamed = await fails(client, "create_payment", invoice=invoice["invoice_number"], amount=10)
        not_bank = await fails(
            client, "create_payment", invoice=invoice["invoice_number"], amount=10, bank_account="Sales"
        )
        by_code = await ok(
            client,
            "create_payment",
            invoice=invoice["invoice_number"],
            amount=10,
            bank_account="091",
            date="2026-11-02",
        )
    assert "account: this organisation has 3 bank accounts; name one: Business Bank Account (090)" in unnamed
    assert "account: Sales (200) is not a bank account" in not_bank
    assert by_code["account"] == "Business Savings Account"


async def test_listing_payments_filters_by_invoice_and_status(make_client: MakeClient) -> None:
    async with make_client() as client:
        invoice = await _invoice(client)
        made = await _pay(client, invoice["invoice_number"], 30)
        listed = await ok(client, "list_records", kind="payment", search=invoice["invoice_number"])
        deleted = await ok(client, "list_records", kind="payment", statuses=["DELETED"], page_size=5)
        dated = await ok(client, "list_records", kind="payment", date_from="2026-11-02", date_to="2026-11-02")
    assert [p["payment_id"] for p in listed["items"]] == [made["payment_id"]]
    assert listed["page"] == 1 and listed["has_more"] is False
    assert all(p["status"] == "DELETED" for p in deleted["items"])
    assert made["payment_id"] in {p["payment_id"] for p in dated["items"]}
    assert all(p["date"] == "2026-11-02" for p in dated["items"])


async def test_delete_payment_previews_until_confirmed_then_restores_the_amount_due(make_client: MakeClient) -> None:
    async with make_client() as client:
        invoice = await _invoice(client)
        payment = await _pay(client, invoice["invoice_number"], 110)
        preview = await ok(client, "delete_payment", payment=payment["payment_id"])
        still_paid = await ok(client, "get_invoice", invoice=invoice["invoice_number"])
        done = await confirmed(client, "delete_payment", payment=payment["payment_id"])
        after = await ok(client, "get_invoice", invoice=invoice["invoice_number"])
        again = await fails(client, "delete_payment", payment=payment["payment_id"])
    number = invoice["invoice_number"]
    assert preview["done"] is False
    assert preview["preview"] == (
        f"Delete the payment of 110.00 on {number} (Totara Surveys) dated 2026-11-02; {number}'s amount due goes "
        "back up by 110.00."
    )
    assert still_paid["status"] == "PAID"
    assert done["done"] is True and done["result"]["status"] == "DELETED"
    assert (after["status"], after["amount_due"]) == ("AUTHORISED", 110)
    assert f"Payment {payment['payment_id']} is already deleted" in again


async def _decline(context: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult:
    return ElicitResult(action="decline")


async def _accept(context: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult:
    return ElicitResult(action="accept", content={"confirm": True})


@pytest.mark.parametrize(("answer", "status"), [(_decline, "PAID"), (_accept, "AUTHORISED")])
async def test_delete_payment_asks_the_user_and_respects_their_answer(
    make_client: MakeClient, answer: Any, status: str
) -> None:
    async with make_client(elicitation_callback=answer) as client:
        invoice = await _invoice(client)
        payment = await _pay(client, invoice["invoice_number"], 110)
        outcome = await ok(client, "delete_payment", payment=payment["payment_id"])
        after = await ok(client, "get_invoice", invoice=invoice["invoice_number"])
    assert outcome["done"] is (status == "AUTHORISED")
    assert after["status"] == status


async def test_delete_payment_with_a_bad_id_says_so(make_client: MakeClient) -> None:
    async with make_client() as client:
        not_an_id = await fails(client, "delete_payment", payment="PAY-1")
        unknown = await fails(client, "delete_payment", payment="8a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d")
    assert "payment: 'PAY-1' is not a Xero ID" in not_an_id
    assert "payment: no payment has the ID 8a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d" in unknown


async def test_read_only_mode_lists_payments_but_cannot_make_or_delete_them(make_client: MakeClient) -> None:
    async with make_client(read_only=True) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        listed = await ok(client, "list_records", kind="payment", page_size=2)
    assert "list_records" in names and not {"create_payment", "delete_payment"} & names
    assert len(listed["items"]) == 2
