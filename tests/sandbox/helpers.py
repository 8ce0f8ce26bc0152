"""Small helpers for the sandbox API tests: create records and read Xero's error messages."""

from __future__ import annotations

from typing import Any

import httpx2

SALES_LINE: dict[str, Any] = {"Description": "Consulting", "Quantity": 1, "UnitAmount": 100, "AccountCode": "200"}
PURCHASE_LINE: dict[str, Any] = {"Description": "Paper", "Quantity": 1, "UnitAmount": 100, "AccountCode": "453"}


async def put_one(api: httpx2.AsyncClient, plural: str, body: dict[str, Any], **params: str) -> dict[str, Any]:
    """PUT one element and return the created record (the request must succeed)."""
    response = await api.put(f"/{plural}", json=body, params=params)
    assert response.status_code == 200, response.text
    return response.json()[plural][0]


async def post_one(api: httpx2.AsyncClient, path: str, body: dict[str, Any], **params: str) -> httpx2.Response:
    """POST a body to a path under the API."""
    return await api.post(path, json=body, params=params)


async def get_one(api: httpx2.AsyncClient, plural: str, record_id: str) -> dict[str, Any]:
    """GET one record by ID."""
    response = await api.get(f"/{plural}/{record_id}")
    assert response.status_code == 200, response.text
    return response.json()[plural][0]


async def new_contact(api: httpx2.AsyncClient, name: str, **fields: Any) -> dict[str, Any]:
    """A new contact."""
    return await put_one(api, "Contacts", {"Name": name, **fields})


async def new_invoice(
    api: httpx2.AsyncClient,
    *,
    kind: str = "ACCREC",
    status: str = "AUTHORISED",
    lines: list[dict[str, Any]] | None = None,
    contact: str = "Invoice Customer",
    **fields: Any,
) -> dict[str, Any]:
    """A new invoice (ACCREC) or bill (ACCPAY) with one 100.00 line by default."""
    default = SALES_LINE if kind in ("ACCREC", "ACCRECCREDIT") else PURCHASE_LINE
    body = {"Type": kind, "Status": status, "Contact": {"Name": contact}, "LineItems": lines or [default], **fields}
    return await put_one(api, "Invoices", body)


async def new_credit_note(
    api: httpx2.AsyncClient, *, kind: str = "ACCRECCREDIT", status: str = "AUTHORISED", amount: int = 50, **fields: Any
) -> dict[str, Any]:
    """A new credit note with one line of `amount` (plus tax)."""
    line = {**(SALES_LINE if kind == "ACCRECCREDIT" else PURCHASE_LINE), "UnitAmount": amount}
    body = {"Type": kind, "Status": status, "Contact": {"Name": "Invoice Customer"}, "LineItems": [line], **fields}
    return await put_one(api, "CreditNotes", body)


async def pay(api: httpx2.AsyncClient, invoice: dict[str, Any], amount: Any, code: str = "090") -> httpx2.Response:
    """PUT a payment of `amount` against an invoice into account `code`."""
    body = {"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Account": {"Code": code}, "Amount": amount}
    return await api.put("/Payments", json=body)


def messages(response: httpx2.Response) -> list[str]:
    """The ValidationErrors messages of a 400 ValidationException (all elements)."""
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["Type"] == "ValidationException"
    return [error["Message"] for element in body["Elements"] for error in element.get("ValidationErrors", [])]
