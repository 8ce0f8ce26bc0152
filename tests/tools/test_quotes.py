"""Quote tools end to end: create (duplicate-safe), status moves and the edits each status allows, listing."""

from __future__ import annotations

from mcp import Client

from tests.tools._calls import confirmed_result, fails, ok
from tests.tools.conftest import MakeClient

WORK = [{"description": "Garden design", "quantity": 3, "unit_amount": 150, "account": "Sales"}]


async def _customer(client: Client) -> None:
    await ok(client, "find_or_create_contact", name="Pukeko Landscapes")


async def test_creating_a_quote_dates_it_today_and_taxes_lines_from_their_account(make_client: MakeClient) -> None:
    async with make_client() as client:
        await _customer(client)
        quote = await ok(
            client, "create_document", kind="quote", contact="Pukeko Landscapes", lines=WORK, title="Back garden"
        )
    assert quote["date"] == "2026-11-02"  # the sandbox's today
    assert quote["total"] == 495  # Xero would leave a quote line untaxed; the account's 10% sales tax applies
    assert (quote["status"], quote["title"], quote["duplicate"]) == ("DRAFT", "Back garden", False)
    assert quote["url"].endswith(f"/quotes/view/{quote['quote_id']}")


async def test_creating_a_quote_returns_an_existing_quote_as_a_duplicate(make_client: MakeClient) -> None:
    async with make_client() as client:
        await _customer(client)
        first = await ok(
            client, "create_document", kind="quote", contact="Pukeko Landscapes", lines=WORK, title="Back garden"
        )
        again = await ok(
            client, "create_document", kind="quote", contact="Pukeko Landscapes", lines=WORK, title="back garden "
        )
        numbered = await ok(
            client, "create_document", kind="quote", contact="Pukeko Landscapes", lines=WORK, number="PK-7"
        )
        numbered_again = await ok(
            client, "create_document", kind="quote", contact="Pukeko Landscapes", lines=WORK, number="pk-7"
        )
        other_title = await ok(
            client, "create_document", kind="quote", contact="Pukeko Landscapes", lines=WORK, title="Front garden"
        )
    assert again["duplicate"] is True and again["quote_id"] == first["quote_id"]
    assert numbered_again["duplicate"] is True and numbered_again["quote_id"] == numbered["quote_id"]
    assert other_title["duplicate"] is False


async def test_an_accepted_quote_only_takes_contact_changes_until_sent_back(make_client: MakeClient) -> None:
    async with make_client() as client:
        await _customer(client)
        quote = await ok(
            client, "create_document", kind="quote", contact="Pukeko Landscapes", lines=WORK, number="PK-100"
        )
        await ok(client, "update_document", kind="quote", document="PK-100", status="SENT")
        accepted = await ok(client, "update_document", kind="quote", document="PK-100", status="ACCEPTED")
        refused = await fails(client, "update_document", kind="quote", document="PK-100", title="Bigger garden")
        await ok(client, "find_or_create_contact", name="Pukeko Landscapes Ltd", create_anyway=True)
        moved = await ok(client, "update_document", kind="quote", document="PK-100", contact="Pukeko Landscapes Ltd")
        resent = await ok(client, "update_document", kind="quote", document=quote["quote_id"], status="SENT")
        edited = await ok(client, "update_document", kind="quote", document="PK-100", title="Bigger garden")
    assert accepted["status"] == "ACCEPTED"
    assert refused.endswith(
        "Quote PK-100 is ACCEPTED; accepted quotes only accept contact and notes changes, not title. Set it back to "
        "SENT first (update_document with status SENT), or create a new quote."
    )
    assert moved["contact_name"] == "Pukeko Landscapes Ltd" and moved["status"] == "ACCEPTED"
    assert resent["status"] == "SENT" and edited["title"] == "Bigger garden"


async def test_a_draft_quote_cannot_jump_to_accepted(make_client: MakeClient) -> None:
    async with make_client() as client:
        await _customer(client)
        await ok(client, "create_document", kind="quote", contact="Pukeko Landscapes", lines=WORK, number="PK-200")
        message = await fails(client, "update_document", kind="quote", document="PK-200", status="ACCEPTED")
    assert "Quote PK-200 is DRAFT; Xero only moves a DRAFT quote to SENT (or DELETED), not ACCEPTED." in message
    assert "Send it first (status SENT)." in message


async def test_updating_a_quote_replaces_lines_and_names_unknown_numbers(make_client: MakeClient) -> None:
    async with make_client() as client:
        await _customer(client)
        await ok(client, "create_document", kind="quote", contact="Pukeko Landscapes", lines=WORK, number="PK-300")
        updated = await confirmed_result(
            client,
            "update_document",
            kind="quote",
            document="PK-300",
            lines=[{"description": "Garden design", "quantity": 4, "unit_amount": 150, "account": "Sales"}],
            expiry_date="2026-12-01",
        )
        missing = await fails(client, "update_document", kind="quote", document="PK-30", title="x")
    assert updated["total"] == 660 and updated["expiry_date"] == "2026-12-01"
    assert "no quote has the number 'PK-30'" in missing and "PK-300" in missing


async def test_listing_quotes_filters_by_contact_status_and_number(make_client: MakeClient) -> None:
    async with make_client() as client:
        await _customer(client)
        await ok(client, "create_document", kind="quote", contact="Pukeko Landscapes", lines=WORK, number="PK-401")
        await ok(
            client,
            "create_document",
            kind="quote",
            contact="Pukeko Landscapes",
            lines=WORK,
            number="PK-402",
            status="SENT",
        )
        mine = await ok(client, "list_records", kind="quote", contact="Pukeko Landscapes")
        sent = await ok(client, "list_records", kind="quote", contact="Pukeko Landscapes", statuses=["SENT"])
        by_number = await ok(client, "list_records", kind="quote", search="PK-40")
    assert sorted(q["quote_number"] for q in mine["items"]) == ["PK-401", "PK-402"]
    assert [q["quote_number"] for q in sent["items"]] == ["PK-402"]
    assert sorted(q["quote_number"] for q in by_number["items"]) == ["PK-401", "PK-402"]
