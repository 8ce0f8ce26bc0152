"""Payments against invoices and credit notes, and refunds of prepayments and overpayments (reference §5.5).

A payment applies to an AUTHORISED invoice or credit note (named by ID or number), or refunds an AUTHORISED
prepayment or overpayment (named by ID), never for more than is still owed or remaining ("Payment amount exceeds
the amount outstanding on this document"), into a BANK account or an account with EnablePaymentsToAccount.
Payments are created and deleted, never modified: ``POST /Payments/{id}`` with ``{"Status": "DELETED"}`` reverses
one, and a PAID document becomes AUTHORISED again. Deleted payments stay readable with Status DELETED.

Stored payment: PaymentID, Date, Amount, BankAmount, CurrencyRate, Reference, IsReconciled, Status, PaymentType
(ACCRECPAYMENT, ACCPAYPAYMENT, ARCREDITPAYMENT, APCREDITPAYMENT, ARPREPAYMENTPAYMENT, APPREPAYMENTPAYMENT,
AROVERPAYMENTPAYMENT, APOVERPAYMENTPAYMENT), Account {AccountID, Code, Name}, and Invoice, CreditNote, Prepayment
or Overpayment (a summary with Type, number, Contact and CurrencyCode), UpdatedDateUTC(String).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from xero_mcp.sandbox.rules import credit_notes, invoices, prepayments
from xero_mcp.sandbox.rules.common import (
    ZERO,
    Ctx,
    RuleError,
    as_doc,
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

_PAYMENT_TYPES = {
    "ACCREC": "ACCRECPAYMENT",
    "ACCPAY": "ACCPAYPAYMENT",
    "ACCRECCREDIT": "ARCREDITPAYMENT",
    "ACCPAYCREDIT": "APCREDITPAYMENT",
    "RECEIVE-PREPAYMENT": "ARPREPAYMENTPAYMENT",
    "SPEND-PREPAYMENT": "APPREPAYMENTPAYMENT",
    "RECEIVE-OVERPAYMENT": "AROVERPAYMENTPAYMENT",
    "SPEND-OVERPAYMENT": "APOVERPAYMENTPAYMENT",
}


@dataclass(frozen=True)
class _Target:
    """A kind of document payments apply to, and how a payment names it."""

    key: str  # the payment's field naming the document
    collection: str
    id_field: str
    number_field: str  # "" when the document has no number
    label: str
    outstanding: str  # what is still owed on it


_TARGETS = (
    _Target("Invoice", "Invoices", "InvoiceID", "InvoiceNumber", "invoice", "AmountDue"),
    _Target("CreditNote", "CreditNotes", "CreditNoteID", "CreditNoteNumber", "credit note", "RemainingCredit"),
    _Target("Prepayment", "Prepayments", "PrepaymentID", "", "prepayment", "RemainingCredit"),
    _Target("Overpayment", "Overpayments", "OverpaymentID", "", "overpayment", "RemainingCredit"),
)


def _target(ctx: Ctx, raw: Doc) -> tuple[_Target, Doc]:
    for kind in _TARGETS:
        ref = as_doc(raw.get(kind.key))
        if ref is None and not (kind.number_field and raw.get(kind.number_field)):
            continue
        ref = ref or {}
        if ref.get(kind.id_field):
            doc = ctx.get(kind.collection, guid(ref[kind.id_field], kind.id_field))
        elif not kind.number_field:
            doc = None
        else:
            number = str(ref.get(kind.number_field) or raw.get(kind.number_field) or "")
            found = ctx.state.find(ctx.tenant_id, kind.collection, "number", number)
            doc = found[0] if found else None
        if doc is None:
            raise RuleError(f"The {kind.label} for this payment could not be found.")
        return kind, doc
    raise RuleError(
        "A payment must name the Invoice or CreditNote it pays (by ID or number), or the Prepayment or Overpayment it "
        "refunds (by ID)."
    )


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
    kind, target = _target(ctx, raw)
    if target["Status"] != "AUTHORISED":
        raise RuleError(f"Payments can only be applied to AUTHORISED documents; this one is {target['Status']}.")
    account = _account(ctx, raw)
    account_currency = account.get("CurrencyCode")
    if account_currency and account_currency not in (target["CurrencyCode"], ctx.org["BaseCurrency"]):
        raise RuleError("The payment's bank account must be in the document's currency.")
    amount = positive_amount(raw, "A payment", "payment")
    if amount > Decimal(target[kind.outstanding]):
        raise RuleError("Payment amount exceeds the amount outstanding on this document")
    status = upper(raw, "Status") or "AUTHORISED"
    if status != "AUTHORISED":
        raise RuleError("A new payment must be AUTHORISED.")
    when = date_field(raw, "Date") or iso_date(ctx.today())
    rate = (
        decimal(raw["CurrencyRate"], "CurrencyRate") if raw.get("CurrencyRate") is not None else target["CurrencyRate"]
    )
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
        kind.key: {
            kind.id_field: target[kind.id_field],
            "Type": target["Type"],
            "Contact": target["Contact"],
            "CurrencyCode": target["CurrencyCode"],
        },
    }
    if kind.number_field:
        payment[kind.key][kind.number_field] = target.get(kind.number_field, "")
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
    payments = [*target.get("Payments", []), entry]
    if kind.number_field:
        change, details = "Payment Received", f"Payment of {amount} received on {when[:10]}."
    else:
        change, details = "Refunded", f"Refund of {amount} made on {when[:10]}."
    _settle(ctx, kind, target, payments, change, details)
    ctx.history("Payments", payment["PaymentID"], "Created", f"Payment of {amount} created.")
    return payment


def _settle(ctx: Ctx, kind: _Target, target: Doc, payments: list[Doc], change: str, details: str) -> None:
    """Give the paid document its new payments, recompute what it still owes, store it and note the change."""
    target["Payments"] = payments
    if kind.collection == "Invoices":
        target["AmountPaid"] = sum((Decimal(p["Amount"]) for p in payments), ZERO)
        invoices.refresh_invoice_due(target)
    elif kind.collection == "CreditNotes":
        credit_notes.refresh_remaining(target)
    else:
        prepayments.refresh_remaining(target)
    invoices.stamp(ctx, target)
    ctx.save(kind.collection, target)
    ctx.history(kind.collection, target[kind.id_field], change, details)


def update(ctx: Ctx, existing: Doc, raw: Doc) -> Doc:
    """Payments cannot be modified, only deleted: ``{"Status": "DELETED"}`` reverses the payment."""
    status = upper(raw, "Status")
    if status != "DELETED":
        raise RuleError("Payments cannot be modified, only created and deleted. To delete, set Status to DELETED.")
    if existing["Status"] == "DELETED":
        raise RuleError("This payment has already been deleted.")
    if existing.get("BatchPaymentID"):
        raise RuleError(
            "Payments created via batch payments cannot be deleted one by one; delete the batch payment instead."
        )
    return reverse(ctx, existing)


def reverse(ctx: Ctx, existing: Doc) -> Doc:
    """Delete a payment: mark it DELETED and give the paid document its amount back (also a batch's payments)."""
    payment = dict(existing)
    payment["Status"] = "DELETED"
    set_updated(payment, ctx, with_string=True)
    ctx.save("Payments", payment)
    kind = next(kind for kind in _TARGETS if kind.key in payment)
    target = ctx.get(kind.collection, payment[kind.key][kind.id_field])
    if target is not None:
        payments = [p for p in target.get("Payments", []) if p["PaymentID"] != payment["PaymentID"]]
        _settle(ctx, kind, target, payments, "Payment Deleted", f"Payment of {payment['Amount']} deleted.")
    ctx.history("Payments", payment["PaymentID"], "Deleted", f"Payment of {payment['Amount']} deleted.")
    return payment
