"""The `xero-mcp` command: serve | demo | sandbox | login | logout | tenants | tools.

Each subcommand imports its implementation only when it runs, so `xero-mcp serve` does not pay for the sandbox or
the login flow at start-up.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from xero_mcp.config import SettingError, Settings
from xero_mcp.tools._context import Backend, BackendFactory


def _csv(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _add_tool_selection(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--toolsets", type=_csv, default=None, help="comma-separated toolsets, or 'default' / 'all' (default: default)"
    )
    parser.add_argument("--tools", type=_csv, default=None, help="comma-separated tool names to add")
    parser.add_argument("--exclude-tools", type=_csv, default=None, help="comma-separated tool names to remove")
    parser.add_argument("--read-only", action="store_true", default=None, help="expose no tool that writes")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(prog="xero-mcp", description="An MCP server for the Xero Accounting API.")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging to stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the MCP server (stdio by default)")
    serve.add_argument("--sandbox", action="store_true", help="run against an in-process sandbox organisation")
    serve.add_argument("--transport", choices=["stdio", "http"], default="stdio")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--tenant", default=None, help="default organisation (name or ID)")
    serve.add_argument(
        "--allowed-hosts",
        type=_csv,
        default=None,
        help="comma-separated Host names the HTTP endpoint also answers to, e.g. a reverse proxy's public name",
    )
    serve.add_argument("--max-sessions", type=int, default=None, help="open HTTP sessions at most (default: 100)")
    serve.add_argument(
        "--session-idle-timeout", type=float, default=None, help="seconds before an idle HTTP session ends (600)"
    )
    _add_tool_selection(serve)

    sub.add_parser("demo", help="run the seed automations through a real MCP client against the sandbox")

    sandbox = sub.add_parser("sandbox", help="serve the Xero sandbox (Accounting API + identity) over HTTP")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=5055)
    sandbox.add_argument("--db", default=None, help="SQLite file for the sandbox state (default: in memory)")
    sandbox.add_argument("--no-limits", action="store_true", help="turn Xero's rate limits off")

    login = sub.add_parser("login", help="sign in with Xero in a browser (OAuth 2.0 + PKCE)")
    login.add_argument("--port", type=int, default=0, help="loopback port for the redirect (default: a free one)")
    login.add_argument("--no-browser", action="store_true", help="print the sign-in URL instead of opening it")
    login.add_argument("--tenant", default=None, help="default organisation (name or ID)")

    sub.add_parser("logout", help="revoke the stored login and delete it")

    tenants = sub.add_parser("tenants", help="list connected organisations")
    tenants.add_argument("--default", dest="default_tenant", default=None, help="make this organisation the default")

    tools = sub.add_parser("tools", help="list the tools the current settings expose")
    tools.add_argument("--json", action="store_true", help="print JSON instead of a table")
    tools.add_argument("--markdown", action="store_true", help="print the README's table of every tool")
    _add_tool_selection(tools)
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        toolsets=getattr(args, "toolsets", None),
        tools=getattr(args, "tools", None),
        exclude_tools=getattr(args, "exclude_tools", None),
        read_only=getattr(args, "read_only", None),
        tenant=getattr(args, "tenant", None),
        allowed_hosts=getattr(args, "allowed_hosts", None),
        max_sessions=getattr(args, "max_sessions", None),
        session_idle_timeout=getattr(args, "session_idle_timeout", None),
    )


def _sandbox_backend(settings: Settings) -> BackendFactory:
    """The `serve --sandbox` backend; the sandbox is imported and built on the first tool call, not at start-up."""

    async def build() -> Backend:
        from xero_mcp.local import open_backend, start_sandbox

        return await open_backend(start_sandbox(settings))

    return build


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `xero-mcp` console script."""
    args = build_parser().parse_args(argv)
    # stdout is the MCP channel for `serve`; every log line goes to stderr.
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        settings = _settings(args)
    except SettingError as exc:
        print(f"xero-mcp: {exc}", file=sys.stderr)
        return 2
    command: str = args.command
    if command == "serve":
        from xero_mcp.server import run_server

        factory = _sandbox_backend(settings) if args.sandbox else None
        return run_server(settings, transport=args.transport, host=args.host, port=args.port, backend_factory=factory)
    if command == "demo":
        from xero_mcp.demo import run_demo

        return run_demo()
    if command == "sandbox":
        from xero_mcp.sandbox.serve import run_sandbox

        return run_sandbox(host=args.host, port=args.port, db=args.db, limits=not args.no_limits)
    if command == "login":
        from xero_mcp.auth.commands import login

        return login(settings, port=args.port, open_browser=not args.no_browser, tenant=args.tenant)
    if command == "logout":
        from xero_mcp.auth.commands import logout

        return logout(settings)
    if command == "tenants":
        from xero_mcp.auth.commands import tenants

        return tenants(settings, default=args.default_tenant)
    if command == "tools":
        from xero_mcp.tools.listing import print_tools

        return print_tools(settings, as_json=args.json, markdown=args.markdown)
    raise AssertionError(f"unhandled command {command}")
