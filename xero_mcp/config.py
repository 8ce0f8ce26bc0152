"""Settings: where Xero lives, how to authenticate, which tools to expose, where state is kept.

Settings are read once from the environment (and then overridden by CLI flags) into an immutable object that the
composition root hands to every part that needs it. Nothing reads the environment after start-up.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr

DEFAULT_API_URL = "https://api.xero.com/api.xro/2.0"
DEFAULT_IDENTITY_URL = "https://identity.xero.com"
DEFAULT_LOGIN_URL = "https://login.xero.com"
DEFAULT_CONNECTIONS_URL = "https://api.xero.com/connections"


def default_state_dir() -> Path:
    """Where cursors, the dedupe ledger and the encrypted token file live when XERO_MCP_STATE_DIR is unset."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "xero-mcp"


def _csv(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(part.strip() for part in value.split(",") if part.strip())


class Settings(BaseModel):
    """Everything configurable about one xero-mcp process. Secrets are SecretStr so they never print."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    api_url: str = DEFAULT_API_URL
    identity_url: str = DEFAULT_IDENTITY_URL
    login_url: str = DEFAULT_LOGIN_URL
    connections_url: str = DEFAULT_CONNECTIONS_URL

    client_id: str | None = None
    client_secret: SecretStr | None = None
    scopes: tuple[str, ...] = ()
    access_token: SecretStr | None = None
    tenant_id: str | None = None

    state_dir: Path = Field(default_factory=default_state_dir)
    token_key: SecretStr | None = None

    toolsets: tuple[str, ...] = ("default",)
    tools: tuple[str, ...] = ()
    exclude_tools: tuple[str, ...] = ()
    read_only: bool = False
    tenant: str | None = None

    http_token: SecretStr | None = None
    allowed_hosts: tuple[str, ...] = ()
    webhook_key: SecretStr | None = None
    request_timeout: float = 30.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from environment variables; keyword overrides (CLI flags) win when not None."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}

        def take(key: str, field: str) -> None:
            raw = env.get(key)
            if raw:
                values[field] = raw

        take("XERO_API_URL", "api_url")
        take("XERO_IDENTITY_URL", "identity_url")
        take("XERO_LOGIN_URL", "login_url")
        take("XERO_CONNECTIONS_URL", "connections_url")
        take("XERO_CLIENT_ID", "client_id")
        take("XERO_CLIENT_SECRET", "client_secret")
        take("XERO_ACCESS_TOKEN", "access_token")
        take("XERO_TENANT_ID", "tenant_id")
        take("XERO_MCP_STATE_DIR", "state_dir")
        take("XERO_MCP_TOKEN_KEY", "token_key")
        take("XERO_MCP_HTTP_TOKEN", "http_token")
        take("XERO_WEBHOOK_KEY", "webhook_key")
        if env.get("XERO_SCOPES"):
            values["scopes"] = tuple(env["XERO_SCOPES"].replace(",", " ").split())
        if env.get("XERO_MCP_ALLOWED_HOSTS"):
            values["allowed_hosts"] = _csv(env["XERO_MCP_ALLOWED_HOSTS"])
        if env.get("XERO_MCP_TOOLSETS"):
            values["toolsets"] = _csv(env["XERO_MCP_TOOLSETS"])
        if env.get("XERO_MCP_READ_ONLY", "").lower() in {"1", "true", "yes"}:
            values["read_only"] = True
        values.update({key: value for key, value in overrides.items() if value is not None})
        return cls(**values)
