"""Tool metadata is pinned: names, annotations, schema shape, per-tool schema snapshots, the tool reference table.

A change to any tool's published schema shows up as a diff of tests/tools/snapshots/<tool>.json. After an
intended change, regenerate with `XERO_MCP_UPDATE_SNAPSHOTS=1 python -m pytest tests/tools/test_metadata.py`.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from mcp import Client

from xero_mcp.config import Settings
from xero_mcp.server import build_server
from xero_mcp.tools._context import Backend
from xero_mcp.tools._inventory import all_tools, seed_tool_names
from xero_mcp.tools._spec import DEFAULT_TOOLSETS, TOOLSETS
from xero_mcp.tools.listing import (
    OPERATIONS_END,
    OPERATIONS_START,
    README_END,
    README_START,
    TOOLS_DOC,
    markdown_table,
    operations_table,
)

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = Path(__file__).with_name("snapshots")
UPDATE = os.environ.get("XERO_MCP_UPDATE_SNAPSHOTS") == "1"

# The tools other parts of the project and users' prompts rely on by name (issue 4's list, as issue 11 consolidated it).
REQUIRED = {
    "poll_changes", "save_contact", "get_contact", "find_or_create_contact", "list_contact_groups", "list_records",
    "create_document", "update_document", "get_invoice", "get_bill", "email_invoice", "approve_invoice",
    "void_invoice", "get_online_invoice_url", "allocate_credit_note", "create_payment", "delete_payment",
    "create_bank_transfer", "update_bank_transaction", "add_history_note", "get_history", "xero_get", "xero_write",
    "list_accounts", "list_tax_rates", "list_tenants", "list_items", "create_item", "update_item",
    "list_tracking_categories", "create_tracking_category", "create_tracking_option", "list_manual_journals",
    "create_manual_journal", "get_organisation", "get_report",
}  # fmt: skip

RETIRED = {
    "list_contacts": "list_records", "create_contact": "save_contact", "update_contact": "save_contact",
    "list_invoices": "list_records", "create_invoice": "create_document", "update_invoice": "update_document",
    "list_bills": "list_records", "create_bill": "create_document", "list_quotes": "list_records",
    "create_quote": "create_document", "update_quote": "update_document", "list_credit_notes": "list_records",
    "create_credit_note": "create_document", "update_credit_note": "update_document",
    "list_purchase_orders": "list_records", "create_purchase_order": "create_document", "list_payments": "list_records",
    "list_bank_transactions": "list_records", "create_bank_transaction": "create_document",
    "poll_contacts": "poll_changes", "poll_bills": "poll_changes", "poll_bank_transactions": "poll_changes",
    "poll_payments": "poll_changes", "poll_quotes": "poll_changes", "poll_sales_invoices": "poll_changes",
    "poll_credit_notes": "poll_changes",
}  # fmt: skip
"""The tools issue 11 retired, each with the tool that does its job now."""


async def _never() -> Backend:
    raise AssertionError("listing tools must not build the backend")


async def _listed(**settings: Any) -> list[Any]:
    server, _ = build_server(Settings(**settings), _never)
    async with Client(server) as client:
        return list((await client.list_tools()).tools)


def test_every_required_tool_exists_with_a_snake_case_verb_first_name() -> None:
    names = [spec.name for spec in all_tools()]
    assert set(names) >= REQUIRED, sorted(REQUIRED - set(names))
    for name in names:
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*", name), name


def test_every_retired_tool_is_gone_and_the_changelog_names_its_replacement() -> None:
    names = {spec.name for spec in all_tools()}
    unreleased = (ROOT / "CHANGELOG.md").read_text().split("\n## ")[1]
    assert not names & set(RETIRED)
    for old, new in RETIRED.items():
        assert new in names
        assert re.search(rf"\| `{old}` \|[^\n]*`{new}`", unreleased), f"CHANGELOG: {old} -> {new}"


def test_every_tool_declares_its_toolset_title_and_description() -> None:
    for spec in all_tools():
        assert spec.toolset in TOOLSETS
        assert spec.title and spec.title[0].isupper(), spec.name
        assert 20 <= len(spec.description) <= 600, (spec.name, len(spec.description))


async def test_every_listed_tool_has_explicit_annotations_and_an_object_input_schema() -> None:
    for listed in await _listed(toolsets=("all",)):
        annotations = listed.annotations
        assert annotations is not None, listed.name
        assert annotations.read_only_hint is not None and annotations.open_world_hint is not None, listed.name
        if not annotations.read_only_hint:
            assert annotations.destructive_hint is not None and annotations.idempotent_hint is not None, listed.name
        schema = listed.input_schema
        assert schema["type"] == "object", listed.name
        assert not {"anyOf", "oneOf", "allOf"} & set(schema), listed.name
        assert "tenant" in schema["properties"], f"{listed.name} must take an optional tenant"
        assert "tenant" not in schema.get("required", []), listed.name
        # Results are structuredContent without a published schema: none at all beats one of bare `{}`s.
        assert listed.output_schema is None, listed.name


async def test_tool_schemas_match_their_snapshots() -> None:
    listed = await _listed(toolsets=("all",))
    SNAPSHOTS.mkdir(exist_ok=True)
    stale: list[str] = []
    for item in listed:
        current = {
            "title": item.title,
            "description": item.description,
            "annotations": item.annotations.model_dump(by_alias=True, exclude_none=True) if item.annotations else None,
            "inputSchema": item.input_schema,
            "outputSchema": item.output_schema,
        }
        path = SNAPSHOTS / f"{item.name}.json"
        text = json.dumps(current, indent=2, sort_keys=True) + "\n"
        if UPDATE:
            path.write_text(text)
        elif not path.exists() or path.read_text() != text:
            stale.append(item.name)
    known = {path.stem for path in SNAPSHOTS.glob("*.json")}
    removed = sorted(known - {item.name for item in listed})
    if UPDATE:
        for name in removed:
            (SNAPSHOTS / f"{name}.json").unlink()
        return
    assert not stale, f"schemas changed for {stale}; regenerate snapshots if intended (see module docstring)"
    assert not removed, f"snapshots for tools that no longer exist: {removed}"


async def test_read_only_mode_lists_only_read_only_tools_and_no_generic_write() -> None:
    listed = await _listed(toolsets=("all",), read_only=True)
    names = {item.name for item in listed}
    assert "xero_write" not in names and "xero_get" in names
    assert all(item.annotations.read_only_hint for item in listed)


async def test_default_toolsets_are_the_documented_ones() -> None:
    listed = await _listed()
    toolsets = {spec.name: spec.toolset for spec in all_tools()}
    assert {toolsets[item.name] for item in listed} == set(DEFAULT_TOOLSETS)


def test_tool_reference_table_is_generated_from_the_registry() -> None:
    reference = (ROOT / TOOLS_DOC).read_text(encoding="utf-8")
    start, end = reference.find(README_START), reference.find(README_END)
    assert start != -1 and end != -1, f"{TOOLS_DOC} lacks the generated tool table markers"
    assert reference[start : end + len(README_END)] == markdown_table(all_tools()), (
        f"{TOOLS_DOC}'s tool table is stale: replace it with the output of `xero-mcp tools --markdown`"
    )


def test_operation_table_is_generated_from_the_registry() -> None:
    reference = (ROOT / TOOLS_DOC).read_text(encoding="utf-8")
    start, end = reference.find(OPERATIONS_START), reference.find(OPERATIONS_END)
    assert start != -1 and end != -1, f"{TOOLS_DOC} lacks the operation table markers"
    assert reference[start : end + len(OPERATIONS_END)] == operations_table(), f"{TOOLS_DOC}'s operation table is stale"


async def test_every_seed_operation_is_in_the_default_set_within_the_context_budget() -> None:
    listed = await _listed()
    names = {item.name for item in listed}
    assert seed_tool_names() <= names, sorted(seed_tool_names() - names)
    visible = [
        {"name": item.name, "description": item.description, "inputSchema": item.input_schema} for item in listed
    ]
    size = len(json.dumps(visible, separators=(",", ":"), ensure_ascii=False))
    assert size <= 20_000, f"the default tools cost {size} characters of name, description and input schema"
