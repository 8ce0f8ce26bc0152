"""Purchase orders (reference §5.9).

Xero publishes no transition table for purchase orders; the sandbox follows the web app: DRAFT -> SUBMITTED|
AUTHORISED|DELETED; SUBMITTED -> DRAFT|AUTHORISED|DELETED; AUTHORISED -> BILLED|DELETED (and back to DRAFT/
SUBMITTED while unbilled); BILLED -> AUTHORISED; DELETED is final. A BILLED order can change only its status,
delivery details and SentToContact. SentToContact applies only to AUTHORISED and BILLED orders; on others it is
ignored with Xero's warning. The contact must already exist (purchase orders do not create contacts). Numbers are
unique and generated (PO-0001, ...); UnitAmount keeps 4 dp.
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
    flag,
    guid,
    new_id,
    next_status,
    text,
)
from xero_mcp.sandbox.rules.invoices import currency, save_numbered, set_date
from xero_mcp.sandbox.rules.lines import LineRules, apply_lines
from xero_mcp.sandbox.state import Doc

TRANSITIONS: dict[str, frozenset[str]] = {
    "DRAFT": frozenset({"DRAFT", "SUBMITTED", "AUTHORISED", "DELETED"}),
    "SUBMITTED": frozenset({"SUBMITTED", "DRAFT", "AUTHORISED", "DELETED"}),
    "AUTHORISED": frozenset({"AUTHORISED", "DRAFT", "SUBMITTED", "BILLED", "DELETED"}),
    "BILLED": frozenset({"BILLED", "AUTHORISED"}),
    "DELETED": frozenset(),
}
_BILLED_EDITABLE = frozenset(
    {"Status", "SentToContact", "DeliveryAddress", "AttentionTo", "Telephone", "DeliveryInstructions"}
    | {"DeliveryDate", "DeliveryDateString", "ExpectedArrivalDate", "ExpectedArrivalDateString", "UpdatedDateUTC"}
)


def _status(raw: Doc, existing: Doc | None) -> str:
    return next_status(raw, existing, TRANSITIONS, "purchase order", ("DRAFT", "SUBMITTED", "AUTHORISED"))


def _build(ctx: Ctx, raw: Doc, existing: Doc | None) -> Doc:
    doc: Doc = dict(existing) if existing else {"PurchaseOrderID": new_id()}
    doc["Status"] = _status(raw, existing)
    contacts.set_contact(ctx, doc, raw, existing, create_missing=False)
    set_date(doc, "Date", date_field(raw, "Date") or doc.get("Date") or f"{ctx.today().isoformat()}T00:00:00")
    for key in ("DeliveryDate", "ExpectedArrivalDate"):
        if key in raw:
            set_date(doc, key, date_field(raw, key))
    if raw.get("PurchaseOrderNumber"):
        doc["PurchaseOrderNumber"] = text(raw, "PurchaseOrderNumber", max_length=255)
    for key, limit in (
        ("Reference", 255),
        ("DeliveryAddress", 500),
        ("AttentionTo", 255),
        ("Telephone", 50),
        ("DeliveryInstructions", 500),
    ):
        if key in raw:
            doc[key] = text(raw, key, max_length=limit) or ""
    if raw.get("BrandingThemeID"):
        doc["BrandingThemeID"] = guid(raw["BrandingThemeID"], "BrandingThemeID")
    doc["CurrencyCode"], doc["CurrencyRate"] = currency(ctx, raw, existing)
    strict = doc["Status"] in ("SUBMITTED", "AUTHORISED")
    rules = LineRules(side="purchases", unit_places=4, require_accounts=False)
    apply_lines(ctx, doc, raw, existing, rules, revalidate=strict)
    if strict and not doc["LineItems"]:
        raise RuleError("A purchase order must have at least one line item.")
    sent = flag(raw, "SentToContact")
    if sent is not None:
        if doc["Status"] in ("AUTHORISED", "BILLED"):
            doc["SentToContact"] = sent
        else:
            ctx.warnings.append("Only AUTHORISED and BILLED purchase orders may have SentToContact updated.")
    doc.setdefault("SentToContact", False)
    doc.setdefault("HasAttachments", False)
    if existing is not None and existing["Status"] == "BILLED" and changed_fields(existing, doc) - _BILLED_EDITABLE:
        raise RuleError("A BILLED purchase order can only change its status and delivery details.")
    check_unique_number(ctx, "PurchaseOrders", doc, "Order number must be unique")
    return doc


def create(ctx: Ctx, raw: Doc) -> Doc:
    """A new purchase order (PUT, or POST without a match)."""
    return save_numbered(ctx, "PurchaseOrders", "PO-", _build(ctx, raw, None), None)


def update(ctx: Ctx, existing: Doc, raw: Doc) -> Doc:
    """Change a purchase order within its status rules."""
    return save_numbered(ctx, "PurchaseOrders", "PO-", _build(ctx, raw, existing), existing)


def match(ctx: Ctx, raw: Doc) -> Doc | None:
    """The purchase order a POST element addresses: by PurchaseOrderID, else by PurchaseOrderNumber."""
    return find_addressed(ctx, raw, "PurchaseOrders", "Purchase Order")
