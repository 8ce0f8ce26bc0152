"""Tracking categories and their options (reference §5.12).

At most 2 ACTIVE categories (4 in all) per organisation; category names are unique, and option names unique
within their category. ``PUT /TrackingCategories`` creates one category (optionally with Options);
``POST /TrackingCategories/{id}`` renames it or sets Status ACTIVE/ARCHIVED; ``DELETE`` marks it DELETED.
Options: ``PUT /{id}/Options`` adds, ``POST /{id}/Options/{optionId}`` renames or archives, ``DELETE`` deletes.
Lists hide archived categories and options unless ``includeArchived=true``; deleted ones are never shown.
"""

from __future__ import annotations

from typing import Any

from xero_mcp.sandbox.rules.common import (
    Ctx,
    NotFound,
    RuleError,
    as_doc,
    element_list,
    new_id,
    required_text,
    upper,
)
from xero_mcp.sandbox.state import Doc

MAX_ACTIVE = 2
MAX_TOTAL = 4


def _name(raw: Doc, key: str = "Name") -> str:
    value = raw.get(key, raw.get(key.lower()))
    what = "option" if key == "Option" else "category"
    return required_text({key: value}, key, 100, f"A tracking {what} needs a Name.")


def _check_name(ctx: Ctx, name: str, category_id: str) -> None:
    for other in ctx.state.find(ctx.tenant_id, "TrackingCategories", "name", name):
        if other["TrackingCategoryID"] != category_id and other["Status"] != "DELETED":
            raise RuleError(f"A tracking category named {name} already exists.")


def _active_count(ctx: Ctx) -> int:
    return ctx.state.count(ctx.tenant_id, "TrackingCategories", where="status = 'ACTIVE'")


def _new_option(category: Doc, name: str) -> Doc:
    for option in category["Options"]:
        if option["Status"] != "DELETED" and option["Name"].lower() == name.lower():
            raise RuleError(f"The option {name} already exists in {category['Name']}.")
    return {"TrackingOptionID": new_id(), "Name": name, "Status": "ACTIVE"}


def create(ctx: Ctx, raw: Doc) -> Doc:
    """A new tracking category."""
    name = _name(raw)
    category_id = new_id()
    _check_name(ctx, name, category_id)
    if _active_count(ctx) >= MAX_ACTIVE:
        raise RuleError(f"You can only have {MAX_ACTIVE} active tracking categories.")
    if ctx.state.count(ctx.tenant_id, "TrackingCategories", where="status != 'DELETED'") >= MAX_TOTAL:
        raise RuleError(f"You can only have {MAX_TOTAL} tracking categories.")
    category: Doc = {"TrackingCategoryID": category_id, "Name": name, "Status": "ACTIVE", "Options": []}
    for entry in element_list(raw.get("Options") or [], "Options"):
        option = as_doc(entry)
        if option is None:
            raise RuleError("Each option must be an object with a Name.")
        category["Options"].append(_new_option(category, _name(option)))
    return ctx.save("TrackingCategories", category)


def update(ctx: Ctx, existing: Doc, raw: Doc) -> Doc:
    """Rename a category or set its Status (ACTIVE or ARCHIVED)."""
    if existing["Status"] == "DELETED":
        raise RuleError("A deleted tracking category cannot be changed.")
    category = dict(existing)
    if raw.get("Name"):
        category["Name"] = _name(raw)
        _check_name(ctx, category["Name"], category["TrackingCategoryID"])
    status = upper(raw, "Status")
    if status is not None and status != existing["Status"]:
        if status not in ("ACTIVE", "ARCHIVED"):
            raise RuleError("A tracking category's Status can be ACTIVE or ARCHIVED; use DELETE to delete it.")
        if status == "ACTIVE" and _active_count(ctx) >= MAX_ACTIVE:
            raise RuleError(f"You can only have {MAX_ACTIVE} active tracking categories.")
        category["Status"] = status
    return ctx.save("TrackingCategories", category) if category != existing else existing


def delete(ctx: Ctx, category: Doc) -> Doc:
    """Mark a category DELETED."""
    if category["Status"] == "DELETED":
        raise NotFound(category["TrackingCategoryID"])
    return ctx.save("TrackingCategories", {**category, "Status": "DELETED"})


def add_options(ctx: Ctx, category: Doc, body: Any) -> list[Doc]:
    """Add options ({"Name"}, or {"Options": [...]}) to an active category; returns the new options."""
    if category["Status"] != "ACTIVE":
        raise RuleError("Options can only be added to an active tracking category.")
    added: list[Doc] = []
    for entry in element_list(body, "Options"):
        raw = as_doc(entry)
        if raw is None:
            raise RuleError("Each option must be an object with a Name.")
        option = _new_option(category, _name(raw))
        category["Options"].append(option)
        added.append(option)
    ctx.save("TrackingCategories", category)
    return [{**option, "TrackingCategoryID": category["TrackingCategoryID"]} for option in added]


def _option(category: Doc, option_id: str) -> Doc:
    for option in category["Options"]:
        if option["TrackingOptionID"] == option_id.lower() and option["Status"] != "DELETED":
            return option
    raise NotFound(option_id)


def update_option(ctx: Ctx, category: Doc, option_id: str, raw: Doc) -> Doc:
    """Rename an option or set its Status (ACTIVE or ARCHIVED)."""
    option = _option(category, option_id)
    if raw.get("Name") or raw.get("name"):
        name = _name(raw)
        for other in category["Options"]:
            if other is not option and other["Status"] != "DELETED" and other["Name"].lower() == name.lower():
                raise RuleError(f"The option {name} already exists in {category['Name']}.")
        option["Name"] = name
    status = upper(raw, "Status")
    if status is not None:
        if status not in ("ACTIVE", "ARCHIVED"):
            raise RuleError("An option's Status can be ACTIVE or ARCHIVED; use DELETE to delete it.")
        option["Status"] = status
    ctx.save("TrackingCategories", category)
    return {**option, "TrackingCategoryID": category["TrackingCategoryID"]}


def delete_option(ctx: Ctx, category: Doc, option_id: str) -> Doc:
    """Mark an option DELETED."""
    option = _option(category, option_id)
    option["Status"] = "DELETED"
    ctx.save("TrackingCategories", category)
    return {**option, "TrackingCategoryID": category["TrackingCategoryID"]}


def visible_options(category: Doc, *, include_archived: bool) -> Doc:
    """The category as listed: deleted options never, archived ones only when asked for."""
    shown = {"ACTIVE", "ARCHIVED"} if include_archived else {"ACTIVE"}
    return {**category, "Options": [o for o in category.get("Options", []) if o["Status"] in shown]}
