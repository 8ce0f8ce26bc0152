"""Calling tools in tests: the structured result of a call that must succeed, the message of one that must fail."""

from __future__ import annotations

from typing import Any

from mcp import Client
from mcp.types import TextContent


async def ok(client: Client, name: str, /, **arguments: Any) -> dict[str, Any]:
    """Call a tool that must succeed; its structured result."""
    result = await client.call_tool(name, arguments)
    assert not result.is_error, _text(result.content)
    assert result.structured_content is not None
    return result.structured_content


async def fails(client: Client, name: str, /, **arguments: Any) -> str:
    """Call a tool that must fail with a tool error; the error's text."""
    result = await client.call_tool(name, arguments)
    assert result.is_error, result.structured_content
    return _text(result.content)


def _text(content: list[Any]) -> str:
    return " ".join(part.text for part in content if isinstance(part, TextContent))
