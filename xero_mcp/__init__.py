"""xero-mcp: an MCP server for the Xero Accounting API, with a faithful local sandbox."""

from importlib.metadata import PackageNotFoundError, version

from xero_mcp.config import Settings

DISTRIBUTION = "mcp-server-xero"
"""The name the package is published under (the import package and the `xero-mcp` command keep their names)."""

try:
    __version__ = version(DISTRIBUTION)
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["DISTRIBUTION", "Settings", "__version__"]
