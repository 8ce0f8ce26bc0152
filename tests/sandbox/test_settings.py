"""Items (reference §5.11), accounts, tax rates, tracking categories, currencies and the organisation (§5.12)."""

from __future__ import annotations

from typing import Any

import httpx2

from tests.conftest import ApiFactory
from tests.sandbox.helpers import SALES_LINE, messages, new_invoice, put_one
from xero_mcp.sandbox.app import Sandbox


async def test_duplicate_item_code_uses_xeros_message(api: httpx2.AsyncClient) -> None:
    """xero-api.md §2.2: "Price List Item with Code ''abc'' already exists"."""
    await put_one(api, "Items", {"Code": "abc", "Name": "First"})
    assert messages(await api.put("/Items", json={"Items": [{"Code": "abc"}]})) == [
        "Price List Item with Code ''abc'' already exists"
    ]


async def test_item_is_updated_by_code_and_deleted_for_good(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.11: POST matches by code; DELETE /Items/{id} answers 204 and the item is gone."""
    item = await put_one(api, "Items", {"Code": "GONE", "Name": "Temporary"})
    renamed = await api.post("/Items", json={"Items": [{"Code": "GONE", "Name": "Renamed"}]})
    assert renamed.json()["Items"][0]["ItemID"] == item["ItemID"]
    assert (await api.get("/Items/GONE")).json()["Items"][0]["Name"] == "Renamed"
    assert (await api.delete(f"/Items/{item['ItemID']}")).status_code == 204
    assert (await api.get(f"/Items/{item['ItemID']}")).status_code == 404


async def test_item_not_sold_has_no_sales_details(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.11: setting IsSold false nulls the sales details."""
    item = await put_one(api, "Items", {"Code": "BUYONLY", "IsSold": False, "SalesDetails": {"UnitPrice": 9}})
    assert (item["IsSold"], item["SalesDetails"], item["IsPurchased"]) == (False, {}, True)


async def test_account_names_and_codes_are_unique(api: httpx2.AsyncClient) -> None:
    """xero-api.md §2.2: "Please enter a unique Name." (Accounts)."""
    response = await api.put("/Accounts", json={"Code": "499", "Name": "Advertising", "Type": "EXPENSE"})
    assert messages(response) == ["Please enter a unique Name."]
    response = await api.put("/Accounts", json={"Code": "400", "Name": "Brand new", "Type": "EXPENSE"})
    assert messages(response) == ["Please enter a unique Code."]


async def test_new_account_takes_its_class_from_its_type(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.12: Class follows Type (read-only)."""
    account = await put_one(api, "Accounts", {"Code": "498", "Name": "Subscriptions", "Type": "EXPENSE"})
    assert (account["Class"], account["Status"]) == ("EXPENSE", "ACTIVE")
    archived = await api.post(f"/Accounts/{account['AccountID']}", json={"Status": "ARCHIVED"})
    assert archived.json()["Accounts"][0]["Status"] == "ARCHIVED"


async def test_accounts_in_use_or_system_accounts_cannot_be_deleted(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.12: an unused account is deleted; system and used accounts stay."""
    receivables = (await api.get("/Accounts", params={"where": 'SystemAccount=="DEBTORS"'})).json()["Accounts"][0]
    assert messages(await api.delete(f"/Accounts/{receivables['AccountID']}")) == ["System accounts cannot be deleted."]
    used = await put_one(api, "Accounts", {"Code": "497", "Name": "Used", "Type": "REVENUE"})
    await new_invoice(api, status="DRAFT", lines=[{**SALES_LINE, "AccountCode": "497"}])
    assert messages(await api.delete(f"/Accounts/{used['AccountID']}")) == [
        "This account has transactions and cannot be deleted. Archive it instead."
    ]
    unused = await put_one(api, "Accounts", {"Code": "496", "Name": "Unused", "Type": "REVENUE"})
    deleted = await api.delete(f"/Accounts/{unused['AccountID']}")
    assert deleted.json()["Accounts"][0]["Status"] == "DELETED"
    codes = [a["Code"] for a in (await api.get("/Accounts")).json()["Accounts"]]
    assert "496" not in codes and "497" in codes


async def test_tax_rate_gets_a_generated_tax_type_and_its_effective_rate(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.12: user-defined rates get TAX001...; EffectiveRate from the components."""
    body = {"Name": "City Tax", "TaxComponents": [{"Name": "State", "Rate": 4}, {"Name": "City", "Rate": 2.5}]}
    rate = await put_one(api, "TaxRates", {"TaxRates": [body]})
    assert (rate["TaxType"], rate["EffectiveRate"], rate["Status"]) == ("TAX001", 6.5, "ACTIVE")
    by_type = await api.get("/TaxRates/TAX001")
    assert by_type.json()["TaxRates"][0]["Name"] == "City Tax"
    renamed = await api.post("/TaxRates", json={"TaxRates": [{"TaxType": "TAX001", "Name": "Town Tax"}]})
    assert renamed.json()["TaxRates"][0]["Name"] == "Town Tax"


async def _archive_active_tracking(api: httpx2.AsyncClient) -> None:
    """Archive the seeded tracking categories, so a test can create its own within the limit of two."""
    for category in (await api.get("/TrackingCategories")).json()["TrackingCategories"]:
        await api.post(f"/TrackingCategories/{category['TrackingCategoryID']}", json={"Status": "ARCHIVED"})


async def test_at_most_two_tracking_categories_are_active(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.12: "Max 2 active (4 total) categories per org"."""
    await _archive_active_tracking(api)
    for name in ("T-Region", "T-Department"):
        await put_one(api, "TrackingCategories", {"Name": name})
    response = await api.put("/TrackingCategories", json={"Name": "Project"})
    assert messages(response) == ["You can only have 2 active tracking categories."]


async def test_tracking_options_are_used_on_invoice_lines(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.2/§5.12: a line's Tracking names a category and one of its options."""
    await _archive_active_tracking(api)
    category = await put_one(api, "TrackingCategories", {"Name": "T-Region"})
    options = await api.put(f"/TrackingCategories/{category['TrackingCategoryID']}/Options", json={"Name": "North"})
    [option] = options.json()["Options"]
    line = {**SALES_LINE, "Tracking": [{"Name": "T-Region", "Option": "north"}]}
    invoice = await new_invoice(api, status="DRAFT", lines=[line])
    assert invoice["LineItems"][0]["Tracking"] == [
        {
            "TrackingCategoryID": category["TrackingCategoryID"],
            "TrackingOptionID": option["TrackingOptionID"],
            "Name": "T-Region",
            "Option": "North",
        }
    ]
    bad = {**SALES_LINE, "Tracking": [{"Name": "T-Region", "Option": "South"}]}
    response = await api.put("/Invoices", json={"Type": "ACCREC", "Contact": {"Name": "T"}, "LineItems": [bad]})
    assert messages(response) == ["Tracking option 'South' is not an active option of 'T-Region'."]


async def test_archived_tracking_is_hidden_unless_include_archived(api: httpx2.AsyncClient) -> None:
    """xero-api.md §2.4: includeArchived on TrackingCategories covers categories and options."""
    await _archive_active_tracking(api)
    category = await put_one(api, "TrackingCategories", {"Name": "T-Old", "Options": [{"Name": "A"}, {"Name": "B"}]})
    category_id = category["TrackingCategoryID"]
    option_id = category["Options"][0]["TrackingOptionID"]
    await api.post(f"/TrackingCategories/{category_id}/Options/{option_id}", json={"Status": "ARCHIVED"})
    shown = (await api.get(f"/TrackingCategories/{category_id}")).json()["TrackingCategories"][0]
    assert [o["Name"] for o in shown["Options"]] == ["B"]
    await api.post(f"/TrackingCategories/{category_id}", json={"Status": "ARCHIVED"})
    assert category_id not in [
        c["TrackingCategoryID"] for c in (await api.get("/TrackingCategories")).json()["TrackingCategories"]
    ]
    everything = await api.get("/TrackingCategories", params={"includeArchived": "true"})
    [archived] = [c for c in everything.json()["TrackingCategories"] if c["TrackingCategoryID"] == category_id]
    assert [o["Name"] for o in archived["Options"]] == ["A", "B"]
    deleted = await api.delete(f"/TrackingCategories/{category_id}")
    assert deleted.json()["TrackingCategories"][0]["Status"] == "DELETED"


async def test_subscribing_to_a_currency_allows_documents_in_it(api: httpx2.AsyncClient) -> None:
    """xero-api.md §2.2/§5.12: a document needs a currency the organisation is subscribed to."""
    added = await api.put("/Currencies", json={"Code": "CAD", "Description": "Canadian Dollar"})
    assert added.json()["Currencies"] == [{"Code": "CAD", "Description": "Canadian Dollar"}]
    invoice = await new_invoice(api, status="DRAFT", CurrencyCode="CAD", CurrencyRate=0.73)
    assert (invoice["CurrencyCode"], invoice["CurrencyRate"]) == ("CAD", 0.73)


async def test_organisation_is_a_paying_organisation_per_tenant(
    sandbox: Sandbox, api: httpx2.AsyncClient, second_tenant_id: str, api_for: ApiFactory
) -> None:
    """xero-api.md §5.12: GET /Organisation answers the tenant's own organisation."""
    first = (await api.get("/Organisation")).json()["Organisations"][0]
    second = (await api_for(sandbox, second_tenant_id).get("/Organisation")).json()["Organisations"][0]
    assert (first["Name"], first["BaseCurrency"], first["Class"]) == ("Demo Company (Global)", "USD", "PREMIUM")
    assert (second["Name"], second["BaseCurrency"]) == ("Second Street Trading", "NZD")
    actions = (await api.get("/Organisation/Actions")).json()["Actions"]
    assert {"Name": "EmailInvoice", "Status": "ALLOWED"} in actions


async def test_organisations_do_not_see_each_others_records(
    sandbox: Sandbox, api: httpx2.AsyncClient, second_tenant_id: str, api_for: ApiFactory
) -> None:
    """xero-api.md §6: every call acts for the tenant in xero-tenant-id."""
    contact = await put_one(api, "Contacts", {"Name": "Only In First"})
    other = api_for(sandbox, second_tenant_id)
    assert (await other.get(f"/Contacts/{contact['ContactID']}")).status_code == 404
    found: list[Any] = (await other.get("/Contacts", params={"where": 'Name=="Only In First"'})).json()["Contacts"]
    assert found == []
