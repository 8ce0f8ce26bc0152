"""The registration loop: schemas, error mapping and the confirmation step, shown with small stand-in tools."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from mcp import Client
from mcp.client import ClientRequestContext
from mcp.server import MCPServer
from mcp.types import ElicitRequestParams, ElicitResult
from pydantic import BaseModel, Field

from xero_mcp.client.errors import make_status_error
from xero_mcp.config import Settings
from xero_mcp.tools._context import Backend, ToolContext
from xero_mcp.tools._errors import UserInputError
from xero_mcp.tools._inventory import SelectionError, select_tools
from xero_mcp.tools._register import compact_schema, register_tools
from xero_mcp.tools._spec import ToolSpec, tool


class Voided(BaseModel):
    invoice_id: str
    status: str


writes: list[str] = []


async def _preview(x: ToolContext, invoice_id: str, confirm: bool = False, tenant: str | None = None) -> str:
    return f"Void invoice {invoice_id}."


@tool("void_thing", toolset="sales", title="Void", read_only=False, destructive=True, preview=_preview)
async def void_thing(x: ToolContext, invoice_id: str, confirm: bool = False, tenant: str | None = None) -> Voided:
    """Void an invoice."""
    writes.append(invoice_id)
    return Voided(invoice_id=invoice_id, status="VOIDED")


@tool("find_thing", toolset="contacts", title="Find", read_only=True)
async def find_thing(
    x: ToolContext, name: Annotated[str, Field(description="Exact name")], tenant: str | None = None
) -> Voided:
    """Find a thing by name."""
    if name == "bad":
        raise UserInputError("Unknown name 'bad'. Close matches: Bad Co, Badger Ltd.")
    if name == "xero":
        body = (
            '{"ErrorNumber":10,"Type":"ValidationException","Message":"A validation exception occurred",'
            '"Elements":[{"ValidationErrors":[{"Message":"Payment amount exceeds the amount outstanding on this '
            'document"}]}]}'
        )
        raise make_status_error(400, body, method="PUT", path="/Payments")
    if name == "crash":
        raise RuntimeError("secret internals")
    return Voided(invoice_id=name, status="FOUND")


SPECS: tuple[ToolSpec, ...] = (void_thing, find_thing)


async def _no_backend() -> Backend:
    raise AssertionError("these tools never need the backend")


def _server(**settings: Any) -> MCPServer:
    server = MCPServer("test")
    register_tools(server, SPECS, ToolContext(Settings(**settings), _no_backend))
    return server


async def _accept(ctx: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult:
    return ElicitResult(action="accept", content={"confirm": True})


async def _decline(ctx: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult:
    return ElicitResult(action="decline")


async def test_tool_context_is_hidden_and_schemas_are_compact() -> None:
    async with Client(_server()) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    schema = tools["find_thing"].input_schema
    assert set(schema["properties"]) == {"name", "tenant"}
    # An optional argument is published without its null alternative: a model simply leaves it out.
    assert schema["properties"]["tenant"] == {"type": "string"}
    assert "title" not in schema and "title" not in schema["properties"]["name"]
    assert "approval" not in tools["void_thing"].input_schema["properties"]
    assert tools["void_thing"].annotations is not None and tools["void_thing"].annotations.destructive_hint is True
    # Results are outlined by their top-level field names only.
    assert tools["find_thing"].output_schema == {"type": "object", "properties": {"invoice_id": {}, "status": {}}}
    assert set(tools["void_thing"].output_schema["properties"]) == {"done", "preview", "next_step", "result"}


async def test_an_optional_argument_sent_as_null_is_still_accepted() -> None:
    async with Client(_server()) as client:
        result = await client.call_tool("find_thing", {"name": "ok", "tenant": None})
    assert result.is_error is False and result.structured_content == {"invoice_id": "ok", "status": "FOUND"}


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_destructive_tool_writes_after_the_user_confirms(mode: str) -> None:
    writes.clear()
    async with Client(_server(), mode=mode, elicitation_callback=_accept) as client:
        result = await client.call_tool("void_thing", {"invoice_id": "INV-1"})
    assert result.is_error is False
    assert result.structured_content is not None
    assert result.structured_content["done"] is True
    assert result.structured_content["result"] == {"invoice_id": "INV-1", "status": "VOIDED"}
    assert writes == ["INV-1"]


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_destructive_tool_writes_nothing_when_the_user_declines(mode: str) -> None:
    writes.clear()
    async with Client(_server(), mode=mode, elicitation_callback=_decline) as client:
        result = await client.call_tool("void_thing", {"invoice_id": "INV-1"})
    assert result.structured_content is not None
    assert result.structured_content["done"] is False
    assert "declined" in result.structured_content["next_step"]
    assert writes == []


async def test_without_elicitation_a_destructive_tool_previews_until_confirm_is_true() -> None:
    writes.clear()
    async with Client(_server()) as client:
        preview = await client.call_tool("void_thing", {"invoice_id": "INV-2"})
        assert preview.structured_content is not None
        assert preview.structured_content["done"] is False
        assert preview.structured_content["preview"] == "Void invoice INV-2."
        assert writes == []
        done = await client.call_tool("void_thing", {"invoice_id": "INV-2", "confirm": True})
    assert done.structured_content is not None and done.structured_content["done"] is True
    assert writes == ["INV-2"]


async def test_bad_input_and_xero_rejections_are_tool_errors_with_actionable_text() -> None:
    async with Client(_server()) as client:
        unknown = await client.call_tool("find_thing", {"name": "bad"})
        rejected = await client.call_tool("find_thing", {"name": "xero"})
        crashed = await client.call_tool("find_thing", {"name": "crash"})
    assert unknown.is_error and "Close matches: Bad Co" in unknown.content[0].text  # type: ignore[union-attr]
    assert rejected.is_error
    text = rejected.content[0].text  # type: ignore[union-attr]
    assert "Payment amount exceeds the amount outstanding" in text and "amount_due" in text
    assert crashed.is_error and "secret internals" not in crashed.content[0].text  # type: ignore[union-attr]


def test_read_only_selection_drops_every_tool_that_writes() -> None:
    chosen = select_tools(SPECS, toolsets=("all",), read_only=True)
    assert [spec.name for spec in chosen] == ["find_thing"]


def test_read_only_wins_over_an_explicitly_named_write_tool() -> None:
    chosen = select_tools(SPECS, toolsets=("contacts",), tools=("void_thing",), read_only=True)
    assert [spec.name for spec in chosen] == ["find_thing"]


def test_unknown_toolset_names_close_matches() -> None:
    with pytest.raises(SelectionError, match="Did you mean contacts"):
        select_tools(SPECS, toolsets=("contact",))


def test_compact_schema_keeps_nullable_types_and_drops_titles() -> None:
    schema = {
        "title": "Args",
        "type": "object",
        "properties": {"a": {"title": "A", "anyOf": [{"type": "integer"}, {"type": "null"}], "default": None}},
    }
    assert compact_schema(schema) == {"type": "object", "properties": {"a": {"type": ["integer", "null"]}}}
