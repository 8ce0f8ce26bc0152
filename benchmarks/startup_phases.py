"""Where `xero-mcp serve --sandbox` spends its start-up, phase by phase, printed as JSON (milliseconds).

Run in a fresh interpreter (`python -m benchmarks.startup_phases`) so that every import is cold; the cold-start
measurement runs it a few times and reports the median of each phase beside the import of mcp.server itself. Phases
named "first call: ..." or "first start only: ..." are not part of an ordinary start: the first is work done on the
first tool call, the second what a first start after installing or upgrading adds (no tool catalogue yet).
"""

from __future__ import annotations

import importlib
import json
import time
from collections.abc import Callable


def _timed(phases: dict[str, float], name: str, step: Callable[[], object]) -> None:
    start = time.perf_counter()
    step()
    phases[name] = (time.perf_counter() - start) * 1000


def main() -> None:
    """Time each phase of the server's start-up in order and print them."""
    phases: dict[str, float] = {}
    _timed(phases, "import mcp.server", lambda: importlib.import_module("mcp.server"))
    _timed(
        phases,
        "import xero_mcp.cli and .server",
        lambda: [importlib.import_module(name) for name in ("xero_mcp.cli", "xero_mcp.server")],
    )

    from xero_mcp.config import Settings
    from xero_mcp.server import build_server
    from xero_mcp.tools._catalogue import load_catalogue, tool_cards
    from xero_mcp.tools._context import Backend

    async def not_at_start_up() -> Backend:
        raise AssertionError("the backend is built on the first tool call, not at start-up")

    _timed(phases, "read the tool catalogue", tool_cards)
    settings = Settings()
    _timed(phases, "build_server", lambda: build_server(settings, not_at_start_up))
    # What is not done before tools/list: shown apart from start-up.
    _timed(phases, "first call: import xero_mcp.local", lambda: importlib.import_module("xero_mcp.local"))
    # A first start (no catalogue yet, or a new version) makes every card from the tool modules.
    _timed(phases, "first start only: make the catalogue", lambda: load_catalogue(None))
    print(json.dumps(phases))


if __name__ == "__main__":
    main()
