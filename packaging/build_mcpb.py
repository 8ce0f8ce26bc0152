"""Build the MCP bundle (.mcpb) that installs xero-mcp into Claude Desktop with one click.

    python packaging/build_mcpb.py                 # dist/mcp-server-xero-<version>.mcpb, packed by the MCPB CLI
    python packaging/build_mcpb.py --stage DIR     # only lay out the bundle's files in DIR (no Node.js needed)

The bundle uses the MCPB "uv" server type: it carries the package's source and pyproject.toml, not its
dependencies, and Claude Desktop installs them with uv on first start. The manifest's tool list is written from the
tool registry (the default toolsets), so it always names the tools the server really offers. Packing is done by the
official CLI (`npx @anthropic-ai/mcpb pack`), which also validates the manifest against its schema.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "packaging" / "mcpb"
MCPB_CLI = "@anthropic-ai/mcpb@2.1.2"
"""The MCPB CLI release the bundle is packed and validated with (npm)."""

PROJECT_FILES = ("pyproject.toml", "README.md", "LICENSE")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc")


def manifest() -> dict[str, Any]:
    """The manifest template with the tools of the default toolsets filled in from the registry."""
    sys.path.insert(0, str(ROOT))
    from xero_mcp.config import Settings
    from xero_mcp.server import selected_tools

    data: dict[str, Any] = json.loads((TEMPLATE / "manifest.json").read_text(encoding="utf-8"))
    tools = selected_tools(Settings())
    data["tools"] = [{"name": spec.name, "description": spec.description.partition(". ")[0]} for spec in tools]
    return data


def stage(folder: Path) -> Path:
    """Lay out the bundle's files in `folder` (emptied first); returns the folder."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps(manifest(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    shutil.copytree(TEMPLATE / "server", folder / "server", ignore=IGNORED)
    shutil.copytree(ROOT / "xero_mcp", folder / "xero_mcp", ignore=IGNORED)
    for name in PROJECT_FILES:
        shutil.copy2(ROOT / name, folder / name)
    return folder


def pack(folder: Path, output: Path) -> None:
    """Pack a staged folder into `output` with the official MCPB CLI, which validates the manifest first."""
    npx = shutil.which("npx")
    if npx is None:
        raise SystemExit("build_mcpb: npx (Node.js) is needed to pack the bundle; --stage DIR works without it")
    output.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([npx, "--yes", MCPB_CLI, "pack", str(folder), str(output)], check=True)  # noqa: S603


def main(argv: list[str]) -> int:
    """Stage, or stage and pack, the bundle."""
    parser = argparse.ArgumentParser(description="Build the MCP bundle (.mcpb) for Claude Desktop.")
    parser.add_argument("--stage", type=Path, help="only lay out the bundle's files in this folder")
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="folder for the .mcpb file (default: dist)")
    args = parser.parse_args(argv)
    if args.stage is not None:
        print(stage(args.stage))
        return 0
    version = json.loads((TEMPLATE / "manifest.json").read_text(encoding="utf-8"))["version"]
    output = args.out / f"mcp-server-xero-{version}.mcpb"
    staging = args.out / "mcpb-staging"
    pack(stage(staging), output)
    shutil.rmtree(staging)
    digest = hashlib.sha256(output.read_bytes()).hexdigest()
    print(f"{output}\nsha256 {digest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
