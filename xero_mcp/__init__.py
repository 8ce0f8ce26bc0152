"""xero-mcp: an MCP server for the Xero Accounting API, with a faithful local sandbox."""

from xero_mcp.config import Settings

__version__ = "0.1.0"
__all__ = ["Settings", "__version__"]
