"""Quotes (reference §5.3) and purchase orders (§5.9): status machines, editable fields, numbering, filters."""

from __future__ import annotations

import re
from typing import Any

import httpx2

from tests.sandbox.helpers import PURCHASE_LINE, SALES_LINE, messages, new_contact, put_one


async def _quote(api: httpx2.AsyncClient, **fields: Any) -> dict[str, Any]:
    body = {"Contact": {"Name": "Quote Customer"}, "Date": "2026-03-10", "LineItems": [SALES_LINE], **fields}
    return await put_one(api, "Quotes", body)


async def _order(api: httpx2.AsyncClient, **fields: Any) -> dict[str, Any]:
    contact = await new_contact(api, f"Supplier {fields.get('PurchaseOrderNumber', 'X')}")
    body = {"Contact": {"ContactID": contact["ContactID"]}, "LineItems": [PURCHASE_LINE], **fields}
    return await put_one(api, "PurchaseOrders", body)


async def test_quote_follows_xeros_status_changes(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.3: DRAFT -> SENT -> ACCEPTED -> INVOICED; DRAFT cannot jump to ACCEPTED."""
    quote = await _quote(api)
    jump = await api.post(f"/Quotes/{quote['QuoteID']}", json={"Status": "ACCEPTED"})
    assert messages(jump) == ["The status of the quote cannot be changed from DRAFT to ACCEPTED."]
    for status in ("SENT", "ACCEPTED", "INVOICED"):
        moved = await api.post(f"/Quotes/{quote['QuoteID']}", json={"Status": status})
        assert moved.json()["Quotes"][0]["Status"] == status


async def test_accepted_quote_can_change_only_its_contact(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.3: DECLINED / ACCEPTED / INVOICED quotes edit only "Contact details, Notes"."""
    quote = await _quote(api, Status="SENT")
    await api.post(f"/Quotes/{quote['QuoteID']}", json={"Status": "ACCEPTED"})
    refused = await api.post(f"/Quotes/{quote['QuoteID']}", json={"Title": "New title"})
    assert messages(refused) == ["Only the contact of a quote can be changed once it is ACCEPTED."]
    other = await new_contact(api, "Other Customer")
    moved = await api.post(f"/Quotes/{quote['QuoteID']}", json={"Contact": {"ContactID": other["ContactID"]}})
    assert moved.json()["Quotes"][0]["Contact"]["Name"] == "Other Customer"


async def test_quote_uses_upper_case_line_amount_types_and_no_tax_from_the_account(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.3: QuoteLineAmountTypes are EXCLUSIVE|INCLUSIVE|NOTAX; TaxType does not default."""
    quote = await _quote(api, LineAmountTypes="EXCLUSIVE")
    assert quote["LineAmountTypes"] == "EXCLUSIVE"
    assert "TaxType" not in quote["LineItems"][0]
    assert quote["Total"] == 100.0
    taxed = await _quote(api, LineItems=[{**SALES_LINE, "TaxType": "OUTPUT"}])
    assert taxed["Total"] == 110.0


async def test_quote_needs_a_date(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.3: Contact, Date and LineItems are required to create a draft quote."""
    response = await api.put("/Quotes", json={"Contact": {"Name": "Q"}, "LineItems": [SALES_LINE]})
    assert messages(response) == ["A quote needs a Date."]


async def test_quote_needs_a_line_item(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.3: "Required to create a draft: Contact, Date, LineItems (at minimum a description)"."""
    no_lines: list[dict[str, Any]] = []
    for lines in ({}, {"LineItems": no_lines}):
        response = await api.put("/Quotes", json={"Contact": {"Name": "Q"}, "Date": "2026-03-10", **lines})
        assert messages(response) == ["A quote needs at least one line item."]
    described = await _quote(api, LineItems=[{"Description": "Survey"}])
    assert described["LineItems"][0]["Description"] == "Survey"


async def test_quote_numbers_are_generated_and_filtered_by_partial_number(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.3: QuoteNumber filter is a partial match ("?QuoteNumber=QU")."""
    first = await _quote(api)
    second = await _quote(api, QuoteNumber="SPECIAL-1")
    assert re.fullmatch(r"QU-\d{4,}", first["QuoteNumber"])
    found = await api.get("/Quotes", params={"QuoteNumber": "QU"})
    numbers = [q["QuoteNumber"] for q in found.json()["Quotes"]]
    assert first["QuoteNumber"] in numbers and second["QuoteNumber"] not in numbers


async def test_quotes_filter_by_status_and_contact(api: httpx2.AsyncClient) -> None:
    """xero-api.md §2.4: Quotes' own filters (Status, ContactID, DateFrom/DateTo)."""
    quote = await _quote(api, Status="SENT", Date="2026-02-01")
    response = await api.get(
        "/Quotes",
        params={
            "Status": "SENT",
            "ContactID": quote["Contact"]["ContactID"],
            "DateFrom": "2026-01-31",
            "DateTo": "2026-02-01",
        },
    )
    assert [q["QuoteID"] for q in response.json()["Quotes"]] == [quote["QuoteID"]]
    assert "pagination" not in response.json()


async def test_purchase_order_numbers_are_generated_and_unique(api: httpx2.AsyncClient) -> None:
    """xero-api.md §2.2: "Order number must be unique"; numbers are auto-generated (PO-0001...)."""
    order = await _order(api)
    assert re.fullmatch(r"PO-\d{4,}", order["PurchaseOrderNumber"])
    contact_id = order["Contact"]["ContactID"]
    duplicate = {"PurchaseOrderNumber": order["PurchaseOrderNumber"], "Contact": {"ContactID": contact_id}}
    response = await api.put("/PurchaseOrders", json={**duplicate, "LineItems": [PURCHASE_LINE]})
    assert messages(response) == ["Order number must be unique"]


async def test_sent_to_contact_on_a_draft_order_is_only_a_warning(api: httpx2.AsyncClient) -> None:
    """xero-api.md §2.2: warning "Only AUTHORISED and BILLED purchase orders may have SentToContact updated."."""
    order = await _order(api)
    response = await api.post(
        "/PurchaseOrders",
        params={"summarizeErrors": "false"},
        json={"PurchaseOrders": [{"PurchaseOrderID": order["PurchaseOrderID"], "SentToContact": True}]},
    )
    [element] = response.json()["PurchaseOrders"]
    assert element["StatusAttributeString"] == "WARNING"
    assert element["Warnings"] == [
        {"Message": "Only AUTHORISED and BILLED purchase orders may have SentToContact updated."}
    ]
    assert element["SentToContact"] is False


async def test_purchase_order_status_machine_and_billed_edits(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.9: DRAFT -> AUTHORISED -> BILLED; a BILLED order keeps its lines; DELETED is final."""
    order = await _order(api)
    path = f"/PurchaseOrders/{order['PurchaseOrderID']}"
    for status in ("AUTHORISED", "BILLED"):
        assert (await api.post(path, json={"Status": status})).json()["PurchaseOrders"][0]["Status"] == status
    refused = await api.post(path, json={"LineItems": [{**PURCHASE_LINE, "Quantity": 9}]})
    assert messages(refused) == ["A BILLED purchase order can only change its status and delivery details."]
    deleted = await _order(api, PurchaseOrderNumber="TO-DELETE")
    gone = f"/PurchaseOrders/{deleted['PurchaseOrderID']}"
    await api.post(gone, json={"Status": "DELETED"})
    assert messages(await api.post(gone, json={"Status": "DRAFT"})) == ["A deleted purchase order cannot be changed."]


async def test_deleted_quotes_and_purchase_orders_cannot_be_edited_without_a_status(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.3 and §5.9: DELETED is final for quotes and purchase orders, so an update that leaves out
    Status cannot edit a deleted one either."""
    quote = await _quote(api)
    order = await _order(api, PurchaseOrderNumber="PO-GONE")
    paths = {"quote": f"/Quotes/{quote['QuoteID']}", "purchase order": f"/PurchaseOrders/{order['PurchaseOrderID']}"}
    for label, path in paths.items():
        assert (await api.post(path, json={"Status": "DELETED"})).status_code == 200
        edit = await api.post(path, json={"Reference": "after the delete"})
        assert messages(edit) == [f"A deleted {label} cannot be changed."]


async def test_purchase_order_does_not_create_contacts(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.9: "PO endpoint does not create contacts"."""
    response = await api.put("/PurchaseOrders", json={"Contact": {"Name": "Nobody Yet"}, "LineItems": [PURCHASE_LINE]})
    assert messages(response) == [
        "The contact could not be found. Provide an existing ContactID, ContactNumber or Name."
    ]


async def test_purchase_orders_are_paged_and_filtered_by_status_and_date(api: httpx2.AsyncClient) -> None:
    """xero-api.md §2.4: /PurchaseOrders takes Status, DateFrom, DateTo, page and pageSize."""
    order = await _order(api, PurchaseOrderNumber="DATED", Date="2026-01-15", Status="SUBMITTED")
    response = await api.get(
        "/PurchaseOrders", params={"Status": "SUBMITTED", "DateFrom": "2026-01-01", "DateTo": "2026-01-31"}
    )
    body = response.json()
    assert [o["PurchaseOrderID"] for o in body["PurchaseOrders"]] == [order["PurchaseOrderID"]]
    assert body["pagination"]["itemCount"] == 1
    by_number = await api.get("/PurchaseOrders/DATED")
    assert by_number.json()["PurchaseOrders"][0]["PurchaseOrderID"] == order["PurchaseOrderID"]
