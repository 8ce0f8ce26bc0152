"""Failures of signing in and of keeping a sign-in alive, each worded as what the user should do.

Everything that makes Xero unusable until the user acts is a LoginRequired (the tools turn it into a tool error
that names the fix). No message here ever contains a token, a secret or an encryption key.
"""

from __future__ import annotations

from xero_mcp.auth.provider import LoginRequired


class AuthServiceUnavailable(LoginRequired):
    """Xero's identity service could not be reached (network, 5xx): the sign-in itself may still be fine."""


class TokenStoreError(LoginRequired):
    """The stored sign-in cannot be read or written (no keyring and no key, wrong key, damaged file)."""


class LoginFailed(Exception):
    """`xero-mcp login` did not complete: refused consent, a state or PKCE mismatch, a timeout."""


class OAuthFailure(Exception):
    """Xero's token endpoint answered with an OAuth error such as `invalid_grant` or `invalid_scope`."""

    def __init__(self, error: str, description: str | None = None) -> None:
        self.error = error
        self.description = description
        super().__init__(f"{error}: {description}" if description else error)
