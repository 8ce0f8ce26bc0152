"""Batch payments: several invoices or bills paid by one bank line (reference §2.1, §5.5; [DOC-PAY] "Multiple
invoices in one bank line -> /BatchPayments").

``PUT /BatchPayments`` creates one AUTHORISED batch from an Account (a BANK account), a Date (default today), a
Reference and Payments, each naming an AUTHORISED invoice by InvoiceID with an Amount no more than its AmountDue.
Every payment is an ordinary payment (``GET /Payments`` shows it, with BatchPaymentID) and settles its invoice as a
single payment does; all of a batch's invoices are on one side, sales invoices (RECBATCH) or bills (PAYBATCH).
Payments made by a batch cannot be deleted one by one ("payments created via batch payments ... are not supported");
the batch is deleted as a whole with ``{"Status": "DELETED"}`` (POST on the collection naming BatchPaymentID, or on
``/BatchPayments/{id}``), which deletes each of its payments and gives the invoices their amounts back.

Stored fields: BatchPaymentID, Account {AccountID, Code, Name}, Date, DateString, Reference, Particulars, Code,
Details, Narrative, Type, Status, Amount = TotalAmount, Payments[] (PaymentID, Invoice, Amount, Reference, ...),
IsReconciled, UpdatedDateUTC.
"""

from __future__ import annotations

from decimal import Decimal

from xero_mcp.sandbox.rules import payments
from xero_mcp.sandbox.rules.common import (
    ZERO,
    Ctx,
    RuleError,
    as_doc,
    as_list,
    date_field,
    flag,
    iso_date,
    new_id,
    save_change,
    text,
    upper,
)
from xero_mcp.sandbox.rules.lines import find_account
from xero_mcp.sandbox.state import Doc

_BATCH_TYPES = {"ACCRECPAYMENT": "RECBATCH", "ACCPAYPAYMENT": "PAYBATCH"}
# The spec's length limits on the batch's and each payment's bank-statement details.
_LIMITS = {"Reference": 255, "Particulars": 12, "Code": 12, "Narrative": 18, "Details": 255}
_PAYMENT_DETAILS = ("BankAccountNumber", "Particulars", "Code", "Details")


def _bank_account(ctx: Ctx, raw: Doc) -> Doc:
    account = find_account(ctx, as_doc(raw.get("Account")) or {})
    if account is None:
        raise RuleError("A batch payment needs the bank Account (AccountID or Code) it is paid into or out of.")
    if account["Type"] != "BANK":
        raise RuleError(f"Account code '{account.get('Code', '')}' is not a bank account.")
    if account["Status"] != "ACTIVE":
        raise RuleError(f"Bank account '{account['Name']}' is archived.")
    return account


def create(ctx: Ctx, raw: Doc) -> Doc:
    """A new AUTHORISED batch and one payment per element of its Payments."""
    account = _bank_account(ctx, raw)
    items = as_list(raw.get("Payments")) or []
    if not items:
        raise RuleError("A batch payment needs at least one payment.")
    if upper(raw, "Status") not in (None, "AUTHORISED"):
        raise RuleError("A new batch payment must be AUTHORISED.")
    when = date_field(raw, "Date") or iso_date(ctx.today())
    batch_id = new_id()
    batch: Doc = {"BatchPaymentID": batch_id}
    for key, limit in _LIMITS.items():
        value = text(raw, key, max_length=limit)
        if value is not None:
            batch[key] = value
    account_ref = {"AccountID": account["AccountID"], "Code": account.get("Code", ""), "Name": account["Name"]}
    made: list[Doc] = []
    kinds: set[str] = set()
    for index, item in enumerate(items, start=1):
        element = as_doc(item)
        if element is None:
            raise RuleError(f"Payment {index} of the batch must be an object.")
        if not (as_doc(element.get("Invoice")) or {}).get("InvoiceID"):
            raise RuleError(f"Payment {index} of the batch must name its Invoice by InvoiceID.")
        single: Doc = {
            "Invoice": element["Invoice"],
            "Account": {"AccountID": account["AccountID"]},
            "Amount": element.get("Amount"),
            "Date": when,
            "Reference": text(element, "Reference", max_length=255) or batch.get("Reference", ""),
        }
        payment = payments.create(ctx, single)
        kinds.add(payment["PaymentType"])
        payment["BatchPaymentID"] = batch_id
        payment["BatchPayment"] = {"BatchPaymentID": batch_id, "Account": {"AccountID": account["AccountID"]}}
        for key in _PAYMENT_DETAILS:
            value = text(element, key, max_length=_LIMITS.get(key))
            if value is not None:
                payment[key] = value
        ctx.save("Payments", payment)
        entry: Doc = {
            "PaymentID": payment["PaymentID"],
            "Invoice": payment["Invoice"],
            "Amount": payment["Amount"],
            "Reference": payment["Reference"],
        }
        entry.update({key: payment[key] for key in _PAYMENT_DETAILS if key in payment})
        made.append(entry)
    if len(kinds) != 1 or next(iter(kinds)) not in _BATCH_TYPES:
        raise RuleError("A batch payment pays either sales invoices or bills, not both.")
    total = sum((Decimal(p["Amount"]) for p in made), ZERO)
    batch.update(
        {
            "Account": account_ref,
            "Date": when,
            "DateString": when,
            "Type": _BATCH_TYPES[next(iter(kinds))],
            "Status": "AUTHORISED",
            "Amount": total,
            "TotalAmount": total,
            "Payments": made,
            "IsReconciled": bool(flag(raw, "IsReconciled")),
        }
    )
    return save_change(ctx, "BatchPayments", batch, None, "Created", f"Batch payment of {total} made on {when[:10]}.")


def update(ctx: Ctx, existing: Doc, raw: Doc) -> Doc:
    """Batch payments are created and deleted, never changed: ``{"Status": "DELETED"}`` deletes one whole."""
    if upper(raw, "Status") != "DELETED":
        raise RuleError(
            "Batch payments cannot be modified, only created and deleted. To delete, set Status to DELETED."
        )
    if existing["Status"] == "DELETED":
        raise RuleError("This batch payment has already been deleted.")
    for entry in existing.get("Payments", []):
        payment = ctx.get("Payments", entry["PaymentID"])
        if payment is not None and payment["Status"] != "DELETED":
            payments.reverse(ctx, payment)
    batch = {**existing, "Status": "DELETED"}
    return save_change(
        ctx, "BatchPayments", batch, existing, "Deleted", f"Batch payment of {existing['Amount']} deleted."
    )
