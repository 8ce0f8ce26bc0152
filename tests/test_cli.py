"""The command line as a user meets it: the installed commands, run as processes, and their help through Click.

Processes are started through the installed console scripts (or `python -m xero_mcp` where the script is the same
code), so exit statuses, stderr and Ctrl-C are exactly what a shell sees. Nothing here waits on a timer: each test
reads the process's own output until the line that says it is ready.
"""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner

from xero_mcp import DISTRIBUTION
from xero_mcp.cli import cli

BIN = Path(sys.executable).parent
POSIX_ONLY = pytest.mark.skipif(sys.platform == "win32", reason="Ctrl-C is a POSIX signal here; Windows sends none")


def _script(name: str) -> str:
    path = BIN / (f"{name}.exe" if sys.platform == "win32" else name)
    if not path.exists():
        pytest.skip(f"the {name} console script is not installed in this environment (pip install -e . makes it)")
    return str(path)


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("XERO_")}
    return {**env, "XERO_MCP_STATE_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1", **extra}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own command with fixed arguments
        [_script("xero-mcp"), *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.fixture
def started() -> Iterator[list[subprocess.Popen[str]]]:
    """Processes a test starts; any still running at the end are killed, and their pipes closed (a failed test would
    otherwise leave them to the garbage collector, which reports them against whichever test runs then)."""
    processes: list[subprocess.Popen[str]] = []
    yield processes
    for process in processes:
        if process.poll() is None:
            process.kill()
        with process:  # waits for it and closes its pipes
            pass


def _as_from_a_terminal() -> None:
    """In the child: take Ctrl-C as a terminal delivers it. A shell starts background jobs (a CI script run with `&`)
    with SIGINT ignored, and a child inherits that, so Python would never raise KeyboardInterrupt there."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(started: list[subprocess.Popen[str]], args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    process = subprocess.Popen(  # noqa: S603 - our own command with fixed arguments
        [_script("xero-mcp"), *args],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_as_from_a_terminal if os.name == "posix" else None,
    )
    started.append(process)
    return process


def _read_until(stream: object, marker: str) -> str:
    """Lines from a process's stream up to and including the first that contains `marker`."""
    seen: list[str] = []
    for line in iter(stream.readline, ""):  # type: ignore[attr-defined]
        seen.append(line)
        if marker in line:
            return "".join(seen)
    raise AssertionError(f"the process ended before printing {marker!r}; it printed: {''.join(seen)!r}")


def _interrupt(process: subprocess.Popen[str]) -> tuple[int, str]:
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    return process.returncode, err


@pytest.mark.parametrize("command", ["xero-mcp", "mcp-server-xero"])
def test_both_commands_print_the_installed_distribution_version(command: str) -> None:
    result = subprocess.run([_script(command), "--version"], capture_output=True, text=True, timeout=60, check=False)  # noqa: S603
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{command} {version(DISTRIBUTION)}"


def test_an_unknown_toolset_ends_with_the_valid_names_and_exit_status_2(tmp_path: Path) -> None:
    by_flag = _run(["serve", "--toolsets", "sales,bogus"], _env(tmp_path))
    by_env = _run(["serve"], _env(tmp_path, XERO_MCP_TOOLSETS="bogus"))
    for result in (by_flag, by_env):
        assert result.returncode == 2
        assert "Traceback" not in result.stderr
        assert "unknown toolset 'bogus'" in result.stderr
        assert "Valid toolsets: contacts, documents, payments, accounting" in result.stderr
    assert "XERO_MCP_TOOLSETS" in by_env.stderr


def test_an_unknown_tool_name_is_a_usage_error_with_close_matches(tmp_path: Path) -> None:
    result = _run(["tools", "--tools", "list_record"], _env(tmp_path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "Unknown tool 'list_record'. Did you mean list_records" in result.stderr


@POSIX_ONLY
def test_ctrl_c_in_serve_exits_130_without_a_traceback(tmp_path: Path, started: list[subprocess.Popen[str]]) -> None:
    process = _start(started, ["serve", "--sandbox"], _env(tmp_path))
    assert process.stdin is not None and process.stdout is not None
    initialize = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}},
    }
    process.stdin.write(json.dumps(initialize) + "\n")
    process.stdin.flush()
    assert '"serverInfo"' in _read_until(process.stdout, '"id":1')
    status, err = _interrupt(process)
    assert status == 130
    assert "Traceback" not in err and "KeyboardInterrupt" not in err


