"""Quotes (reference §5.3).

Status machine [DOC-QU]: DRAFT -> SENT|DELETED; SENT -> ACCEPTED|DECLINED|DELETED; ACCEPTED -> INVOICED|SENT|
DELETED; DECLINED -> SENT|DELETED; INVOICED -> SENT|DELETED. New quotes are DRAFT or SENT. DRAFT and SENT quotes
can change every field; DECLINED, ACCEPTED and INVOICED ones only their contact (and status). Contact, Date and
at least one line item are required. LineAmountTypes are upper-case (EXCLUSIVE, INCLUSIVE, NOTAX); a line's TaxType
does not default from its account; UnitAmount keeps 4 dp; discounts are allowed. Numbers are unique and generated
(QU-0001, ...).
"""

from __future__ import annotations

from xero_mcp.sandbox.rules import contacts
from xero_mcp.sandbox.rules.common import (
    Ctx,
    RuleError,
    changed_fields,
    check_unique_number,
    date_field,
    find_addressed,
    guid,
    new_id,
    next_status,
    text,
)
from xero_mcp.sandbox.rules.invoices import currency, save_numbered, set_date
from xero_mcp.sandbox.rules.lines import LineRules, apply_lines
from xero_mcp.sandbox.state import Doc

TRANSITIONS: dict[str, frozenset[str]] = {
    "DRAFT": frozenset({"DRAFT", "SENT", "DELETED"}),
    "SENT": frozenset({"SENT", "ACCEPTED", "DECLINED", "DELETED"}),
    "ACCEPTED": frozenset({"ACCEPTED", "INVOICED", "SENT", "DELETED"}),
    "DECLINED": frozenset({"DECLINED", "SENT", "DELETED"}),
    "INVOICED": frozenset({"INVOICED", "SENT", "DELETED"}),
    "DELETED": frozenset(),
}
_DECIDED = ("DECLINED", "ACCEPTED", "INVOICED")
_DECIDED_EDITABLE = frozenset({"Contact", "Status", "UpdatedDateUTC"})
_RULES = LineRules(side="sales", allow_discount=True, unit_places=4, tax_from_account=False)


def _status(raw: Doc, existing: Doc | None) -> str:
    return next_status(raw, existing, TRANSITIONS, "quote", ("DRAFT", "SENT"))


def _build(ctx: Ctx, raw: Doc, existing: Doc | None) -> Doc:
    doc: Doc = dict(existing) if existing else {"QuoteID": new_id()}
    doc["Status"] = _status(raw, existing)
    contacts.set_contact(ctx, doc, raw, existing, create_missing=True)
    issued = date_field(raw, "Date")
    if existing is None and issued is None:
        raise RuleError("A quote needs a Date.")
    set_date(doc, "Date", issued or doc["Date"])
    if "ExpiryDate" in raw:
        set_date(doc, "ExpiryDate", date_field(raw, "ExpiryDate"))
    if raw.get("QuoteNumber"):
        doc["QuoteNumber"] = text(raw, "QuoteNumber", max_length=255)
    for key, limit in (("Reference", 4000), ("Terms", 4000), ("Title", 100), ("Summary", 3000)):
        if key in raw:
            doc[key] = text(raw, key, max_length=limit) or ""
    if raw.get("BrandingThemeID"):
        doc["BrandingThemeID"] = guid(raw["BrandingThemeID"], "BrandingThemeID")
    doc["CurrencyCode"], doc["CurrencyRate"] = currency(ctx, raw, existing)
    apply_lines(ctx, doc, raw, existing, _RULES)
    if existing is None and not doc["LineItems"]:
        raise RuleError("A quote needs at least one line item.")
    doc["LineAmountTypes"] = doc["LineAmountTypes"].upper()
    if existing is not None and existing["Status"] in _DECIDED and changed_fields(existing, doc) - _DECIDED_EDITABLE:
        raise RuleError(f"Only the contact of a quote can be changed once it is {existing['Status']}.")
    check_unique_number(ctx, "Quotes", doc, "Quote number must be unique.")
    return doc


def create(ctx: Ctx, raw: Doc) -> Doc:
    """A new quote (PUT, or POST without a match)."""
    return save_numbered(ctx, "Quotes", "QU-", _build(ctx, raw, None), None)


def update(ctx: Ctx, existing: Doc, raw: Doc) -> Doc:
    """Change a quote within its status rules."""
    return save_numbered(ctx, "Quotes", "QU-", _build(ctx, raw, existing), existing)


def match(ctx: Ctx, raw: Doc) -> Doc | None:
    """The quote a POST element addresses: by QuoteID, else by QuoteNumber."""
    return find_addressed(ctx, raw, "Quotes", "Quote")
