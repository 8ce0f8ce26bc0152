"""The chart of accounts (reference §5.12).

``PUT /Accounts`` creates one account: a valid Type, a Name (at most 150, unique: "Please enter a unique Name.")
and a Code (at most 10, unique: "Please enter a unique Code."), which a BANK account may omit but then needs a
BankAccountNumber. Class follows Type. ``POST /Accounts/{id}`` changes name, code, description, tax type,
payments flag and status (ACTIVE/ARCHIVED); system accounts keep their type and cannot be archived or deleted.
``DELETE /Accounts/{id}`` marks an account DELETED, refused while documents use it.
"""

from __future__ import annotations

from xero_mcp.sandbox.orgsetup import ACCOUNT_CLASSES
from xero_mcp.sandbox.rules.common import Ctx, RuleError, flag, new_id, required_text, set_updated, text, upper
from xero_mcp.sandbox.rules.lines import tax_rate
from xero_mcp.sandbox.state import Doc


def _apply(ctx: Ctx, doc: Doc, raw: Doc) -> None:
    if "Name" in raw:
        doc["Name"] = required_text(raw, "Name", 150, "Please enter a Name.")
    if "Code" in raw:
        doc["Code"] = (text(raw, "Code", max_length=10) or "").strip()
    for key in ("Description", "BankAccountNumber", "ReportingCode"):
        if key in raw:
            doc[key] = text(raw, key, max_length=4000) or ""
    if raw.get("TaxType"):
        tax_type = upper(raw, "TaxType") or ""
        tax_rate(ctx, tax_type)
        doc["TaxType"] = tax_type
    for key in ("EnablePaymentsToAccount", "ShowInExpenseClaims", "AddToWatchlist"):
        value = flag(raw, key)
        if value is not None:
            doc[key] = value
    if raw.get("CurrencyCode") and doc["Type"] == "BANK":
        code = upper(raw, "CurrencyCode") or ""
        if ctx.get("Currencies", code) is None:
            raise RuleError(f"Organisation is not subscribed to currency {code}")
        doc["CurrencyCode"] = code
    for other in ctx.state.all(ctx.tenant_id, "Accounts"):
        if other["AccountID"] == doc["AccountID"] or other["Status"] == "DELETED":
            continue
        if other["Name"].lower() == doc["Name"].lower():
            raise RuleError("Please enter a unique Name.")
        if doc.get("Code") and other.get("Code", "").lower() == doc["Code"].lower():
            raise RuleError("Please enter a unique Code.")
    if not doc.get("Code") and doc["Type"] != "BANK":
        raise RuleError("Please enter a Code.")
    if doc["Type"] == "BANK" and not doc.get("BankAccountNumber"):
        raise RuleError("Please enter a BankAccountNumber for a bank account.")


def create(ctx: Ctx, raw: Doc) -> Doc:
    """A new account."""
    account_type = upper(raw, "Type")
    if account_type not in ACCOUNT_CLASSES:
        raise RuleError(f"Account Type must be one of {', '.join(ACCOUNT_CLASSES)}.")
    doc: Doc = {
        "AccountID": new_id(),
        "Code": "",
        "Name": "",
        "Type": account_type,
        "Status": "ACTIVE",
        "Description": "",
        "TaxType": "NONE",
        "Class": ACCOUNT_CLASSES[account_type],
        "EnablePaymentsToAccount": False,
        "ShowInExpenseClaims": False,
        "ReportingCode": "",
        "ReportingCodeName": "",
        "HasAttachments": False,
        "AddToWatchlist": False,
    }
    if account_type == "BANK":
        doc["BankAccountType"] = upper(raw, "BankAccountType") or "BANK"
        doc["CurrencyCode"] = ctx.org["BaseCurrency"]
    _apply(ctx, doc, raw)
    set_updated(doc, ctx)
    return ctx.save("Accounts", doc)


def update(ctx: Ctx, existing: Doc, raw: Doc) -> Doc:
    """Change an account; ``Status: ARCHIVED`` archives it."""
    if existing["Status"] == "DELETED":
        raise RuleError("A deleted account cannot be changed.")
    doc = dict(existing)
    if upper(raw, "Type") not in (None, existing["Type"]):
        if existing.get("SystemAccount"):
            raise RuleError("The type of a system account cannot be changed.")
        account_type = upper(raw, "Type") or ""
        if account_type not in ACCOUNT_CLASSES or "BANK" in (account_type, existing["Type"]):
            raise RuleError(f"An account cannot be changed to type {account_type}.")
        doc["Type"], doc["Class"] = account_type, ACCOUNT_CLASSES[account_type]
    status = upper(raw, "Status")
    if status is not None and status != existing["Status"]:
        if status not in ("ACTIVE", "ARCHIVED"):
            raise RuleError("An account's Status can be ACTIVE or ARCHIVED; use DELETE to delete it.")
        if existing.get("SystemAccount"):
            raise RuleError("System accounts cannot be archived.")
        doc["Status"] = status
    _apply(ctx, doc, raw)
    if doc == existing:
        return existing
    set_updated(doc, ctx)
    return ctx.save("Accounts", doc)


def in_use(ctx: Ctx, account: Doc) -> bool:
    """Whether any document refers to the account (by ID)."""
    row = ctx.state.conn.execute(
        "SELECT 1 FROM documents WHERE tenant_id = ? AND kind NOT IN ('Accounts', 'Items') AND instr(doc, ?) > 0 "
        "LIMIT 1",
        (ctx.tenant_id, account["AccountID"]),
    ).fetchone()
    return row is not None


def delete(ctx: Ctx, account: Doc) -> Doc:
    """Mark an unused, non-system account DELETED."""
    if account.get("SystemAccount"):
        raise RuleError("System accounts cannot be deleted.")
    if account["Status"] == "DELETED":
        raise RuleError("This account has already been deleted.")
    if in_use(ctx, account):
        raise RuleError("This account has transactions and cannot be deleted. Archive it instead.")
    doc = {**account, "Status": "DELETED"}
    set_updated(doc, ctx)
    return ctx.save("Accounts", doc)
