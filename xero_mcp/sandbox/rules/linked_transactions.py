"""Linked transactions (reference Appendix A ``/LinkedTransactions``): billable expenses.

A linked transaction (Type BILLABLEEXPENSE) ties one line of a purchase, an ACCPAY bill or a SPEND bank transaction
(SourceTransactionID, SourceLineItemID; SourceTransactionTypeCode ACCPAY or SPEND), to the customer who is to be
billed for it (ContactID), and, once billed, to a line of that customer's ACCREC invoice (TargetTransactionID,
TargetLineItemID). A line is linked at most once.

Status follows the documents, as Xero derives it: VOIDED when the source has been voided or deleted; BILLED when the
target invoice is approved (AUTHORISED or PAID); ONDRAFT when it is on a draft (or submitted) target invoice; else
DRAFT while the source is a draft and APPROVED once the source is approved. The stored Status is brought up to date
before each linked-transactions request. A BILLED or VOIDED link cannot be changed or deleted; ``DELETE`` answers
204 for the others. A link's ContactID and target may change (POST ``/LinkedTransactions/{id}``); the target
invoice must be an ACCREC invoice of that contact, and its line a line of that invoice.
"""

from __future__ import annotations

from xero_mcp.sandbox.rules.common import Ctx, RuleError, guid, new_id, save_change, set_updated, upper
from xero_mcp.sandbox.state import Doc

_FINAL = frozenset({"BILLED", "VOIDED"})


def _source(ctx: Ctx, raw: Doc, existing: Doc | None) -> tuple[Doc, str]:
    if existing is not None:
        if (
            raw.get("SourceTransactionID")
            and str(raw["SourceTransactionID"]).lower() != existing["SourceTransactionID"]
        ):
            raise RuleError("The source of a linked transaction cannot be changed.")
        kind = existing["SourceTransactionTypeCode"]
        doc = ctx.get("Invoices" if kind == "ACCPAY" else "BankTransactions", existing["SourceTransactionID"])
        if doc is None:
            raise RuleError("The source transaction of this linked transaction no longer exists.")
        return doc, kind
    if not raw.get("SourceTransactionID"):
        raise RuleError("SourceTransactionID is required: the ACCPAY invoice or SPEND bank transaction of the expense.")
    source_id = guid(raw["SourceTransactionID"], "SourceTransactionID")
    bill = ctx.get("Invoices", source_id)
    if bill is not None and bill["Type"] == "ACCPAY":
        return bill, "ACCPAY"
    spend = ctx.get("BankTransactions", source_id)
    if spend is not None and spend["Type"] == "SPEND":
        return spend, "SPEND"
    raise RuleError("The source transaction must be an ACCPAY invoice or a SPEND bank transaction.")


def _line_of(doc: Doc, line_id: str, label: str) -> Doc:
    line = next((line for line in doc.get("LineItems", []) if line["LineItemID"] == line_id), None)
    if line is None:
        raise RuleError(f"{label} is not a line item of the {label.removesuffix('LineItemID').lower()} transaction.")
    return line


def _already_linked(ctx: Ctx, field: str, line_id: str, own_id: str) -> bool:
    others = ctx.state.select(
        ctx.tenant_id, "LinkedTransactions", where=f"json_extract(doc, '$.{field}') = ?", params=(line_id,)
    )
    return any(o["LinkedTransactionID"] != own_id and o["Status"] != "VOIDED" for o in others)


def derived_status(ctx: Ctx, doc: Doc) -> str:
    """The status the link's documents give it (see the module docstring)."""
    collection = "Invoices" if doc["SourceTransactionTypeCode"] == "ACCPAY" else "BankTransactions"
    source = ctx.get(collection, doc["SourceTransactionID"])
    if source is None or source["Status"] in ("VOIDED", "DELETED"):
        return "VOIDED"
    target = ctx.get("Invoices", doc["TargetTransactionID"]) if doc.get("TargetTransactionID") else None
    if target is not None and target["Status"] in ("AUTHORISED", "PAID"):
        return "BILLED"
    if target is not None and target["Status"] in ("DRAFT", "SUBMITTED"):
        return "ONDRAFT"
    return "DRAFT" if source["Status"] in ("DRAFT", "SUBMITTED") else "APPROVED"


