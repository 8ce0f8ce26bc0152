"""Line items and totals (reference §5.2): amounts, discounts, per-line tax, SubTotal/TotalTax/Total.

LineAmount = Quantity x UnitAmount x (1 - DiscountRate/100), rounded to 2 dp (or Quantity x UnitAmount -
DiscountAmount). Tax is worked out per line and rounded per line: Exclusive tax = round(LineAmount x rate),
Inclusive tax = round(LineAmount - LineAmount / (1 + rate)), NoTax none. SubTotal is the lines net of tax,
Total = SubTotal + TotalTax. UnitAmount keeps 2 dp (4 with unitdp=4, and always 4 on quotes and purchase orders);
Quantity keeps 4 dp.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from xero_mcp.sandbox.rules.common import ZERO, Ctx, RuleError, decimal, guid, is_guid, money, new_id, round_to, text
from xero_mcp.sandbox.state import Doc

LINE_AMOUNT_TYPES = {"EXCLUSIVE": "Exclusive", "INCLUSIVE": "Inclusive", "NOTAX": "NoTax"}
_MAX_LINE_AMOUNT = Decimal("9999999999.99")


@dataclass(frozen=True)
class LineRules:
    """How one kind of document treats its lines."""

    side: str  # "sales" or "purchases": which item details and default tax apply
    allow_discount: bool = False
    unit_places: int = 2
    tax_from_account: bool = True  # quotes do not default TaxType from the account
    require_accounts: bool = False  # non-draft documents need an account on every line
    control_account: str | None = None  # overpayments: every line is coded to this system account (DEBTORS, ...)


def line_amount_types(raw: Doc, existing: Doc | None, default: str = "Exclusive") -> str:
    """The document's LineAmountTypes in invoice spelling (quotes' upper-case spelling is accepted too)."""
    value = raw.get("LineAmountTypes")
    if value is None:
        value = existing["LineAmountTypes"] if existing is not None else default
    spelled = LINE_AMOUNT_TYPES.get(str(value).replace("_", "").upper())
    if spelled is None:
        raise RuleError(f"LineAmountTypes '{value}' is not valid: use Exclusive, Inclusive or NoTax.")
    return spelled


def tax_rate(ctx: Ctx, tax_type: str) -> Decimal:
    """A tax type's effective rate in percent; RuleError for a tax type the organisation lacks."""
    rate = ctx.get("TaxRates", tax_type.upper())
    if rate is None or rate.get("Status") not in ("ACTIVE", None):
        raise RuleError(f"The TaxType code '{tax_type}' does not exist or cannot be used for this type of transaction.")
    return Decimal(str(rate.get("EffectiveRate", ZERO)))


def find_account(ctx: Ctx, raw: Doc) -> Doc | None:
    """The account a line or payment names by AccountID or Code (None when it names none)."""
    account_id = raw.get("AccountID")
    if account_id:
        found = ctx.get("Accounts", str(account_id)) if is_guid(account_id) else None
        if found is None:
            raise RuleError(f"Account with AccountID '{account_id}' could not be found.")
        return found
    code = raw.get("AccountCode", raw.get("Code"))
    if code is None or code == "":
        return None
    matches = [a for a in ctx.state.find(ctx.tenant_id, "Accounts", "number", str(code)) if a["Status"] != "DELETED"]
    if not matches:
        raise RuleError(f"Account code '{code}' is not a valid code for this document.")
    return matches[0]


def _line_account(ctx: Ctx, raw: Doc) -> Doc | None:
    account = find_account(ctx, raw)
    if account is None:
        return None
    code = account.get("Code", "")
    if account["Status"] != "ACTIVE":
        raise RuleError(
            f"Account code '{code}' has been archived, or has been deleted. Each line item must reference a valid "
            "account."
        )
    if account["Type"] == "BANK" or account.get("SystemAccount") in ("DEBTORS", "CREDITORS"):
        raise RuleError(f"Account code '{code}' is not a valid code for this document.")
    return account


def _control_line_account(ctx: Ctx, raw: Doc, system: str) -> Doc:
    """The AR or AP control account an overpayment line must be coded to (it is the default when none is named)."""
    control = next((a for a in ctx.state.all(ctx.tenant_id, "Accounts") if a.get("SystemAccount") == system), None)
    if control is None:
        raise RuleError("The organisation has no accounts receivable or payable account for an overpayment.")
    named = find_account(ctx, raw)
    if named is not None and named["AccountID"] != control["AccountID"]:
        raise RuleError(
            f"Account code '{named.get('Code', '')}' is not valid for an overpayment: its lines must use the "
            f"{control['Name']} account ({control.get('Code', '')})."
        )
    return control


