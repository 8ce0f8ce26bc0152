"""Xero's official MCP server (`@xeroapi/xero-mcp-server`), installed on demand into the benchmark cache.

The benchmarks run it exactly as its README tells users to (node, stdio, credentials in the environment), with
dummy credentials: it reads them at start-up but reaches Xero only when a tool is called, which no benchmark does.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from benchmarks._harness import CACHE_DIR

PACKAGE = "@xeroapi/xero-mcp-server"
VERSION = "0.0.17"
INSTALL_TIMEOUT = 300.0
# Placeholders that satisfy its start-up check; they are never sent anywhere because no tool is called.
DUMMY_ENV = {"XERO_CLIENT_ID": "benchmark-dummy-client", "XERO_CLIENT_SECRET": "benchmark-dummy-value"}


@dataclass(frozen=True)
class OfficialServer:
    """How to start the installed official server."""

    node: str
    entry: Path
    cwd: Path
    node_version: str
    sdk_version: str

    @property
    def label(self) -> str:
        """A short description for the report."""
        return f"{PACKAGE}@{VERSION} on node {self.node_version}"


class Unavailable(Exception):
    """The official server cannot be run here; the message says why (shown in the report as a skip note)."""


def _package_version(package_dir: Path) -> str:
    try:
        data = json.loads((package_dir / "package.json").read_text())
    except (OSError, ValueError):
        return "?"
    version: object = cast(dict[str, object], data).get("version") if isinstance(data, dict) else None
    return version if isinstance(version, str) else "?"


def ensure_official(cache: Path = CACHE_DIR) -> OfficialServer:
    """The official server, installed with `npm install --prefix` into `cache` on first use; Unavailable if not."""
    node = shutil.which("node")
    npm = shutil.which("npm")
    if node is None or npm is None:
        raise Unavailable("node and npm are not both on PATH, so Xero's official server (a node package) was not run")
    prefix = cache / "official"
    package_dir = prefix / "node_modules" / PACKAGE
    entry = package_dir / "dist" / "index.js"
    if not entry.exists() or _package_version(package_dir) != VERSION:
        prefix.mkdir(parents=True, exist_ok=True)
        try:
            done = subprocess.run(
                [npm, "install", "--prefix", str(prefix), f"{PACKAGE}@{VERSION}", "--no-audit", "--no-fund"],
                capture_output=True,
                text=True,
                timeout=INSTALL_TIMEOUT,
                check=False,
                cwd=prefix,
            )
        except subprocess.TimeoutExpired as error:
            raise Unavailable(f"npm install of {PACKAGE}@{VERSION} took over {INSTALL_TIMEOUT:.0f} s") from error
        if done.returncode != 0 or not entry.exists():
            tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise Unavailable(f"npm install of {PACKAGE}@{VERSION} failed: {tail}")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=False, timeout=30)
    return OfficialServer(
        node=node,
        entry=entry,
        cwd=prefix,
        node_version=version.stdout.strip().lstrip("v") or "?",
        sdk_version=_package_version(prefix / "node_modules" / "@modelcontextprotocol" / "sdk"),
    )
