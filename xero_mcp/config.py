"""Settings: where Xero lives, how to authenticate, which tools to expose, where state is kept.

Settings are read once from the environment (and then overridden by CLI flags) into an immutable object that the
composition root hands to every part that needs it. Nothing reads the environment after start-up.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

DEFAULT_API_URL = "https://api.xero.com/api.xro/2.0"
DEFAULT_IDENTITY_URL = "https://identity.xero.com"
DEFAULT_LOGIN_URL = "https://login.xero.com"
DEFAULT_CONNECTIONS_URL = "https://api.xero.com/connections"
DEFAULT_MAX_SESSIONS = 100
"""Open Streamable HTTP sessions per server. A person's assistants need a handful; the SDK's own cap (10,000) let
one local process take the server from 87 MB to 449 MB before it answered 503."""
DEFAULT_SESSION_IDLE_TIMEOUT = 600.0
"""Seconds a Streamable HTTP session may sit idle (no request in flight, no open stream) before it is closed; the
SDK's default is half an hour. A client whose session expired gets 404 and opens a new one, as the spec says."""


def default_state_dir() -> Path:
    """Where cursors, the dedupe ledger and the encrypted token file live when XERO_MCP_STATE_DIR is unset."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "xero-mcp"


MIN_TOKEN_KEY_LENGTH = 32
"""XERO_MCP_TOKEN_KEY is a passphrase for scrypt (about 40 ms a guess): a short or dictionary word falls to an offline
guesser who copies the login file, 32 random characters do not."""
TOKEN_KEY_ADVICE = (
    f"use at least {MIN_TOKEN_KEY_LENGTH} random characters, for example the output of "
    '`python -c "import secrets; print(secrets.token_urlsafe(32))"`.'
)


class SettingError(ValueError):
    """A setting's value cannot be read; start-up stops with this message (it names the variable, never a secret)."""


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def parse_bool(name: str, raw: str) -> bool:
    """The one reading of every boolean setting: 1/true/yes/on or 0/false/no/off, in any case, blanks trimmed.

    Anything else raises SettingError: a safety switch such as XERO_MCP_READ_ONLY that is misspelt must stop
    start-up, not leave every write tool exposed.
    """
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingError(f"{name}={raw.strip()!r} is not a boolean: use one of 1/true/yes/on or 0/false/no/off.")