def _item(ctx: Ctx, code: str) -> Doc:
    found = ctx.state.find(ctx.tenant_id, "Items", "number", code)
    if not found:
        raise RuleError(f"Item code '{code}' is not valid.")
    return found[0]


def resolve_tracking(ctx: Ctx, raw_tracking: Any) -> list[Doc]:
    """A line's Tracking (at most 2), by TrackingCategoryID/TrackingOptionID or by Name/Option."""
    if raw_tracking is None:
        return []
    if not isinstance(raw_tracking, list):
        raise RuleError("Tracking must be a list.")
    entries: list[Any] = raw_tracking  # pyright: ignore[reportUnknownVariableType]
    if len(entries) > 2:
        raise RuleError("A line item can have at most 2 tracking categories.")
    resolved: list[Doc] = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise RuleError("Each Tracking entry must be an object.")
        item: Doc = entry  # pyright: ignore[reportUnknownVariableType]
        category = _tracking_category(ctx, item)
        option = _tracking_option(category, item)
        resolved.append(
            {
                "TrackingCategoryID": category["TrackingCategoryID"],
                "TrackingOptionID": option["TrackingOptionID"],
                "Name": category["Name"],
                "Option": option["Name"],
            }
        )
    return resolved


def _tracking_category(ctx: Ctx, item: Doc) -> Doc:
    category_id = item.get("TrackingCategoryID")
    if category_id:
        found = ctx.get("TrackingCategories", guid(category_id, "TrackingCategoryID"))
        if found is not None and found["Status"] == "ACTIVE":
            return found
        raise RuleError(f"Tracking category '{category_id}' does not exist or is not active.")
    name = text(item, "Name")
    for found in ctx.state.find(ctx.tenant_id, "TrackingCategories", "name", name or ""):
        if found["Status"] == "ACTIVE":
            return found
    raise RuleError(f"Tracking category '{name}' does not exist or is not active.")


def _tracking_option(category: Doc, item: Doc) -> Doc:
    option_id = item.get("TrackingOptionID")
    wanted = text(item, "Option")
    for option in category.get("Options", []):
        if option["Status"] != "ACTIVE":
            continue
        if option_id and str(option_id).lower() == option["TrackingOptionID"]:
            return option
        if not option_id and wanted is not None and option["Name"].lower() == wanted.lower():
            return option
    raise RuleError(f"Tracking option '{option_id or wanted}' is not an active option of '{category['Name']}'.")


def build_lines(ctx: Ctx, raw_lines: Any, existing_lines: list[Doc], rules: LineRules, amount_types: str) -> list[Doc]:
    """Validated, computed line items. A line with a known LineItemID updates that line; others are new."""
    if not isinstance(raw_lines, list):
        raise RuleError("LineItems must be a list.")
    by_id = {line["LineItemID"]: line for line in existing_lines}
    lines: list[Doc] = []
    for raw in raw_lines:  # pyright: ignore[reportUnknownVariableType]
        if not isinstance(raw, dict):
            raise RuleError("Each line item must be an object.")
        line_raw: Doc = raw  # pyright: ignore[reportUnknownVariableType]
        previous = by_id.get(str(line_raw.get("LineItemID", "")).lower())
        lines.append(_build_line(ctx, line_raw, previous, rules, amount_types))
    return lines


