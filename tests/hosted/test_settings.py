"""Hosted mode's settings: what it needs, and how it says what is missing (without echoing secrets)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from pydantic import SecretStr

from xero_mcp.cli import main
from xero_mcp.config import Settings
from xero_mcp.hosted.app import HostedConfigError, check_settings
from xero_mcp.store import EncryptionKeyError, KeyRing, generate_key


def test_the_environment_turns_hosted_mode_on_and_history_notes_off() -> None:
    settings = Settings.from_env(
        {
            "XERO_MCP_AUTH": "oauth",
            "XERO_MCP_PUBLIC_URL": "https://mcp.example.com",
            "XERO_MCP_DATABASE_URL": "postgresql://db/xero",
            "XERO_MCP_ENCRYPTION_KEY": generate_key(),
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


NOT_KEYS = {
    "a passphrase": "correct horse battery staple, a passphrase!",
    "16 bytes": base64.b64encode(bytes(range(16))).decode(),
    "33 bytes": base64.b64encode(bytes(range(33))).decode(),
    "31 bytes in hex": bytes(range(31)).hex(),
    "32 zero bytes": base64.b64encode(bytes(32)).decode(),
    "64 letters a": "a" * 64,
    # The stdlib's lenient base64 would drop the spaces and read 32 bytes out of this.
    "base64 with stray characters": " ".join(generate_key()[i : i + 4] for i in range(0, 44, 4)),
}


@pytest.mark.parametrize("text", list(NOT_KEYS.values()), ids=list(NOT_KEYS))
def test_a_key_that_is_not_32_random_bytes_is_refused_saying_how_to_make_one(text: str) -> None:
    with pytest.raises(EncryptionKeyError) as caught:
        KeyRing.parse(text)
    message = str(caught.value)
    assert "xero-mcp hosted keygen" in message and "32" in message
    assert text not in message and text[:12] not in message


def test_32_bytes_in_urlsafe_or_standard_base64_with_or_without_padding_or_hex_open_the_same_values() -> None:
    raw = bytes(range(200, 232))
    spellings = [
        base64.urlsafe_b64encode(raw).decode(),
        base64.b64encode(raw).decode(),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
        raw.hex(),
        raw.hex().upper(),
    ]
    assert base64.b64encode(raw) != base64.urlsafe_b64encode(raw)  # the two alphabets really differ here
    sealed = KeyRing.parse(f"k1:{spellings[0]}").seal(b"login", "ctx")
    for spelling in spellings:
        assert KeyRing.parse(f"k1:{spelling}").open(sealed, "ctx") == b"login"


def test_rotation_reads_values_sealed_under_the_old_key_and_names_a_bad_entry_by_position_only() -> None:
    old, new = generate_key(), generate_key()
    sealed = KeyRing.parse(f"old:{old}").seal(b"login", "ctx")
    rotated = KeyRing.parse(f"new:{new},old:{old}")
    assert rotated.open(sealed, "ctx") == b"login" and rotated.seal(b"x", "ctx").key_id == "new"
    with pytest.raises(EncryptionKeyError, match="key 2 of 2") as caught:
        KeyRing.parse(f"new:{new},old:not-a-key-at-all")
    assert "not-a-key-at-all" not in str(caught.value)


def test_derived_secrets_differ_by_purpose_and_follow_the_sealing_key_first() -> None:
    old, new = generate_key(), generate_key()
    ring = KeyRing.parse(f"new:{new},old:{old}")
    assert ring.derive("confirmation tokens")[1] == KeyRing.parse(old).derive("confirmation tokens")[0]
    assert ring.derive("confirmation tokens")[0] != ring.derive("other")[0]
    assert all(len(key) == 32 for key in ring.derive("confirmation tokens"))


def test_keygen_prints_a_key_hosted_mode_accepts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hosted", "keygen"]) == 0
    KeyRing.parse(capsys.readouterr().out.strip())


@pytest.mark.parametrize("text", [NOT_KEYS["a passphrase"], NOT_KEYS["32 zero bytes"]])
def test_serve_refuses_a_bad_key_at_start_up_with_exit_2_and_no_traceback(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XERO_MCP_ENCRYPTION_KEY", text)
    monkeypatch.setenv("XERO_MCP_STATE_DIR", str(tmp_path))
    code = main(["serve", "--transport", "http", "--auth", "oauth", "--port", "0"])
    captured = capsys.readouterr()
    assert code == 2
    assert "Traceback" not in captured.err and text not in captured.err + captured.out
    assert "xero-mcp hosted keygen" in captured.err
    assert not (tmp_path / "hosted.sqlite3").exists()  # refused before anything was opened


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
