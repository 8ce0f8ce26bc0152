"""Name resolution and find-before-create, shown through the tools: close matches, caches that notice new and
archived records, per-organisation data, ambiguous names, and creates that stay single under retries, restarts
and concurrency."""

from __future__ import annotations

import asyncio
from typing import Any

from mcp import Client

from tests.tools._calls import fails, ok
from tests.tools.conftest import MakeClient
from xero_mcp.sandbox.app import Sandbox
from xero_mcp.sandbox.faults import FaultRule
from xero_mcp.tools._resolve import close_matches

WORK = [{"description": "Consulting", "quantity": 3, "unit_amount": 150, "account": "Sales"}]


def line(**fields: Any) -> list[dict[str, Any]]:
    return [{"description": "Work", "quantity": 1, "unit_amount": 100, **fields}]


async def _invoice(client: Client, **arguments: Any) -> dict[str, Any]:
    """create_document for an invoice to Tuatara Tech (unless `arguments` names another contact)."""
    return await ok(client, "create_document", **{"kind": "invoice", "contact": "Tuatara Tech", **arguments})


async def _customer(client: Client, name: str = "Tuatara Tech") -> None:
    await ok(client, "find_or_create_contact", name=name)


def test_close_matches_put_names_containing_the_text_first_then_similar_spellings() -> None:
    choices = ["Sales (200)", "Other Revenue (260)", "Sales Tax (820)", "Salaries (477)", "Rent (469)"]
    assert close_matches("sales", choices) == ["Sales (200)", "Sales Tax (820)", "Salaries (477)"]
    assert close_matches("Rnet", choices) == ["Rent (469)"]
    assert close_matches("zzz", choices) == []


async def test_an_account_added_after_the_chart_was_cached_is_found(make_client: MakeClient) -> None:
    async with make_client() as client:
        await _customer(client)
        await _invoice(client, lines=line(account="Sales"))
        await ok(
            client,
            "xero_write",
            method="PUT",
            path="/Accounts",
            body={"Code": "205", "Name": "Consulting Income", "Type": "REVENUE"},
        )
        created = await _invoice(client, lines=line(account="consulting income"))
        detail = await ok(client, "get_invoice", invoice=created["invoice_id"])
    assert detail["lines"][0]["account_code"] == "205"


async def test_an_archived_account_is_refused_with_active_alternatives(make_client: MakeClient) -> None:
    async with make_client() as client:
        await _customer(client)
        made = await ok(
            client,
            "xero_write",
            method="PUT",
            path="/Accounts",
            body={"Code": "206", "Name": "Old Sales", "Type": "REVENUE"},
        )
        account_id = made["data"]["Accounts"][0]["AccountID"]
        await ok(client, "xero_write", method="POST", path=f"/Accounts/{account_id}", body={"Status": "ARCHIVED"})
        message = await fails(
            client, "create_document", kind="invoice", contact="Tuatara Tech", lines=line(account="Old Sales")
        )
    assert "lines[0].account: account Old Sales (206) is archived and cannot be used." in message
    assert "Sales (200)" in message


async def test_an_item_name_shared_by_two_items_asks_for_a_code(make_client: MakeClient) -> None:
    async with make_client() as client:
        await _customer(client)
        await ok(client, "create_item", code="TT-A", name="Sensor", sale_price=10, sales_account="Sales")
        await ok(client, "create_item", code="TT-B", name="sensor", sale_price=12, sales_account="Sales")
        message = await fails(
            client, "create_document", kind="invoice", contact="Tuatara Tech", lines=[{"item": "Sensor", "quantity": 1}]
        )
        by_code = await _invoice(client, lines=[{"item": "tt-b", "quantity": 1}])
    assert "lines[0].item: 2 items are called 'Sensor' (codes TT-A, TT-B); use a code." in message
    assert by_code["total"] == 13.2


async def test_tax_rates_are_resolved_in_the_organisation_named(
    make_client: MakeClient, tenant_names: list[str]
) -> None:
    second = tenant_names[1]
    async with make_client() as client:
        await _customer(client)
        await ok(client, "find_or_create_contact", name="Tuatara Tech", tenant=second)
        there = await _invoice(
            client,
            lines=line(account="200", tax="15% GST on Income"),
            tenant=second,
        )
        here = await fails(
            client,
            "create_document",
            kind="invoice",
            contact="Tuatara Tech",
            lines=line(account="200", tax="15% GST on Income"),
        )
    assert there["total"] == 115 and there["currency_code"] == "NZD"
    assert "no tax rate matches '15% GST on Income'" in here and "See list_tax_rates." in here