def _build_line(ctx: Ctx, raw: Doc, previous: Doc | None, rules: LineRules, amount_types: str) -> Doc:
    merged: Doc = {**(previous or {}), **raw}
    line: Doc = {"LineItemID": previous["LineItemID"] if previous else new_id()}
    item_code = text(merged, "ItemCode")
    item = _item(ctx, item_code) if item_code else None
    details: Doc = {}
    if item is not None:
        details = item.get("SalesDetails" if rules.side == "sales" else "PurchaseDetails") or {}
        line["ItemCode"] = item["Code"]
        line["Item"] = {"ItemID": item["ItemID"], "Name": item.get("Name", ""), "Code": item["Code"]}
    description = text(merged, "Description", max_length=4000)
    if description is None and item is not None:
        description = item.get("Description" if rules.side == "sales" else "PurchaseDescription") or item.get(
            "Description"
        )
    if description is not None:
        line["Description"] = description

    quantity_raw, unit_raw = merged.get("Quantity"), merged.get("UnitAmount")
    if unit_raw is None and item is not None and details.get("UnitPrice") is not None:
        unit_raw = details["UnitPrice"]
    given_amount = merged.get("LineAmount")
    if quantity_raw is None and unit_raw is None and given_amount is not None:
        quantity, unit = Decimal(1), decimal(given_amount, "LineAmount")
    else:
        quantity = decimal(quantity_raw, "Quantity") if quantity_raw is not None else Decimal(1)
        unit = decimal(unit_raw, "UnitAmount") if unit_raw is not None else ZERO
    quantity = round_to(quantity, 4)
    unit = round_to(unit, max(rules.unit_places, ctx.unitdp))
    gross = quantity * unit

    discount_rate = merged.get("DiscountRate")
    discount_amount = merged.get("DiscountAmount")
    if (discount_rate is not None or discount_amount is not None) and not rules.allow_discount:
        raise RuleError("Discounts are only supported on ACCREC invoices and quotes.")
    if discount_rate is not None:
        rate = decimal(discount_rate, "DiscountRate")
        if not ZERO <= rate <= 100:
            raise RuleError("DiscountRate must be between 0 and 100.")
        amount = money(gross * (100 - rate) / 100)
        line["DiscountRate"] = rate
    elif discount_amount is not None:
        discount = money(decimal(discount_amount, "DiscountAmount"))
        amount = money(gross - discount)
        line["DiscountAmount"] = discount
    else:
        amount = money(gross)
    if abs(amount) > _MAX_LINE_AMOUNT:
        raise RuleError("LineAmount can't exceed 9,999,999,999.99.")

    if rules.control_account is not None:
        account = _control_line_account(ctx, merged, rules.control_account)
    else:
        account = _line_account(ctx, merged)
    if account is None and item is not None and details.get("AccountCode"):
        account = _line_account(ctx, {"AccountCode": details["AccountCode"]})
    if account is not None:
        line["AccountCode"] = account["Code"]
        line["AccountID"] = account["AccountID"]
    elif rules.require_accounts and amount != ZERO:
        raise RuleError("Each line item must have an AccountCode or an ItemCode with a sales or purchase account.")

    tax_type = text(merged, "TaxType")
    if tax_type is None and item is not None and details.get("TaxType"):
        tax_type = details["TaxType"]
    if tax_type is None and account is not None and rules.tax_from_account:
        tax_type = account.get("TaxType")
    tax = ZERO
    if tax_type:
        line["TaxType"] = tax_type.upper()
        rate = tax_rate(ctx, tax_type) / 100
        if amount_types == "Exclusive":
            tax = money(amount * rate)
        elif amount_types == "Inclusive":
            tax = money(amount - amount / (1 + rate))
    line["Quantity"] = quantity
    line["UnitAmount"] = unit
    line["LineAmount"] = amount
    line["TaxAmount"] = tax
    tracking = resolve_tracking(ctx, merged.get("Tracking"))
    line["Tracking"] = tracking
    return line


def totals(lines: list[Doc], amount_types: str) -> Doc:
    """SubTotal, TotalTax, Total and TotalDiscount of computed lines."""
    line_total = sum((Decimal(line["LineAmount"]) for line in lines), ZERO)
    tax = sum((Decimal(line["TaxAmount"]) for line in lines), ZERO)
    subtotal = line_total - tax if amount_types == "Inclusive" else line_total
    discount = ZERO
    for line in lines:
        discount += money(Decimal(line["Quantity"]) * Decimal(line["UnitAmount"])) - Decimal(line["LineAmount"])
    return {
        "SubTotal": money(subtotal),
        "TotalTax": money(tax),
        "Total": money(subtotal + tax),
        "TotalDiscount": money(discount),
    }


def apply_lines(
    ctx: Ctx, doc: Doc, raw: Doc, existing: Doc | None, rules: LineRules, *, revalidate: bool = False
) -> None:
    """Set a document's LineAmountTypes, LineItems and totals from a request element (lines kept if omitted).

    `revalidate` re-checks kept lines against `rules` (a draft being approved must have complete lines).
    """
    amount_types = line_amount_types(raw, existing)
    old_lines: list[Doc] = existing.get("LineItems", []) if existing is not None else []
    if "LineItems" in raw and raw["LineItems"] is not None:
        lines = build_lines(ctx, raw["LineItems"], old_lines, rules, amount_types)
    elif existing is not None and (amount_types.upper() != str(existing.get("LineAmountTypes")).upper() or revalidate):
        # Recompute kept lines when their tax basis changed or the document is being approved.
        lines = build_lines(ctx, old_lines, old_lines, rules, amount_types)
    else:
        lines = old_lines
    doc["LineAmountTypes"] = amount_types
    doc["LineItems"] = lines
    doc.update(totals(lines, amount_types))
