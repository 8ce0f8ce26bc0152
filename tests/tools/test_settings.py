"""Accounting setup tools end to end: chart of accounts, tax rates, items, tracking, manual journals, organisation."""

from __future__ import annotations

from typing import Any

from mcp import Client

from tests.tools._calls import fails, ok
from tests.tools.conftest import MakeClient

SECOND = "Second Street Trading"
ACCRUAL = [
    {"account": "Wages and Salaries", "amount": 1200, "description": "Accrued wages"},
    {"account": "Loan", "amount": -1200},
]


async def test_list_accounts_maps_the_chart_by_code_and_filters_by_type(make_client: MakeClient) -> None:
    async with make_client() as client:
        everything = await ok(client, "list_accounts")
        banks = await ok(client, "list_accounts", type="bank")
        rent = next(a for a in everything["accounts"] if a["name"] == "Rent")
        await ok(
            client, "xero_write", method="POST", path=f"/Accounts/{rent['account_id']}", body={"Status": "ARCHIVED"}
        )
        active = await ok(client, "list_accounts", type="EXPENSE")
        with_archived = await ok(client, "list_accounts", type="EXPENSE", include_archived=True)
    codes = [a["code"] for a in everything["accounts"]]
    assert codes == sorted(codes)
    assert [(a["code"], a["name"]) for a in banks["accounts"]] == [
        ("090", "Business Bank Account"),
        ("091", "Business Savings Account"),
        ("092", "EUR Account"),
    ]
    assert (rent["code"], rent["type"], rent["status"]) == ("469", "EXPENSE", "ACTIVE")
    assert "Rent" not in [a["name"] for a in active["accounts"]]
    assert ("Rent", "ARCHIVED") in [(a["name"], a["status"]) for a in with_archived["accounts"]]


async def test_list_tax_rates_gives_codes_names_rates_and_uses(make_client: MakeClient) -> None:
    async with make_client() as client:
        rates = await ok(client, "list_tax_rates")
    by_type = {rate["tax_type"]: rate for rate in rates["tax_rates"]}
    assert set(by_type) == {"INPUT", "NONE", "OUTPUT"}
    assert (by_type["OUTPUT"]["name"], by_type["OUTPUT"]["rate"]) == ("Tax on Sales", 10)
    assert "revenue" in by_type["OUTPUT"]["applies_to"]


async def test_list_items_searches_codes_names_and_descriptions(make_client: MakeClient) -> None:
    async with make_client() as client:
        found = await ok(client, "list_items", search="consult")
        everything = await ok(client, "list_items")
    assert [item["code"] for item in found["items"]] == ["CONSULT"]
    consult = found["items"][0]
    assert (consult["sale_price"], consult["sales_account"], consult["sales_tax"]) == (150, "200", "OUTPUT")
    assert len(everything["items"]) == 8


async def test_create_item_resolves_names_and_is_usable_at_once(make_client: MakeClient) -> None:
    async with make_client() as client:
        item = await ok(
            client,
            "create_item",
            code="AUDIT",
            name="Site audit",
            sale_price=320,
            sales_account="Sales",
            sales_tax="Tax on Sales",
            purchase_price=200,
            purchase_account="Consulting & Accounting",
        )
        await ok(client, "find_or_create_contact", name="Kereru Farms")
        invoice = await ok(
            client,
            "create_document",
            kind="invoice",
            contact="Kereru Farms",
            lines=[{"item": "Site audit", "quantity": 1}],
        )
    assert (item["code"], item["name"], item["duplicate"]) == ("AUDIT", "Site audit", False)
    assert (item["sale_price"], item["sales_account"], item["sales_tax"]) == (320, "200", "OUTPUT")
    assert (item["purchase_price"], item["purchase_account"]) == (200, "412")
    assert invoice["total"] == 352


async def test_create_item_returns_the_existing_item_with_the_same_code(make_client: MakeClient) -> None:
    async with make_client() as client:
        existing = await ok(client, "create_item", code="widget", name="Another widget")
        fresh = await ok(client, "create_item", code="BOLT", name="Bolt")
        again = await ok(client, "create_item", code="Bolt", name="Bolt (again)")
        bad = await fails(client, "create_item", code="NUT", sales_account="Salez")
    assert existing["duplicate"] is True and existing["code"] == "WIDGET" and existing["name"] == "Widget"
    assert again["duplicate"] is True and again["item_id"] == fresh["item_id"]
    assert "sales_account: no account matches 'Salez'" in bad and "Sales (200)" in bad


async def test_update_item_changes_what_is_given_and_keeps_the_rest(make_client: MakeClient) -> None:
    async with make_client() as client:
        priced = await ok(client, "update_item", item="Consulting hour", sale_price=165)
        renamed = await ok(client, "update_item", item="CONSULT", code="CONSULT-HR", name="Consulting (hourly)")
        nothing = await fails(client, "update_item", item="CONSULT-HR")
        unknown = await fails(client, "update_item", item="Consultng hour", sale_price=1)
    assert (priced["sale_price"], priced["sales_account"], priced["sales_tax"]) == (165, "200", "OUTPUT")
    assert (renamed["code"], renamed["name"], renamed["sale_price"]) == ("CONSULT-HR", "Consulting (hourly)", 165)
    assert "Nothing to change" in nothing
    assert "item: no item matches 'Consultng hour'" in unknown and "Consulting (hourly) (CONSULT-HR)" in unknown


