"""Authentication: token providers, login, token storage."""

from xero_mcp.auth.errors import AuthServiceUnavailable, LoginFailed, OAuthFailure, TokenStoreError
from xero_mcp.auth.provider import LoginRequired, StaticTokenProvider, Tenant, TokenProvider

__all__ = [
    "AuthServiceUnavailable",
    "LoginFailed",
    "LoginRequired",
    "OAuthFailure",
    "StaticTokenProvider",
    "Tenant",
    "TokenProvider",
    "TokenStoreError",
]
