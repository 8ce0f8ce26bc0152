"""xero_get and xero_write end to end: Accounting API paths only (checked against Xero's spec), paging, raw JSON,
and confirmation before a write that cannot be undone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from mcp.client import ClientRequestContext
from mcp.types import ElicitRequestParams, ElicitResult

from tests.openapi_check import load_spec
from tests.tools._calls import confirmed, fails, ok
from tests.tools.conftest import MakeClient
from xero_mcp.tools import _api_paths
from xero_mcp.tools._api_paths import GENERATED_END, GENERATED_START, ApiPathError, match_path, render_table

UPDATE = os.environ.get("XERO_MCP_UPDATE_API_PATHS") == "1"

ITEM = {"Code": "GEN-1", "Name": "Generic widget", "SalesDetails": {"UnitPrice": 12.5, "AccountCode": "200"}}


def test_the_path_table_matches_xeros_openapi_spec() -> None:
    spec = load_spec()
    module = Path(_api_paths.__file__)
    text = module.read_text()
    start, end = text.index(GENERATED_START), text.index(GENERATED_END) + len(GENERATED_END)
    expected = render_table(spec)
    if UPDATE:
        module.write_text(text[:start] + expected + text[end:])
        return
    assert text[start:end] == expected, "regenerate with XERO_MCP_UPDATE_API_PATHS=1 (see _api_paths.py)"


def test_concrete_paths_match_the_most_specific_templates() -> None:
    report = match_path("/reports/profitandloss")
    assert (report.path, report.template) == ("/Reports/ProfitAndLoss", "/Reports/ProfitAndLoss")
    contact = match_path("/Contacts/C-100")
    assert contact.template == "/Contacts/{ContactID} or /Contacts/{ContactNumber}"
    assert contact.methods == {"GET", "POST"}
    invoices = match_path("https://api.xero.com/api.xro/2.0/Invoices?Statuses=PAID")
    assert (invoices.path, invoices.query, invoices.paging) == ("/Invoices", {"Statuses": "PAID"}, ("page", "pageSize"))
    assert match_path("/Invoices/INV%2F7").path == "/Invoices/INV%2F7"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/Invoice", "Did you mean /Invoices"),
        ("/Invoices/a/b/c", "Paths under /Invoices: /Invoices, /Invoices/{InvoiceID}"),
        ("https://example.com/api.xro/2.0/Invoices", "not on Xero's Accounting API"),
        ("/Invoices/../Contacts", "'..' segments are not allowed"),
        ("/payroll.xro/1.0/Employees", "is not an Accounting API path"),
    ],
)
def test_paths_outside_the_accounting_api_are_refused_with_a_hint(path: str, message: str) -> None:
    with pytest.raises(ApiPathError, match=message):
        match_path(path)


async def test_xero_get_returns_one_page_of_xeros_json_and_the_next_page(make_client: MakeClient) -> None:
    async with make_client() as client:
        first = await ok(client, "xero_get", path="/Contacts", page_size=5, query={"order": "Name ASC"})
        second = await ok(client, "xero_get", path="contacts", page=2, page_size=5, query={"order": "Name ASC"})
        one = await ok(client, "xero_get", path=f"/Contacts/{first['data']['Contacts'][0]['ContactID']}")
    assert first["page"] == 1 and first["next_page"] == 2
    assert len(first["data"]["Contacts"]) == 5
    assert "ProviderName" not in first["data"] and "DateTimeUTC" not in first["data"]
    assert second["page"] == 2
    names = [c["Name"] for c in first["data"]["Contacts"] + second["data"]["Contacts"]]
    assert names == sorted(names, key=str.casefold) and len(set(names)) == 10
    assert "page" not in one and one["data"]["Contacts"][0]["Name"] == names[0]


async def test_xero_get_keeps_amounts_as_json_numbers(make_client: MakeClient) -> None:
    async with make_client() as client:
        result = await ok(client, "xero_get", path="/Invoices", query={"where": 'Type=="ACCREC"'}, page_size=3)
    totals = [invoice["Total"] for invoice in result["data"]["Invoices"]]
    assert totals and all(isinstance(total, int | float) for total in totals)


async def test_xero_get_refuses_bad_paths_methods_paging_and_files(make_client: MakeClient) -> None:
    async with make_client() as client:
        unknown = await fails(client, "xero_get", path="/Invoces")
        file = await fails(client, "xero_get", path="/Invoices/0f4b4e1c-87e8-4b35-8d3b-6f1a1dcbf8a1/pdf")
        unpaged = await fails(client, "xero_get", path="/Accounts", page=2)
        only_page = await fails(client, "xero_get", path="/Quotes", page_size=10)
        bad_page = await fails(client, "xero_get", path="/Contacts", query={"page": "two"})
        wrong_method = await fails(client, "xero_write", method="PUT", path="/Reports/BalanceSheet", body={})
    assert "Did you mean /Invoices" in unknown
    assert "returns a file" in file
    assert "/Accounts is not a paged list" in unpaged
    assert "page_size: /Quotes takes only page" in only_page
    assert "query: page must be a whole number from 1, not 'two'" in bad_page
    assert "/Reports/BalanceSheet does not take PUT" in wrong_method and "it takes GET" in wrong_method


async def test_xero_write_creates_and_returns_xeros_answer(make_client: MakeClient) -> None:
    async with make_client() as client:
        created = await ok(client, "xero_write", method="PUT", path="/Items", body={"Items": [ITEM]})
        found = await ok(client, "xero_get", path="/Items/GEN-1")
    assert created["data"]["Items"][0]["Code"] == "GEN-1"
    assert found["data"]["Items"][0]["SalesDetails"]["UnitPrice"] == 12.5


@pytest.mark.invalid_requests
async def test_xero_write_passes_xeros_validation_errors_back(make_client: MakeClient) -> None:
    async with make_client() as client:
        message = await fails(client, "xero_write", method="PUT", path="/Items", body={"Items": [{"Name": "No code"}]})
    assert message.startswith("Error executing tool xero_write: Xero rejected the request")


async def test_xero_write_delete_previews_until_confirmed_when_the_client_cannot_ask(make_client: MakeClient) -> None:
    async with make_client() as client:
        created = await ok(client, "xero_write", method="PUT", path="/Items", body={"Items": [ITEM]})
        item_id = created["data"]["Items"][0]["ItemID"]
        preview = await ok(client, "xero_write", method="DELETE", path=f"/Items/{item_id}")
        still_there = await ok(client, "xero_get", path=f"/Items/{item_id}")
        deleted = await confirmed(client, "xero_write", method="DELETE", path=f"/Items/{item_id}")
        gone = await fails(client, "xero_get", path=f"/Items/{item_id}")
    assert preview["done"] is False
    assert preview["preview"] == f"Send DELETE /Items/{item_id} to Xero."
    assert "confirm_token" in preview["next_step"] and preview["confirm_token"]
    assert still_there["data"]["Items"][0]["Code"] == "GEN-1"
    assert deleted["done"] is True
    assert "Xero has no such record" in gone


async def _accept(context: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult:
    return ElicitResult(action="accept", content={"confirm": True})


async def _decline(context: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult:
    return ElicitResult(action="decline")


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_setting_a_status_to_deleted_asks_the_user_first(make_client: MakeClient, mode: str) -> None:
    asked: list[str] = []

    async def decline(context: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult:
        asked.append(params.message)
        return await _decline(context, params)

    async with make_client(mode=mode, elicitation_callback=decline) as client:
        payments = await ok(client, "xero_get", path="/Payments", query={"where": 'Status=="AUTHORISED"'}, page_size=1)
        payment_id = payments["data"]["Payments"][0]["PaymentID"]
        declined = await ok(
            client, "xero_write", method="POST", path=f"/Payments/{payment_id}", body={"Status": "DELETED"}
        )
        after = await ok(client, "xero_get", path=f"/Payments/{payment_id}")
        created = await ok(client, "xero_write", method="PUT", path="/Items", body={"Items": [ITEM]})
    assert declined["done"] is False and "declined" in declined["next_step"]
    assert asked == [
        f"Send POST /Payments/{payment_id} to Xero setting Status to DELETED/VOIDED. This cannot be undone."
    ]
    assert after["data"]["Payments"][0]["Status"] == "AUTHORISED"
    assert "done" not in created and created["data"]["Items"]  # an ordinary write is not asked about


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_a_delete_the_user_accepts_is_sent(make_client: MakeClient, mode: str) -> None:
    async with make_client(mode=mode, elicitation_callback=_accept) as client:
        created = await ok(client, "xero_write", method="PUT", path="/Items", body={"Items": [ITEM]})
        item_id = created["data"]["Items"][0]["ItemID"]
        deleted = await ok(client, "xero_write", method="DELETE", path=f"/Items/{item_id}")
        gone = await fails(client, "xero_get", path=f"/Items/{item_id}")
    assert deleted["done"] is True
    assert "Xero has no such record" in gone


async def test_read_only_mode_offers_xero_get_but_not_xero_write(make_client: MakeClient) -> None:
    async with make_client(read_only=True) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        listed = await ok(client, "xero_get", path="/Organisation")
    assert "xero_get" in names and "xero_write" not in names
    assert listed["data"]["Organisations"][0]["Name"] == "Demo Company (Global)"


@pytest.mark.parametrize("key", ["status", "STATUS", " Status"])
async def test_a_status_key_spelt_in_any_case_is_confirmed_as_xero_reads_it(make_client: MakeClient, key: str) -> None:
    async with make_client() as client:
        payments = await ok(client, "xero_get", path="/Payments", query={"where": 'Status=="AUTHORISED"'}, page_size=1)
        payment_id = payments["data"]["Payments"][0]["PaymentID"]
        preview = await ok(client, "xero_write", method="POST", path=f"/Payments/{payment_id}", body={key: "deleted"})
        after = await ok(client, "xero_get", path=f"/Payments/{payment_id}")
    assert preview["done"] is False and preview["confirm_token"]
    assert after["data"]["Payments"][0]["Status"] == "AUTHORISED"
