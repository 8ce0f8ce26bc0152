"""Derive, from Xero's OpenAPI spec, the field table ``xero_mcp.sandbox.fields`` holds (tests compare the two)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def spec_collection_type(spec: dict[str, Any], collection: str) -> str:
    """The record type the spec's response schema for a collection (``Invoices``) holds in its list."""
    ref: str = spec["components"]["schemas"][collection]["properties"][collection]["items"]["$ref"]
    return ref.rsplit("/", 1)[-1]


def _kind(schemas: dict[str, Any], prop: dict[str, Any]) -> str:
    ref = prop.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        target = schemas[name]
        if target.get("type", "object") == "object" and "properties" in target:
            return name
        prop = {**target, **{k: v for k, v in prop.items() if k != "$ref"}}
    if prop.get("x-is-msdate") or prop.get("x-is-msdate-time"):
        return "date"
    kind = prop.get("type")
    if kind in ("number", "integer"):
        return "number"
    if kind == "boolean":
        return "bool"
    if kind == "array":
        return "array"
    if kind == "string" and prop.get("format") == "uuid":
        return "guid"
    return "string"


def spec_field_kinds(spec: dict[str, Any], collections: Iterable[str]) -> dict[str, dict[str, str]]:
    """Record type -> field -> kind for every record type reachable (through object fields) from the collections."""
    schemas: dict[str, Any] = spec["components"]["schemas"]
    result: dict[str, dict[str, str]] = {}
    pending = sorted({spec_collection_type(spec, collection) for collection in collections})
    while pending:
        name = pending.pop()
        if name in result:
            continue
        fields = {field: _kind(schemas, prop) for field, prop in schemas[name].get("properties", {}).items()}
        result[name] = fields
        pending.extend(kind for kind in fields.values() if kind in schemas and kind not in result)
    return result
