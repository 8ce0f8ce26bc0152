"""Measurement 2: context cost, the size of the tools/list result a model reads at the start of every conversation.

Counted as the JSON of the tools array as it goes on the wire (camelCase, None fields left out, compact
separators), in characters and in approximate tokens (characters / 4). Xero's official server is the baseline,
from its recorded tools/list (../shared/anchors/) or, when that file is absent, listed live.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import anyio
from mcp import Client, ClientSession
from mcp.client.stdio import stdio_client

from benchmarks._harness import REPO_ROOT, Measurement, Options, Row
from benchmarks._official import VERSION, Unavailable, ensure_official
from benchmarks._servers import official_params

NAME = "context_cost"
TITLE = "Context cost of tools/list"
ANCHOR = REPO_ROOT.parent / "shared" / "anchors" / f"xero-mcp-server-{VERSION}.tools-list.json"
CHARS_PER_TOKEN = 4
TARGET_DEFAULT_CHARS = 20_000
TARGET_PER_TOOL_RATIO = 0.5


def wire_size(tools: Sequence[dict[str, Any]]) -> int:
    """Characters of the tools array serialised as on the wire (compact JSON, non-ASCII kept as is)."""
    return len(json.dumps(list(tools), separators=(",", ":"), ensure_ascii=False))


def model_visible_size(tools: Sequence[dict[str, Any]]) -> int:
    """Characters of what a model is given of each tool: its name, description and input schema, as compact JSON."""
    visible = [
        {"name": tool["name"], "description": tool.get("description"), "inputSchema": tool["inputSchema"]}
        for tool in tools
    ]
    return len(json.dumps(visible, separators=(",", ":"), ensure_ascii=False))


def share(tools: Sequence[dict[str, Any]], key: str) -> float:
    """The fraction of the tools array's characters spent on one field of every tool (like outputSchema)."""
    total = wire_size(tools)
    part = sum(len(json.dumps(tool[key], separators=(",", ":"), ensure_ascii=False)) for tool in tools if key in tool)
    return part / total if total else 0.0


def tokens(chars: float) -> float:
    """The usual rough token estimate for English and JSON text."""
    return chars / CHARS_PER_TOKEN


async def xero_mcp_tools(toolsets: tuple[str, ...]) -> list[dict[str, Any]]:
    """xero-mcp's tools/list for these toolsets, through an in-memory MCP client (no backend is ever built)."""
    from xero_mcp.config import Settings
    from xero_mcp.server import build_server
    from xero_mcp.tools._context import Backend

    async def no_backend() -> Backend:
        raise RuntimeError("listing tools must not need a backend")

    server, _ = build_server(Settings(toolsets=toolsets), no_backend)
    async with Client(server, mode="legacy") as client:
        listed = await client.list_tools()
        tools = list(listed.tools)
        while listed.next_cursor is not None:
            listed = await client.list_tools(cursor=listed.next_cursor)
            tools.extend(listed.tools)
    return [tool.model_dump(mode="json", by_alias=True, exclude_none=True) for tool in tools]


def anchor_tools(path: Path = ANCHOR) -> list[dict[str, Any]] | None:
    """The official server's tools from its recorded tools/list response, or None when the file is absent."""
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    return cast(list[dict[str, Any]], data["tools"]["result"]["tools"])


async def official_tools_live() -> list[dict[str, Any]]:
    """The official server's tools, listed live over stdio."""
    params = official_params(ensure_official())
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        listed = await session.list_tools()
    return [tool.model_dump(mode="json", by_alias=True, exclude_none=True) for tool in listed.tools]


def run(options: Options) -> Measurement:
    """Measure tools/list size for the default toolsets, all tools, and the official server."""
    del options  # sizes are exact: nothing to repeat
    official = anchor_tools()
    source = f"recorded tools/list in {ANCHOR.relative_to(REPO_ROOT.parent)}"
    skipped: list[str] = []
    if official is None:
        try:
            official = anyio.run(official_tools_live)
            source = "listed live over stdio"
        except Unavailable as reason:
            skipped.append(f"official server: no recorded tools/list at {ANCHOR} and {reason}")
    result = Measurement(
        NAME,
        TITLE,
        "tools array of tools/list serialised as on the wire (camelCase, no None fields, compact JSON) and counted "
        f"in characters, tokens ~ chars/{CHARS_PER_TOKEN}; xero-mcp listed through an in-memory mcp.Client; "
        f"official server: {source}.",
        skipped=skipped,
    )

    official_chars = None if official is None else float(wire_size(official))
    official_per_tool = None if official is None or official_chars is None else official_chars / len(official)
    official_label = "" if official is None else f"official, {len(official)} tools"

    for label, toolsets in (("default toolsets", ("default",)), ("all tools", ("all",))):
        try:
            ours = anyio.run(xero_mcp_tools, toolsets)
        except ImportError as error:
            result.skip(f"xero-mcp {label}: the tools are not importable yet ({error})")
            continue
        visible = float(model_visible_size(ours))
        seen = result.add(
            Row(
                f"model-visible size, {label} ({len(ours)} tools)",
                visible,
                "chars",
                None if official is None else float(model_visible_size(official)),
                official_label,
                note="name + description + inputSchema of each tool, compact JSON",
            )
        )
        if toolsets == ("default",):
            seen.target = f"<= {TARGET_DEFAULT_CHARS:,} chars"
            seen.met = visible <= TARGET_DEFAULT_CHARS
        chars = float(wire_size(ours))
        # The budget applies to what the model is given (the row above), not to titles and annotations.
        result.add(
            Row(
                f"tools/list size, {label} ({len(ours)} tools)",
                chars,
                "chars",
                official_chars,
                official_label,
                note=f"~{tokens(chars):,.0f} tokens; inputSchema {share(ours, 'inputSchema'):.0%}, "
                f"outputSchema {share(ours, 'outputSchema'):.0%}, descriptions {share(ours, 'description'):.0%}",
            )
        )
        per_tool = result.add(
            Row(f"size per tool, {label}", chars / len(ours), "chars", official_per_tool, official_label)
        )
        per_tool.target = f"<= {TARGET_PER_TOOL_RATIO:.2f}x official"
        if per_tool.ratio is not None:
            per_tool.met = per_tool.ratio <= TARGET_PER_TOOL_RATIO
    return result
