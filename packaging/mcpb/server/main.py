"""Entry point of the MCP bundle: Claude Desktop runs this file with uv, which installs the package from the bundle's
pyproject.toml; the server then talks to Claude Desktop over stdio."""

from xero_mcp.cli import main

raise SystemExit(main(["serve"]))
