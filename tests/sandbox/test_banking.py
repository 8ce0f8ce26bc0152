"""Bank transactions (reference §5.6), bank transfers (§5.7) and manual journals (§5.13)."""

from __future__ import annotations

from typing import Any

import httpx2

from tests.sandbox.helpers import get_one, messages, put_one


def _spend(**fields: Any) -> dict[str, Any]:
    return {
        "Type": "SPEND",
        "Contact": {"Name": "Stationery Shop"},
        "BankAccount": {"Code": "090"},
        "LineItems": [{"Description": "Pens", "Quantity": 2, "UnitAmount": 5, "AccountCode": "453"}],
        **fields,
    }


async def _transfer(api: httpx2.AsyncClient, source: str, target: str, amount: Any = 250) -> httpx2.Response:
    body = {
        "BankTransfers": [{"FromBankAccount": {"Code": source}, "ToBankAccount": {"Code": target}, "Amount": amount}]
    }
    return await api.put("/BankTransfers", json=body)


async def test_spend_money_computes_totals_on_a_bank_account(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.6: SPEND against a BANK account, lines taxed like invoices."""
    spent = await put_one(api, "BankTransactions", {"BankTransactions": [_spend()]})
    assert (spent["Status"], spent["SubTotal"], spent["TotalTax"], spent["Total"]) == ("AUTHORISED", 10.0, 1.0, 11.0)
    assert spent["BankAccount"]["Code"] == "090"


async def test_bank_transaction_needs_a_bank_account(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.6: BankAccount must be a BANK account."""
    response = await api.put("/BankTransactions", json=_spend(BankAccount={"Code": "200"}))
    assert messages(response) == ["Account code '200' is not a bank account."]


async def test_bank_transaction_is_deleted_with_status_deleted(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.6: "Delete = POST with Status: DELETED"."""
    spent = await put_one(api, "BankTransactions", _spend())
    path = f"/BankTransactions/{spent['BankTransactionID']}"
    deleted = await api.post(
        path,
        json={"Type": "SPEND", "Status": "DELETED", "LineItems": spent["LineItems"], "BankAccount": {"Code": "090"}},
    )
    assert deleted.json()["BankTransactions"][0]["Status"] == "DELETED"
    again = await api.post(
        path, json={"Type": "SPEND", "Reference": "x", "LineItems": [], "BankAccount": {"Code": "090"}}
    )
    assert messages(again) == ["A DELETED bank transaction cannot be changed."]


async def test_bank_transfer_records_its_two_bank_transactions(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.7: the two sides appear as SPEND-TRANSFER and RECEIVE-TRANSFER bank transactions."""
    response = await _transfer(api, "090", "091")
    assert response.status_code == 200, response.text
    [transfer] = response.json()["BankTransfers"]
    assert transfer["Status"] == "AUTHORISED"
    spend = await get_one(api, "BankTransactions", transfer["FromBankTransactionID"])
    receive = await get_one(api, "BankTransactions", transfer["ToBankTransactionID"])
    assert (spend["Type"], spend["BankAccount"]["Code"], spend["Total"]) == ("SPEND-TRANSFER", "090", 250.0)
    assert (receive["Type"], receive["BankAccount"]["Code"], receive["Total"]) == ("RECEIVE-TRANSFER", "091", 250.0)


async def test_bank_transfer_created_date_string_is_written_as_the_spec_writes_it(api: httpx2.AsyncClient) -> None:
    """xero-api.md §2 (*String fields) and the spec's BankTransfers example: ``CreatedDateUTCString:
    2016-10-17T20:46:01``, UTC without a zone suffix, beside the MS-JSON CreatedDateUTC."""
    [transfer] = (await _transfer(api, "090", "091")).json()["BankTransfers"]
    assert (transfer["CreatedDateUTCString"], transfer["CreatedDateUTC"]) == (
        "2026-03-16T09:30:00",
        "/Date(1773653400000+0000)/",
    )


async def test_bank_transfer_between_the_same_account_is_rejected(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.7: "An emulator should also reject From == To"."""
    assert messages(await _transfer(api, "090", "090")) == ["The from and to bank accounts must be different."]


async def test_bank_transfer_between_currencies_is_rejected(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.7: "You cannot transfer between accounts in different currencies"."""
    assert messages(await _transfer(api, "090", "092")) == [
        "You cannot transfer between accounts in different currencies."
    ]


async def test_bank_transfer_needs_bank_accounts(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.7: both accounts must be of Type BANK."""
    assert messages(await _transfer(api, "090", "611")) == ["Account code '611' is not a bank account."]


async def test_deleting_a_transfer_deletes_its_transactions_and_hides_it(api: httpx2.AsyncClient) -> None:
    """xero-api.md §2.1/§5.7: POST /BankTransfers/{id} {"Status":"DELETED"}; listed only with includeDeleted."""
    transfer = (await _transfer(api, "090", "091", 10)).json()["BankTransfers"][0]
    deleted = await api.post(f"/BankTransfers/{transfer['BankTransferID']}", json={"Status": "DELETED"})
    assert deleted.json()["BankTransfers"][0]["Status"] == "DELETED"
    for key in ("FromBankTransactionID", "ToBankTransactionID"):
        assert (await get_one(api, "BankTransactions", transfer[key]))["Status"] == "DELETED"
    listed = (await api.get("/BankTransfers")).json()["BankTransfers"]
    assert transfer["BankTransferID"] not in [t["BankTransferID"] for t in listed]
    with_deleted = (await api.get("/BankTransfers", params={"includeDeleted": "true"})).json()["BankTransfers"]
    assert transfer["BankTransferID"] in [t["BankTransferID"] for t in with_deleted]


async def test_bank_transfers_are_deleted_in_bulk_and_never_modified(api: httpx2.AsyncClient) -> None:
    """xero-api.md §2.1: POST /BankTransfers soft-deletes; transfers are never modified."""
    transfer = (await _transfer(api, "090", "091", 10)).json()["BankTransfers"][0]
    changed = await api.post(
        "/BankTransfers",
        json={"BankTransfers": [{"BankTransferID": transfer["BankTransferID"], "Status": "AUTHORISED"}]},
    )
    assert messages(changed) == ["Bank transfers cannot be modified; they can only be deleted with Status DELETED."]
    bulk = await api.post(
        "/BankTransfers", json={"BankTransfers": [{"BankTransferID": transfer["BankTransferID"], "Status": "DELETED"}]}
    )
    assert bulk.json()["BankTransfers"][0]["Status"] == "DELETED"


async def test_transfer_transactions_change_only_through_their_transfer(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.7: the RECEIVE-TRANSFER/SPEND-TRANSFER sides belong to the transfer."""
    transfer = (await _transfer(api, "090", "091", 10)).json()["BankTransfers"][0]
    side = await get_one(api, "BankTransactions", transfer["ToBankTransactionID"])
    body = {"Type": side["Type"], "Reference": "edit", "LineItems": [], "BankAccount": {"Code": "091"}}
    response = await api.post(f"/BankTransactions/{side['BankTransactionID']}", json=body)
    assert messages(response) == ["This bank transaction belongs to a bank transfer; change the bank transfer instead."]


def _journal(*amounts: Any, code: str = "429", **fields: Any) -> dict[str, Any]:
    lines = [{"LineAmount": amount, "AccountCode": code if i else "477"} for i, amount in enumerate(amounts)]
    return {"Narration": "Accrual", "JournalLines": lines, **fields}


async def test_manual_journal_debits_must_equal_credits(api: httpx2.AsyncClient) -> None:
    """xero-api.md §2.2: "The total debits (100.00) must equal total credits (-10.00)"."""
    response = await api.put("/ManualJournals", json=_journal(100, -10))
    assert messages(response) == ["The total debits (100.00) must equal total credits (-10.00)"]


async def test_manual_journal_cannot_post_to_a_bank_account(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.13: no posting to system or bank accounts."""
    response = await api.put("/ManualJournals", json=_journal(50, -50, code="090"))
    assert messages(response) == ["Account code '090' cannot be used in a manual journal."]


async def test_posted_journal_is_voided_not_edited(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.13: DRAFT -> POSTED -> VOIDED; posted lines are fixed."""
    journal = await put_one(api, "ManualJournals", _journal(75.5, -75.5, Status="POSTED"))
    assert (journal["Status"], journal["LineAmountTypes"], journal["ShowOnCashBasisReports"]) == (
        "POSTED",
        "NoTax",
        True,
    )
    path = f"/ManualJournals/{journal['ManualJournalID']}"
    refused = await api.post(path, json=_journal(80, -80))
    assert messages(refused) == ["The lines of a POSTED manual journal cannot be changed."]
    voided = await api.post(path, json={"Narration": "Accrual", "Status": "VOIDED"})
    assert voided.json()["ManualJournals"][0]["Status"] == "VOIDED"
    back = await api.post(path, json={"Narration": "Accrual", "Status": "DRAFT"})
    assert messages(back) == ["The status of the manual journal cannot be changed from VOIDED to DRAFT."]


async def test_voided_journal_cannot_be_edited_without_a_status(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.13: VOIDED is final, so an update that leaves out Status cannot edit a voided journal."""
    journal = await put_one(api, "ManualJournals", _journal(20, -20, Status="POSTED"))
    path = f"/ManualJournals/{journal['ManualJournalID']}"
    assert (await api.post(path, json={"Status": "VOIDED"})).status_code == 200
    assert messages(await api.post(path, json={"Narration": "Renamed"})) == [
        "A voided manual journal cannot be changed."
    ]
