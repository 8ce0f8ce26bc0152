"""Calling tools in tests: the structured result of a call that must succeed, the message of one that must fail."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from mcp import Client
from mcp.types import TextContent


async def ok(client: Client, name: str, /, **arguments: Any) -> dict[str, Any]:
    """Call a tool that must succeed; its structured result."""
    result = await client.call_tool(name, wire(name, arguments))
    assert not result.is_error, _text(result.content)
    assert result.structured_content is not None
    return result.structured_content


async def fails(client: Client, name: str, /, **arguments: Any) -> str:
    """Call a tool that must fail with a tool error; the error's text."""
    result = await client.call_tool(name, wire(name, arguments))
    assert result.is_error, result.structured_content
    return _text(result.content)


def _text(content: list[Any]) -> str:
    return " ".join(part.text for part in content if isinstance(part, TextContent))


def wire(name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """xero_get/xero_write arguments as the tools take them: the body as JSON text, the query as a query string."""
    if name not in ("xero_get", "xero_write"):
        return arguments
    out = dict(arguments)
    if isinstance(out.get("body"), dict | list):
        out["body"] = json.dumps(out["body"])
    if isinstance(out.get("query"), dict):
        out["query"] = urlencode(out["query"])
    return out


async def confirmed(client: Client, name: str, /, **arguments: Any) -> dict[str, Any]:
    """Call a destructive tool the way a client without elicitation must: preview, then again with its token.

    The result of the second call (which must succeed)."""
    preview = await ok(client, name, **arguments)
    assert preview["done"] is False and preview.get("confirm_token"), preview
    return await ok(client, name, **arguments, confirm_token=preview["confirm_token"])


async def fails_confirmed(client: Client, name: str, /, **arguments: Any) -> str:
    """Preview a destructive tool, then call it with the preview's token where it must fail; the error's text."""
    preview = await ok(client, name, **arguments)
    assert preview["done"] is False and preview.get("confirm_token"), preview
    return await fails(client, name, **arguments, confirm_token=preview["confirm_token"])


async def confirmed_result(client: Client, name: str, /, **arguments: Any) -> dict[str, Any]:
    """The result of a destructive call made as `confirmed` makes it."""
    done = await confirmed(client, name, **arguments)
    assert done["done"] is True, done
    return done["result"]
