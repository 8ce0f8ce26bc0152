"""Invoices: ACCREC sales invoices and ACCPAY bills (reference §5.2), and the machinery credit notes share.

Status machine [DOC-INV]: DRAFT -> DRAFT|SUBMITTED|AUTHORISED|DELETED; SUBMITTED -> SUBMITTED|AUTHORISED|DRAFT|
DELETED; AUTHORISED -> AUTHORISED|VOIDED. PAID is set by the system when AmountDue reaches zero and undone when a
payment or allocation is removed; nothing leaves VOIDED or DELETED. A document with payments or credit allocated
may only change Reference, DueDate, its number, BrandingThemeID, Contact (not once credit is allocated), Url,
SentToContact, planned/expected payment dates and its lines' Description, AccountCode and Tracking; it cannot be
voided or sent back to draft. ACCREC numbers are unique and generated (INV-0001, ...) when absent; bill numbers are
free text.

Stored invoice fields beyond the request's: SubTotal, TotalTax, Total, TotalDiscount, AmountDue, AmountPaid,
AmountCredited, FullyPaidOnDate, Payments[] (PaymentID, Date, Amount, Reference, CurrencyRate), CreditNotes[]
(CreditNoteID, CreditNoteNumber, AppliedAmount, Date, Total) and UpdatedDateUTC(String). VOIDED and DELETED
documents have AmountDue 0.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from xero_mcp.sandbox.rules import contacts
from xero_mcp.sandbox.rules.common import (
    ZERO,
    Ctx,
    RuleError,
    as_doc,
    as_list,
    changed_fields,
    check_unique_number,
    date_field,
    decimal,
    find_addressed,
    flag,
    guid,
    iso_date,
    new_id,
    next_status,
    save_change,
    set_updated,
    status_change,
    stored_date,
    text,
    upper,
)
from xero_mcp.sandbox.rules.lines import LineRules, apply_lines
from xero_mcp.sandbox.state import COLLECTIONS, Doc

TRANSITIONS: dict[str, frozenset[str]] = {
    "DRAFT": frozenset({"DRAFT", "SUBMITTED", "AUTHORISED", "DELETED"}),
    "SUBMITTED": frozenset({"SUBMITTED", "AUTHORISED", "DRAFT", "DELETED"}),
    "AUTHORISED": frozenset({"AUTHORISED", "VOIDED"}),
    "PAID": frozenset({"PAID"}),
    "VOIDED": frozenset(),
    "DELETED": frozenset(),
}
CREATE_STATUSES = ("DRAFT", "SUBMITTED", "AUTHORISED")
# Fields a part- or fully-paid document may still change (besides its lines' non-financial fields).
PAID_EDITABLE = frozenset(
    {"Reference", "DueDate", "DueDateString", "BrandingThemeID", "Contact", "Url", "SentToContact"}
    | {"ExpectedPaymentDate", "ExpectedPaymentDateString", "PlannedPaymentDate", "PlannedPaymentDateString"}
    | {"UpdatedDateUTC", "UpdatedDateUTCString"}
)
_LINE_FINANCIAL = ("Quantity", "UnitAmount", "LineAmount", "TaxType", "TaxAmount", "DiscountRate", "ItemCode")
_SETTLEMENT_FIELDS = ("AmountDue", "AmountPaid", "AmountCredited", "FullyPaidOnDate", "Payments", "CreditNotes")


@dataclass(frozen=True)
class DocKind:
    """What differs between invoices and credit notes."""

    collection: str
    id_field: str
    number_field: str
    label: str
    sides: dict[str, str]  # Type -> "sales" | "purchases"
    numbered_type: str  # the type whose numbers are unique and generated
    prefix: str
    duplicate_number: str


INVOICE = DocKind(
    collection="Invoices",
    id_field="InvoiceID",
    number_field="InvoiceNumber",
    label="invoice",
    sides={"ACCREC": "sales", "ACCPAY": "purchases"},
    numbered_type="ACCREC",
    prefix="INV-",
    duplicate_number="Invoice # must be unique.",
)


def next_number(ctx: Ctx, collection: str, prefix: str, *, type_filter: str | None = None) -> str:
    """The next free generated number (INV-0001, CN-0001, QU-0001, PO-0001) in an organisation."""
    while True:
        value = ctx.state.next_sequence(ctx.tenant_id, prefix)
        candidate = f"{prefix}{value:04d}"
        taken = ctx.state.find(ctx.tenant_id, collection, "number", candidate)
        if not any(type_filter is None or doc.get("Type") == type_filter for doc in taken):
            return candidate


def save_numbered(ctx: Ctx, collection: str, prefix: str, doc: Doc, existing: Doc | None) -> Doc:
    """Number (when it has no number yet), stamp, store and record in history a quote or purchase order."""
    number_field = COLLECTIONS[collection].number_field or ""
    if not doc.get(number_field):
        doc[number_field] = next_number(ctx, collection, prefix)
    details = f"{doc[number_field]} to {doc['Contact']['Name']} for {doc['Total']}."
    return save_change(ctx, collection, doc, existing, status_change(existing, doc), details)


def _check_unique_number(ctx: Ctx, kind: DocKind, doc: Doc) -> None:
    numbered = kind.numbered_type
    if doc["Type"] == numbered:
        check_unique_number(ctx, kind.collection, doc, kind.duplicate_number, keep=lambda o: o["Type"] == numbered)


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, 1)


def due_from_terms(issued: date, terms: Any) -> date | None:
    """The due date a PaymentTerms entry ({Day, Type}) gives an invoice issued on `issued`."""
    entry = as_doc(terms)
    if entry is None or entry.get("Day") is None:
        return None
    day = int(entry["Day"])
    kind = entry.get("Type")
    if kind == "DAYSAFTERBILLDATE":
        return issued + timedelta(days=day)
    if kind == "DAYSAFTERBILLMONTH":
        month_end = date(issued.year, issued.month, calendar.monthrange(issued.year, issued.month)[1])
        return month_end + timedelta(days=day)
    month = issued if kind == "OFCURRENTMONTH" else _add_months(issued, 1) if kind == "OFFOLLOWINGMONTH" else None
    if month is None:
        return None
    last = calendar.monthrange(month.year, month.month)[1]
    return date(month.year, month.month, min(max(day, 1), last))


def default_due_date(ctx: Ctx, doc: Doc, side: str) -> str | None:
    """DueDate from the contact's payment terms, else the organisation's."""
    key = "Sales" if side == "sales" else "Bills"
    issued = stored_date(doc["Date"])
    contact = ctx.get("Contacts", doc["Contact"]["ContactID"]) or {}
    candidates: list[Any] = [(as_doc(contact.get("PaymentTerms")) or {}).get(key)]
    candidates.append((as_doc(ctx.org.get("PaymentTerms")) or {}).get(key))
    for terms in candidates:
        due = due_from_terms(issued, terms)
        if due is not None:
            return iso_date(due)
    return None


def set_date(doc: Doc, key: str, value: str | None) -> None:
    """Set a date field and its ``*String`` twin (or remove both)."""
    if value is None:
        doc.pop(key, None)
        doc.pop(f"{key}String", None)
    else:
        doc[key] = value
        doc[f"{key}String"] = value


def currency(ctx: Ctx, raw: Doc, existing: Doc | None) -> tuple[str, Decimal]:
    """A document's CurrencyCode (an organisation currency) and CurrencyRate."""
    base = ctx.org["BaseCurrency"]
    code = upper(raw, "CurrencyCode") or (existing["CurrencyCode"] if existing else base)
    if ctx.get("Currencies", code) is None:
        raise RuleError(f"Organisation is not subscribed to currency {code}")
    if code == base:
        return code, Decimal("1.000000")
    rate = raw.get("CurrencyRate")
    if rate is not None:
        value = decimal(rate, "CurrencyRate")
        if value <= 0:
            raise RuleError("CurrencyRate must be greater than zero.")
        return code, value
    return code, Decimal(existing["CurrencyRate"]) if existing else Decimal("1.000000")


