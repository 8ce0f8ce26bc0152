"""Items: the price list (reference §5.11).

Code is required (at most 30 characters) and unique ("Price List Item with Code ''abc'' already exists"); Name at
most 50; IsSold and IsPurchased default to true, and turning one off clears its details. SalesDetails and
PurchaseDetails ({UnitPrice, AccountCode, COGSAccountCode, TaxType}) name existing accounts and tax types. POST
matches an element by ItemID, else by Code. ``DELETE /Items/{id}`` removes an item for good.
"""

from __future__ import annotations

from xero_mcp.sandbox.rules.common import (
    ZERO,
    Ctx,
    RuleError,
    as_doc,
    check_unique_number,
    decimal,
    find_addressed,
    flag,
    new_id,
    required_text,
    round_to,
    save_change,
    text,
)
from xero_mcp.sandbox.rules.lines import find_account, tax_rate
from xero_mcp.sandbox.state import Doc


def _details(ctx: Ctx, raw: object, label: str) -> Doc:
    entry = as_doc(raw)
    if entry is None:
        raise RuleError(f"{label} must be an object.")
    details: Doc = {}
    if entry.get("UnitPrice") is not None:
        details["UnitPrice"] = round_to(decimal(entry["UnitPrice"], f"{label}.UnitPrice"), 4)
    for key in ("AccountCode", "COGSAccountCode"):
        if entry.get(key):
            account = find_account(ctx, {"AccountCode": entry[key]})
            if account is not None:
                details[key] = account["Code"]
    if entry.get("TaxType"):
        tax_type = str(entry["TaxType"]).upper()
        tax_rate(ctx, tax_type)
        details["TaxType"] = tax_type
    return details


def _apply(ctx: Ctx, doc: Doc, raw: Doc) -> None:
    if "Code" in raw:
        doc["Code"] = required_text(raw, "Code", 30, "Item Code is required.")
    for key, limit in (("Name", 50), ("Description", 4000), ("PurchaseDescription", 4000)):
        if key in raw:
            doc[key] = text(raw, key, max_length=limit) or ""
    for key, flag_key in (("SalesDetails", "IsSold"), ("PurchaseDetails", "IsPurchased")):
        if raw.get(key) is not None:
            doc[key] = _details(ctx, raw[key], key)
        enabled = flag(raw, flag_key)
        if enabled is not None:
            doc[flag_key] = enabled
        if not doc[flag_key]:
            doc[key] = {}
    if raw.get("InventoryAssetAccountCode"):
        account = find_account(ctx, {"AccountCode": raw["InventoryAssetAccountCode"]})
        if account is None or account["Type"] != "INVENTORY":
            raise RuleError("InventoryAssetAccountCode must be an inventory account.")
        doc["InventoryAssetAccountCode"] = account["Code"]
        doc["IsTrackedAsInventory"] = True
        doc.setdefault("QuantityOnHand", ZERO)
        doc.setdefault("TotalCostPool", ZERO)
    check_unique_number(ctx, "Items", doc, f"Price List Item with Code ''{doc['Code']}'' already exists")


def create(ctx: Ctx, raw: Doc) -> Doc:
    """A new item."""
    if not text(raw, "Code"):
        raise RuleError("Item Code is required.")
    doc: Doc = {
        "ItemID": new_id(),
        "Code": "",
        "Name": "",
        "Description": "",
        "PurchaseDescription": "",
        "IsSold": True,
        "IsPurchased": True,
        "IsTrackedAsInventory": False,
        "SalesDetails": {},
        "PurchaseDetails": {},
    }
    _apply(ctx, doc, raw)
    return save_change(ctx, "Items", doc, None, "Created", f"Item {doc['Code']} created.")


def update(ctx: Ctx, existing: Doc, raw: Doc) -> Doc:
    """Change an item."""
    doc = dict(existing)
    _apply(ctx, doc, raw)
    return save_change(ctx, "Items", doc, existing, "Edited", f"Item {doc['Code']} updated.")


def match(ctx: Ctx, raw: Doc) -> Doc | None:
    """The item a POST element addresses: by ItemID, else by Code."""
    return find_addressed(ctx, raw, "Items", "Item")


def delete(ctx: Ctx, item: Doc) -> None:
    """Remove an item for good (documents that used it keep their own copy of its code)."""
    ctx.state.delete(ctx.tenant_id, "Items", item["ItemID"])
