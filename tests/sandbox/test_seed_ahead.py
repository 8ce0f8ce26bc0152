"""The demo seed has a record of each newer kind, so a first look at the sandbox finds them (seed module docstring)."""

from __future__ import annotations

import httpx2

from tests.conftest import SANDBOX_START


async def test_the_seed_has_a_used_deposit_a_batch_a_repeating_invoice_and_a_billable_expense(
    api: httpx2.AsyncClient,
) -> None:
    (deposit,) = (await api.get("/Prepayments")).json()["Prepayments"]
    assert (deposit["Status"], deposit["RemainingCredit"], len(deposit["Allocations"])) == ("PAID", 0.0, 1)
    (batch,) = (await api.get("/BatchPayments")).json()["BatchPayments"]
    assert (batch["Type"], len(batch["Payments"]), batch["TotalAmount"]) == ("PAYBATCH", 2, 550.0)
    (template,) = (await api.get("/RepeatingInvoices")).json()["RepeatingInvoices"]
    next_date = template["Schedule"]["NextScheduledDate"]
    assert int(next_date[len("/Date(") : -len("+0000)/")]) / 1000 > SANDBOX_START.timestamp()
    (link,) = (await api.get("/LinkedTransactions")).json()["LinkedTransactions"]
    assert (link["Status"], link["SourceTransactionTypeCode"]) == ("APPROVED", "ACCPAY")
    assert link["ContactID"] == template["Contact"]["ContactID"]