def settled(doc: Doc) -> bool:
    """Whether payments or credit have been applied to the document (or, for a credit note, allocated from it)."""
    return bool(doc.get("Payments") or doc.get("CreditNotes") or doc.get("Allocations"))


def _line_signature(lines: list[Doc]) -> list[tuple[Any, ...]]:
    return [(line["LineItemID"], *(str(line.get(k)) for k in _LINE_FINANCIAL)) for line in lines]


def _check_settled_edit(kind: DocKind, existing: Doc, doc: Doc, raw: Doc) -> None:
    raw_lines = as_list(raw.get("LineItems")) or []
    if any(not (as_doc(line) or {}).get("LineItemID") for line in raw_lines):
        raise RuleError(f"To update fields on a paid {kind.label} line item, you must supply a LineItemID")
    moved = doc["Contact"]["ContactID"] != existing["Contact"]["ContactID"]
    if moved and (existing.get("CreditNotes") or existing.get("Allocations")):
        # Xero: Contact stays editable after payment "unless the payment is made with a Credit Note" (an allocation
        # ties the invoice and credit note to one contact).
        raise RuleError("The contact cannot be changed because a credit note has been allocated to this document.")
    allowed = PAID_EDITABLE | {kind.number_field, "LineItems"}
    if changed_fields(existing, doc) - allowed or _line_signature(existing["LineItems"]) != _line_signature(
        doc["LineItems"]
    ):
        raise RuleError("This document cannot be edited as it has a payment or credit note allocated to it.")


