"""Prepayments and overpayments (reference §5.4, §5.5, §5.6): money received or paid before (or beyond) an invoice.

Neither is created directly: a bank transaction of type RECEIVE-PREPAYMENT, SPEND-PREPAYMENT, RECEIVE-OVERPAYMENT or
SPEND-OVERPAYMENT creates one, AUTHORISED, with the transaction's contact, date, lines and totals, and the
transaction carries its PrepaymentID or OverpaymentID ("Creation of prepayments and overpayments is still done via
the BankTransactions endpoint"). A prepayment's lines are coded like a receive or spend money line (the income or
expense it is for); an overpayment's lines are coded to the accounts receivable (RECEIVE) or payable (SPEND)
account, without tax.

RemainingCredit = Total - allocations - refunds; the record becomes PAID when nothing remains and AUTHORISED again
when an allocation or refund is removed. An allocation (``PUT /{Prepayments|Overpayments}/{id}/Allocations``) needs an
AUTHORISED record and an AUTHORISED invoice of the matching side (RECEIVE -> ACCREC, SPEND -> ACCPAY), the same
contact and currency, and an amount within both the remaining credit and the invoice's AmountDue; its Date defaults to
the later of the two documents' dates. The invoice lists it under Prepayments/Overpayments and counts it in
AmountCredited ("Sum of all credit notes, over-payments and pre-payments applied to invoice" [SPEC]). Deleting an
allocation gives both amounts back. A refund is a payment that names the Prepayment or Overpayment (see ``payments``).
Deleting the bank transaction voids the record, which Xero allows only while nothing is allocated or refunded.

Ledger effects (see ``xero_mcp.sandbox.reports``): on accrual the money sits in the AR (AP) control account until
allocated, as a credit (debit) there; an allocation moves nothing; a refund takes it back out of the bank.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from xero_mcp.sandbox.rules import allocations
from xero_mcp.sandbox.rules.common import (
    ZERO,
    Ctx,
    RuleError,
    new_id,
    set_updated,
)
from xero_mcp.sandbox.rules.invoices import recompute_due
from xero_mcp.sandbox.state import Doc


@dataclass(frozen=True)
class CreditKind:
    """What differs between prepayments and overpayments."""

    collection: str  # "Prepayments"
    id_field: str  # "PrepaymentID"
    key: str  # how payments, allocations and bank transactions name one: "Prepayment"
    label: str  # "prepayment"
    suffix: str  # the bank transaction types' suffix: "PREPAYMENT"


PREPAYMENT = CreditKind("Prepayments", "PrepaymentID", "Prepayment", "prepayment", "PREPAYMENT")
OVERPAYMENT = CreditKind("Overpayments", "OverpaymentID", "Overpayment", "overpayment", "OVERPAYMENT")
KINDS = (PREPAYMENT, OVERPAYMENT)
_INVOICE_TYPE = {"RECEIVE": "ACCREC", "SPEND": "ACCPAY"}


def kind_of_type(bank_type: str) -> CreditKind | None:
    """The kind of record a bank transaction type creates (None for plain receive/spend money and transfers)."""
    return next((kind for kind in KINDS if bank_type.endswith("-" + kind.suffix)), None)


def kind_of_collection(collection: str) -> CreditKind:
    """The kind whose records live in `collection`."""
    return next(kind for kind in KINDS if kind.collection == collection)


def invoice_type(record: Doc) -> str:
    """The invoice type a prepayment or overpayment can be allocated to: ACCREC for RECEIVE-*, ACCPAY for SPEND-*."""
    return _INVOICE_TYPE[str(record["Type"]).split("-")[0]]


def applied(record: Doc) -> Decimal:
    """How much has been allocated or refunded."""
    total = sum((Decimal(a["Amount"]) for a in record.get("Allocations", [])), ZERO)
    return total + sum((Decimal(p["Amount"]) for p in record.get("Payments", [])), ZERO)


def refresh_remaining(record: Doc) -> None:
    """Recompute RemainingCredit and the PAID/AUTHORISED status from allocations and refunds."""
    recompute_due(record, amount_key="RemainingCredit", applied=applied(record))


def from_bank_transaction(ctx: Ctx, kind: CreditKind, transaction: Doc) -> Doc:
    """The prepayment or overpayment a new bank transaction creates (stored)."""
    record: Doc = {
        kind.id_field: new_id(),
        "Type": transaction["Type"],
        "Contact": transaction["Contact"],
        "Date": transaction["Date"],
        "Status": "AUTHORISED",
        "LineAmountTypes": transaction["LineAmountTypes"],
        "LineItems": transaction["LineItems"],
        "SubTotal": transaction["SubTotal"],
        "TotalTax": transaction["TotalTax"],
        "Total": transaction["Total"],
        "CurrencyCode": transaction["CurrencyCode"],
        "CurrencyRate": transaction["CurrencyRate"],
        "RemainingCredit": transaction["Total"],
        "Allocations": [],
        "Payments": [],
        "HasAttachments": False,
    }
    if kind is OVERPAYMENT or transaction.get("Reference"):
        record["Reference"] = transaction.get("Reference", "")
    set_updated(record, ctx, with_string=True)
    ctx.save(kind.collection, record)
    amount = transaction["Total"]
    ctx.history(kind.collection, record[kind.id_field], "Created", f"{kind.label.capitalize()} of {amount} created.")
    return record


def void_with_transaction(ctx: Ctx, kind: CreditKind, record_id: str) -> None:
    """Void the record of a bank transaction being deleted; refused once anything is allocated or refunded."""
    record = ctx.get(kind.collection, record_id)
    if record is None:
        return
    if record.get("Allocations") or record.get("Payments"):
        raise RuleError(
            f"This {kind.label} has been allocated or refunded; remove its allocations and refunds before deleting it."
        )
    record["Status"] = "VOIDED"
    record["RemainingCredit"] = ZERO
    set_updated(record, ctx, with_string=True)
    ctx.save(kind.collection, record)
    ctx.history(kind.collection, record_id, "Voided", f"{kind.label.capitalize()} voided with its bank transaction.")


def _invoice_entry(kind: CreditKind, record: Doc, amount: Decimal, when: str) -> Doc:
    return {
        kind.id_field: record[kind.id_field],
        "Type": record["Type"],
        "Date": when,
        "AppliedAmount": amount,
        "Total": record["Total"],
    }


def allocate(ctx: Ctx, kind: CreditKind, record: Doc, raw: Doc) -> Doc:
    """Allocate part of an AUTHORISED prepayment or overpayment to an outstanding invoice; returns the allocation."""
    record = ctx.get(kind.collection, record[kind.id_field]) or record  # earlier elements may have changed it
    terms = allocations.CreditTerms(
        collection=kind.collection,
        label=kind.label,
        invoice_type=invoice_type(record),
        unauthorised_invoice=f"A {kind.label} can only be allocated to an AUTHORISED invoice.",
        refresh_remaining=refresh_remaining,
        invoice_entry=lambda credit, amount, when: _invoice_entry(kind, credit, amount, when),
    )
    allocation, invoice = allocations.allocate(ctx, terms, record, raw)
    amount = allocation["Amount"]
    label = kind.label.capitalize()
    ctx.history(kind.collection, record[kind.id_field], "Allocated", f"{label} allocated {amount} to invoice.")
    ctx.history("Invoices", invoice["InvoiceID"], "Credit Applied", f"{label} of {amount} applied.")
    return {**allocation, kind.key: {kind.id_field: record[kind.id_field]}}


def delete_allocation(ctx: Ctx, kind: CreditKind, record: Doc, allocation_id: str) -> Doc:
    """Remove an allocation, giving the credit back to the record and the amount back to the invoice."""
    allocation = allocations.delete(ctx, kind.collection, kind.id_field, refresh_remaining, record, allocation_id)
    return {**allocation, kind.key: {kind.id_field: record[kind.id_field]}, "IsDeleted": True}