async def test_an_active_contact_is_chosen_over_an_archived_one_of_the_same_name(make_client: MakeClient) -> None:
    async with make_client() as client:
        old = await ok(client, "save_contact", name="Kea Couriers", contact_number="KEA-OLD")
        await ok(client, "save_contact", contact="KEA-OLD", status="ARCHIVED")
        new = await ok(client, "save_contact", name="Kea Couriers")
        invoice = await ok(client, "create_document", kind="invoice", contact="kea couriers", lines=WORK)
        detail = await ok(client, "get_invoice", invoice=invoice["invoice_id"])
    assert new["duplicate"] is False and new["contact_id"] != old["contact_id"]
    assert detail["contact_id"] == new["contact_id"]


async def test_a_document_for_an_archived_contact_says_how_to_restore_it(make_client: MakeClient) -> None:
    async with make_client() as client:
        await ok(client, "save_contact", name="Ruru Removals", contact_number="RR-1")
        await ok(client, "save_contact", contact="RR-1", status="ARCHIVED")
        message = await fails(client, "create_document", kind="invoice", contact="Ruru Removals", lines=WORK)
        restored = await ok(client, "save_contact", contact="Ruru Removals", status="ACTIVE")
        invoice = await ok(client, "create_document", kind="invoice", contact="Ruru Removals", lines=WORK)
    assert "contact: Ruru Removals is archived. Restore it with save_contact (status ACTIVE) first" in message
    assert restored["contact_status"] == "ACTIVE" and invoice["contact_name"] == "Ruru Removals"


async def test_concurrent_identical_creates_make_one_invoice(make_client: MakeClient) -> None:
    async with make_client() as client:
        await _customer(client)
        results = await asyncio.gather(*(_invoice(client, lines=WORK) for _ in range(5)))
        listed = await ok(client, "list_records", kind="invoice", contact="Tuatara Tech")
    assert len({r["invoice_id"] for r in results}) == 1
    assert sorted(r["duplicate"] for r in results) == [False, True, True, True, True]
    assert len(listed["items"]) == 1


async def test_a_create_whose_answer_was_lost_is_not_made_twice(make_client: MakeClient, sandbox: Sandbox) -> None:
    async with make_client() as client:
        await _customer(client)
        sandbox.faults.add(FaultRule(method="PUT", path="/api.xro/2.0/Invoices*", kind="commit_then_drop"))
        created = await _invoice(client, lines=WORK, number="TT-LOST-1")
        listed = await ok(client, "list_records", kind="invoice", contact="Tuatara Tech")
    assert created["invoice_number"] == "TT-LOST-1" and created["duplicate"] is False
    assert [i["invoice_number"] for i in listed["items"]] == ["TT-LOST-1"]


async def test_a_restarted_server_still_finds_an_invoice_it_created_without_a_number(make_client: MakeClient) -> None:
    async with make_client() as client:
        await _customer(client)
        first = await _invoice(client, lines=WORK, reference="Nov work")
    async with make_client() as restarted:
        again = await _invoice(restarted, lines=WORK, reference="nov work")
        changed = await _invoice(
            restarted,
            lines=line(account="Sales"),
            reference="Nov work",
        )
    assert again["duplicate"] is True and again["invoice_id"] == first["invoice_id"]
    assert changed["duplicate"] is False


async def test_a_dedupe_key_replaces_the_natural_key(make_client: MakeClient) -> None:
    async with make_client() as client:
        await _customer(client)
        first = await _invoice(client, lines=WORK, dedupe_key="order-5531")
        other_lines = await _invoice(
            client,
            lines=line(account="Sales"),
            dedupe_key="order-5531",
        )
        # A blank dedupe_key means none was given: the natural key applies, as without the argument.
        blank = await _invoice(client, lines=WORK, dedupe_key="  ")
        absent = await _invoice(client, lines=WORK)
    assert other_lines["duplicate"] is True and other_lines["invoice_id"] == first["invoice_id"]
    assert blank["invoice_id"] == absent["invoice_id"] and absent["duplicate"] is True
