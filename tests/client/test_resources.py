"""Typed resources send what Xero's API expects and return models (wire shape, against MockTransport)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any
from uuid import UUID

import httpx2
import pytest

from tests.client.helpers import TENANT, Recorder, json_response, make_client
from xero_mcp.client import NotFound, ValidationError, Where
from xero_mcp.client import models as m
from xero_mcp.client.resources import history_entity

INVOICE_ID = "243216c5-369e-4056-ac67-05388f86dc81"
CONTACT_ID = "96988e67-ecf9-466d-bfbf-0afa1725a649"
OTHER_ID = "0f8e9d6c-2222-4a2b-9c3d-5e6f7a8b9c0d"


def invoice_json(**fields: Any) -> dict[str, Any]:
    return {"InvoiceID": INVOICE_ID, "Type": "ACCREC", "Status": "DRAFT", "Total": 100.5, **fields}


async def test_invoice_list_sends_xeros_filters_and_returns_a_typed_page() -> None:
    recorder = Recorder(
        lambda r: json_response(
            200,
            {
                "Invoices": [invoice_json()],
                "pagination": {"page": 2, "pageSize": 50, "pageCount": 3, "itemCount": 101},
            },
        )
    )
    client, _, _ = make_client(recorder)
    async with client:
        page = await client.tenant(TENANT).invoices.list(
            statuses=["AUTHORISED", "DRAFT"],
            contact_ids=[UUID(CONTACT_ID)],
            where=Where.eq("Type", "ACCREC"),
            order="Date DESC",
            page=2,
            page_size=50,
            if_modified_since=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        )
    request = recorder.requests[0]
    assert request.url.path.endswith("/Invoices")
    assert dict(request.url.params) == {
        "where": 'Type=="ACCREC"',
        "order": "Date DESC",
        "Statuses": "AUTHORISED,DRAFT",
        "ContactIDs": CONTACT_ID,
        "page": "2",
        "pageSize": "50",
    }
    assert request.headers["if-modified-since"] == "2026-01-01T00:00:00"
    assert page.items[0].invoice_id == UUID(INVOICE_ID)
    assert page.items[0].total == Decimal("100.5")
    assert (page.page, page.page_count, page.item_count, page.has_more) == (2, 3, 101, True)


async def test_iterate_walks_every_page_as_models() -> None:
    def answer(request: httpx2.Request) -> httpx2.Response:
        page = int(request.url.params["page"])
        items = [{"ContactID": CONTACT_ID, "Name": f"C{page}-{n}"} for n in range(1000 if page < 2 else 3)]
        return json_response(200, {"Contacts": items})

    recorder = Recorder(answer)
    client, _, _ = make_client(recorder)
    async with client:
        names = [contact.name async for contact in client.tenant(TENANT).contacts.iterate(include_archived=True)]
    assert len(names) == 1003
    assert len(recorder.requests) == 2
    assert recorder.requests[0].url.params["includeArchived"] == "true"


async def test_get_by_number_encodes_it_as_one_path_segment() -> None:
    recorder = Recorder(lambda r: json_response(200, {"Invoices": [invoice_json(InvoiceNumber="INV/7 ?x")]}))
    client, _, _ = make_client(recorder)
    async with client:
        found = await client.tenant(TENANT).invoices.get("INV/7 ?x")
        await client.tenant(TENANT).invoices.get(UUID(INVOICE_ID))
    assert recorder.requests[0].url.raw_path.endswith(b"/Invoices/INV%2F7%20%3Fx")
    assert recorder.requests[1].url.path.endswith(f"/Invoices/{INVOICE_ID}")
    assert found.invoice_number == "INV/7 ?x"


async def test_get_of_an_empty_answer_is_not_found() -> None:
    client, _, _ = make_client(Recorder(lambda r: json_response(200, {"Contacts": []})))
    async with client:
        with pytest.raises(NotFound):
            await client.tenant(TENANT).contacts.get("C-404")


async def test_create_puts_the_wrapped_record_and_returns_xeros_copy() -> None:
    recorder = Recorder(lambda r: json_response(200, {"Invoices": [invoice_json(InvoiceNumber="INV-0001")]}))
    client, _, _ = make_client(recorder)
    new = m.InvoiceCreate(
        type="ACCREC",
        contact=m.ContactRef(contact_id=UUID(CONTACT_ID)),
        line_items=[m.LineItemInput(description="Work", quantity=Decimal(1), unit_amount=Decimal("100.50"))],
    )
    async with client:
        created = await client.tenant(TENANT).invoices.create(new, idempotency_key="inv-create-1")
    request = recorder.requests[0]
    assert (request.method, request.url.params["summarizeErrors"]) == ("PUT", "true")
    assert request.headers["idempotency-key"] == "inv-create-1"
    assert recorder.body() == {
        "Invoices": [
            {
                "Type": "ACCREC",
                "Contact": {"ContactID": CONTACT_ID},
                "LineItems": [{"Description": "Work", "Quantity": 1, "UnitAmount": 100.5}],
            }
        ]
    }
    assert b'"UnitAmount":100.50' in request.content
    assert created.invoice_number == "INV-0001"


async def test_an_element_marked_error_in_a_200_answer_is_raised_as_a_validation_error() -> None:
    element = invoice_json(
        StatusAttributeString="ERROR", ValidationErrors=[{"Message": "Account code '999' is not valid"}]
    )
    client, _, _ = make_client(Recorder(lambda r: json_response(200, {"Invoices": [element]})))
    async with client:
        with pytest.raises(ValidationError) as caught:
            await client.tenant(TENANT).invoices.update(INVOICE_ID, m.InvoiceUpdate(reference="R"))
    assert caught.value.messages == ("Account code '999' is not valid",)


async def test_update_posts_to_the_record_with_only_the_changed_fields() -> None:
    recorder = Recorder(lambda r: json_response(200, {"Invoices": [invoice_json(Status="AUTHORISED")]}))
    client, _, _ = make_client(recorder)
    async with client:
        updated = await client.tenant(TENANT).invoices.update(INVOICE_ID, m.InvoiceUpdate(status="AUTHORISED"))
    request = recorder.requests[0]
    assert request.method == "POST"
    assert request.url.path.endswith(f"/Invoices/{INVOICE_ID}")
    assert recorder.body() == {"Invoices": [{"InvoiceID": INVOICE_ID, "Status": "AUTHORISED"}]}
    assert updated.status == "AUTHORISED"
    with pytest.raises(ValueError):
        await client.tenant(TENANT).invoices.update("INV-1", m.InvoiceUpdate(status="AUTHORISED"))


async def test_email_and_online_link_use_their_endpoints() -> None:
    def answer(request: httpx2.Request) -> httpx2.Response:
        if request.url.path.endswith("/Email"):
            return httpx2.Response(204)
        return json_response(200, {"OnlineInvoices": [{"OnlineInvoiceUrl": "https://in.xero.com/abc"}]})

    recorder = Recorder(answer)
    client, _, _ = make_client(recorder)
    async with client:
        org = client.tenant(TENANT)
        await org.invoices.email(INVOICE_ID)
        url = await org.invoices.online_url(INVOICE_ID)
    email, online = recorder.requests
    assert (email.method, email.url.path.split("/")[-2:]) == ("POST", [INVOICE_ID, "Email"])
    assert "idempotency-key" in email.headers
    assert (online.method, online.url.path.split("/")[-1]) == ("GET", "OnlineInvoice")
    assert url == "https://in.xero.com/abc"


async def test_allocating_a_credit_note_puts_an_allocation() -> None:
    allocation = {"AllocationID": OTHER_ID, "Amount": 60.5, "Date": "/Date(1767225600000+0000)/"}
    recorder = Recorder(lambda r: json_response(200, {"Allocations": [allocation]}))
    client, _, _ = make_client(recorder)
    async with client:
        result = await client.tenant(TENANT).credit_notes.allocate(
            OTHER_ID,
            m.AllocationCreate(
                invoice=m.InvoiceRef(invoice_id=UUID(INVOICE_ID)), amount=Decimal("60.50"), date=dt.date(2026, 1, 1)
            ),
        )
    request = recorder.requests[0]
    assert (request.method, request.url.path.split("/")[-1]) == ("PUT", "Allocations")
    assert recorder.body() == {
        "Allocations": [{"Invoice": {"InvoiceID": INVOICE_ID}, "Amount": 60.5, "Date": "2026-01-01"}]
    }
    assert result.amount == Decimal("60.5")
    assert result.date == dt.date(2026, 1, 1)


async def test_deleting_a_payment_or_a_transfer_posts_status_deleted() -> None:
    def answer(request: httpx2.Request) -> httpx2.Response:
        if "/Payments/" in request.url.path:
            return json_response(200, {"Payments": [{"PaymentID": OTHER_ID, "Status": "DELETED"}]})
        return json_response(200, {"BankTransfers": [{"BankTransferID": OTHER_ID, "Status": "DELETED"}]})

    recorder = Recorder(answer)
    client, _, _ = make_client(recorder)
    async with client:
        payment = await client.tenant(TENANT).payments.delete(OTHER_ID)
        transfer = await client.tenant(TENANT).bank_transfers.delete(OTHER_ID)
    for request in recorder.requests:
        assert request.method == "POST"
        assert request.url.path.endswith(f"/{OTHER_ID}")
        assert json.loads(request.content) == {"Status": "DELETED"}
    assert payment.status == "DELETED"
    assert transfer.status == "DELETED"


async def test_a_payment_deleted_without_an_answer_body_is_reported_deleted() -> None:
    client, _, _ = make_client(Recorder(lambda r: httpx2.Response(200)))
    async with client:
        payment = await client.tenant(TENANT).payments.delete(OTHER_ID)
    assert (payment.payment_id, payment.status) == (UUID(OTHER_ID), "DELETED")


async def test_a_misspelt_list_filter_is_refused_instead_of_listing_everything() -> None:
    recorder = Recorder(lambda r: json_response(200, {"Invoices": []}))
    client, _, _ = make_client(recorder)
    async with client:
        org = client.tenant(TENANT)
        with pytest.raises(TypeError, match="contact_id"):
            await org.invoices.list(contact_id=CONTACT_ID)  # pyright: ignore[reportCallIssue]
        with pytest.raises(TypeError, match="unitdp"):
            org.contacts.iterate(unitdp=4)  # pyright: ignore[reportCallIssue]
        with pytest.raises(TypeError, match="where"):
            await org.quotes.list(where=Where.eq("Status", "SENT"))  # pyright: ignore[reportCallIssue]
    assert recorder.requests == []


def test_iterate_refuses_a_bad_order_when_called_not_when_first_read() -> None:
    client, _, _ = make_client(Recorder(lambda r: json_response(200, {"Payments": []})))
    with pytest.raises(ValueError, match="not a Xero order"):
        client.tenant(TENANT).payments.iterate(order="Date; DROP")


async def test_history_notes_go_to_the_records_history() -> None:
    record = {"Details": "Called the customer", "User": "System Generated", "DateUTC": "/Date(1767225600000+0000)/"}
    recorder = Recorder(lambda r: json_response(200, {"HistoryRecords": [record]}))
    client, _, _ = make_client(recorder)
    async with client:
        org = client.tenant(TENANT)
        added = await org.history.add("invoice", INVOICE_ID, "Called the customer")
        listed = await org.history.get("Invoices", INVOICE_ID)
        with pytest.raises(ValueError, match="2500"):
            await org.history.add("Invoices", INVOICE_ID, "x" * 2501)
    put, get = recorder.requests
    assert (put.method, put.url.path.split("/")[-3:]) == ("PUT", ["Invoices", INVOICE_ID, "History"])
    assert json.loads(put.content) == {"HistoryRecords": [{"Details": "Called the customer"}]}
    assert get.method == "GET"
    assert added[0].details == listed[0].details == "Called the customer"
    assert listed[0].date_utc == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_history_entities_are_recognised_in_any_case_or_number() -> None:
    assert history_entity("invoice") == "Invoices"
    assert history_entity("PurchaseOrders") == "PurchaseOrders"
    assert history_entity("bank_transaction") == "BankTransactions"
    with pytest.raises(ValueError):
        history_entity("Accounts")


async def test_reports_send_their_parameters() -> None:
    recorder = Recorder(lambda r: json_response(200, {"Reports": [{"ReportID": "ProfitAndLoss", "Rows": []}]}))
    client, _, _ = make_client(recorder)
    async with client:
        report = await client.tenant(TENANT).reports.profit_and_loss(
            from_date=dt.date(2026, 1, 1), to_date=dt.date(2026, 3, 31), periods=2, timeframe="MONTH"
        )
        await client.tenant(TENANT).reports.aged_receivables(CONTACT_ID, date=dt.date(2026, 3, 31))
        with pytest.raises(ValueError):
            await client.tenant(TENANT).reports.balance_sheet(periods=13)
    pnl, aged = recorder.requests
    assert pnl.url.path.endswith("/Reports/ProfitAndLoss")
    assert dict(pnl.url.params) == {
        "fromDate": "2026-01-01",
        "toDate": "2026-03-31",
        "periods": "2",
        "timeframe": "MONTH",
    }
    assert dict(aged.url.params) == {"contactId": CONTACT_ID, "date": "2026-03-31"}
    assert report.report_id == "ProfitAndLoss"


async def test_accounts_are_created_one_unwrapped_record_at_a_time() -> None:
    recorder = Recorder(lambda r: json_response(200, {"Accounts": [{"AccountID": OTHER_ID, "Code": "201"}]}))
    client, _, _ = make_client(recorder)
    async with client:
        account = await client.tenant(TENANT).accounts.create(
            m.AccountCreate(code="201", name="Sales 2", type="REVENUE")
        )
    assert recorder.body() == {"Code": "201", "Name": "Sales 2", "Type": "REVENUE"}
    assert account.code == "201"


async def test_a_quote_update_fills_in_the_contact_and_date_xero_requires() -> None:
    current = {"QuoteID": OTHER_ID, "Contact": {"ContactID": CONTACT_ID}, "Date": "/Date(1767225600000+0000)/"}

    def answer(request: httpx2.Request) -> httpx2.Response:
        if request.method == "GET":
            return json_response(200, {"Quotes": [current]})
        return json_response(200, {"Quotes": [{**current, "Status": "SENT"}]})

    recorder = Recorder(answer)
    client, _, _ = make_client(recorder)
    async with client:
        quote = await client.tenant(TENANT).quotes.update(OTHER_ID, m.QuoteUpdate(status="SENT"))
    assert [r.method for r in recorder.requests] == ["GET", "POST"]
    assert recorder.body() == {
        "Quotes": [{"QuoteID": OTHER_ID, "Status": "SENT", "Contact": {"ContactID": CONTACT_ID}, "Date": "2026-01-01"}]
    }
    assert quote.status == "SENT"


async def test_an_update_given_the_current_record_does_not_read_it_again() -> None:
    current = m.Quote.model_validate(
        {"QuoteID": OTHER_ID, "Contact": {"ContactID": CONTACT_ID}, "Date": "/Date(1767225600000+0000)/"}
    )
    recorder = Recorder(lambda r: json_response(200, {"Quotes": [{"QuoteID": OTHER_ID, "Status": "SENT"}]}))
    client, _, _ = make_client(recorder)
    async with client:
        await client.tenant(TENANT).quotes.update(OTHER_ID, m.QuoteUpdate(status="SENT"), current=current)
    assert [r.method for r in recorder.requests] == ["POST"]
    assert recorder.body()["Quotes"][0]["Contact"] == {"ContactID": CONTACT_ID}


async def test_contact_lookup_by_name_escapes_the_name() -> None:
    recorder = Recorder(
        lambda r: json_response(200, {"Contacts": [{"ContactID": CONTACT_ID, "Name": 'A" OR Name!="'}]})
    )
    client, _, _ = make_client(recorder)
    async with client:
        found = await client.tenant(TENANT).contacts.find_by_name('A" OR Name!="')
    assert recorder.requests[0].url.params["where"] == 'Name=="A"" OR Name!="""'
    assert [c.name for c in found] == ['A" OR Name!="']