@POSIX_ONLY
def test_ctrl_c_in_login_exits_130_without_a_traceback(tmp_path: Path, started: list[subprocess.Popen[str]]) -> None:
    env = _env(tmp_path, XERO_CLIENT_ID="test-client", XERO_MCP_TOKEN_KEY="k" * 43)
    process = _start(started, ["login", "--no-browser", "--port", "0"], env)
    assert process.stdout is not None
    _read_until(process.stdout, "Waiting for the redirect")
    status, err = _interrupt(process)
    assert status == 130
    assert "Traceback" not in err and "KeyboardInterrupt" not in err


@POSIX_ONLY
def test_http_mode_says_where_it_listens_once_bound(tmp_path: Path, started: list[subprocess.Popen[str]]) -> None:
    process = _start(started, ["serve", "--sandbox", "--transport", "http", "--port", "0"], _env(tmp_path))
    assert process.stderr is not None
    line = _read_until(process.stderr, "listening on")
    match = re.search(r"listening on http://127\.0\.0\.1:(\d+)/mcp", line)
    assert match, line
    with socket.create_connection(("127.0.0.1", int(match.group(1))), timeout=10):
        pass  # the port it names really accepts connections
    status, err = _interrupt(process)
    assert status == 130
    assert "Traceback" not in err


@POSIX_ONLY
def test_sandbox_banner_shows_its_port_and_a_run_id(tmp_path: Path, started: list[subprocess.Popen[str]]) -> None:
    process = _start(started, ["sandbox", "--port", "0"], _env(tmp_path))
    assert process.stderr is not None
    banner = _read_until(process.stderr, "Press Ctrl-C")
    match = re.search(r"Xero sandbox, run ([0-9a-f]{6}), listening on port (\d+): http://127\.0\.0\.1:(\d+)", banner)
    assert match, banner
    assert match.group(2) == match.group(3) != "0"
    assert "--db FILE keeps it" in banner
    status, _ = _interrupt(process)
    assert status == 130


