"""Manual journals (reference §5.13).

Narration is required; at least two journal lines, each on an active account that is neither a bank account nor
a system account (receivables, payables, tax, retained earnings...); debits (positive LineAmount) must equal
credits (negative): "The total debits (100.00) must equal total credits (-10.00)". LineAmountTypes default NoTax.
Status: DRAFT (default) or POSTED on create; DRAFT -> POSTED|DELETED; POSTED -> VOIDED; VOIDED and DELETED are
final. Only DRAFT journals change their lines.
"""

from __future__ import annotations

from decimal import Decimal

from xero_mcp.sandbox.rules.common import (
    ZERO,
    Ctx,
    RuleError,
    as_doc,
    as_list,
    date_field,
    decimal,
    flag,
    iso_date,
    money,
    new_id,
    next_status,
    save_change,
    status_change,
    text,
)
from xero_mcp.sandbox.rules.invoices import set_date
from xero_mcp.sandbox.rules.lines import find_account, line_amount_types, resolve_tracking, tax_rate
from xero_mcp.sandbox.state import Doc

TRANSITIONS: dict[str, frozenset[str]] = {
    "DRAFT": frozenset({"DRAFT", "POSTED", "DELETED"}),
    "POSTED": frozenset({"POSTED", "VOIDED"}),
    "VOIDED": frozenset(),
    "DELETED": frozenset(),
    "ARCHIVED": frozenset(),
}


def _line(ctx: Ctx, raw: object, amount_types: str) -> Doc:
    entry = as_doc(raw)
    if entry is None:
        raise RuleError("Each journal line must be an object.")
    account = find_account(ctx, entry)
    if account is None:
        raise RuleError("Each journal line needs an AccountCode or AccountID.")
    code = account.get("Code", "")
    if account["Type"] == "BANK" or account.get("SystemAccount"):
        raise RuleError(f"Account code '{code}' cannot be used in a manual journal.")
    if account["Status"] != "ACTIVE":
        raise RuleError(f"Account code '{code}' has been archived, or has been deleted.")
    if entry.get("LineAmount") is None:
        raise RuleError("Each journal line needs a LineAmount.")
    amount = money(decimal(entry["LineAmount"], "LineAmount"))
    tax_type = text(entry, "TaxType") or (account.get("TaxType") if amount_types != "NoTax" else None)
    tax = ZERO
    line: Doc = {"LineAmount": amount, "AccountCode": code, "AccountID": account["AccountID"]}
    if tax_type:
        rate = tax_rate(ctx, tax_type) / 100
        if amount_types == "Exclusive":
            tax = money(amount * rate)
        elif amount_types == "Inclusive":
            tax = money(amount - amount / (1 + rate))
        line["TaxType"] = tax_type.upper()
    line["TaxAmount"] = tax
    if entry.get("Description") is not None:
        line["Description"] = text(entry, "Description", max_length=4000)
    line["Tracking"] = resolve_tracking(ctx, entry.get("Tracking"))
    line["IsBlank"] = bool(flag(entry, "IsBlank"))
    return line


def _status(raw: Doc, existing: Doc | None) -> str:
    return next_status(raw, existing, TRANSITIONS, "manual journal", ("DRAFT", "POSTED"), refuse_deleted=False)


def _build(ctx: Ctx, raw: Doc, existing: Doc | None) -> Doc:
    doc: Doc = dict(existing) if existing else {"ManualJournalID": new_id()}
    status = _status(raw, existing)
    narration = text(raw, "Narration") if "Narration" in raw else doc.get("Narration")
    if not narration:
        raise RuleError("Narration is required.")
    doc["Narration"] = narration
    lines_changing = "JournalLines" in raw or "LineAmountTypes" in raw
    if existing is not None and existing["Status"] != "DRAFT" and lines_changing:
        raise RuleError(f"The lines of a {existing['Status']} manual journal cannot be changed.")
    amount_types = line_amount_types(raw, existing, default="NoTax")
    doc["LineAmountTypes"] = amount_types
    if lines_changing or existing is None:
        raw_lines = as_list(raw.get("JournalLines", doc.get("JournalLines")))
        if raw_lines is None:
            raise RuleError("JournalLines must be a list.")
        doc["JournalLines"] = [_line(ctx, line, amount_types) for line in raw_lines]
    lines: list[Doc] = doc["JournalLines"]
    if status in ("DRAFT", "POSTED"):
        if len(lines) < 2:
            raise RuleError("A manual journal must have at least two journal lines.")
        debits = sum((Decimal(line["LineAmount"]) for line in lines if Decimal(line["LineAmount"]) > 0), ZERO)
        credits = sum((Decimal(line["LineAmount"]) for line in lines if Decimal(line["LineAmount"]) < 0), ZERO)
        if debits + credits != 0:
            raise RuleError(f"The total debits ({debits:.2f}) must equal total credits ({credits:.2f})")
    set_date(doc, "Date", date_field(raw, "Date") or doc.get("Date") or iso_date(ctx.today()))
    if "Url" in raw:
        doc["Url"] = text(raw, "Url") or ""
    shown = flag(raw, "ShowOnCashBasisReports")
    doc["ShowOnCashBasisReports"] = shown if shown is not None else doc.get("ShowOnCashBasisReports", True)
    doc["Status"] = status
    doc.setdefault("HasAttachments", False)
    return doc


def _finish(ctx: Ctx, doc: Doc, existing: Doc | None) -> Doc:
    return save_change(ctx, "ManualJournals", doc, existing, status_change(existing, doc), doc["Narration"])


def create(ctx: Ctx, raw: Doc) -> Doc:
    """A new manual journal."""
    return _finish(ctx, _build(ctx, raw, None), None)


def update(ctx: Ctx, existing: Doc, raw: Doc) -> Doc:
    """Change a manual journal within its status rules."""
    return _finish(ctx, _build(ctx, raw, existing), existing)
