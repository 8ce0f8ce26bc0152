"""The ready-to-paste client configurations parse and start the server the CLI actually has."""

from __future__ import annotations

import json
from pathlib import Path

from xero_mcp.cli import build_parser

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_every_example_configuration_runs_a_valid_xero_mcp_command() -> None:
    configs = sorted(EXAMPLES.glob("*.json"))
    assert len(configs) >= 4
    parser = build_parser()
    for path in configs:
        data = json.loads(path.read_text())
        servers = data.get("mcpServers") or data.get("servers")
        assert servers, path.name
        for server in servers.values():
            assert server["command"].endswith("xero-mcp"), path.name
            args = parser.parse_args(server["args"])
            assert args.command == "serve", path.name