async def test_tracking_categories_and_options_are_listed_and_added_by_name(make_client: MakeClient) -> None:
    async with make_client() as client:
        created = await ok(
            client, "create_tracking_category", name="Channel", options=["Online", "Retail"], tenant=SECOND
        )
        added = await ok(client, "create_tracking_option", category="channel", option="Wholesale", tenant=SECOND)
        listed = await ok(client, "list_tracking_categories", tenant=SECOND)
        twice = await fails(client, "create_tracking_option", category="Channel", option="online", tenant=SECOND)
        unknown = await fails(client, "create_tracking_option", category="Chanel", option="Other", tenant=SECOND)
        taken = await fails(client, "create_tracking_category", name="Project", tenant=SECOND)
    assert (created["name"], created["status"], created["options"]) == ("Channel", "ACTIVE", ["Online", "Retail"])
    assert added["options"] == ["Online", "Retail", "Wholesale"]
    assert {c["name"]: c["options"] for c in listed["tracking_categories"]} == {
        "Project": ["Rebrand", "Website"],
        "Channel": ["Online", "Retail", "Wholesale"],
    }
    assert "option: Channel already has an option 'Online'" in twice
    assert "category: no tracking category matches 'Chanel'" in unknown and "Close matches: Channel" in unknown
    assert "a tracking category called 'Project' already exists" in taken


async def test_xero_allows_two_active_tracking_categories(make_client: MakeClient) -> None:
    async with make_client() as client:
        message = await fails(client, "create_tracking_category", name="Channel")
    assert "Xero rejected the request" in message


async def _journal(client: Client, **extra: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {"narration": "Wages accrual", "lines": ACCRUAL, "date": "2026-11-02"}
    arguments.update(extra)
    return await ok(client, "create_manual_journal", **arguments)


async def test_create_manual_journal_balances_and_is_created_once(make_client: MakeClient) -> None:
    async with make_client() as client:
        journal = await _journal(client)
        again = await _journal(client, narration="wages accrual ")
        posted = await _journal(client, date="2026-11-03", status="POSTED")
        listed = await ok(client, "list_manual_journals", date_from="2026-11-02", date_to="2026-11-03")
        drafts = await ok(client, "list_manual_journals", statuses=["DRAFT"])
    assert (journal["narration"], journal["status"], journal["total"], journal["duplicate"]) == (
        "Wages accrual",
        "DRAFT",
        1200,
        False,
    )
    assert again["duplicate"] is True and again["manual_journal_id"] == journal["manual_journal_id"]
    assert posted["status"] == "POSTED"
    assert [j["manual_journal_id"] for j in listed["items"]] == [
        posted["manual_journal_id"],
        journal["manual_journal_id"],
    ]
    assert all(j["status"] == "DRAFT" for j in drafts["items"])


async def test_unbalanced_or_one_line_journals_are_refused_with_the_totals(make_client: MakeClient) -> None:
    async with make_client() as client:
        unbalanced = await fails(
            client,
            "create_manual_journal",
            narration="Oops",
            lines=[{"account": "Rent", "amount": 100}, {"account": "Loan", "amount": -90}],
        )
        single = await fails(
            client, "create_manual_journal", narration="Oops", lines=[{"account": "Rent", "amount": 0}]
        )
        unknown = await fails(
            client,
            "create_manual_journal",
            narration="Oops",
            lines=[{"account": "Rnet", "amount": 5}, {"account": "Loan", "amount": -5}],
        )
    assert "lines: debits (100) must equal credits (90)" in unbalanced
    assert "lines: a manual journal needs at least two lines" in single
    assert "lines[0].account: no account matches 'Rnet'" in unknown and "Rent (469)" in unknown


async def test_get_organisation_describes_each_organisation(make_client: MakeClient) -> None:
    async with make_client() as client:
        demo = await ok(client, "get_organisation")
        second = await ok(client, "get_organisation", tenant=SECOND)
    assert (demo["name"], demo["base_currency"], demo["short_code"]) == ("Demo Company (Global)", "USD", "!sbx01")
    assert (demo["financial_year_end_day"], demo["financial_year_end_month"]) == (31, 12)
    assert second["name"] == SECOND and second["organisation_id"] != demo["organisation_id"]


async def test_read_only_mode_keeps_the_accounting_reads(make_client: MakeClient) -> None:
    async with make_client(read_only=True, toolsets=("accounting", "setup")) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
    reads = {"list_accounts", "list_tax_rates", "list_items", "list_tracking_categories", "list_manual_journals"}
    assert reads | {"get_organisation"} <= names
    writes = {
        "create_item",
        "update_item",
        "create_tracking_category",
        "create_tracking_option",
        "create_manual_journal",
    }
    assert not writes & names
