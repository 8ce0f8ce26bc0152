"""Authentication: token providers, login, token storage."""

from xero_mcp.auth.provider import LoginRequired, StaticTokenProvider, Tenant, TokenProvider

__all__ = ["LoginRequired", "StaticTokenProvider", "Tenant", "TokenProvider"]