def recompute_due(doc: Doc, *, amount_key: str = "AmountDue", applied: Decimal) -> None:
    """Refresh what is still owed after payments/allocations changed; PAID at zero, AUTHORISED again above."""
    remaining = Decimal(doc["Total"]) - applied
    doc[amount_key] = remaining
    if doc["Status"] == "AUTHORISED" and remaining == 0 and applied > 0:
        doc["Status"] = "PAID"
        dates = [p["Date"] for p in doc.get("Payments", [])]
        dates += [c["Date"] for c in doc.get("CreditNotes", [])]
        dates += [a["Date"] for a in doc.get("Allocations", []) if not a.get("IsDeleted")]
        if dates:
            doc["FullyPaidOnDate"] = max(dates)
    elif doc["Status"] == "PAID" and remaining > 0:
        doc["Status"] = "AUTHORISED"
        doc.pop("FullyPaidOnDate", None)


def refresh_invoice_due(doc: Doc) -> None:
    """Recompute an invoice's AmountDue and status from AmountPaid and AmountCredited."""
    recompute_due(doc, applied=Decimal(doc["AmountPaid"]) + Decimal(doc["AmountCredited"]))


def _status(raw: Doc, existing: Doc | None, kind: DocKind) -> str:
    if existing is not None and existing["Status"] in ("VOIDED", "DELETED"):
        raise RuleError(f"{kind.label.capitalize()} not of valid status for modification")

    def check(old: str, status: str) -> None:
        if existing is not None and settled(existing) and status != old:
            raise RuleError(
                f"The status {status} cannot be applied to the {kind.label} because it has payments or credit notes "
                "allocated to it."
            )
        if status == "PAID" and status not in TRANSITIONS[old]:
            raise RuleError(f"PAID is set when payments or credit cover the {kind.label}; it cannot be set directly.")

    return next_status(raw, existing, TRANSITIONS, kind.label, CREATE_STATUSES, check=check)


def build(ctx: Ctx, kind: DocKind, raw: Doc, existing: Doc | None) -> Doc:
    """Validate a create or update element and compute the resulting document (not yet stored)."""
    doc: Doc = dict(existing) if existing else {kind.id_field: new_id()}
    doc_type = upper(raw, "Type") or (existing["Type"] if existing else None)
    if doc_type not in kind.sides:
        raise RuleError(f"{kind.label.capitalize()} Type must be one of {', '.join(kind.sides)}.")
    if existing is not None and doc_type != existing["Type"]:
        raise RuleError(f"The Type of an existing {kind.label} cannot be changed.")
    doc["Type"] = doc_type
    side = kind.sides[doc_type]
    status = _status(raw, existing, kind)
    doc["Status"] = status
    contacts.set_contact(ctx, doc, raw, existing, create_missing=True)

    if kind.number_field in raw:
        number = text(raw, kind.number_field, max_length=255)
        if number:
            doc[kind.number_field] = number.strip()
    if "Reference" in raw:
        doc["Reference"] = text(raw, "Reference", max_length=255) or ""
    for key in ("Url", "BrandingThemeID"):
        if raw.get(key):
            doc[key] = guid(raw[key], key) if key == "BrandingThemeID" else text(raw, key)
    set_date(doc, "Date", date_field(raw, "Date") or (existing or {}).get("Date") or iso_date(ctx.today()))
    due = date_field(raw, "DueDate") if "DueDate" in raw else (existing or {}).get("DueDate")
    set_date(doc, "DueDate", due or default_due_date(ctx, doc, side))
    for key in ("ExpectedPaymentDate", "PlannedPaymentDate"):
        if key in raw:
            set_date(doc, key, date_field(raw, key))
    doc["CurrencyCode"], doc["CurrencyRate"] = currency(ctx, raw, existing)

    strict = status in ("SUBMITTED", "AUTHORISED")
    approving = strict and (existing is None or existing["Status"] not in ("SUBMITTED", "AUTHORISED"))
    rules = LineRules(side=side, allow_discount=doc_type == "ACCREC", require_accounts=strict)
    apply_lines(ctx, doc, raw, existing, rules, revalidate=approving)
    if existing is None and not doc["LineItems"]:
        # [DOC-INV] "required to create a draft": Type, Contact and LineItems (a draft's lines may be incomplete).
        article = "An" if kind.label[0] in "aeiou" else "A"
        raise RuleError(f"{article} {kind.label} needs at least one line item.")
    if strict and not doc["LineItems"]:
        raise RuleError("A non-draft document must have at least one line item.")
    if strict and Decimal(doc["Total"]) < 0:
        raise RuleError(f"The total of a {kind.label} cannot be negative.")
    doc["IsDiscounted"] = any(line.get("DiscountRate") or line.get("DiscountAmount") for line in doc["LineItems"])

    sent = flag(raw, "SentToContact")
    if sent is not None:
        if sent and status not in ("AUTHORISED", "PAID"):
            raise RuleError(f"SentToContact can only be set on {kind.label}s that have been approved.")
        doc["SentToContact"] = sent
    doc.setdefault("SentToContact", False)
    doc.setdefault("HasAttachments", False)
    doc.setdefault("HasErrors", False)
    if existing is not None and settled(existing):
        _check_settled_edit(kind, existing, doc, raw)
    _check_unique_number(ctx, kind, doc)
    return doc


