"""The MCP tools: one declaration per tool, collected in ALL_TOOLS."""
