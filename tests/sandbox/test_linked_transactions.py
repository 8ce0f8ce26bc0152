"""Linked transactions (xero-api.md Appendix A): billable expenses, a bill's or spend money's line tied to the customer
who is billed for it, with the status the documents give it."""

from __future__ import annotations

from typing import Any

import httpx2

from tests.sandbox.helpers import PURCHASE_LINE, SALES_LINE, get_one, messages, new_contact, new_invoice, put_one


async def _bill_and_customer(
    api: httpx2.AsyncClient, status: str = "AUTHORISED"
) -> tuple[dict[str, Any], dict[str, Any]]:
    bill = await new_invoice(api, kind="ACCPAY", status=status, contact="Expense Supplier")
    customer = await new_contact(api, "Billable Customer")
    return bill, customer


def _link(bill: dict[str, Any], customer: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "SourceTransactionID": bill["InvoiceID"],
        "SourceLineItemID": bill["LineItems"][0]["LineItemID"],
        "ContactID": customer["ContactID"],
        **fields,
    }


async def test_a_billable_expense_goes_from_approved_to_on_draft_to_billed(api: httpx2.AsyncClient) -> None:
    bill, customer = await _bill_and_customer(api)
    link = await put_one(api, "LinkedTransactions", _link(bill, customer))
    assert (link["Status"], link["Type"], link["SourceTransactionTypeCode"]) == (
        "APPROVED",
        "BILLABLEEXPENSE",
        "ACCPAY",
    )
    invoice = await new_invoice(api, status="DRAFT", contact="Billable Customer")
    target = {"TargetTransactionID": invoice["InvoiceID"], "TargetLineItemID": invoice["LineItems"][0]["LineItemID"]}
    linked = await api.post(f"/LinkedTransactions/{link['LinkedTransactionID']}", json={"LinkedTransactions": [target]})
    assert linked.json()["LinkedTransactions"][0]["Status"] == "ONDRAFT"
    approved = await api.post(f"/Invoices/{invoice['InvoiceID']}", json={"Status": "AUTHORISED"})
    assert approved.status_code == 200, approved.text
    billed = await get_one(api, "LinkedTransactions", link["LinkedTransactionID"])
    assert billed["Status"] == "BILLED"
    refused = await api.delete(f"/LinkedTransactions/{link['LinkedTransactionID']}")
    assert messages(refused) == ["A BILLED linked transaction cannot be deleted."]
    listed = (await api.get("/LinkedTransactions", params={"Status": "BILLED"})).json()["LinkedTransactions"]
    assert [found["LinkedTransactionID"] for found in listed] == [link["LinkedTransactionID"]]
    by_target = await api.get("/LinkedTransactions", params={"TargetTransactionID": invoice["InvoiceID"]})
    assert len(by_target.json()["LinkedTransactions"]) == 1


async def test_a_link_on_a_draft_bill_is_draft_and_voided_with_it(api: httpx2.AsyncClient) -> None:
    bill, customer = await _bill_and_customer(api, status="DRAFT")
    link = await put_one(api, "LinkedTransactions", _link(bill, customer))
    assert link["Status"] == "DRAFT"
    await api.post(f"/Invoices/{bill['InvoiceID']}", json={"Status": "DELETED"})
    assert (await get_one(api, "LinkedTransactions", link["LinkedTransactionID"]))["Status"] == "VOIDED"


async def test_a_spend_money_line_can_be_billed_and_an_unbilled_link_deleted(api: httpx2.AsyncClient) -> None:
    body = {
        "Type": "SPEND",
        "Contact": {"Name": "Taxi"},
        "BankAccount": {"Code": "090"},
        "LineItems": [PURCHASE_LINE],
    }
    spend = await put_one(api, "BankTransactions", body)
    customer = await new_contact(api, "Billable Customer")
    link = await put_one(
        api,
        "LinkedTransactions",
        {
            "SourceTransactionID": spend["BankTransactionID"],
            "SourceLineItemID": spend["LineItems"][0]["LineItemID"],
            "ContactID": customer["ContactID"],
        },
    )
    assert (link["SourceTransactionTypeCode"], link["Status"]) == ("SPEND", "APPROVED")
    deleted = await api.delete(f"/LinkedTransactions/{link['LinkedTransactionID']}")
    assert deleted.status_code == 204
    assert (await api.get(f"/LinkedTransactions/{link['LinkedTransactionID']}")).status_code == 404


async def test_a_link_is_refused_with_xeros_rules(api: httpx2.AsyncClient) -> None:
    bill, customer = await _bill_and_customer(api)
    sale = await new_invoice(api, contact="Billable Customer", lines=[SALES_LINE])
    not_a_purchase = _link(bill, customer, SourceTransactionID=sale["InvoiceID"])
    assert messages(await api.put("/LinkedTransactions", json=not_a_purchase)) == [
        "The source transaction must be an ACCPAY invoice or a SPEND bank transaction."
    ]
    await put_one(api, "LinkedTransactions", _link(bill, customer))
    assert messages(await api.put("/LinkedTransactions", json=_link(bill, customer))) == [
        "This line item of the source transaction is already linked."
    ]
    other = await new_invoice(api, contact="Someone Else")
    wrong_customer = _link(
        await new_invoice(api, kind="ACCPAY", contact="Expense Supplier"),
        customer,
        TargetTransactionID=other["InvoiceID"],
        TargetLineItemID=other["LineItems"][0]["LineItemID"],
    )
    assert messages(await api.put("/LinkedTransactions", json=wrong_customer)) == [
        "The target invoice must be for the contact being billed (ContactID)."
    ]