def _history_details(kind: DocKind, doc: Doc) -> str:
    number = doc.get(kind.number_field) or kind.label
    return f"{number} to {doc['Contact']['Name']} for {doc['Total']}."


def finish(ctx: Ctx, kind: DocKind, doc: Doc, existing: Doc | None) -> Doc:
    """Stamp, store and record history for a built invoice or credit note."""
    if doc["Type"] == kind.numbered_type and not doc.get(kind.number_field):
        doc[kind.number_field] = next_number(ctx, kind.collection, kind.prefix, type_filter=kind.numbered_type)
    status = doc["Status"]
    if status in ("VOIDED", "DELETED"):
        doc["AmountDue" if kind.collection == "Invoices" else "RemainingCredit"] = ZERO
    if existing is not None and doc == existing:
        return existing
    set_updated(doc, ctx, with_string=True)
    ctx.save(kind.collection, doc)
    doc_id = doc[kind.id_field]
    old_status = existing["Status"] if existing else None
    if existing is None:
        ctx.history(kind.collection, doc_id, "Created", _history_details(kind, doc))
    elif old_status == status:
        ctx.history(kind.collection, doc_id, "Edited", _history_details(kind, doc))
    if status != old_status and status != "DRAFT":
        changes = {"AUTHORISED": "Approved", "SUBMITTED": "Submitted", "VOIDED": "Voided", "DELETED": "Deleted"}
        ctx.history(kind.collection, doc_id, changes.get(status, status.capitalize()), _history_details(kind, doc))
    if status == "AUTHORISED":
        contacts.mark_trading(ctx, doc["Contact"]["ContactID"], doc["Type"])
    return doc


def create(ctx: Ctx, raw: Doc) -> Doc:
    """A new invoice or bill (PUT, or POST without a match)."""
    doc = build(ctx, INVOICE, raw, None)
    doc.update(
        {
            "AmountDue": doc["Total"],
            "AmountPaid": ZERO,
            "AmountCredited": ZERO,
            "Payments": [],
            "Prepayments": [],
            "Overpayments": [],
            "CreditNotes": [],
        }
    )
    return finish(ctx, INVOICE, doc, None)


def update(ctx: Ctx, existing: Doc, raw: Doc) -> Doc:
    """Change an invoice within its status rules."""
    doc = build(ctx, INVOICE, raw, existing)
    if not settled(existing):
        doc["AmountDue"] = doc["Total"]
    return finish(ctx, INVOICE, doc, existing)


def match(ctx: Ctx, raw: Doc) -> Doc | None:
    """The invoice a POST element addresses: by InvoiceID, else an ACCREC InvoiceNumber."""
    return find_addressed(ctx, raw, "Invoices", "Invoice", keep=lambda doc: doc["Type"] == "ACCREC")


def summary_only(doc: Doc) -> Doc:
    """The lightweight list form (summaryOnly=true): no Payments, HasAttachments, LineItems or CISDeduction."""
    return {k: v for k, v in doc.items() if k not in ("Payments", "HasAttachments", "LineItems", "CISDeduction")}


def stamp(ctx: Ctx, doc: Doc) -> None:
    """Bump a document's UpdatedDateUTC and its string twin (after payments and allocations)."""
    set_updated(doc, ctx, with_string=True)
