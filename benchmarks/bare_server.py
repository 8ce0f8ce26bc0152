"""The floor for a Python MCP server: mcp 2.x's MCPServer with one tool, over stdio.

Cold start compares `xero-mcp serve` with this script run by the same interpreter; whatever xero-mcp adds above it
is xero-mcp's own cost. Run as a script (`python benchmarks/bare_server.py`).
"""

from __future__ import annotations

from mcp.server import MCPServer


def build() -> MCPServer:
    """An MCP server with a single trivial tool."""
    server = MCPServer("bare")

    @server.tool()
    def echo(text: str) -> str:  # pyright: ignore[reportUnusedFunction] - registered by the decorator
        """Return the text unchanged."""
        return text

    return server


if __name__ == "__main__":
    build().run("stdio")
