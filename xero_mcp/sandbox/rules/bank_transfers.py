"""Bank transfers between two bank accounts (reference §5.7).

A transfer moves Amount from FromBankAccount to ToBankAccount: both BANK accounts, different accounts, the same
currency, a positive amount; Date defaults to today. Creating one records its two sides as bank transactions, a
SPEND-TRANSFER on the source and a RECEIVE-TRANSFER on the destination (FromBankTransactionID/ToBankTransactionID).
Transfers are created (AUTHORISED) and deleted (``Status: DELETED`` through POST), never modified; deleting one
deletes its two bank transactions. Deleted transfers are listed only with ``includeDeleted=true``.
"""

from __future__ import annotations

from decimal import Decimal

from xero_mcp.sandbox.rules.bank_transactions import account_summary, bank_account
from xero_mcp.sandbox.rules.common import (
    ZERO,
    Ctx,
    RuleError,
    as_list,
    date_field,
    flag,
    iso_date,
    new_id,
    positive_amount,
    save_change,
    set_updated,
    text,
    upper,
)
from xero_mcp.sandbox.rules.invoices import set_date
from xero_mcp.sandbox.state import Doc


def _side(ctx: Ctx, transfer: Doc, kind: str, account: Doc, other: Doc, reconciled: bool) -> Doc:
    amount = Decimal(transfer["Amount"])
    doc: Doc = {
        "BankTransactionID": new_id(),
        "Type": kind,
        "Status": "AUTHORISED",
        "BankAccount": account_summary(account),
        "IsReconciled": reconciled,
        "Reference": transfer.get("Reference", ""),
        "CurrencyCode": transfer["CurrencyCode"],
        "CurrencyRate": transfer["CurrencyRate"],
        "LineAmountTypes": "NoTax",
        "LineItems": [],
        "SubTotal": amount,
        "TotalTax": ZERO,
        "Total": amount,
        "HasAttachments": False,
    }
    set_date(doc, "Date", transfer["Date"])
    return save_change(
        ctx, "BankTransactions", doc, None, "Created", f"Bank transfer of {amount} with {other['Name']}."
    )


def create(ctx: Ctx, raw: Doc) -> Doc:
    """A new bank transfer and its two bank transactions."""
    source = bank_account(ctx, raw.get("FromBankAccount"), "FromBankAccount")
    target = bank_account(ctx, raw.get("ToBankAccount"), "ToBankAccount")
    if source["AccountID"] == target["AccountID"]:
        raise RuleError("The from and to bank accounts must be different.")
    base = ctx.org["BaseCurrency"]
    source_currency = source.get("CurrencyCode") or base
    if source_currency != (target.get("CurrencyCode") or base):
        raise RuleError("You cannot transfer between accounts in different currencies.")
    amount = positive_amount(raw, "A bank transfer", "transfer")
    transfer: Doc = {
        "BankTransferID": new_id(),
        "FromBankAccount": account_summary(source),
        "ToBankAccount": account_summary(target),
        "Amount": amount,
        "CurrencyRate": Decimal("1.000000"),
        "Reference": text(raw, "Reference", max_length=255) or "",
        "FromIsReconciled": bool(flag(raw, "FromIsReconciled")),
        "ToIsReconciled": bool(flag(raw, "ToIsReconciled")),
        "HasAttachments": False,
        "Status": "AUTHORISED",
        "CurrencyCode": source_currency,
    }
    set_date(transfer, "Date", date_field(raw, "Date") or iso_date(ctx.today()))
    transfer["CreatedDateUTC"] = ctx.stamp()
    # The spec's examples write CreatedDateUTCString without the "Z" that UpdatedDateUTCString carries.
    transfer["CreatedDateUTCString"] = transfer["CreatedDateUTC"][:19]
    spend = _side(ctx, transfer, "SPEND-TRANSFER", source, target, transfer["FromIsReconciled"])
    receive = _side(ctx, transfer, "RECEIVE-TRANSFER", target, source, transfer["ToIsReconciled"])
    transfer["FromBankTransactionID"] = spend["BankTransactionID"]
    transfer["ToBankTransactionID"] = receive["BankTransactionID"]
    for key in ("FromTracking", "ToTracking"):
        tracking = as_list(raw.get(key)) or []
        if len(tracking) > 2:
            raise RuleError(f"{key} can have at most 2 tracking categories.")
        if tracking:
            transfer[key] = tracking
    return save_change(ctx, "BankTransfers", transfer, None, "Created", f"Transfer of {amount} created.")


def update(ctx: Ctx, existing: Doc, raw: Doc) -> Doc:
    """Bank transfers are only deleted: ``{"Status": "DELETED"}`` deletes it and its two bank transactions."""
    if upper(raw, "Status") != "DELETED":
        raise RuleError("Bank transfers cannot be modified; they can only be deleted with Status DELETED.")
    if existing["Status"] == "DELETED":
        raise RuleError("This bank transfer has already been deleted.")
    transfer = dict(existing)
    transfer["Status"] = "DELETED"
    set_updated(transfer, ctx)
    ctx.save("BankTransfers", transfer)
    for key in ("FromBankTransactionID", "ToBankTransactionID"):
        side = ctx.get("BankTransactions", transfer[key])
        if side is not None:
            side["Status"] = "DELETED"
            set_updated(side, ctx)
            ctx.save("BankTransactions", side)
    ctx.history("BankTransfers", transfer["BankTransferID"], "Deleted", f"Transfer of {transfer['Amount']} deleted.")
    return transfer
