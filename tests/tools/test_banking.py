"""Banking tools end to end: spend and receive money without recording it twice, editing within Xero's rules,
listing, and transfers between bank accounts."""

from __future__ import annotations

from typing import Any

from mcp import Client

from tests.tools._calls import confirmed_result, fails, ok
from tests.tools.conftest import MakeClient

BANK = "Business Bank Account"
SAVINGS = "Business Savings Account"
STATIONERY = [{"description": "Stationery", "quantity": 2, "unit_amount": 25, "account": "Office Expenses"}]


async def _spend(client: Client, **extra: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "kind": "spend_money",
        "contact": "Office Supplies Co",
        "bank_account": BANK,
        "lines": STATIONERY,
        "date": "2026-11-02",
        "reference": "Receipt 881",
    }
    arguments.update(extra)
    return await ok(client, "create_document", **arguments)


async def _spent_elsewhere(client: Client, **fields: Any) -> dict[str, Any]:
    """xero_write's answer to a SPEND to Office Supplies Co from the bank account 090, with these fields besides."""
    contact = await ok(client, "get_contact", contact="Office Supplies Co")
    body = {"Type": "SPEND", "Contact": {"ContactID": contact["contact_id"]}, "BankAccount": {"Code": "090"}, **fields}
    return await ok(client, "xero_write", method="PUT", path="/BankTransactions", body=body)


async def test_spending_money_resolves_names_and_links_to_xero(make_client: MakeClient) -> None:
    async with make_client() as client:
        spent = await _spend(client, lines=[{**STATIONERY[0], "tax": "Tax on Purchases"}])
        listed = await ok(client, "list_records", kind="spend_money", bank_account="090", contact="office supplies co")
    assert (spent["type"], spent["status"], spent["duplicate"]) == ("SPEND", "AUTHORISED", False)
    assert (spent["contact_name"], spent["bank_account"], spent["reference"]) == (
        "Office Supplies Co",
        BANK,
        "Receipt 881",
    )
    assert spent["total"] == 55  # 50 plus 10% tax on purchases
    assert "redirecturl=/Bank/ViewTransaction.aspx" in spent["url"]
    assert spent["bank_transaction_id"] in [t["bank_transaction_id"] for t in listed["items"]]
    assert all(t["type"] == "SPEND" and t["contact_name"] == "Office Supplies Co" for t in listed["items"])


async def test_the_same_bank_transaction_is_recorded_once(make_client: MakeClient) -> None:
    async with make_client() as client:
        first = await _spend(client)
        again = await _spend(client, contact="OFFICE SUPPLIES CO")
        other_reference = await _spend(client, reference="Receipt 882")
        forced = await _spend(client, allow_duplicate=True)
    assert again["duplicate"] is True and again["bank_transaction_id"] == first["bank_transaction_id"]
    assert other_reference["duplicate"] is False
    assert forced["duplicate"] is False and forced["bank_transaction_id"] != first["bank_transaction_id"]


async def test_a_bank_transaction_made_elsewhere_is_found_before_recording_it_again(make_client: MakeClient) -> None:
    async with make_client() as client:
        await _spent_elsewhere(
            client,
            Date="2026-11-02",
            Reference="Receipt 881",
            LineItems=[{"Description": "Stationery", "Quantity": 2, "UnitAmount": 25, "AccountCode": "453"}],
        )
        repeated = await _spend(client)
    assert repeated["duplicate"] is True


async def test_the_bank_account_is_named_when_there_are_several(make_client: MakeClient) -> None:
    async with make_client() as client:
        unnamed = await fails(client, "create_document", kind="spend_money", lines=STATIONERY)
        misspelt = await fails(
            client, "create_document", kind="spend_money", lines=STATIONERY, bank_account="Busines Bank"
        )
        not_bank = await fails(client, "create_document", kind="spend_money", lines=STATIONERY, bank_account="Rent")
    assert "bank_account: this organisation has 3 bank accounts; name one" in unnamed
    assert "Close matches: Business Bank Account (090)" in misspelt
    assert "bank_account: no bank account matches 'Rent'" in not_bank


