"""The ready-to-paste client configurations parse and start the server the CLI actually has."""

from __future__ import annotations

import json
from pathlib import Path

from xero_mcp import DISTRIBUTION
from xero_mcp.cli import cli, serve

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_every_example_configuration_runs_a_valid_serve_command_of_the_published_package() -> None:
    configs = sorted(EXAMPLES.glob("*.json"))
    assert len(configs) >= 5
    for path in configs:
        data = json.loads(path.read_text(encoding="utf-8"))
        servers = data.get("mcpServers") or data.get("servers")
        assert servers, path.name
        for server in servers.values():
            if "url" in server:
                # A hosted server (`serve --transport http --auth oauth`): the client signs in by itself.
                assert server["url"].endswith("/mcp") and "command" not in server, path.name
                continue
            assert server["command"] == "uvx", path.name
            package, command, *args = server["args"]
            assert package == DISTRIBUTION, path.name
            assert command in cli.commands and cli.commands[command] is serve, path.name
            serve.make_context("serve", list(args))  # raises on an option serve does not have


def test_every_example_configuration_is_described_in_the_examples_readme() -> None:
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    for path in EXAMPLES.iterdir():
        if path.name != "README.md":
            assert f"`{path.name}`" in readme, path.name
