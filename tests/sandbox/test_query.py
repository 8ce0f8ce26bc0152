"""List queries (reference §2.4): where, order, paging, If-Modified-Since and the list filters."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from tests.sandbox.helpers import new_contact, new_invoice
from xero_mcp.sandbox.app import Sandbox
from xero_mcp.sandbox.query import QueryError, build_list_query, compile_where, parse_where
from xero_mcp.sandbox.state import COLLECTIONS


async def _invoices(api: httpx2.AsyncClient, **params: str) -> list[dict[str, Any]]:
    response = await api.get("/Invoices", params=params)
    assert response.status_code == 200, response.text
    return response.json()["Invoices"]


async def _numbers(api: httpx2.AsyncClient, where: str) -> list[str]:
    return sorted(i["InvoiceNumber"] for i in await _invoices(api, where=where))


async def _three(api: httpx2.AsyncClient) -> None:
    for number, amount, day in (("Q-1", 10, "2026-01-10"), ("Q-2", 20, "2026-02-10"), ("Q-3", 30, "2026-03-10")):
        line = {"Description": "q", "Quantity": 1, "UnitAmount": amount, "AccountCode": "200"}
        await new_invoice(
            api, InvoiceNumber=number, lines=[line], Date=day, Reference=f"ref {number}", contact="Query Co"
        )


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ('InvoiceNumber=="Q-2"', ["Q-2"]),
        ('InvoiceNumber="q-2"', ["Q-2"]),
        ('InvoiceNumber.StartsWith("Q-") AND Total>22', ["Q-3"]),
        ('InvoiceNumber.StartsWith("Q-") AND Total>=22', ["Q-2", "Q-3"]),
        ('InvoiceNumber.StartsWith("Q-") AND AmountDue<22', ["Q-1"]),
        ('InvoiceNumber.StartsWith("Q-") AND Total<=22', ["Q-1", "Q-2"]),
        ('InvoiceNumber.StartsWith("Q-") AND InvoiceNumber!="Q-2"', ["Q-1", "Q-3"]),
        ('(InvoiceNumber=="Q-1" OR InvoiceNumber=="Q-3") AND Type=="ACCREC"', ["Q-1", "Q-3"]),
        ('InvoiceNumber.StartsWith("Q-") AND Date>=DateTime(2026, 02, 01) AND Date<DateTime(2026,03,01)', ["Q-2"]),
        ('InvoiceNumber.StartsWith("Q-") AND Date==DateTime(2026,3,10,0,0,0)', ["Q-3"]),
        ('Reference.Contains("REF Q-1")', ["Q-1"]),
        ('Contact.Name.ToLower()=="query co" AND Reference.EndsWith("3")', ["Q-3"]),
        ('InvoiceNumber.StartsWith("Q-") AND SentToContact==false AND Url==null', ["Q-1", "Q-2", "Q-3"]),
        ('InvoiceNumber.StartsWith("Q-") && NOT (InvoiceNumber=="Q-1") || InvoiceNumber=="none"', ["Q-2", "Q-3"]),
    ],
)
async def test_where_supports_xeros_operators_and_literals(
    api: httpx2.AsyncClient, where: str, expected: list[str]
) -> None:
    """xero-api.md §2.4: ==, =, !=, <, >, <=, >=, AND, OR, DateTime(), methods, booleans and null."""
    await _three(api)
    assert await _numbers(api, where) == expected


async def test_where_matches_a_contact_by_guid(api: httpx2.AsyncClient) -> None:
    """xero-api.md §2.4: Contact.ContactID=guid("...")."""
    contact = await new_contact(api, "Guid Ltd")
    await new_invoice(api, InvoiceNumber="G-1", Contact={"ContactID": contact["ContactID"]})
    await new_invoice(api, InvoiceNumber="G-2")
    where = f'Contact.ContactID=guid("{contact["ContactID"].upper()}")'
    assert await _numbers(api, where) == ["G-1"]


async def test_where_string_literals_take_a_quote_doubled(api: httpx2.AsyncClient) -> None:
    """Strings in double quotes; a quote inside is doubled (System.Linq.Dynamic, which Xero's where is)."""
    await new_contact(api, 'The "Quoted" Co')
    await new_contact(api, "The ")
    response = await api.get("/Contacts", params={"where": 'Name=="The ""Quoted"" Co"'})
    assert [c["Name"] for c in response.json()["Contacts"]] == ['The "Quoted" Co']


@pytest.mark.parametrize("name", ["C:\\Temp Traders", "C:\\\\Share\\", "Tab\\tChar"])
async def test_where_backslashes_are_ordinary_characters(api: httpx2.AsyncClient, name: str) -> None:
    """A backslash escapes nothing in Xero's where literals (XeroAPI/Xero-Java#347: `\\"` is a syntax error)."""
    await new_contact(api, name)
    response = await api.get("/Contacts", params={"where": f'Name=="{name}"'})
    assert [c["Name"] for c in response.json()["Contacts"]] == [name]


@pytest.mark.parametrize(
    "where",
    [
        'Status=="AUTHORISED" AND',
        "Status==",
        'Status=="open',
        "Total>>3",
        "Date>=DateTime(2020,13,1)",
        'Name.Frobnicate("x")',
        "guid(1)==Status",
    ],
)
async def test_malformed_where_is_a_400_that_says_what_is_wrong(api: httpx2.AsyncClient, where: str) -> None:
    """xero-api.md §2.4: a malformed where is refused with a clear message."""
    response = await api.get("/Invoices", params={"where": where})
    assert response.status_code == 400
    body = response.json()
    assert body["Type"] == "QueryParseException"
    assert "where" in body["Message"] or "DateTime" in body["Message"] or "GUID" in body["Message"]


def test_where_compiles_indexed_fields_to_columns_and_others_to_json() -> None:
    """xero-api.md §2.4: the optimised fields are served from indexed columns; money columns hold cents."""
    params: list[Any] = []
    where = (
        'Status=="PAID" AND Contact.ContactID==guid("96988e67-ecf9-466d-bfbf-0afa1725a649") AND AmountDue>5.5 '
        "AND Total>5"
    )
    sql = compile_where(parse_where(where), COLLECTIONS["Invoices"], params)
    assert sql == (
        "(status = ? COLLATE NOCASE AND contact_id = ? COLLATE NOCASE AND amount_due > 550.0 "
        "AND json_extract(doc, '$.Total') > 5)"
    )
    assert params == ["PAID", "96988e67-ecf9-466d-bfbf-0afa1725a649"]


def test_where_rejects_a_comparison_without_a_field() -> None:
    """xero-api.md §2.4: a comparison needs a field on one side."""
    with pytest.raises(QueryError, match="needs a field"):
        compile_where(parse_where('"a"=="b"'), COLLECTIONS["Invoices"], [])


async def test_order_sorts_by_several_fields(api: httpx2.AsyncClient) -> None:
    """xero-api.md §2.4: order=Field ASC|DESC, comma-separated."""
    await _three(api)
    ordered = await _invoices(api, where='InvoiceNumber.StartsWith("Q-")', order="Total DESC, Date ASC")
    assert [i["InvoiceNumber"] for i in ordered] == ["Q-3", "Q-2", "Q-1"]
    response = await api.get("/Invoices", params={"order": "Total SIDEWAYS"})
    assert response.status_code == 400


async def test_default_order_is_updated_date_then_id(sandbox: Sandbox, api: httpx2.AsyncClient) -> None:
    """xero-api.md §2.4: "The default order is UpdatedDateUTC ASC, InvoiceId ASC"."""
    first = await new_invoice(api, InvoiceNumber="O-1")
    sandbox.clock.advance(1)
    second = await new_invoice(api, InvoiceNumber="O-2")
    sandbox.clock.advance(1)
    await api.post(f"/Invoices/{first['InvoiceID']}", json={"Reference": "touched"})
    listed = [i["InvoiceID"] for i in await _invoices(api, where='InvoiceNumber.StartsWith("O-")')]
    assert listed == [second["InvoiceID"], first["InvoiceID"]]


async def test_paging_defaults_to_100_caps_at_1000_and_reports_pagination(api: httpx2.AsyncClient) -> None:
    """xero-api.md §2.4: page is 1-based, pageSize defaults to 100 and is capped at 1000."""
    batch = {"Contacts": [{"Name": f"Paged {i:03d}"} for i in range(105)]}
    assert (await api.put("/Contacts", json=batch)).status_code == 200
    where = {"where": 'Name.StartsWith("Paged ")', "order": "Name"}
    page_one = (await api.get("/Contacts", params=where)).json()
    assert page_one["pagination"] == {"page": 1, "pageSize": 100, "pageCount": 2, "itemCount": 105}
    assert len(page_one["Contacts"]) == 100
    page_two = (await api.get("/Contacts", params={**where, "page": "2"})).json()
    assert [c["Name"] for c in page_two["Contacts"]] == [f"Paged {i:03d}" for i in range(100, 105)]
    capped = (await api.get("/Contacts", params={**where, "pageSize": "5000"})).json()
    assert capped["pagination"]["pageSize"] == 1000 and len(capped["Contacts"]) == 105
    small = (await api.get("/Contacts", params={**where, "page": "3", "pageSize": "50"})).json()
    assert small["pagination"] == {"page": 3, "pageSize": 50, "pageCount": 3, "itemCount": 105}
    assert (await api.get("/Contacts", params={"page": "0"})).status_code == 400


@pytest.mark.parametrize("plural", ["Items", "Accounts", "TaxRates", "ContactGroups", "BankTransfers"])
async def test_page_is_ignored_where_xero_has_no_paging(api: httpx2.AsyncClient, plural: str) -> None:
    """xero-api.md §2.4: only the list endpoints whose spec takes `page` (Contacts, Invoices, CreditNotes, Payments,
    BankTransactions, ManualJournals, PurchaseOrders, Quotes, ...) are paged; elsewhere page is not a parameter."""
    everything = (await api.get(f"/{plural}")).json()[plural]
    assert everything
    for params in ({"page": "2"}, {"page": "1", "pageSize": "1"}, {"page": "x"}):
        response = await api.get(f"/{plural}", params=params)
        assert response.status_code == 200, response.text
        assert response.json()[plural] == everything


async def test_if_modified_since_returns_only_newer_records(sandbox: Sandbox, api: httpx2.AsyncClient) -> None:
    """xero-api.md §2.4: "Only records created or modified since this timestamp will be returned"."""
    old = await new_contact(api, "Old Timer")
    sandbox.clock.advance(60)
    cutoff = sandbox.clock.now()
    sandbox.clock.advance(1)
    new = await new_contact(api, "New Comer")
    for header in (
        cutoff.isoformat(),
        cutoff.strftime("%Y-%m-%dT%H:%M:%S"),
        cutoff.strftime("%a, %d %b %Y %H:%M:%S GMT"),
    ):
        response = await api.get("/Contacts", headers={"If-Modified-Since": header})
        names = [c["Name"] for c in response.json()["Contacts"]]
        assert new["Name"] in names and old["Name"] not in names


async def test_list_filters_statuses_ids_numbers_and_contacts(api: httpx2.AsyncClient) -> None:
    """xero-api.md §2.4: Statuses, IDs, InvoiceNumbers and ContactIDs on /Invoices."""
    contact = await new_contact(api, "Filter Ltd")
    draft = await new_invoice(api, status="DRAFT", InvoiceNumber="F-1", Contact={"ContactID": contact["ContactID"]})
    approved = await new_invoice(api, InvoiceNumber="F-2")
    assert [i["InvoiceNumber"] for i in await _invoices(api, Statuses="DRAFT,VOIDED", InvoiceNumbers="F-1,F-2")] == [
        "F-1"
    ]
    both = await _invoices(api, IDs=f"{draft['InvoiceID']},{approved['InvoiceID']}")
    assert sorted(i["InvoiceNumber"] for i in both) == ["F-1", "F-2"]
    assert [i["InvoiceNumber"] for i in await _invoices(api, ContactIDs=contact["ContactID"])] == ["F-1"]


async def test_search_term_looks_through_names_numbers_and_emails(api: httpx2.AsyncClient) -> None:
    """xero-api.md §2.4: searchTerm is case-insensitive over the documented fields."""
    await new_contact(api, "Zebra Crossing", EmailAddress="hello@stripes.test")
    await new_contact(api, "Someone Else", FirstName="Zed")
    by_email = (await api.get("/Contacts", params={"searchTerm": "STRIPES"})).json()["Contacts"]
    assert [c["Name"] for c in by_email] == ["Zebra Crossing"]
    by_first = (await api.get("/Contacts", params={"searchTerm": "zed"})).json()["Contacts"]
    assert [c["Name"] for c in by_first] == ["Someone Else"]
    await new_invoice(api, InvoiceNumber="S-77", Reference="Spring Order")
    found = await _invoices(api, searchTerm="spring order")
    assert [i["InvoiceNumber"] for i in found] == ["S-77"]


@pytest.mark.parametrize(
    ("params", "index"),
    [
        ({"InvoiceNumbers": "INV-0001"}, "documents_number"),
        ({"ContactIDs": "96988e67-ecf9-466d-bfbf-0afa1725a649"}, "documents_contact"),
        ({"where": "AmountDue>=5000 AND AmountDue<5010"}, "documents_amount_due"),
        ({"where": 'Contact.Name=="Customer 42"'}, "documents_contact_name"),
        ({"Statuses": "DRAFT"}, "documents_status"),
        ({}, "documents_updated"),
    ],
)
def test_list_queries_are_planned_on_the_selective_index(
    sandbox: Sandbox, tenant_id: str, params: dict[str, str], index: str
) -> None:
    """Scale (100,000 invoices): filters use their index instead of walking every invoice in update order."""
    query = build_list_query(
        COLLECTIONS["Invoices"],
        {k.lower(): v for k, v in params.items()},
        if_modified_since=None,
        paged=True,
        default_order="updated, id",
    )
    sql = "SELECT doc FROM documents WHERE tenant_id = ? AND kind = ?"
    if query.where:
        sql += f" AND ({query.where})"
    plan = sandbox.state.conn.execute(
        f"EXPLAIN QUERY PLAN {sql} ORDER BY {query.order} LIMIT 100", [tenant_id, "Invoices", *query.params]
    ).fetchall()
    assert f"USING INDEX {index} " in " ".join(str(row[3]) for row in plan) + " "