def refresh(ctx: Ctx) -> None:
    """Bring every link's stored Status up to date with its documents."""
    for doc in ctx.state.all(ctx.tenant_id, "LinkedTransactions"):
        status = derived_status(ctx, doc)
        if status != doc["Status"]:
            changed = {**doc, "Status": status}
            set_updated(changed, ctx)
            ctx.save("LinkedTransactions", changed)


def _build(ctx: Ctx, raw: Doc, existing: Doc | None) -> Doc:
    if existing is not None and existing["Status"] in _FINAL:
        raise RuleError(f"A {existing['Status']} linked transaction cannot be changed.")
    if upper(raw, "Type") not in (None, "BILLABLEEXPENSE"):
        raise RuleError("Type must be BILLABLEEXPENSE.")
    source, kind = _source(ctx, raw, existing)
    doc: Doc = dict(existing) if existing else {"LinkedTransactionID": new_id(), "Type": "BILLABLEEXPENSE"}
    doc["SourceTransactionID"] = source["InvoiceID" if kind == "ACCPAY" else "BankTransactionID"]
    doc["SourceTransactionTypeCode"] = kind
    line_id = guid(raw["SourceLineItemID"], "SourceLineItemID") if raw.get("SourceLineItemID") else None
    line_id = line_id or (existing or {}).get("SourceLineItemID")
    if line_id is None:
        raise RuleError("SourceLineItemID is required: the line of the source transaction to bill.")
    _line_of(source, line_id, "SourceLineItemID")
    if _already_linked(ctx, "SourceLineItemID", line_id, doc["LinkedTransactionID"]):
        raise RuleError("This line item of the source transaction is already linked.")
    doc["SourceLineItemID"] = line_id
    if raw.get("ContactID"):
        contact_id = guid(raw["ContactID"], "ContactID")
        if ctx.get("Contacts", contact_id) is None:
            raise RuleError("The contact to bill (ContactID) could not be found.")
        doc["ContactID"] = contact_id
    if raw.get("TargetTransactionID"):
        target = ctx.get("Invoices", guid(raw["TargetTransactionID"], "TargetTransactionID"))
        if target is None or target["Type"] != "ACCREC":
            raise RuleError("The target transaction must be an ACCREC invoice.")
        doc.setdefault("ContactID", target["Contact"]["ContactID"])
        if target["Contact"]["ContactID"] != doc["ContactID"]:
            raise RuleError("The target invoice must be for the contact being billed (ContactID).")
        target_line = guid(raw.get("TargetLineItemID"), "TargetLineItemID")
        _line_of(target, target_line, "TargetLineItemID")
        if _already_linked(ctx, "TargetLineItemID", target_line, doc["LinkedTransactionID"]):
            raise RuleError("This line item of the target invoice is already linked.")
        doc["TargetTransactionID"] = target["InvoiceID"]
        doc["TargetLineItemID"] = target_line
    if not doc.get("ContactID"):
        raise RuleError("ContactID is required: the customer to bill for the expense.")
    doc["Status"] = derived_status(ctx, doc)
    return doc


def create(ctx: Ctx, raw: Doc) -> Doc:
    """A new billable expense link (PUT /LinkedTransactions)."""
    doc = _build(ctx, raw, None)
    return save_change(ctx, "LinkedTransactions", doc, None, "Created", "Billable expense linked.")


def update(ctx: Ctx, existing: Doc, raw: Doc) -> Doc:
    """Change a link's customer or target (POST /LinkedTransactions/{id})."""
    doc = _build(ctx, raw, existing)
    return save_change(ctx, "LinkedTransactions", doc, existing, "Edited", "Billable expense link changed.")


def delete(ctx: Ctx, doc: Doc) -> None:
    """Remove a link that has not been billed or voided (DELETE /LinkedTransactions/{id})."""
    status = derived_status(ctx, doc)
    if status in _FINAL:
        raise RuleError(f"A {status} linked transaction cannot be deleted.")
    ctx.state.delete(ctx.tenant_id, "LinkedTransactions", doc["LinkedTransactionID"])
