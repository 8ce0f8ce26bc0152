"""The servers under test, as the mcp SDK's stdio client starts them, and finding a started server's process."""

from __future__ import annotations

import os
from pathlib import Path

from mcp.client.stdio import StdioServerParameters

from benchmarks._harness import CACHE_DIR, REPO_ROOT, children_of, python
from benchmarks._official import DUMMY_ENV, OfficialServer

BARE_SERVER = Path(__file__).resolve().parent / "bare_server.py"
# The sandbox keeps its state in memory; this only keeps anything a server might write out of the home folder.
STATE_DIR = CACHE_DIR / "state"


def xero_mcp_params(*extra: str) -> StdioServerParameters:
    """`python -m xero_mcp serve --sandbox` with the benchmarks' own interpreter."""
    return StdioServerParameters(
        command=python(),
        args=["-m", "xero_mcp", "serve", "--sandbox", *extra],
        env={"XERO_MCP_STATE_DIR": str(STATE_DIR)},
        cwd=REPO_ROOT,
    )


def fast_sandbox_params(*extra: str) -> StdioServerParameters:
    """`python -m benchmarks.sandbox_server`: serve --sandbox with the client on the sandbox's fast-forward clock."""
    return StdioServerParameters(
        command=python(),
        args=["-m", "benchmarks.sandbox_server", *extra],
        env={"XERO_MCP_STATE_DIR": str(STATE_DIR)},
        cwd=REPO_ROOT,
    )


def bare_params() -> StdioServerParameters:
    """The one-tool MCPServer script, with the same interpreter."""
    return StdioServerParameters(command=python(), args=[str(BARE_SERVER)], cwd=REPO_ROOT)


def official_params(server: OfficialServer) -> StdioServerParameters:
    """Xero's official server under node, started from its cache folder (no stray .env is picked up)."""
    return StdioServerParameters(command=server.node, args=[str(server.entry)], env=dict(DUMMY_ENV), cwd=server.cwd)


def server_pid(params: StdioServerParameters) -> int | None:
    """The process ID of the running server these parameters started (a child of this process), if found."""
    wanted = [params.command, *params.args]
    for pid in reversed(children_of(os.getpid())):
        try:
            raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        argv = [part.decode(errors="replace") for part in raw.split(b"\0") if part]
        if argv[1:] == wanted[1:]:
            return pid
    return None
