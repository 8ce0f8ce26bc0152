"""Purchase order tools end to end: create once (by number, or by supplier, date, reference and lines), list."""

from __future__ import annotations

from typing import Any

from mcp import Client

from tests.tools._calls import fails, ok
from tests.tools.conftest import MakeClient

WIDGETS = [{"item": "Widget", "quantity": 10, "unit_amount": 4.5, "account": "Cost of Goods Sold"}]


async def _order(client: Client, **extra: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "contact": "Widget Wholesale Ltd",
        "lines": WIDGETS,
        "date": "2026-11-02",
        "reference": "Restock",
    }
    arguments.update(extra)
    return await ok(client, "create_document", kind="purchase_order", **arguments)


async def test_creating_a_purchase_order_resolves_names_and_numbers_the_order(make_client: MakeClient) -> None:
    async with make_client() as client:
        order = await _order(client, delivery_date="2026-11-20", status="AUTHORISED")
    assert order["purchase_order_number"].startswith("PO-")
    assert (order["status"], order["contact_name"], order["reference"]) == (
        "AUTHORISED",
        "Widget Wholesale Ltd",
        "Restock",
    )
    assert (order["date"], order["delivery_date"], order["duplicate"]) == ("2026-11-02", "2026-11-20", False)
    assert order["total"] == 49.5  # 45 plus 10% tax
    assert "/Accounts/Payable/PurchaseOrders/View/" in order["url"]


async def test_the_same_order_is_created_once_unless_asked_otherwise(make_client: MakeClient) -> None:
    async with make_client() as client:
        first = await _order(client)
        again = await _order(client, contact="widget wholesale ltd")
        more = await _order(client, lines=[{**WIDGETS[0], "quantity": 20}])
        forced = await _order(client, allow_duplicate=True)
    assert again["duplicate"] is True and again["purchase_order_id"] == first["purchase_order_id"]
    assert more["duplicate"] is False
    assert forced["duplicate"] is False and forced["purchase_order_id"] != first["purchase_order_id"]


async def test_an_order_number_used_before_returns_that_order(make_client: MakeClient) -> None:
    async with make_client() as client:
        contact = await ok(client, "get_contact", contact="Widget Wholesale Ltd")
        await ok(
            client,
            "xero_write",
            method="PUT",
            path="/PurchaseOrders",
            body={
                "PurchaseOrderNumber": "PO-EXT-7",
                "Contact": {"ContactID": contact["contact_id"]},
                "LineItems": [{"Description": "Cables", "Quantity": 5, "UnitAmount": 3, "AccountCode": "310"}],
            },
        )
        repeated = await _order(client, number="PO-EXT-7")
    assert repeated["duplicate"] is True and repeated["purchase_order_number"] == "PO-EXT-7"


async def test_unknown_supplier_and_item_list_close_matches(make_client: MakeClient) -> None:
    async with make_client() as client:
        supplier = await fails(
            client, "create_document", kind="purchase_order", contact="Widget Wholesale", lines=WIDGETS
        )
        item = await fails(
            client,
            "create_document",
            kind="purchase_order",
            contact="Widget Wholesale Ltd",
            lines=[{"item": "Widgit", "quantity": 1}],
        )
    assert "contact: no contact matches 'Widget Wholesale'" in supplier and "Widget Wholesale Ltd" in supplier
    assert "lines[0].item: no item matches 'Widgit'" in item and "Widget (WIDGET)" in item


async def test_listing_purchase_orders_filters_by_status_and_date(make_client: MakeClient) -> None:
    async with make_client() as client:
        order = await _order(client, status="SUBMITTED", date="2026-11-03")
        submitted = await ok(client, "list_records", kind="purchase_order", statuses=["SUBMITTED"])
        that_day = await ok(client, "list_records", kind="purchase_order", date_from="2026-11-03", date_to="2026-11-03")
        paged = await ok(client, "list_records", kind="purchase_order", page_size=2)
    assert order["purchase_order_id"] in [o["purchase_order_id"] for o in submitted["items"]]
    assert all(o["status"] == "SUBMITTED" for o in submitted["items"])
    assert [o["purchase_order_id"] for o in that_day["items"]] == [order["purchase_order_id"]]
    assert len(paged["items"]) == 2 and paged["has_more"] is True
    dates = [o["date"] for o in paged["items"]]
    assert dates == sorted(dates, reverse=True)


async def test_read_only_mode_lists_purchase_orders_but_cannot_create_them(make_client: MakeClient) -> None:
    async with make_client(read_only=True, toolsets=("documents",)) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        listed = await ok(client, "list_records", kind="purchase_order", page_size=1)
        refused = await client.call_tool("create_document", {"kind": "purchase_order", "lines": WIDGETS})
    assert "list_records" in names and "create_document" not in names
    assert len(listed["items"]) == 1 and refused.is_error
