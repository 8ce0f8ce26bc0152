"""Tax rates (reference §5.12).

``PUT /TaxRates`` creates a rate from a unique Name and at least one TaxComponent {Name, Rate}; its TaxType is
generated (TAX001, TAX002, ...). EffectiveRate adds the components, a compound component applying to the amount
with the others' tax. ``POST /TaxRates`` updates the rate named by TaxType (or Name): its name, components and
status (ACTIVE, ARCHIVED, DELETED). ``GET /TaxRates/{TaxType}`` reads one.
"""

from __future__ import annotations

from decimal import Decimal

from xero_mcp.sandbox.rules.common import ZERO, Ctx, RuleError, as_doc, as_list, decimal, flag, text, upper
from xero_mcp.sandbox.state import Doc


def _components(raw: object) -> list[Doc]:
    entries = as_list(raw)
    if not entries:
        raise RuleError("A tax rate needs at least one TaxComponent with a Name and a Rate.")
    components: list[Doc] = []
    for entry in entries:
        item = as_doc(entry)
        if item is None or item.get("Rate") is None or not item.get("Name"):
            raise RuleError("A tax rate needs at least one TaxComponent with a Name and a Rate.")
        rate = decimal(item["Rate"], "Rate").quantize(Decimal("0.0001"))
        if rate < 0:
            raise RuleError("A tax component's Rate cannot be negative.")
        components.append(
            {
                "Name": text(item, "Name"),
                "Rate": rate,
                "IsCompound": bool(flag(item, "IsCompound")),
                "IsNonRecoverable": bool(flag(item, "IsNonRecoverable")),
            }
        )
    return components


def effective_rate(components: list[Doc]) -> Decimal:
    """The combined rate in percent: simple components add up, compound ones apply on top of them."""
    simple = sum((Decimal(c["Rate"]) for c in components if not c["IsCompound"]), ZERO)
    total = simple
    for component in components:
        if component["IsCompound"]:
            total += Decimal(component["Rate"]) * (100 + simple) / 100
    return total.quantize(Decimal("0.0001"))


def _apply(ctx: Ctx, doc: Doc, raw: Doc) -> None:
    if raw.get("Name"):
        name = (text(raw, "Name") or "").strip()
        for other in ctx.state.find(ctx.tenant_id, "TaxRates", "name", name):
            if other["TaxType"] != doc["TaxType"]:
                raise RuleError(f"A tax rate named {name} already exists.")
        doc["Name"] = name
    if "TaxComponents" in raw:
        doc["TaxComponents"] = _components(raw["TaxComponents"])
        doc["EffectiveRate"] = doc["DisplayTaxRate"] = effective_rate(doc["TaxComponents"])
    if raw.get("ReportTaxType"):
        doc["ReportTaxType"] = upper(raw, "ReportTaxType")
    status = upper(raw, "Status")
    if status is not None:
        if status not in ("ACTIVE", "ARCHIVED", "DELETED"):
            raise RuleError(f"Status '{status}' is not valid for a tax rate.")
        doc["Status"] = status


def create(ctx: Ctx, raw: Doc) -> Doc:
    """A new tax rate with a generated TaxType."""
    if not text(raw, "Name"):
        raise RuleError("A tax rate needs a Name.")
    number = ctx.state.next_sequence(ctx.tenant_id, "TAX")
    doc: Doc = {
        "Name": "",
        "TaxType": f"TAX{number:03d}",
        "ReportTaxType": "OUTPUT",
        "CanApplyToAssets": True,
        "CanApplyToEquity": True,
        "CanApplyToExpenses": True,
        "CanApplyToLiabilities": True,
        "CanApplyToRevenue": True,
        "Status": "ACTIVE",
        "TaxComponents": [],
    }
    if "TaxComponents" not in raw:
        raise RuleError("A tax rate needs at least one TaxComponent with a Name and a Rate.")
    _apply(ctx, doc, raw)
    return ctx.save("TaxRates", doc)


def update(ctx: Ctx, existing: Doc, raw: Doc) -> Doc:
    """Change a tax rate's name, components or status."""
    doc = dict(existing)
    _apply(ctx, doc, raw)
    return ctx.save("TaxRates", doc) if doc != existing else existing


def match(ctx: Ctx, raw: Doc) -> Doc | None:
    """The tax rate an element names, by TaxType, else by Name; POST needs one."""
    tax_type = upper(raw, "TaxType")
    found = ctx.get("TaxRates", tax_type) if tax_type else None
    if found is None and raw.get("Name"):
        named = ctx.state.find(ctx.tenant_id, "TaxRates", "name", str(raw["Name"]))
        found = named[0] if named else None
    if found is None:
        raise RuleError("An existing TaxRate with the specified TaxType or Name could not be found")
    return found