async def test_update_bank_transaction_changes_reference_and_replaces_lines(make_client: MakeClient) -> None:
    async with make_client() as client:
        spent = await _spend(client)
        updated = await confirmed_result(
            client,
            "update_bank_transaction",
            bank_transaction=spent["bank_transaction_id"],
            reference="Receipt 881 (corrected)",
            lines=[{"description": "Stationery", "quantity": 3, "unit_amount": 25, "account": "453"}],
        )
        nothing = await fails(client, "update_bank_transaction", bank_transaction=spent["bank_transaction_id"])
        not_an_id = await fails(client, "update_bank_transaction", bank_transaction="BT-1", reference="x")
    assert updated["reference"] == "Receipt 881 (corrected)" and updated["total"] == 82.5
    assert updated["bank_transaction_id"] == spent["bank_transaction_id"]
    assert "Nothing to change" in nothing
    assert "bank_transaction: 'BT-1' is not a Xero ID" in not_an_id


async def test_reconciled_and_deleted_bank_transactions_cannot_be_updated(make_client: MakeClient) -> None:
    async with make_client() as client:
        reconciled = await _spent_elsewhere(
            client,
            IsReconciled=True,
            LineItems=[{"Description": "Toner", "Quantity": 1, "UnitAmount": 80, "AccountCode": "453"}],
        )
        reconciled_id = reconciled["data"]["BankTransactions"][0]["BankTransactionID"]
        deleted = await ok(
            client, "xero_get", path="/BankTransactions", query={"where": 'Status=="DELETED"'}, page_size=1
        )
        deleted_id = deleted["data"]["BankTransactions"][0]["BankTransactionID"]
        refused = await fails(client, "update_bank_transaction", bank_transaction=reconciled_id, reference="x")
        gone = await fails(client, "update_bank_transaction", bank_transaction=deleted_id, reference="x")
    assert f"Bank transaction {reconciled_id} is reconciled" in refused and "Unreconcile it" in refused
    assert f"Bank transaction {deleted_id} is DELETED and cannot be changed" in gone


async def test_a_bank_transfer_moves_money_once_and_shows_as_two_bank_transactions(make_client: MakeClient) -> None:
    async with make_client() as client:
        arguments = {"from_bank_account": BANK, "to_bank_account": "091", "amount": 250, "date": "2026-11-02"}
        transfer = await ok(client, "create_bank_transfer", reference="Top up", **arguments)
        again = await ok(client, "create_bank_transfer", reference="top up", **arguments)
        sides = await ok(
            client,
            "xero_get",
            path="/BankTransactions",
            query={"where": 'Type=="SPEND-TRANSFER" OR Type=="RECEIVE-TRANSFER"'},
            modified_since="2026-11-02T00:00:00Z",
        )
    assert (transfer["from_bank_account"], transfer["to_bank_account"]) == (BANK, SAVINGS)
    assert (transfer["amount"], transfer["date"], transfer["duplicate"]) == (250, "2026-11-02", False)
    assert again["duplicate"] is True and again["bank_transfer_id"] == transfer["bank_transfer_id"]
    types = sorted(t["Type"] for t in sides["data"]["BankTransactions"] if t["Total"] == 250)
    assert types == ["RECEIVE-TRANSFER", "SPEND-TRANSFER"]


async def test_bank_transfer_rules_are_explained(make_client: MakeClient) -> None:
    async with make_client() as client:
        same = await fails(client, "create_bank_transfer", from_bank_account=BANK, to_bank_account="090", amount=5)
        currency = await fails(
            client, "create_bank_transfer", from_bank_account=BANK, to_bank_account="EUR Account", amount=5
        )
        negative = await fails(
            client, "create_bank_transfer", from_bank_account=BANK, to_bank_account=SAVINGS, amount=0
        )
    assert "to_bank_account: choose a different account" in same
    assert "Xero transfers only between accounts in the same currency" in currency
    assert "amount" in negative


async def test_read_only_mode_lists_bank_transactions_but_cannot_change_them(make_client: MakeClient) -> None:
    async with make_client(read_only=True, toolsets=("banking", "documents")) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        listed = await ok(client, "list_records", kind="bank_transaction", date_from="2026-01-01", page_size=3)
    assert "list_records" in names and not {"update_bank_transaction", "create_document"} & names
    assert len(listed["items"]) == 3 and listed["has_more"] is True
