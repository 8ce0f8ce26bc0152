"""The demo seed (issue 2, "Seed"): a realistic organisation with documents in every status, built through the
API's own rules, dated over the last six months of the sandbox clock, and the same on every run."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx2
import pytest

from tests.conftest import SANDBOX_START, ApiFactory
from xero_mcp.sandbox.app import Sandbox, SandboxConfig, create_sandbox
from xero_mcp.sandbox.limits import LimitConfig


async def _all(api: httpx2.AsyncClient, plural: str, **params: str) -> list[dict[str, Any]]:
    response = await api.get(f"/{plural}", params=params)
    assert response.status_code == 200, response.text
    return response.json()[plural]


def _day(ms_date: str) -> date:
    millis = int(ms_date[len("/Date(") :].split("+")[0].split(")")[0])
    return datetime.fromtimestamp(millis / 1000, UTC).date()


@pytest.mark.parametrize("kind", ["ACCREC", "ACCPAY"])
async def test_sales_invoices_and_bills_exist_in_every_status(api: httpx2.AsyncClient, kind: str) -> None:
    invoices = [i for i in await _all(api, "Invoices", where=f'Type=="{kind}"', page="1") if i["Type"] == kind]
    statuses = Counter(invoice["Status"] for invoice in invoices)
    assert set(statuses) == {"DRAFT", "SUBMITTED", "AUTHORISED", "PAID", "VOIDED", "DELETED"}
    part_paid = [i for i in invoices if i["Status"] == "AUTHORISED" and i["AmountPaid"] > 0]
    assert part_paid, "a part-paid document"
    assert statuses["PAID"] >= 5


async def test_demo_company_has_about_thirty_contacts_one_archived(api: httpx2.AsyncClient) -> None:
    active = await _all(api, "Contacts")
    everyone = await _all(api, "Contacts", includeArchived="true")
    archived = [c for c in everyone if c["ContactStatus"] == "ARCHIVED"]
    assert 28 <= len(everyone) <= 35
    assert [c["Name"] for c in archived] == ["Old Town Bakery"]
    assert len(active) == len(everyone) - 1
    assert sum(1 for c in everyone if c.get("ContactNumber")) >= 5
    assert sum(1 for c in everyone if c.get("EmailAddress")) >= 20
    assert sum(1 for c in everyone if c.get("IsCustomer")) >= 15
    assert sum(1 for c in everyone if c.get("IsSupplier")) >= 8


async def test_payments_include_a_deleted_one_and_reach_more_than_one_account(api: httpx2.AsyncClient) -> None:
    payments = await _all(api, "Payments")
    assert Counter(p["Status"] for p in payments)["DELETED"] == 1
    assert {p["Account"]["Code"] for p in payments} >= {"090", "611"}
    assert {p["PaymentType"] for p in payments} >= {"ACCRECPAYMENT", "ACCPAYPAYMENT"}


async def test_quotes_and_purchase_orders_cover_their_statuses(api: httpx2.AsyncClient) -> None:
    quotes = {q["Status"] for q in await _all(api, "Quotes")}
    assert quotes >= {"DRAFT", "SENT", "ACCEPTED", "DECLINED", "INVOICED"}
    orders = {o["Status"] for o in await _all(api, "PurchaseOrders", page="1")}
    assert orders >= {"DRAFT", "SUBMITTED", "AUTHORISED", "BILLED"}


async def test_credit_notes_include_one_allocated_and_one_with_credit_remaining(api: httpx2.AsyncClient) -> None:
    notes = await _all(api, "CreditNotes")
    assert any(n["Type"] == "ACCRECCREDIT" and n.get("Allocations") for n in notes)
    assert any(n["Type"] == "ACCRECCREDIT" and n["Status"] == "AUTHORISED" and n["RemainingCredit"] > 0 for n in notes)
    assert any(n["Type"] == "ACCPAYCREDIT" for n in notes)


async def test_banking_has_spend_receive_a_transfer_and_its_two_sides(api: httpx2.AsyncClient) -> None:
    transactions = await _all(api, "BankTransactions")
    kinds = Counter(t["Type"] for t in transactions)
    assert kinds["SPEND"] >= 5
    assert kinds["RECEIVE"] >= 2
    transfers = await _all(api, "BankTransfers")
    assert len(transfers) == 1
    sides = {t["BankTransactionID"]: t["Type"] for t in transactions}
    assert sides[transfers[0]["FromBankTransactionID"]] == "SPEND-TRANSFER"
    assert sides[transfers[0]["ToBankTransactionID"]] == "RECEIVE-TRANSFER"


async def test_items_tracking_journals_and_history_notes_are_seeded(api: httpx2.AsyncClient) -> None:
    assert len(await _all(api, "Items")) >= 6
    categories = await _all(api, "TrackingCategories")
    assert sorted(c["Name"] for c in categories) == ["Department", "Region"]
    assert all(len(c["Options"]) >= 3 for c in categories)
    journals = Counter(j["Status"] for j in await _all(api, "ManualJournals"))
    assert journals["POSTED"] >= 1
    assert journals["DRAFT"] >= 1
    overdue = await _all(api, "Invoices", where='Reference=="Term 3"')
    records = (await api.get(f"/Invoices/{overdue[0]['InvoiceID']}/History")).json()["HistoryRecords"]
    changes = [record["Changes"] for record in records]
    assert "Note" in changes
    assert "Created" in changes


async def test_seeded_dates_lie_in_the_six_months_before_the_clock(api: httpx2.AsyncClient) -> None:
    today = SANDBOX_START.date()
    dates = [_day(i["Date"]) for i in await _all(api, "Invoices", page="1")]
    dates += [_day(t["Date"]) for t in await _all(api, "BankTransactions")]
    assert min(dates) >= today - timedelta(days=200)
    assert max(dates) < today
    assert min(dates) <= today - timedelta(days=150)


async def test_second_organisation_has_a_handful_of_each(
    api_for: ApiFactory, sandbox: Sandbox, second_tenant_id: str
) -> None:
    other = api_for(sandbox, second_tenant_id)
    for plural, at_least in (
        ("Contacts", 5),
        ("Invoices", 4),
        ("Payments", 2),
        ("Quotes", 2),
        ("CreditNotes", 1),
        ("PurchaseOrders", 1),
        ("BankTransactions", 2),
        ("Items", 2),
        ("ManualJournals", 1),
    ):
        params = {"page": "1"} if plural in ("Invoices", "PurchaseOrders") else {}
        assert len(await _all(other, plural, **params)) >= at_least, plural
    organisation = (await other.get("/Organisation")).json()["Organisations"][0]
    assert organisation["BaseCurrency"] == "NZD"


def _dump(sandbox: Sandbox) -> list[tuple[Any, ...]]:
    rows = sandbox.state.conn.execute("SELECT tenant_id, kind, id, doc FROM documents ORDER BY tenant_id, kind, id")
    history = sandbox.state.conn.execute("SELECT tenant_id, kind, id, doc FROM history ORDER BY seq")
    return [*rows.fetchall(), *history.fetchall()]


def test_seed_is_the_same_for_the_same_clock() -> None:
    config = SandboxConfig(limits=LimitConfig(enabled=False), frozen_clock=True, start=SANDBOX_START)
    first, second = create_sandbox(config), create_sandbox(config)
    assert _dump(first) == _dump(second)
    assert len(_dump(first)) > 300


def test_seed_moves_with_the_clock() -> None:
    later = SANDBOX_START + timedelta(days=40)
    config = SandboxConfig(limits=LimitConfig(enabled=False), frozen_clock=True, start=later)
    sandbox = create_sandbox(config)
    tenant = sandbox.tenant_ids()[0]
    newest = max(doc["Date"] for doc in sandbox.state.all(tenant, "Invoices"))
    assert date.fromisoformat(newest[:10]) == later.date() - timedelta(days=2)


async def test_every_seeded_list_validates_against_the_spec(api: httpx2.AsyncClient) -> None:
    """The api fixture checks each response against xero_accounting.yaml; the seed's documents are read back."""
    for plural in (
        "Contacts",
        "ContactGroups",
        "Invoices",
        "CreditNotes",
        "Quotes",
        "PurchaseOrders",
        "Payments",
        "BankTransactions",
        "BankTransfers",
        "ManualJournals",
        "Items",
        "TrackingCategories",
    ):
        assert await _all(api, plural), plural


async def test_reseeding_through_the_control_route_rebuilds_the_same_demo(sandbox: Sandbox) -> None:
    before = _dump(sandbox)
    async with httpx2.AsyncClient(transport=sandbox.transport(), base_url="http://sandbox.test") as client:
        response = await client.post("/_sandbox/seed")
    assert response.status_code == 200
    assert response.json()["seeded"] is True
    assert _dump(sandbox) == before
