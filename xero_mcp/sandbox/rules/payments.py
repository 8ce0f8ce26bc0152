"""Payments against invoices and credit notes (reference §5.5).

A payment applies to an AUTHORISED invoice or credit note (named by ID or number), never for more than is still
owed ("Payment amount exceeds the amount outstanding on this document"), into a BANK account or an account with
EnablePaymentsToAccount. Payments are created and deleted, never modified: ``POST /Payments/{id}`` with
``{"Status": "DELETED"}`` reverses one, and a PAID document becomes AUTHORISED again. Deleted payments stay
readable with Status DELETED.

Stored payment: PaymentID, Date, Amount, BankAmount, CurrencyRate, Reference, IsReconciled, Status, PaymentType
(ACCRECPAYMENT, ACCPAYPAYMENT, ARCREDITPAYMENT, APCREDITPAYMENT), Account {AccountID, Code, Name}, Invoice or
CreditNote (a summary with Type, number, Contact and CurrencyCode), UpdatedDateUTC(String).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from xero_mcp.sandbox.rules import credit_notes, invoices
from xero_mcp.sandbox.rules.common import (
    Ctx,
    RuleError,
    date_field,
    decimal,
    flag,
    guid,
    iso_date,
    new_id,
    positive_amount,
    set_updated,
    text,
    upper,
)
from xero_mcp.sandbox.rules.lines import find_account
from xero_mcp.sandbox.state import Doc

_PAYMENT_TYPES = {"ACCREC": "ACCRECPAYMENT", "ACCPAY": "ACCPAYPAYMENT", "ACCRECCREDIT": "ARCREDITPAYMENT"}
_PAYMENT_TYPES["ACCPAYCREDIT"] = "APCREDITPAYMENT"


def _by_number(ctx: Ctx, collection: str, number: str) -> Doc | None:
    found = ctx.state.find(ctx.tenant_id, collection, "number", number)
    return found[0] if found else None


def _target(ctx: Ctx, raw: Doc) -> tuple[str, Doc]:
    invoice: Any = raw.get("Invoice")
    credit: Any = raw.get("CreditNote")
    if isinstance(invoice, dict) or raw.get("InvoiceNumber"):
        ref: Doc = invoice if isinstance(invoice, dict) else {}  # pyright: ignore[reportUnknownVariableType]
        if ref.get("InvoiceID"):
            doc = ctx.get("Invoices", guid(ref["InvoiceID"], "InvoiceID"))
        else:
            doc = _by_number(ctx, "Invoices", str(ref.get("InvoiceNumber") or raw.get("InvoiceNumber") or ""))
        if doc is None:
            raise RuleError("The invoice for this payment could not be found.")
        return "Invoices", doc
    if isinstance(credit, dict) or raw.get("CreditNoteNumber"):
        ref = credit if isinstance(credit, dict) else {}  # pyright: ignore[reportUnknownVariableType]
        if ref.get("CreditNoteID"):
            doc = ctx.get("CreditNotes", guid(ref["CreditNoteID"], "CreditNoteID"))
        else:
            doc = _by_number(ctx, "CreditNotes", str(ref.get("CreditNoteNumber") or raw.get("CreditNoteNumber") or ""))
        if doc is None:
            raise RuleError("The credit note for this payment could not be found.")
        return "CreditNotes", doc
    raise RuleError("A payment must name the Invoice or CreditNote it pays (by ID or number).")


def _account(ctx: Ctx, raw: Doc) -> Doc:
    ref: Any = raw.get("Account")
    account = find_account(ctx, ref if isinstance(ref, dict) else {"Code": raw.get("Code")})  # pyright: ignore[reportUnknownArgumentType]
    if account is None:
        raise RuleError("A payment needs the Account (AccountID or Code) the money is paid into or out of.")
    if account["Type"] != "BANK" and not account.get("EnablePaymentsToAccount"):
        raise RuleError(
            f"Account code '{account.get('Code', '')}' cannot receive payments: it must be a BANK account or have "
            "payments enabled."
        )
    if account["Status"] != "ACTIVE":
        raise RuleError(f"Account code '{account.get('Code', '')}' is archived.")
    return account


def create(ctx: Ctx, raw: Doc) -> Doc:
    """Apply a payment to an AUTHORISED invoice or credit note."""
    collection, target = _target(ctx, raw)
    if target["Status"] != "AUTHORISED":
        raise RuleError(f"Payments can only be applied to AUTHORISED documents; this one is {target['Status']}.")
    account = _account(ctx, raw)
    account_currency = account.get("CurrencyCode")
    if account_currency and account_currency not in (target["CurrencyCode"], ctx.org["BaseCurrency"]):
        raise RuleError("The payment's bank account must be in the document's currency.")
    amount = positive_amount(raw, "A payment", "payment")
    outstanding = target["AmountDue"] if collection == "Invoices" else target["RemainingCredit"]
    if amount > Decimal(outstanding):
        raise RuleError("Payment amount exceeds the amount outstanding on this document")
    status = upper(raw, "Status") or "AUTHORISED"
    if status != "AUTHORISED":
        raise RuleError("A new payment must be AUTHORISED.")
    when = date_field(raw, "Date") or iso_date(ctx.today())
    rate = (
        decimal(raw["CurrencyRate"], "CurrencyRate") if raw.get("CurrencyRate") is not None else target["CurrencyRate"]
    )
    number_key = "InvoiceNumber" if collection == "Invoices" else "CreditNoteNumber"
    id_key = "InvoiceID" if collection == "Invoices" else "CreditNoteID"
    payment: Doc = {
        "PaymentID": new_id(),
        "Date": when,
        "Amount": amount,
        "BankAmount": amount,
        "CurrencyRate": rate,
        "Reference": text(raw, "Reference", max_length=255) or "",
        "IsReconciled": bool(flag(raw, "IsReconciled")),
        "Status": "AUTHORISED",
        "PaymentType": _PAYMENT_TYPES[target["Type"]],
        "HasAccount": True,
        "HasValidationErrors": False,
        "Account": {"AccountID": account["AccountID"], "Code": account.get("Code", ""), "Name": account["Name"]},
        "Invoice" if collection == "Invoices" else "CreditNote": {
            id_key: target[id_key],
            number_key: target.get(number_key, ""),
            "Type": target["Type"],
            "Contact": target["Contact"],
            "CurrencyCode": target["CurrencyCode"],
        },
    }
    set_updated(payment, ctx, with_string=True)
    ctx.save("Payments", payment)
    entry = {
        "PaymentID": payment["PaymentID"],
        "Date": when,
        "Amount": amount,
        "Reference": payment["Reference"],
        "CurrencyRate": rate,
        "HasAccount": True,
        "HasValidationErrors": False,
    }
    target["Payments"] = [*target.get("Payments", []), entry]
    _refresh(target, collection)
    invoices.stamp(ctx, target)
    ctx.save(collection, target)
    ctx.history(collection, target[id_key], "Payment Received", f"Payment of {amount} received on {when[:10]}.")
    ctx.history("Payments", payment["PaymentID"], "Created", f"Payment of {amount} created.")
    return payment


def _refresh(target: Doc, collection: str) -> None:
    if collection == "Invoices":
        target["AmountPaid"] = sum((Decimal(p["Amount"]) for p in target["Payments"]), Decimal("0.00"))
        invoices.refresh_invoice_due(target)
    else:
        credit_notes.refresh_remaining(target)


def update(ctx: Ctx, existing: Doc, raw: Doc) -> Doc:
    """Payments cannot be modified, only deleted: ``{"Status": "DELETED"}`` reverses the payment."""
    status = upper(raw, "Status")
    if status != "DELETED":
        raise RuleError("Payments cannot be modified, only created and deleted. To delete, set Status to DELETED.")
    if existing["Status"] == "DELETED":
        raise RuleError("This payment has already been deleted.")
    payment = dict(existing)
    payment["Status"] = "DELETED"
    set_updated(payment, ctx, with_string=True)
    ctx.save("Payments", payment)
    collection, key = ("Invoices", "InvoiceID") if "Invoice" in payment else ("CreditNotes", "CreditNoteID")
    target = ctx.get(collection, payment["Invoice" if collection == "Invoices" else "CreditNote"][key])
    if target is not None:
        target["Payments"] = [p for p in target.get("Payments", []) if p["PaymentID"] != payment["PaymentID"]]
        _refresh(target, collection)
        invoices.stamp(ctx, target)
        ctx.save(collection, target)
        ctx.history(collection, target[key], "Payment Deleted", f"Payment of {payment['Amount']} deleted.")
    ctx.history("Payments", payment["PaymentID"], "Deleted", f"Payment of {payment['Amount']} deleted.")
    return payment
