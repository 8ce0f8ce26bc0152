"""The MCP bundle for Claude Desktop and the MCP registry entry: valid against their published schemas, in step with
the package, and the bundle's entry point really serves.

The schemas are copies kept in tests/data/schemas (see its README for their source and licence), so nothing is
downloaded; CI also packs the bundle with the official MCPB CLI, which validates it again.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from xero_mcp import DISTRIBUTION
from xero_mcp.config import Settings
from xero_mcp.server import selected_tools

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = Path(__file__).parent / "data" / "schemas"
MANIFEST = ROOT / "packaging" / "mcpb" / "manifest.json"
SERVER_JSON = ROOT / "packaging" / "server.json"


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _errors(schema_file: str, document: Any) -> list[str]:
    schema = _load(SCHEMAS / schema_file)
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(document)]


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundle's files, laid out by the documented build command."""
    folder = tmp_path_factory.mktemp("bundle") / "mcp-server-xero"
    subprocess.run(  # noqa: S603 - our own build script
        [sys.executable, str(ROOT / "packaging" / "build_mcpb.py"), "--stage", str(folder)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return folder


def test_the_bundle_manifest_and_the_built_one_validate_against_the_mcpb_schema(staged: Path) -> None:
    assert _errors("mcpb-manifest-v0.4.schema.json", _load(MANIFEST)) == []
    assert _errors("mcpb-manifest-v0.4.schema.json", _load(staged / "manifest.json")) == []


def test_the_schema_check_catches_a_manifest_the_mcpb_schema_refuses() -> None:
    broken = _load(MANIFEST)
    broken["server"]["type"] = "ruby"
    del broken["author"]
    problems = _errors("mcpb-manifest-v0.4.schema.json", broken)
    assert any("author" in problem for problem in problems)
    assert any(problem.startswith("server/type") for problem in problems)


def test_the_bundle_asks_for_the_client_id_and_keeps_the_token_key_and_secret_sensitive() -> None:
    manifest = _load(MANIFEST)
    config = manifest["user_config"]
    assert config["xero_client_id"]["required"] is True
    assert config["xero_mcp_token_key"]["sensitive"] is True and config["xero_mcp_token_key"]["required"] is False
    assert config["xero_client_secret"]["sensitive"] is True
    env: dict[str, str] = manifest["server"]["mcp_config"]["env"]
    used = {match for value in env.values() for match in re.findall(r"\$\{user_config\.(\w+)\}", value)}
    assert used == set(config), "every setting the user gives reaches the server, and none is referenced undefined"


@pytest.mark.parametrize("document", [MANIFEST, SERVER_JSON], ids=["manifest", "server.json"])
def test_every_environment_variable_the_packaging_sets_is_one_the_server_reads(document: Path) -> None:
    data = _load(document)
    if document == MANIFEST:
        names = list(data["server"]["mcp_config"]["env"])
    else:
        names = [variable["name"] for variable in data["packages"][0]["environmentVariables"]]
    samples = {"XERO_MCP_READ_ONLY": "true", "XERO_MCP_TOOLSETS": "sales"}
    for name in names:
        assert Settings.from_env({name: samples.get(name, "k" * 40)}) != Settings.from_env({}), name


def test_the_bundle_carries_the_package_its_entry_point_and_the_tools_of_the_default_toolsets(staged: Path) -> None:
    for name in ("pyproject.toml", "README.md", "LICENSE", "server/main.py", "xero_mcp/__init__.py", "xero_mcp/cli.py"):
        assert (staged / name).is_file(), name
    assert not list(staged.rglob("__pycache__"))
    built = _load(staged / "manifest.json")
    assert [tool["name"] for tool in built["tools"]] == [spec.name for spec in selected_tools(Settings())]
    assert all(tool["description"] for tool in built["tools"])


def test_the_bundle_entry_point_serves_mcp_over_stdio(staged: Path, tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("XERO_")}
    env |= {"PYTHONPATH": str(staged), "XERO_MCP_STATE_DIR": str(tmp_path)}
    initialize = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}},
    }
    result = subprocess.run(  # noqa: S603 - the bundle's own entry point
        [sys.executable, str(staged / "server" / "main.py")],
        input=json.dumps(initialize) + "\n",
        env=env,
        cwd=staged,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    response = json.loads(result.stdout.splitlines()[0])
    assert response["result"]["serverInfo"]["name"] == "xero-mcp", result.stderr


def test_the_registry_entry_validates_against_the_registry_schema_and_names_the_published_package() -> None:
    entry = _load(SERVER_JSON)
    assert _errors("server.schema.json", entry) == []
    (package,) = entry["packages"]
    assert package["registryType"] == "pypi" and package["identifier"] == DISTRIBUTION
    assert package["runtimeHint"] == "uvx" and package["packageArguments"] == [{"type": "positional", "value": "serve"}]
    assert entry["description"] and len(entry["description"]) <= 100


def test_the_registry_schema_check_catches_an_entry_the_registry_refuses() -> None:
    entry = _load(SERVER_JSON)
    entry["name"] = "no-namespace"
    entry["description"] = "x" * 101
    problems = _errors("server.schema.json", entry)
    assert any(problem.startswith("name") for problem in problems)
    assert any(problem.startswith("description") for problem in problems)


def test_the_package_the_bundle_and_the_registry_entry_carry_one_version_and_the_readme_proves_the_name() -> None:
    entry = _load(SERVER_JSON)
    assert _load(MANIFEST)["version"] == entry["version"] == entry["packages"][0]["version"] == version(DISTRIBUTION)
    # The registry accepts a PyPI package only when its README names the server like this.
    assert f"mcp-name: {entry['name']}" in (ROOT / "README.md").read_text(encoding="utf-8")
