"""Every published input schema is taken unchanged by the clients models run in, and says what it means.

Checked with the clients' own converters (test-only dependencies): the OpenAI Agents SDK's strict-schema conversion
(the one its MCP adapter runs, falling back to non-strict on any error), google-genai's conversion of a JSON schema
to Gemini's Schema (what its MCP support does with a tool), and the JSON Schema 2020-12 metaschema.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any, cast

import anyio
import pytest
from agents.strict_schema import ensure_strict_json_schema
from google.genai import types as genai
from jsonschema import Draft202012Validator
from mcp import Client
from mcp.types import Tool

from xero_mcp.config import Settings
from xero_mcp.server import build_server
from xero_mcp.tools._context import Backend


async def _never() -> Backend:
    raise AssertionError("listing tools must not build the backend")


async def _listed() -> list[Tool]:
    server, _ = build_server(Settings(toolsets=("all",)), _never)
    async with Client(server) as client:
        return (await client.list_tools()).tools


@pytest.fixture(scope="module")
def listed() -> list[Tool]:
    return anyio.run(_listed)


@pytest.fixture(scope="module")
def schemas(listed: list[Tool]) -> dict[str, dict[str, Any]]:
    return {tool.name: tool.input_schema for tool in listed}


@pytest.fixture(scope="module")
def output_schemas(listed: list[Tool]) -> dict[str, dict[str, Any]]:
    return {tool.name: tool.output_schema for tool in listed if tool.output_schema is not None}


def _nodes(schema: dict[str, Any], path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema node with where it is (properties, array items and alternatives, recursively)."""
    yield path or "<root>", schema
    for name, sub in cast("dict[str, Any]", schema.get("properties", {})).items():
        yield from _nodes(sub, f"{path}.{name}" if path else name)
    items = schema.get("items")
    if isinstance(items, dict):
        yield from _nodes(cast("dict[str, Any]", items), f"{path}[]")
    for keyword in ("anyOf", "oneOf", "allOf"):
        for index, variant in enumerate(cast("list[dict[str, Any]]", schema.get(keyword, []))):
            yield from _nodes(variant, f"{path}|{keyword}[{index}]")


# Keywords that say nothing about the value: a node with only these accepts anything (MCP Inspector's --strict
# flags it, as it flagged the 384 bare `{}` output properties of issue 11).
_ANNOTATIONS = {"description", "title", "default", "examples", "deprecated", "readOnly", "writeOnly", "$comment"}


def _says_nothing(node: dict[str, Any]) -> bool:
    return not set(node) - _ANNOTATIONS


def test_no_schema_contains_a_ref_or_defs(schemas: dict[str, dict[str, Any]]) -> None:
    for name, schema in schemas.items():
        text = json.dumps(schema)
        assert '"$ref"' not in text and '"$defs"' not in text, name


def test_every_object_at_every_level_refuses_unknown_properties(schemas: dict[str, dict[str, Any]]) -> None:
    for name, schema in schemas.items():
        for where, node in _nodes(schema):
            if node.get("type") == "object":
                assert node.get("additionalProperties") is False, f"{name}: {where}"


def test_every_parameter_at_every_level_is_described(schemas: dict[str, dict[str, Any]]) -> None:
    for name, schema in schemas.items():
        for where, node in _nodes(schema):
            if where != "<root>" and not where.endswith("[]"):
                assert node.get("description"), f"{name}: {where} has no description"


def test_every_schema_is_valid_json_schema_2020_12(schemas: dict[str, dict[str, Any]]) -> None:
    for schema in schemas.values():
        Draft202012Validator.check_schema(schema)


def test_no_schema_node_accepts_any_value_unsaid(
    schemas: dict[str, dict[str, Any]], output_schemas: dict[str, dict[str, Any]]
) -> None:
    for kind, published in (("inputSchema", schemas), ("outputSchema", output_schemas)):
        for name, schema in published.items():
            for where, node in _nodes(schema):
                assert not _says_nothing(node), f"{name}: {kind} {where} is a bare {{}} (it accepts any value)"


def test_an_output_schema_is_published_only_typed_self_contained_and_valid(
    listed: list[Tool], output_schemas: dict[str, dict[str, Any]]
) -> None:
    # None are published today (docs/tool-contract.md, Results); one added later must hold to the same rules.
    assert len(listed) > 0
    for name, schema in output_schemas.items():
        Draft202012Validator.check_schema(schema)
        assert schema.get("type") == "object", name
        text = json.dumps(schema)
        assert '"$ref"' not in text and '"$defs"' not in text, name


def test_every_schema_converts_to_openai_strict_mode_without_fallback(schemas: dict[str, dict[str, Any]]) -> None:
    # The Agents SDK's MCP adapter runs exactly this and silently falls back to non-strict when it raises.
    for name, schema in schemas.items():
        try:
            strict = ensure_strict_json_schema(copy.deepcopy(schema))
        except Exception as exc:
            pytest.fail(f"{name}: OpenAI strict conversion failed: {exc}")
        assert strict["additionalProperties"] is False, name


_GENAI_NAMES = {
    "maxLength": "max_length",
    "minLength": "min_length",
    "maxItems": "max_items",
    "minItems": "min_items",
}
# Gemini's Schema has no way to close an object (google-genai's converter notes it "to come"); every other keyword
# a schema here uses must survive the conversion.
_NOT_IN_GEMINI_SCHEMA = {"additionalProperties"}


def _lost(original: dict[str, Any], converted: dict[str, Any], where: str) -> list[str]:
    lost: list[str] = []
    for key, value in original.items():
        if key in _NOT_IN_GEMINI_SCHEMA:
            continue
        field = _GENAI_NAMES.get(key, key)
        got = converted.get(field)
        if key == "properties":
            for prop, sub in cast("dict[str, Any]", value).items():
                inner = cast("dict[str, Any]", (got or {}).get(prop) or {})
                lost += _lost(sub, inner, f"{where}.{prop}")
        elif key == "items":
            lost += _lost(value, cast("dict[str, Any]", got or {}), f"{where}[]")
        elif key == "type":
            if str(got).lower() != str(value).lower():
                lost.append(f"{where}: type {value} became {got}")
        elif got != value:
            lost.append(f"{where}: {key}={value!r} became {got!r}")
    return lost


def test_every_schema_converts_to_geminis_schema_without_loss(schemas: dict[str, dict[str, Any]]) -> None:
    for name, schema in schemas.items():
        converted = genai.Schema.from_json_schema(
            json_schema=genai.JSONSchema.model_validate(schema), raise_error_on_unsupported_field=True
        )
        dumped = cast("dict[str, Any]", converted.model_dump(mode="json", exclude_none=True))
        assert _lost(schema, dumped, name) == []
