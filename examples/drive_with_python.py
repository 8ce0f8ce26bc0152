"""Drive xero-mcp with the MCP Python SDK: start `xero-mcp serve --sandbox`, find or create a customer, invoice them.

Run from the repository root after installing:  .venv/bin/python examples/drive_with_python.py
"""

from __future__ import annotations

import asyncio
import json
import sys

from mcp import Client, StdioServerParameters


async def main() -> None:
    server = StdioServerParameters(command=sys.executable, args=["-m", "xero_mcp", "serve", "--sandbox"])
    async with Client(server) as client:
        tools = (await client.list_tools()).tools
        print(f"{len(tools)} tools, e.g. {', '.join(tool.name for tool in tools[:5])}")

        found = await client.call_tool("find_or_create_contact", {"name": "Acme Ltd", "email_address": "ap@acme.test"})
        contact = found.structured_content or {}
        print("contact:", json.dumps(contact))

        invoice = await client.call_tool(
            "create_document",
            {
                "kind": "invoice",
                "contact": contact["contact_id"],
                "lines": [{"description": "Consulting", "quantity": 3, "unit_amount": "150", "account": "Sales"}],
                "status": "AUTHORISED",
            },
        )
        if invoice.is_error:
            raise SystemExit(invoice.content[0].text)  # type: ignore[union-attr]
        print("invoice:", json.dumps(invoice.structured_content))


if __name__ == "__main__":
    asyncio.run(main())