def test_a_taken_port_ends_the_sandbox_with_one_clear_error_and_no_banner(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _run(["sandbox", "--port", str(port)], _env(tmp_path))
    assert result.returncode == 1
    assert "Xero sandbox, run" not in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.strip().startswith(f"xero-mcp sandbox: cannot listen on 127.0.0.1:{port}")
    assert "--port" in result.stderr


def test_every_subcommand_has_a_description_and_options_show_defaults_and_variables() -> None:
    runner = CliRunner()
    for name, command in cli.commands.items():
        assert command.help and command.short_help != "", name
        result = runner.invoke(cli, [name, "--help"], prog_name="xero-mcp")
        assert result.exit_code == 0, name
        assert result.output.startswith(f"Usage: xero-mcp {name} [OPTIONS]")
        assert " ".join(command.help.split("\n")[0].split()) in " ".join(result.output.split())
    serve_help = " ".join(runner.invoke(cli, ["serve", "--help"]).output.split())  # however click wraps it
    assert "env var: XERO_MCP_TOOLSETS" in serve_help and "default: stdio" in serve_help
    assert "env var: XERO_MCP_READ_ONLY" in serve_help
    assert "default: 5056" in runner.invoke(cli, ["login", "--help"]).output


@pytest.mark.parametrize("args", [["-v", "tools"], ["tools", "-v"], ["tools", "--toolsets", "tenants", "--verbose"]])
def test_verbose_turns_on_debug_logging_before_or_after_the_subcommand(args: list[str]) -> None:
    root = logging.getLogger()
    level = root.level
    try:
        root.setLevel(logging.WARNING)
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
        assert root.level == logging.DEBUG
    finally:
        root.setLevel(level)


def test_tools_prints_a_header_and_aligned_columns() -> None:
    result = CliRunner().invoke(cli, ["tools", "--toolsets", "sales,tenants"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines[0].split() == ["TOOL", "TOOLSET", "KIND", "TITLE"]
    rows = lines[1:-1]
    assert {row.split()[1] for row in rows} == {"sales", "tenants"}
    for header in ("TOOLSET", "KIND", "TITLE"):
        column = lines[0].index(header)
        assert all(row[column - 2 : column] == "  " and row[column] != " " for row in rows), header
    assert re.fullmatch(rf"{len(rows)} tools \(toolsets: sales, tenants\)", lines[-1])


def test_tools_json_gives_each_tool_its_input_schema() -> None:
    result = CliRunner().invoke(cli, ["tools", "--json", "--toolsets", "contacts"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows and {row["toolset"] for row in rows} == {"contacts"}
    create = next(row for row in rows if row["name"] == "save_contact")
    assert create["input_schema"]["type"] == "object"
    assert "name" in create["input_schema"]["properties"]


@POSIX_ONLY
def test_the_guides_sandbox_rehearsal_signs_in_and_lists_both_organisations(
    tmp_path: Path, started: list[subprocess.Popen[str]]
) -> None:
    """docs/connect-to-xero.md, "Rehearse with the sandbox": the commands as written, the browser played by httpx2."""
    import httpx2

    sandbox = _start(started, ["sandbox", "--port", "0"], _env(tmp_path))
    assert sandbox.stderr is not None
    banner = _read_until(sandbox.stderr, "Press Ctrl-C")
    match = re.search(r"listening on port \d+: (http://127\.0\.0\.1:\d+)", banner)
    assert match, banner
    base = match.group(1)
    env = _env(
        tmp_path,
        XERO_IDENTITY_URL=base,
        XERO_LOGIN_URL=base,
        XERO_CONNECTIONS_URL=f"{base}/connections",
        XERO_API_URL=f"{base}/api.xro/2.0",
        XERO_CLIENT_ID="sandbox-client",
        XERO_MCP_TOKEN_KEY="rehearsal-" + "k" * 32,
    )

    def sign_in(extra: dict[str, str]) -> tuple[int, str, str]:
        login = _start(started, ["login", "--no-browser", "--port", "0"], {**env, **extra})
        assert login.stdout is not None
        printed = _read_until(login.stdout, "Waiting for the redirect")
        url = re.search(rf"({re.escape(base)}/identity/connect/authorize\S+)", printed)
        assert url, printed
        with httpx2.Client(timeout=30, follow_redirects=True) as browser:
            page = browser.get(url.group(1)).text
        out, err = login.communicate(timeout=60)
        return login.returncode, printed + out + page, err

    status, out, err = sign_in({"XERO_SCOPES": "accounting.bogus"})
    assert status == 1 and "invalid_scope" in err, "the troubleshooting table's invalid_scope case"
    status, out, err = sign_in({})
    assert status == 0, err
    assert "Signed in to Xero. Connected organisations: Demo Company (Global), Second Street Trading." in out
    tenants = _run(["tenants"], env)
    assert tenants.returncode == 0, tenants.stderr
    assert "Demo Company (Global)" in tenants.stdout and "Second Street Trading" in tenants.stdout
    assert "(default)" in tenants.stdout
    without_key = _run(["tenants"], {key: value for key, value in env.items() if key != "XERO_MCP_TOKEN_KEY"})
    assert without_key.returncode == 1 and "Nobody is signed in to Xero here" in without_key.stderr, (
        "the troubleshooting table's 'Not signed in' case: a client that does not pass the key finds no login"
    )
    _interrupt(sandbox)
