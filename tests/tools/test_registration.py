"""The registration loop: schemas, the argument contract, error mapping and the confirmation step, shown with small
stand-in tools."""

from __future__ import annotations

import logging
from typing import Annotated, Any

import pytest
from mcp import Client
from mcp.client import ClientRequestContext
from mcp.server import MCPServer
from mcp.server.mcpserver.tools import Tool
from mcp.types import ElicitRequestParams, ElicitResult, TextContent
from pydantic import BaseModel, Field

from xero_mcp.client.errors import make_status_error
from xero_mcp.config import Settings
from xero_mcp.server import XeroMCPServer
from xero_mcp.tools._args import VOCABULARY
from xero_mcp.tools._confirm import ConfirmationTokens
from xero_mcp.tools._context import Backend, ToolContext
from xero_mcp.tools._errors import UserInputError
from xero_mcp.tools._inventory import SelectionError, select_tools
from xero_mcp.tools._register import (
    SDK_TOOL_FIELDS,
    build_tool,
    build_tools,
    describe,
    strict_schema,
    tool_arguments,
)
from xero_mcp.tools._spec import ToolSpec, tool


class Voided(BaseModel):
    invoice_id: str
    status: str


writes: list[str] = []


class Clock:
    """A hand-moved clock for token expiry."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def _preview(
    x: ToolContext, invoice_id: Annotated[str, Field(description="Invoice")], tenant: str | None = None
) -> str:
    return f"Void invoice {invoice_id}."


@tool("void_thing", toolset="sales", title="Void", read_only=False, destructive=True, preview=_preview)
async def void_thing(
    x: ToolContext, invoice_id: Annotated[str, Field(description="Invoice")], tenant: str | None = None
) -> Voided:
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
    if name == "lookup":
        raise KeyError("internal-key")
    return Voided(invoice_id=name, status="FOUND")


SPECS: tuple[ToolSpec, ...] = (void_thing, find_thing)
TOOLS = SPECS  # where a card finds its tool's declaration (ToolCard.spec)


async def _no_backend() -> Backend:
    raise AssertionError("these tools never need the backend")


def _server(clock: Clock | None = None, **settings: Any) -> MCPServer:
    tokens = ConfirmationTokens(clock=clock or Clock())
    return XeroMCPServer(
        "test", tools=build_tools(map(describe, SPECS), ToolContext(Settings(**settings), _no_backend, tokens))
    )


async def _accept(ctx: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult:
    return ElicitResult(action="accept", content={"confirm": True})


async def _decline(ctx: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult:
    return ElicitResult(action="decline")


async def test_tool_context_is_hidden_and_schemas_are_strict_and_compact() -> None:
    async with Client(_server()) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    schema = tools["find_thing"].input_schema
    assert set(schema["properties"]) == {"name", "tenant"}
    assert schema["additionalProperties"] is False
    # An optional argument is published without its null alternative: a model simply leaves it out.
    assert schema["properties"]["tenant"] == {"type": "string", "description": VOCABULARY["tenant"]}
    assert "title" not in schema and "title" not in schema["properties"]["name"]
    assert set(tools["void_thing"].input_schema["properties"]) == {"invoice_id", "tenant", "confirm_token"}
    assert tools["void_thing"].annotations is not None and tools["void_thing"].annotations.destructive_hint is True
    # No output schema of bare `{}` properties: results carry their data in structuredContent.
    assert tools["find_thing"].output_schema is None


def test_the_sdk_adapter_fills_fields_the_sdks_tool_still_has() -> None:
    # mcp 2.3.0 has no public explicit-schema registration (python-sdk#761): build_tool fills these itself, as
    # Tool.from_function would from a signature. An SDK that renames them fails here rather than at a call.
    assert SDK_TOOL_FIELDS | {"resolver_plans"} <= set(Tool.model_fields)
    deps = ToolContext(Settings(), _no_backend, ConfirmationTokens(clock=Clock()))
    built = build_tool(describe(void_thing), deps)
    # The arguments model is built when a call's arguments are first validated (the SDK's validate_arguments).
    assert built.fn_metadata.validate_arguments({"invoice_id": "INV-1"}) == {
        "invoice_id": "INV-1",
        "tenant": None,
        "confirm_token": None,
    }
    assert built.fn_metadata.arg_model is tool_arguments(void_thing)
    assert built.parameters == strict_schema(tool_arguments(void_thing).model_json_schema(by_alias=True))
    assert set(built.resolved_params) == {"approval"} and len(built.resolver_plans) == 1
    assert build_tool(describe(find_thing), deps).resolved_params == {}


async def test_results_are_compact_json_text_with_the_full_structured_content() -> None:
    async with Client(_server()) as client:
        result = await client.call_tool("find_thing", {"name": "ok"})
    assert result.structured_content == {"invoice_id": "ok", "status": "FOUND"}
    assert isinstance(result.content[0], TextContent)
    assert result.content[0].text == '{"invoice_id":"ok","status":"FOUND"}'


async def test_an_optional_argument_sent_as_null_is_still_accepted() -> None:
    async with Client(_server()) as client:
        result = await client.call_tool("find_thing", {"name": "ok", "tenant": None})
    assert result.is_error is False and result.structured_content == {"invoice_id": "ok", "status": "FOUND"}


async def test_a_misnamed_argument_is_refused_with_the_closest_valid_name_and_nothing_runs() -> None:
    writes.clear()
    async with Client(_server()) as client:
        result = await client.call_tool("void_thing", {"invoce_id": "INV-1"})
    assert result.is_error
    text = result.content[0].text  # type: ignore[union-attr]
    assert "unknown argument 'invoce_id'; did you mean 'invoice_id'?" in text
    assert writes == []


async def test_an_empty_string_means_not_given() -> None:
    async with Client(_server()) as client:
        blank_tenant = await client.call_tool("find_thing", {"name": "ok", "tenant": "  "})
        blank_required = await client.call_tool("find_thing", {"name": ""})
    assert blank_tenant.is_error is False
    assert blank_required.is_error and "name: Field required" in blank_required.content[0].text  # type: ignore[union-attr]


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


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_a_retry_after_a_declined_elicitation_asks_the_user_again(mode: str) -> None:
    writes.clear()
    answers = ["decline", "accept"]
    asked: list[str] = []

    async def answer(ctx: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult:
        asked.append(params.message)
        action = answers.pop(0)
        return (
            ElicitResult(action="accept", content={"confirm": True})
            if action == "accept"
            else ElicitResult(action="decline")
        )

    async with Client(_server(), mode=mode, elicitation_callback=answer) as client:
        first = await client.call_tool("void_thing", {"invoice_id": "INV-1"})
        assert first.structured_content is not None and first.structured_content["done"] is False
        assert writes == []
        second = await client.call_tool("void_thing", {"invoice_id": "INV-1"})
    assert second.structured_content is not None and second.structured_content["done"] is True
    assert len(asked) == 2 and writes == ["INV-1"]


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_with_elicitation_a_valid_token_does_not_skip_asking_the_user(mode: str) -> None:
    writes.clear()
    async with Client(_server()) as plain:
        preview = await plain.call_tool("void_thing", {"invoice_id": "INV-1"})
    assert preview.structured_content is not None
    token = preview.structured_content["confirm_token"]
    async with Client(_server(), mode=mode, elicitation_callback=_decline) as client:
        result = await client.call_tool("void_thing", {"invoice_id": "INV-1", "confirm_token": token})
    assert result.structured_content is not None and result.structured_content["done"] is False
    assert writes == []


async def test_without_elicitation_only_the_previews_token_for_the_same_arguments_acts_once() -> None:
    writes.clear()
    async with Client(_server()) as client:
        preview = await client.call_tool("void_thing", {"invoice_id": "INV-2"})
        assert preview.structured_content is not None
        assert preview.structured_content["done"] is False
        assert preview.structured_content["preview"] == "Void invoice INV-2."
        token = preview.structured_content["confirm_token"]
        other = await client.call_tool("void_thing", {"invoice_id": "INV-3", "confirm_token": token})
        assert other.is_error and "does not match these exact arguments" in other.content[0].text  # type: ignore[union-attr]
        assert writes == []
        done = await client.call_tool("void_thing", {"invoice_id": "INV-2", "confirm_token": token})
        assert done.structured_content is not None and done.structured_content["done"] is True
        again = await client.call_tool("void_thing", {"invoice_id": "INV-2", "confirm_token": token})
    assert again.is_error and "already used" in again.content[0].text  # type: ignore[union-attr]
    assert writes == ["INV-2"]


@pytest.mark.parametrize("confirm", [True, "yes", "true"])
async def test_confirm_true_or_yes_without_the_previews_token_changes_nothing(confirm: object) -> None:
    writes.clear()
    async with Client(_server()) as client:
        as_flag = await client.call_tool("void_thing", {"invoice_id": "INV-2", "confirm": confirm})
        as_token = await client.call_tool("void_thing", {"invoice_id": "INV-2", "confirm_token": str(confirm)})
    assert as_flag.is_error and "did you mean 'confirm_token'?" in as_flag.content[0].text  # type: ignore[union-attr]
    assert as_token.is_error and "confirm_token" in as_token.content[0].text  # type: ignore[union-attr]
    assert writes == []


async def test_an_expired_token_changes_nothing() -> None:
    writes.clear()
    clock = Clock()
    async with Client(_server(clock)) as client:
        preview = await client.call_tool("void_thing", {"invoice_id": "INV-2"})
        assert preview.structured_content is not None
        clock.now += 301
        late = await client.call_tool(
            "void_thing", {"invoice_id": "INV-2", "confirm_token": preview.structured_content["confirm_token"]}
        )
    assert late.is_error and "expired" in late.content[0].text  # type: ignore[union-attr]
    assert writes == []


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


async def test_a_key_error_in_our_own_code_is_logged_and_reported_as_a_failure_of_the_tool(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR):
        async with Client(_server()) as client:
            result = await client.call_tool("find_thing", {"name": "lookup"})
    assert result.is_error and result.content[0].text == "Error executing tool find_thing"  # type: ignore[union-attr]
    assert any(record.exc_info and isinstance(record.exc_info[1], Exception) for record in caplog.records)


def test_read_only_selection_drops_every_tool_that_writes() -> None:
    chosen = select_tools(SPECS, toolsets=("all",), read_only=True)
    assert [spec.name for spec in chosen] == ["find_thing"]


def test_read_only_wins_over_an_explicitly_named_write_tool() -> None:
    chosen = select_tools(SPECS, toolsets=("contacts",), tools=("void_thing",), read_only=True)
    assert [spec.name for spec in chosen] == ["find_thing"]


def test_unknown_toolset_names_close_matches() -> None:
    with pytest.raises(SelectionError, match="Did you mean contacts"):
        select_tools(SPECS, toolsets=("contact",))


def test_strict_schema_inlines_definitions_closes_objects_and_drops_null_alternatives() -> None:
    schema = {
        "title": "Args",
        "type": "object",
        "$defs": {"Line": {"title": "Line", "type": "object", "properties": {"a": {"type": "number"}}}},
        "properties": {
            "n": {"title": "N", "anyOf": [{"type": "integer"}, {"type": "null"}], "default": None},
            "lines": {"type": "array", "items": {"$ref": "#/$defs/Line"}},
        },
    }
    assert strict_schema(schema) == {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "n": {"type": "integer"},
            "lines": {
                "type": "array",
                "items": {"type": "object", "properties": {"a": {"type": "number"}}, "additionalProperties": False},
            },
        },
    }


def test_an_open_object_argument_is_refused_at_start_up() -> None:
    with pytest.raises(ValueError, match="open object"):
        strict_schema({"type": "object", "properties": {"q": {"type": "object", "additionalProperties": True}}})