def parse_positive(name: str, raw: str, kind: type[int] | type[float]) -> int | float:
    """A positive, finite number setting (a count or seconds); anything else raises SettingError naming `name`."""
    try:
        value = kind(raw.strip())
    except ValueError:
        value = None
    if value is None or not math.isfinite(value) or value <= 0:
        noun = "whole number" if kind is int else "number of seconds"
        raise SettingError(f"{name}={raw.strip()!r} is not a positive {noun}.")
    return value


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
    max_sessions: int = Field(default=DEFAULT_MAX_SESSIONS, gt=0)
    session_idle_timeout: float = Field(default=DEFAULT_SESSION_IDLE_TIMEOUT, gt=0, allow_inf_nan=False)
    redis_url: SecretStr | None = None
    redis_prefix: str = "xero-mcp"
    stateless_http: bool = False
    shutdown_grace: float = 30.0
    clock_rate: float = Field(default=1.0, gt=0, allow_inf_nan=False)
    webhook_key: SecretStr | None = None
    request_timeout: float = 30.0

    # Hosted connector (`serve --transport http --auth oauth`): see xero_mcp.hosted.
    auth_mode: Literal["oauth"] | None = None
    public_url: str | None = None
    database_url: str | None = None
    encryption_key: SecretStr | None = None
    history_notes: bool = True
    # Abuse limits (per replica): Dynamic Client Registrations an hour from one address and from everyone, and the
    # signed-in people whose Xero client and stores stay in memory (the least recently used and the idle go first).
    registrations_per_source: int = Field(default=20, gt=0)
    registrations_per_hour: int = Field(default=500, gt=0)
    max_user_backends: int = Field(default=200, gt=0)
    user_idle_timeout: float = Field(default=900.0, gt=0, allow_inf_nan=False)

    @field_validator("token_key")
    @classmethod
    def _long_token_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < MIN_TOKEN_KEY_LENGTH:
            raise ValueError(
                f"XERO_MCP_TOKEN_KEY is shorter than {MIN_TOKEN_KEY_LENGTH} characters: {TOKEN_KEY_ADVICE}"
            )
        return value

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from environment variables; keyword overrides (CLI flags) win when not None.

        Raises SettingError when a variable's value cannot be read.
        """
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
        take("XERO_MCP_AUTH", "auth_mode")
        take("XERO_MCP_PUBLIC_URL", "public_url")
        take("XERO_MCP_DATABASE_URL", "database_url")
        take("XERO_MCP_ENCRYPTION_KEY", "encryption_key")
        take("XERO_MCP_REDIS_URL", "redis_url")
        take("XERO_MCP_REDIS_PREFIX", "redis_prefix")
        if env.get("XERO_SCOPES"):
            values["scopes"] = tuple(env["XERO_SCOPES"].replace(",", " ").split())
        if env.get("XERO_MCP_ALLOWED_HOSTS"):
            values["allowed_hosts"] = _csv(env["XERO_MCP_ALLOWED_HOSTS"])
        if env.get("XERO_MCP_TOOLSETS"):
            values["toolsets"] = _csv(env["XERO_MCP_TOOLSETS"])

        def flag(key: str, field: str) -> None:
            raw = env.get(key, "")
            if raw.strip():
                values[field] = parse_bool(key, raw)

        flag("XERO_MCP_READ_ONLY", "read_only")
        flag("XERO_MCP_HISTORY_NOTES", "history_notes")
        if env.get("XERO_MCP_MAX_SESSIONS", "").strip():
            values["max_sessions"] = parse_positive("XERO_MCP_MAX_SESSIONS", env["XERO_MCP_MAX_SESSIONS"], int)
        if env.get("XERO_MCP_SESSION_IDLE_TIMEOUT", "").strip():
            raw_timeout = env["XERO_MCP_SESSION_IDLE_TIMEOUT"]
            values["session_idle_timeout"] = parse_positive("XERO_MCP_SESSION_IDLE_TIMEOUT", raw_timeout, float)
        flag("XERO_MCP_STATELESS_HTTP", "stateless_http")
        for key, field, kind in (
            ("XERO_MCP_REGISTRATIONS_PER_SOURCE", "registrations_per_source", int),
            ("XERO_MCP_REGISTRATIONS_PER_HOUR", "registrations_per_hour", int),
            ("XERO_MCP_MAX_USER_BACKENDS", "max_user_backends", int),
            ("XERO_MCP_USER_IDLE_TIMEOUT", "user_idle_timeout", float),
        ):
            if env.get(key, "").strip():
                values[field] = parse_positive(key, env[key], kind)
        if env.get("XERO_MCP_CLOCK_RATE", "").strip():
            values["clock_rate"] = parse_positive("XERO_MCP_CLOCK_RATE", env["XERO_MCP_CLOCK_RATE"], float)
        if env.get("XERO_MCP_SHUTDOWN_GRACE", "").strip():
            values["shutdown_grace"] = parse_positive("XERO_MCP_SHUTDOWN_GRACE", env["XERO_MCP_SHUTDOWN_GRACE"], float)
        values.update({key: value for key, value in overrides.items() if value is not None})
        try:
            return cls(**values)
        except ValidationError as exc:
            # Field names and pydantic's reason only: the input itself may be a secret.
            problems = "; ".join(f"{'.'.join(map(str, error['loc']))}: {error['msg']}" for error in exc.errors())
            raise SettingError(f"invalid setting: {problems}") from None
