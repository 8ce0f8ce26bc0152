"""Paging, If-Modified-Since, and `where`/`order` built so user text cannot change a filter's meaning."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any
from uuid import UUID

import httpx2
import pytest

from tests.client.helpers import TENANT, json_response, make_client
from xero_mcp.client import Order, Where
from xero_mcp.client.pagination import csv_param, if_modified_since_header, order_param

NASTY = [
    'A" OR Name!="',
    '"',
    '""',
    'x" || true || Name=="',
    "back\\slash\\",
    'end with backslash\\"',
    "O'Brien & Sons (NZ) Ltd.",
    "new\nline",
]


def classic_linq_string_tokens(expression: str) -> list[str]:
    """The string literals of an expression as Xero's parser (classic Dynamic LINQ) reads them: a literal runs
    from a double quote to the next double quote not followed by another one; "" inside stands for one quote."""
    return [token[1:-1].replace('""', '"') for token in re.findall(r'"(?:[^"]|"")*"', expression)]


@pytest.mark.parametrize("text", NASTY)
def test_user_text_stays_one_string_literal_in_a_where(text: str) -> None:
    expression = str(Where.eq("Name", text) & Where.eq("ContactStatus", "ACTIVE"))
    assert classic_linq_string_tokens(expression) == [text, "ACTIVE"]
    outside = re.sub(r'"(?:[^"]|"")*"', "S", expression)
    assert outside == "Name==S AND ContactStatus==S"


def test_the_issue_example_is_quoted_by_doubling_the_quotes() -> None:
    assert str(Where.eq("Name", 'A" OR Name!="')) == 'Name=="A"" OR Name!="""'


def test_where_values_are_written_as_xero_literals() -> None:
    contact = UUID("96988e67-ecf9-466d-bfbf-0afa1725a649")
    assert (
        str(Where.eq("Contact.ContactID", contact)) == 'Contact.ContactID==guid("96988e67-ecf9-466d-bfbf-0afa1725a649")'
    )
    assert str(Where.gte("Date", dt.date(2026, 1, 2))) == "Date>=DateTime(2026, 01, 02)"
    auckland = dt.timezone(dt.timedelta(hours=13))
    assert (
        str(Where.lt("UpdatedDateUTC", dt.datetime(2026, 1, 2, 10, 30, 5, tzinfo=auckland)))
        == "UpdatedDateUTC<DateTime(2026, 01, 01, 21, 30, 05)"
    )
    assert str(Where.gt("AmountDue", Decimal("5000.50"))) == "AmountDue>5000.50"
    assert str(Where.eq("IsSold", True)) == "IsSold==true"
    assert str(Where.ne("EmailAddress", None)) == "EmailAddress!=null"
    assert str(Where.contains("Name", 'Pe"ter')) == 'Name.Contains("Pe""ter")'


def test_or_inside_and_is_bracketed() -> None:
    status = Where.eq("Status", "DRAFT") | Where.eq("Status", "SUBMITTED")
    combined = Where.eq("Type", "ACCREC") & status
    assert str(combined) == 'Type=="ACCREC" AND (Status=="DRAFT" OR Status=="SUBMITTED")'
    assert str(Where.all_of(Where.eq("A", 1), Where.eq("B", 2), Where.eq("C", 3))) == "A==1 AND B==2 AND C==3"
    assert str(Where.any_of(Where.eq("A", 1) & Where.eq("B", 2), Where.eq("C", 3))) == "A==1 AND B==2 OR C==3"


@pytest.mark.parametrize("field", ["Name==1 OR X", "Name)", "", "1Name", 'Name"'])
def test_field_names_that_are_not_names_are_refused(field: str) -> None:
    with pytest.raises(ValueError):
        Where.eq(field, "x")


def test_floats_and_naive_datetimes_are_refused_in_a_where() -> None:
    with pytest.raises(TypeError):
        Where.eq("AmountDue", 0.1)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Where.eq("Date", dt.datetime(2026, 1, 1))


def test_order_is_built_or_validated() -> None:
    assert str(Order.desc("Date").then_asc("InvoiceNumber")) == "Date DESC,InvoiceNumber ASC"
    assert order_param("Name ASC, Date desc") == "Name ASC, Date desc"
    for bad in ["Name; DROP", "Name ASC OR 1", 'Name"', "Name ASCENDING"]:
        with pytest.raises(ValueError):
            order_param(bad)


def test_list_parameters_refuse_values_with_commas() -> None:
    assert csv_param(["AUTHORISED", "DRAFT"]) == "AUTHORISED,DRAFT"
    with pytest.raises(ValueError):
        csv_param(["INV-1,INV-2"])
    with pytest.raises(ValueError):
        csv_param([])


def test_if_modified_since_is_the_utc_time_xero_documents() -> None:
    local = dt.datetime(2026, 2, 6, 12, 17, 43, 202000, tzinfo=dt.timezone(dt.timedelta(hours=-8)))
    assert if_modified_since_header(local) == "2026-02-06T20:17:43"
    with pytest.raises(ValueError):
        if_modified_since_header(dt.datetime(2026, 2, 6))


def paged_handler(total: int, *, with_pagination: bool, calls: list[httpx2.Request]) -> Any:
    def handler(request: httpx2.Request) -> httpx2.Response:
        calls.append(request)
        page = int(request.url.params["page"])
        size = int(request.url.params["pageSize"])
        start = (page - 1) * size
        items = [{"InvoiceID": f"id-{n}"} for n in range(start, min(start + size, total))]
        body: dict[str, Any] = {"Invoices": items}
        if with_pagination:
            body["pagination"] = {"page": page, "pageSize": size, "pageCount": -(-total // size), "itemCount": total}
        return json_response(200, body)

    return handler


@pytest.mark.parametrize("with_pagination", [True, False])
async def test_reading_2500_records_costs_exactly_three_calls(with_pagination: bool) -> None:
    calls: list[httpx2.Request] = []
    client, _, _ = make_client(paged_handler(2500, with_pagination=with_pagination, calls=calls))
    since = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    async with client:
        pages = [page async for page in client.tenant(TENANT).pages("/Invoices", if_modified_since=since)]
    assert [len(page) for page in pages] == [1000, 1000, 500]
    assert len(calls) == 3
    assert [c.url.params["page"] for c in calls] == ["1", "2", "3"]
    assert all(c.url.params["pageSize"] == "1000" for c in calls)
    assert all(c.headers["if-modified-since"] == "2026-01-01T00:00:00" for c in calls)


async def test_a_full_last_page_needs_no_extra_call_when_xero_gives_the_page_count() -> None:
    calls: list[httpx2.Request] = []
    client, _, _ = make_client(paged_handler(2000, with_pagination=True, calls=calls))
    async with client:
        records = [item async for page in client.tenant(TENANT).pages("/Invoices") for item in page]
    assert len(records) == 2000
    assert len(calls) == 2


async def test_an_empty_list_costs_one_call_and_yields_nothing() -> None:
    calls: list[httpx2.Request] = []
    client, _, _ = make_client(paged_handler(0, with_pagination=True, calls=calls))
    async with client:
        pages = [page async for page in client.tenant(TENANT).pages("/Invoices")]
    assert pages == []
    assert len(calls) == 1


async def test_page_size_above_xeros_maximum_is_refused() -> None:
    client, _, _ = make_client(paged_handler(0, with_pagination=True, calls=[]))
    async with client:
        with pytest.raises(ValueError):
            [page async for page in client.tenant(TENANT).pages("/Invoices", page_size=1001)]
