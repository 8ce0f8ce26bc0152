"""Settings read from the environment: one reading of every boolean, and start-up stops on a value it cannot read."""

from __future__ import annotations

import pytest

from xero_mcp.config import SettingError, Settings, parse_bool


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", "True", "yes", "Yes", "on", "ON", " on", "true ", "\tYes\n"])
def test_every_usual_spelling_of_true_turns_a_boolean_setting_on(raw: str) -> None:
    assert Settings.from_env({"XERO_MCP_READ_ONLY": raw}).read_only is True


@pytest.mark.parametrize("raw", ["0", "false", "FALSE", "no", "No", "off", "Off ", ""])
def test_every_usual_spelling_of_false_leaves_a_boolean_setting_off(raw: str) -> None:
    assert Settings.from_env({"XERO_MCP_READ_ONLY": raw}).read_only is False


@pytest.mark.parametrize("raw", ["y", "n", "t", "2", "enabled", "read-only", "tru e"])
def test_a_boolean_setting_spelled_any_other_way_is_refused_with_its_name_and_the_accepted_spellings(raw: str) -> None:
    with pytest.raises(SettingError) as caught:
        Settings.from_env({"XERO_MCP_READ_ONLY": raw})
    message = str(caught.value)
    assert "XERO_MCP_READ_ONLY" in message
    assert all(spelling in message for spelling in ("1/true/yes/on", "0/false/no/off"))


def test_parse_bool_reads_one_value_the_same_way_for_every_setting() -> None:
    assert parse_bool("ANY_FLAG", " YES ") is True and parse_bool("ANY_FLAG", "Off") is False
    with pytest.raises(SettingError, match="ANY_FLAG"):
        parse_bool("ANY_FLAG", "y")


def test_start_up_stops_with_exit_2_and_a_message_not_a_traceback_on_an_unreadable_boolean(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from xero_mcp import cli

    monkeypatch.setenv("XERO_MCP_READ_ONLY", "y")
    try:
        code = cli.main(["tools", "--json"])
    except SystemExit as exited:
        code = exited.code
    captured = capsys.readouterr()
    assert code == 2
    assert "XERO_MCP_READ_ONLY" in captured.err and "1/true/yes/on" in captured.err
    assert "Traceback" not in captured.err and captured.out == ""


def test_session_limits_are_read_from_the_environment() -> None:
    settings = Settings.from_env({"XERO_MCP_MAX_SESSIONS": " 25 ", "XERO_MCP_SESSION_IDLE_TIMEOUT": "90"})
    assert settings.max_sessions == 25 and settings.session_idle_timeout == 90


@pytest.mark.parametrize(
    ("key", "raw"),
    [
        ("XERO_MCP_MAX_SESSIONS", "0"),
        ("XERO_MCP_MAX_SESSIONS", "many"),
        ("XERO_MCP_SESSION_IDLE_TIMEOUT", "-5"),
        ("XERO_MCP_SESSION_IDLE_TIMEOUT", "inf"),
    ],
)
def test_a_session_limit_that_is_not_a_positive_number_is_refused_by_name(key: str, raw: str) -> None:
    with pytest.raises(SettingError, match=key):
        Settings.from_env({key: raw})


def test_a_flag_value_out_of_range_is_a_setting_error_that_names_the_setting() -> None:
    with pytest.raises(SettingError, match="max_sessions"):
        Settings.from_env({}, max_sessions=0)
