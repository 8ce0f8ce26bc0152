"""`xero-mcp serve --sandbox` for the call-overhead benchmark: the same server, its client on the sandbox's clock.

Built exactly as `serve --sandbox` builds it (settings from the environment, `build_server`, a sandbox with Xero's
limits created on first use, stdio), except that the client paces on the sandbox's fast-forward clock
(benchmarks/_fast.py): 200 reads would otherwise spend more than three minutes waiting out Xero's 60 calls a minute,
and the benchmark would time the rate limit, not the MCP layer. Run from the repository root as
`python -m benchmarks.sandbox_server [--toolsets ...]`.
"""

from __future__ import annotations

import argparse
import logging
import sys

from benchmarks._fast import open_fast_backend
from xero_mcp.config import Settings
from xero_mcp.local import start_sandbox
from xero_mcp.server import build_server
from xero_mcp.tools._context import Backend


def main() -> None:
    """Serve over stdio until the client disconnects."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--toolsets", default=None)
    args = parser.parse_args()
    # As the CLI does: stdout is the MCP channel, and only warnings reach stderr.
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    toolsets = tuple(part.strip() for part in args.toolsets.split(",")) if args.toolsets else None
    settings = Settings.from_env(toolsets=toolsets)

    async def backend() -> Backend:
        return await open_fast_backend(start_sandbox(settings))

    server, _ = build_server(settings, backend)
    server.run("stdio")


if __name__ == "__main__":
    main()
