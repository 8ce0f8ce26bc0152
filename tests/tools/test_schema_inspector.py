"""MCP Inspector's strict schema check finds nothing in the full toolset, listed over stdio as a client meets it.

`npx @modelcontextprotocol/inspector --cli --strict --method tools/list <command>` starts the server, lists its tools
and reports every tool-schema portability problem (a property with no validation keyword, the bare `{}` it flagged
384 times in issue 11, and the like) on stderr, exiting 6 on an error-severity one. The same command run on a
one-tool server with a bare `{}` output property shows the findings are read right.

Needs Node 22.19 or newer (Inspector 2.x's engines) with npx on PATH, and the npm registry; skipped otherwise. The
in-process checks of every schema (2020-12 metaschema, OpenAI strict, Gemini) are in test_schema_compat.py.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from xero_mcp.tools._inventory import all_tools

INSPECTOR = "@modelcontextprotocol/inspector@2.12.0"
NODE_AT_LEAST = (22, 19)
TIMEOUT = 600
FINDING = re.compile(r"^(Warning|Error): tool ", re.MULTILINE)

BARE_OUTPUT_PROPERTY = """
from typing import Any
from mcp.server import MCPServer
from pydantic import BaseModel

class Out(BaseModel):
    data: Any

server = MCPServer("bare-property")

@server.tool()
def anything() -> Out:
    '''Return anything.'''
    return Out(data=1)

server.run("stdio")
"""


def _npx() -> str:
    npx, node = shutil.which("npx"), shutil.which("node")
    if npx is None or node is None:
        pytest.skip("MCP Inspector needs node and npx on PATH")
    version = subprocess.run(  # noqa: S603 - node on PATH with a fixed argument
        [node, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    found = tuple(int(part) for part in version.lstrip("v").split(".")[:2])
    if found < NODE_AT_LEAST:
        wanted = ".".join(map(str, NODE_AT_LEAST))
        pytest.skip(f"MCP Inspector 2.x needs Node >= {wanted}; node on PATH is {version}")
    return npx


def _inspect(tmp_path: Path, *server: str) -> subprocess.CompletedProcess[str]:
    """tools/list through Inspector's CLI in strict mode, against the stdio server `server` starts."""
    command = [_npx(), "--yes", INSPECTOR, "--cli", "--strict", "--method", "tools/list", "--format", "json", *server]
    env = {**os.environ, "XERO_MCP_STATE_DIR": str(tmp_path / "state")}
    done = subprocess.run(  # noqa: S603 - a pinned Inspector and our own server command
        command, capture_output=True, text=True, timeout=TIMEOUT, cwd=tmp_path, env=env, check=False
    )
    if done.returncode != 0 and "npm error" in done.stderr:
        pytest.skip(f"npx could not fetch {INSPECTOR}: {done.stderr.strip().splitlines()[-1]}")
    return done


def test_inspector_strict_reports_nothing_for_the_full_toolset(tmp_path: Path) -> None:
    done = _inspect(tmp_path, sys.executable, "-m", "xero_mcp", "serve", "--sandbox", "--toolsets", "all")
    assert done.returncode == 0, done.stderr
    assert FINDING.findall(done.stderr) == [], done.stderr
    listed = json.loads(done.stdout)["result"]["tools"]
    assert sorted(tool["name"] for tool in listed) == sorted(spec.name for spec in all_tools())


def test_inspector_strict_reports_a_bare_property_so_its_silence_means_something(tmp_path: Path) -> None:
    done = _inspect(tmp_path, sys.executable, "-c", BARE_OUTPUT_PROPERTY)
    assert done.returncode == 0, done.stderr
    assert FINDING.findall(done.stderr) == ["Warning"], done.stderr
    assert "outputSchema.properties.data" in done.stderr
