"""Hosted mode's settings: what it needs, and how it says what is missing (without echoing secrets)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from xero_mcp.cli import main
from xero_mcp.config import Settings
from xero_mcp.hosted.app import HostedConfigError, check_settings


def test_the_environment_turns_hosted_mode_on_and_history_notes_off() -> None:
    settings = Settings.from_env(
        {
            "XERO_MCP_AUTH": "oauth",
            "XERO_MCP_PUBLIC_URL": "https://mcp.example.com",
            "XERO_MCP_DATABASE_URL": "postgresql://db/xero",
            "XERO_MCP_ENCRYPTION_KEY": "k",
            "XERO_MCP_HISTORY_NOTES": "off",
        }
    )
    assert (settings.auth_mode, settings.public_url, settings.database_url) == (
        "oauth",
        "https://mcp.example.com",
        "postgresql://db/xero",
    )
    assert settings.history_notes is False
    assert check_settings(settings).xero_callback == "https://mcp.example.com/oauth/xero/callback"
    assert check_settings(settings).resource == "https://mcp.example.com/mcp"


def test_hosted_mode_refuses_to_start_without_an_encryption_key() -> None:
    with pytest.raises(HostedConfigError, match="XERO_MCP_ENCRYPTION_KEY"):
        check_settings(Settings(auth_mode="oauth", public_url="https://mcp.example.com"))


def test_serve_with_auth_oauth_and_a_bad_key_exits_2_naming_the_setting_not_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XERO_MCP_ENCRYPTION_KEY", "too-short-secret-value")
    monkeypatch.setenv("XERO_MCP_STATE_DIR", str(tmp_path))
    code = main(["serve", "--transport", "http", "--auth", "oauth", "--sandbox", "--port", "0"])
    err = capsys.readouterr().err
    assert code == 2
    assert "XERO_MCP_ENCRYPTION_KEY" in err and "too-short-secret-value" not in err


def test_a_key_is_never_shown_in_settings() -> None:
    settings = Settings(encryption_key=SecretStr("a-secret-key"))
    assert "a-secret-key" not in repr(settings)


def test_an_unknown_auth_mode_or_oauth_over_stdio_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from xero_mcp.config import SettingError

    with pytest.raises(SettingError, match="auth_mode"):
        Settings.from_env({"XERO_MCP_AUTH": "oauht"})
    monkeypatch.setenv("XERO_MCP_ENCRYPTION_KEY", "unused")
    assert main(["serve", "--auth", "oauth"]) == 2
    assert "needs --transport http" in capsys.readouterr().err
