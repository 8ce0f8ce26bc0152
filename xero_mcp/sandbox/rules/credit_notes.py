"""Credit notes and their allocations to invoices (reference §5.4).

Credit notes follow the invoice status machine and edit rules (see ``invoices``); ACCRECCREDIT numbers are
unique and generated (CN-0001, ...). RemainingCredit = Total - allocations - refunds; the credit note becomes PAID
when nothing remains. An allocation needs an AUTHORISED credit note and an AUTHORISED invoice of the matching kind
(ACCRECCREDIT -> ACCREC, ACCPAYCREDIT -> ACCPAY), the same contact and currency, and an amount within both the
remaining credit and the invoice's AmountDue; its Date defaults to the later of the two documents' dates.
Deleting an allocation gives both amounts back.

Stored fields beyond the request's: RemainingCredit, Allocations[] (AllocationID, Amount, Date, Invoice
{InvoiceID, InvoiceNumber}), Payments[] (refunds), FullyPaidOnDate, UpdatedDateUTC(String).
"""

from __future__ import annotations

from decimal import Decimal

from xero_mcp.sandbox.rules import allocations, invoices
from xero_mcp.sandbox.rules.common import (
    ZERO,
    Ctx,
    RuleError,
    find_addressed,
)
from xero_mcp.sandbox.rules.invoices import DocKind, recompute_due
from xero_mcp.sandbox.state import Doc

CREDIT_NOTE = DocKind(
    collection="CreditNotes",
    id_field="CreditNoteID",
    number_field="CreditNoteNumber",
    label="credit note",
    sides={"ACCRECCREDIT": "sales", "ACCPAYCREDIT": "purchases"},
    numbered_type="ACCRECCREDIT",
    prefix="CN-",
    duplicate_number="Credit Note # must be unique.",
)
_INVOICE_TYPE = {"ACCRECCREDIT": "ACCREC", "ACCPAYCREDIT": "ACCPAY"}


def applied(doc: Doc) -> Decimal:
    """How much of a credit note has been allocated or refunded."""
    total = sum((Decimal(a["Amount"]) for a in doc.get("Allocations", [])), ZERO)
    return total + sum((Decimal(p["Amount"]) for p in doc.get("Payments", [])), ZERO)


def refresh_remaining(doc: Doc) -> None:
    """Recompute RemainingCredit and the PAID/AUTHORISED status from allocations and refunds."""
    recompute_due(doc, amount_key="RemainingCredit", applied=applied(doc))


def create(ctx: Ctx, raw: Doc) -> Doc:
    """A new credit note (PUT, or POST without a match). Allocation needs a second call."""
    if raw.get("Allocations"):
        raise RuleError("You cannot create and allocate a credit note in a single call.")
    doc = invoices.build(ctx, CREDIT_NOTE, raw, None)
    doc.update({"RemainingCredit": doc["Total"], "Allocations": [], "Payments": []})
    return invoices.finish(ctx, CREDIT_NOTE, doc, None)


def update(ctx: Ctx, existing: Doc, raw: Doc) -> Doc:
    """Change a credit note within its status rules."""
    doc = invoices.build(ctx, CREDIT_NOTE, raw, existing)
    if not invoices.settled(existing):
        doc["RemainingCredit"] = doc["Total"]
    return invoices.finish(ctx, CREDIT_NOTE, doc, existing)


def match(ctx: Ctx, raw: Doc) -> Doc | None:
    """The credit note a POST element addresses: by CreditNoteID, else an ACCRECCREDIT number."""
    return find_addressed(ctx, raw, "CreditNotes", "Credit Note", keep=lambda doc: doc["Type"] == "ACCRECCREDIT")


def _invoice_entry(credit: Doc, amount: Decimal, when: str) -> Doc:
    return {
        "CreditNoteID": credit["CreditNoteID"],
        "CreditNoteNumber": credit.get("CreditNoteNumber", ""),
        "AppliedAmount": amount,
        "Date": when,
        "DateString": when,
        "Total": credit["Total"],
    }


def allocate(ctx: Ctx, credit: Doc, raw: Doc) -> Doc:
    """Allocate part of an AUTHORISED credit note to an outstanding invoice; returns the allocation."""
    credit = ctx.get("CreditNotes", credit["CreditNoteID"]) or credit  # earlier elements may have changed it
    terms = allocations.CreditTerms(
        collection="CreditNotes",
        label="credit note",
        invoice_type=_INVOICE_TYPE.get(credit["Type"], ""),
        unauthorised_invoice="Credit can only be allocated to an AUTHORISED invoice.",
        refresh_remaining=refresh_remaining,
        invoice_entry=_invoice_entry,
    )
    allocation, invoice = allocations.allocate(ctx, terms, credit, raw)
    amount = allocation["Amount"]
    label = credit.get("CreditNoteNumber") or "Credit note"
    ctx.history("CreditNotes", credit["CreditNoteID"], "Credit Applied", f"{label} allocated {amount} to invoice.")
    ctx.history("Invoices", invoice["InvoiceID"], "Credit Applied", f"{label} credit of {amount} applied.")
    return {**allocation, "CreditNote": {"CreditNoteID": credit["CreditNoteID"]}}


def delete_allocation(ctx: Ctx, credit: Doc, allocation_id: str) -> Doc:
    """Remove an allocation, giving the credit back to the credit note and the amount back to the invoice."""
    allocation = allocations.delete(ctx, "CreditNotes", "CreditNoteID", refresh_remaining, credit, allocation_id)
    return {**allocation, "CreditNote": {"CreditNoteID": credit["CreditNoteID"]}, "IsDeleted": True}
