"""The real thing: `xero-mcp serve --sandbox` as a subprocess, driven over stdio by the SDK's own client."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from mcp import ClientSession, StdioServerParameters, stdio_client


async def test_serve_sandbox_answers_over_stdio_with_tools_and_a_working_call(tmp_path: Path) -> None:
    env = {**os.environ, "XERO_MCP_STATE_DIR": str(tmp_path)}
    for name in ("XERO_ACCESS_TOKEN", "XERO_CLIENT_ID", "XERO_CLIENT_SECRET", "XERO_TENANT_ID"):
        env.pop(name, None)
    params = StdioServerParameters(command=sys.executable, args=["-m", "xero_mcp", "serve", "--sandbox"], env=env)
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        init = await session.initialize()
        assert init.server_info.name == "xero-mcp"
        tools = {tool.name for tool in (await session.list_tools()).tools}
        assert {"list_tenants", "find_or_create_contact", "create_document"} <= tools
        result = await session.call_tool("list_tenants", {})
    assert result.is_error is False
    assert result.structured_content is not None
    names = [tenant["name"] for tenant in result.structured_content["tenants"]]
    assert len(names) == 2
