"""Bill tools end to end: duplicate-safe create by supplier and reference, finding bills, listing."""

from __future__ import annotations

from typing import Any

from mcp import Client

from tests.tools._calls import fails, ok
from tests.tools.conftest import MakeClient

STOCK = [{"description": "Paper, 20 reams", "quantity": 20, "unit_amount": 6.5, "account": "Printing & Stationery"}]


async def _suppliers(client: Client) -> None:
    await ok(client, "find_or_create_contact", name="Kereru Paper Mill")
    await ok(client, "find_or_create_contact", name="Takahe Print Supplies")


async def _bill(client: Client, supplier: str = "Kereru Paper Mill", **extra: Any) -> dict[str, Any]:
    return await ok(client, "create_document", kind="bill", contact=supplier, lines=STOCK, **extra)


async def test_a_bill_is_keyed_duplicates_by_supplier_and_reference(make_client: MakeClient) -> None:
    async with make_client() as client:
        await _suppliers(client)
        first = await _bill(client, reference="KPM-5531")
        again = await _bill(client, "kereru paper mill", reference=" KPM-5531 ")
        other = await _bill(client, "Takahe Print Supplies", reference="KPM-5531")
    assert first["type"] == "ACCPAY" and first["invoice_number"] == "KPM-5531" and first["total"] == 143
    assert "/AccountsPayable/Edit.aspx" in first["url"]
    assert again["duplicate"] is True and again["invoice_id"] == first["invoice_id"]
    assert other["duplicate"] is False and other["invoice_id"] != first["invoice_id"]


async def test_creating_a_bill_finds_a_bill_entered_elsewhere(make_client: MakeClient) -> None:
    async with make_client() as client:
        await _suppliers(client)
        await ok(
            client,
            "xero_write",
            method="PUT",
            path="/Invoices",
            body={
                "Type": "ACCPAY",
                "InvoiceNumber": "TPS-88",
                "Contact": {"Name": "Takahe Print Supplies"},
                "LineItems": [{"Description": "Toner", "Quantity": 1, "UnitAmount": 90, "AccountCode": "461"}],
            },
        )
        repeated = await _bill(client, "Takahe Print Supplies", reference="TPS-88")
    assert repeated["duplicate"] is True and repeated["total"] == 99


async def test_a_bill_without_a_reference_is_still_created_once(make_client: MakeClient) -> None:
    async with make_client() as client:
        await _suppliers(client)
        first = await _bill(client, date="2026-10-20")
        again = await _bill(client, date="2026-10-20")
        later = await _bill(client, date="2026-10-27")
    assert again["duplicate"] is True and again["invoice_id"] == first["invoice_id"]
    assert later["duplicate"] is False


async def test_get_bill_by_reference_asks_for_the_supplier_when_two_share_it(make_client: MakeClient) -> None:
    async with make_client() as client:
        await _suppliers(client)
        kereru = await _bill(client, reference="1001")
        await _bill(client, "Takahe Print Supplies", reference="1001")
        ambiguous = await fails(client, "get_bill", bill="1001")
        found = await ok(client, "get_bill", bill="1001", contact="Kereru Paper Mill")
        by_id = await ok(client, "get_bill", bill=kereru["invoice_id"])
        missing = await fails(client, "get_bill", bill="NOPE-1")
    assert "2 bills have the reference '1001'" in ambiguous
    assert "Kereru Paper Mill" in ambiguous and "Takahe Print Supplies" in ambiguous
    assert found == by_id
    assert found["invoice_id"] == kereru["invoice_id"] and found["contact_name"] == "Kereru Paper Mill"
    assert [line["description"] for line in found["lines"]] == ["Paper, 20 reams"]
    assert "no bill has the reference 'NOPE-1'" in missing


async def test_listing_bills_lists_only_bills_of_the_supplier(make_client: MakeClient) -> None:
    async with make_client() as client:
        await _suppliers(client)
        await _bill(client, reference="A-1", status="AUTHORISED")
        await _bill(client, reference="A-2")
        await _bill(client, "Takahe Print Supplies", reference="B-1")
        listed = await ok(client, "list_records", kind="bill", contact="Kereru Paper Mill")
        approved = await ok(client, "list_records", kind="bill", contact="Kereru Paper Mill", statuses=["AUTHORISED"])
    assert sorted(b["invoice_number"] for b in listed["items"]) == ["A-1", "A-2"]
    assert {b["type"] for b in listed["items"]} == {"ACCPAY"}
    assert [b["invoice_number"] for b in approved["items"]] == ["A-1"]


async def test_bills_refuse_discounts_with_xeros_message(make_client: MakeClient) -> None:
    async with make_client() as client:
        await _suppliers(client)
        message = await fails(
            client,
            "create_document",
            kind="bill",
            contact="Kereru Paper Mill",
            lines=[{**STOCK[0], "discount_rate": 10}],
            reference="DISC-1",
        )
    assert "Xero rejected the request: Discounts are only supported on ACCREC invoices and quotes." in message


async def test_unknown_supplier_lists_close_matches(make_client: MakeClient) -> None:
    async with make_client() as client:
        await _suppliers(client)
        message = await fails(
            client, "create_document", kind="bill", contact="Kereru Paper", lines=STOCK, reference="X-1"
        )
    assert message.startswith("Error executing tool create_document: contact: no contact matches 'Kereru Paper'.")
    assert "Kereru Paper Mill" in message
