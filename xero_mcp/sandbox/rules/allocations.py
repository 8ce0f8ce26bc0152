"""Allocating a credit (credit note, prepayment or overpayment) to an invoice.

Xero checks and books all three kinds of credit the same way: an AUTHORISED credit, an AUTHORISED invoice of the
matching type, the same contact and currency, and an amount within both the remaining credit and the invoice's
AmountDue; the Date defaults to the later of the two documents' dates. Each kind supplies only its wording, how the
invoice lists it, and how its own RemainingCredit is recomputed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from xero_mcp.sandbox.rules import invoices
from xero_mcp.sandbox.rules.common import Ctx, NotFound, RuleError, as_doc, date_field, is_guid, new_id, positive_amount
from xero_mcp.sandbox.rules.invoices import refresh_invoice_due
from xero_mcp.sandbox.state import Doc


@dataclass(frozen=True)
class CreditTerms:
    """What differs between the kinds of credit when one is allocated."""

    collection: str
    """Where the credit is stored, and the list on the invoice that names it (``CreditNotes``)."""
    label: str
    """How error messages name the credit (``credit note``)."""
    invoice_type: str
    """The invoice Type this credit can be allocated to."""
    unauthorised_invoice: str
    """The error when the invoice is not AUTHORISED."""
    refresh_remaining: Callable[[Doc], None]
    """Recomputes the credit's RemainingCredit and status after its allocations change."""
    invoice_entry: Callable[[Doc, Decimal, str], Doc]
    """The entry the invoice's list gets for (credit, amount, date)."""


def allocate(ctx: Ctx, terms: CreditTerms, record: Doc, raw: Doc) -> tuple[Doc, Doc]:
    """Check and book an allocation of ``record`` to the invoice ``raw`` names; returns (allocation, invoice)."""
    label = terms.label
    if record["Status"] != "AUTHORISED":
        raise RuleError(f"{label.capitalize()}s must have a Status of AUTHORISED to be available for allocation.")
    invoice_id = (as_doc(raw.get("Invoice")) or {}).get("InvoiceID")
    invoice = ctx.get("Invoices", str(invoice_id)) if is_guid(invoice_id) else None
    if invoice is None:
        raise RuleError("An allocation needs the InvoiceID of an existing invoice.")
    if invoice["Type"] != terms.invoice_type:
        raise RuleError(f"A {record['Type']} {label} can only be allocated to {terms.invoice_type} invoices.")
    if invoice["Contact"]["ContactID"] != record["Contact"]["ContactID"]:
        raise RuleError(f"The {label} and the invoice must be for the same contact.")
    if invoice["CurrencyCode"] != record["CurrencyCode"]:
        raise RuleError(f"The {label} and the invoice must be in the same currency.")
    if invoice["Status"] != "AUTHORISED":
        raise RuleError(terms.unauthorised_invoice)
    amount = positive_amount(raw, "An allocation", "allocation")
    if amount > Decimal(record["RemainingCredit"]):
        raise RuleError(f"The amount allocated exceeds the remaining credit on the {label}.")
    if amount > Decimal(invoice["AmountDue"]):
        raise RuleError("The amount allocated exceeds the amount due on the invoice.")
    when = date_field(raw, "Date") or max(invoice["Date"], record["Date"])
    allocation: Doc = {
        "AllocationID": new_id(),
        "Amount": amount,
        "Date": when,
        "Invoice": {"InvoiceID": invoice["InvoiceID"], "InvoiceNumber": invoice.get("InvoiceNumber", "")},
    }
    record["Allocations"] = [*record.get("Allocations", []), allocation]
    terms.refresh_remaining(record)
    invoices.stamp(ctx, record)
    ctx.save(terms.collection, record)
    entries = invoice.get(terms.collection, [])
    invoice[terms.collection] = [*entries, terms.invoice_entry(record, amount, when)]
    invoice["AmountCredited"] = Decimal(invoice["AmountCredited"]) + amount
    refresh_invoice_due(invoice)
    invoices.stamp(ctx, invoice)
    ctx.save("Invoices", invoice)
    return allocation, invoice


def delete(
    ctx: Ctx, collection: str, id_field: str, refresh_remaining: Callable[[Doc], None], record: Doc, allocation_id: str
) -> Doc:
    """Remove an allocation of ``record`` (stored in ``collection``, keyed by ``id_field``), giving the credit back to
    the record and the amount back to the invoice; returns the removed allocation."""
    allocation = next((a for a in record.get("Allocations", []) if a["AllocationID"] == allocation_id.lower()), None)
    if allocation is None:
        raise NotFound(allocation_id)
    record["Allocations"] = [a for a in record["Allocations"] if a is not allocation]
    refresh_remaining(record)
    invoices.stamp(ctx, record)
    ctx.save(collection, record)
    invoice = ctx.get("Invoices", allocation["Invoice"]["InvoiceID"])
    if invoice is not None:
        entries = invoice.get(collection, [])
        for index, entry in enumerate(entries):
            same_record = entry[id_field] == record[id_field]
            if same_record and Decimal(entry["AppliedAmount"]) == Decimal(allocation["Amount"]):
                del entries[index]
                break
        invoice["AmountCredited"] = Decimal(invoice["AmountCredited"]) - Decimal(allocation["Amount"])
        refresh_invoice_due(invoice)
        invoices.stamp(ctx, invoice)
        ctx.save("Invoices", invoice)
    ctx.history(collection, record[id_field], "Allocation Deleted", f"Allocation of {allocation['Amount']} removed.")
    return allocation
