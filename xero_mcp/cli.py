"""The `xero-mcp` command (also installed as `mcp-server-xero`): serve | demo | sandbox | login | logout | tenants |
tools.

Built on Click, which the server already depends on through uvicorn: every option shows its default and its
environment variable in `--help`, bad values end with a usage error (exit 2) instead of a traceback, and Ctrl-C ends
any command quietly with exit status 130. Each subcommand imports its implementation only when it runs, so
`xero-mcp serve` does not pay for the sandbox or the login flow at start-up.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from xero_mcp import DISTRIBUTION, __version__
from xero_mcp.config import DEFAULT_MAX_SESSIONS, DEFAULT_SESSION_IDLE_TIMEOUT, SettingError, Settings
from xero_mcp.tools._context import Backend, BackendFactory
from xero_mcp.tools._spec import DEFAULT_TOOLSETS, TOOLSETS

F = TypeVar("F", bound=Callable[..., Any])

INTERRUPTED = 130
"""The exit status after Ctrl-C, as shells report a process ended by SIGINT (128 + 2)."""

LOGIN_PORT = 5056
"""The loopback port `xero-mcp login` listens on by default; Xero only accepts a redirect URI registered exactly,
port included, so the default is fixed and the guide tells users to register http://localhost:5056/callback."""

_CONTEXT: dict[str, Any] = {"help_option_names": ["-h", "--help"], "show_default": True, "max_content_width": 100}


def _split(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _names(_ctx: click.Context, _param: click.Parameter, value: str | None) -> tuple[str, ...] | None:
    """A comma-separated list of names, as a tuple."""
    return _split(value)


def _toolsets(_ctx: click.Context, _param: click.Parameter, value: str) -> tuple[str, ...]:
    """The toolsets asked for; an unknown one is a usage error that lists the valid names."""
    names = _split(value) or ()
    valid = [*TOOLSETS, "default", "all"]
    unknown = [name for name in names if name not in valid]
    if unknown:
        raise click.BadParameter(
            f"unknown toolset {', '.join(map(repr, unknown))}. Valid toolsets: {', '.join(valid)}."
        )
    return names


def _set_verbose(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    """`-v` may be given before or after the subcommand; either turns debug logging on."""
    if value:
        ctx.ensure_object(dict)["verbose"] = True
        logging.getLogger().setLevel(logging.DEBUG)
    return value


def _verbose_option(func: F) -> F:
    return click.option(
        "-v",
        "--verbose",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_set_verbose,
        help="Log debug detail to stderr (secrets are never logged).",
    )(func)


def _set_log_format(ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """JSON log lines (with request ids) for log collectors; text for people."""
    if value == "json":
        from xero_mcp.ops import JsonFormatter

        root = logging.getLogger()
        for handler in root.handlers:
            handler.setFormatter(JsonFormatter())
        if not ctx.ensure_object(dict).get("verbose"):
            root.setLevel(logging.INFO)
        # Each request to Xero is already counted in /metrics; a line per request would drown everything else.
        logging.getLogger("httpx2").setLevel(logging.WARNING)
    return value


def _tool_selection(func: F) -> F:
    """The options that choose which tools the server exposes (serve and tools share them)."""
    options = [
        click.option(
            "--toolsets",
            metavar="NAMES",
            default="default",
            callback=_toolsets,
            envvar="XERO_MCP_TOOLSETS",
            show_envvar=True,
            help=f"Comma-separated toolsets to expose: {', '.join(TOOLSETS)}; 'default' is all but "
            f"{', '.join(name for name in TOOLSETS if name not in DEFAULT_TOOLSETS)}; 'all' is everything.",
        ),
        click.option("--tools", metavar="NAMES", callback=_names, help="Comma-separated tool names to add."),
        click.option("--exclude-tools", metavar="NAMES", callback=_names, help="Comma-separated tool names to remove."),
        click.option(
            "--read-only",
            is_flag=True,
            default=None,
            # The variable is read by Settings, the one reading of every boolean setting (a misspelt value stops
            # start-up there), so Click is only told to show it.
            help="Expose no tool that writes (wins over every other choice).  [env var: XERO_MCP_READ_ONLY]",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _settings(**overrides: Any) -> Settings:
    return Settings.from_env(**overrides)


def _check_selection(settings: Settings) -> None:
    """Refuse an unknown tool name with a usage error (exit 2) before anything starts."""
    from xero_mcp.tools._catalogue import tool_cards
    from xero_mcp.tools._inventory import SelectionError, select_tools

    try:
        select_tools(
            tool_cards(),
            toolsets=settings.toolsets,
            tools=settings.tools,
            exclude=settings.exclude_tools,
            read_only=settings.read_only,
        )
    except SelectionError as exc:
        raise click.UsageError(str(exc)) from None


def _sandbox_backend(settings: Settings) -> BackendFactory:
    """The `serve --sandbox` backend; the sandbox is imported and built on the first tool call, not at start-up."""

    async def build() -> Backend:
        from xero_mcp.local import open_backend, start_sandbox

        return await open_backend(start_sandbox(settings))

    return build


@click.group(context_settings=_CONTEXT)
@click.version_option(__version__, "-V", "--version", package_name=DISTRIBUTION, message="%(prog)s %(version)s")
@_verbose_option
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    envvar="XERO_MCP_LOG_FORMAT",
    show_envvar=True,
    expose_value=False,
    callback=_set_log_format,
    help="Log lines as text, or as JSON objects with request ids (secrets are never logged).",
)
def cli() -> None:
    """An MCP server for the Xero Accounting API, with a local Xero sandbox.

    Try it without a Xero account: `xero-mcp demo`. Connect a real organisation: `xero-mcp login`, then point your
    MCP client at `xero-mcp serve`.
    """


@cli.command(context_settings=_CONTEXT)
@click.option("--sandbox", is_flag=True, help="Serve a built-in demo organisation instead of real Xero.")
@click.option(
    "--transport",
    type=click.Choice(["stdio", "http"]),
    default="stdio",
    help="stdio for desktop clients and IDEs; http serves Streamable HTTP at /mcp.",
)
@click.option("--host", default="127.0.0.1", help="Address to listen on (http transport).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, help="Port to listen on (http transport).")
@click.option("--tenant", default=None, help="Default organisation, by name or ID.")
@click.option(
    "--allowed-hosts",
    metavar="NAMES",
    callback=_names,
    envvar="XERO_MCP_ALLOWED_HOSTS",
    show_envvar=True,
    help="Comma-separated Host names the HTTP endpoint also answers to, e.g. a reverse proxy's public name.",
)
@click.option(
    "--max-sessions",
    type=int,
    default=None,
    help=f"Open HTTP sessions at most.  [env var: XERO_MCP_MAX_SESSIONS; default: {DEFAULT_MAX_SESSIONS}]",
)
@click.option(
    "--session-idle-timeout",
    type=float,
    default=None,
    help="Seconds before an idle HTTP session is closed.  "
    f"[env var: XERO_MCP_SESSION_IDLE_TIMEOUT; default: {DEFAULT_SESSION_IDLE_TIMEOUT:g}]",
)
@click.option(
    "--auth",
    type=click.Choice(["oauth"]),
    default=None,
    help="http only: 'oauth' serves many people, each signing in with Xero (see the README's Hosted mode).  "
    "[env var: XERO_MCP_AUTH]",
)
@click.option(
    "--stateless",
    is_flag=True,
    default=None,
    help="Keep no MCP session in the process, so any replica behind a load balancer answers any request.  "
    "[env var: XERO_MCP_STATELESS_HTTP]",
)
@_tool_selection
@_verbose_option
def serve(
    sandbox: bool,
    transport: str,
    host: str,
    port: int,
    tenant: str | None,
    allowed_hosts: tuple[str, ...] | None,
    max_sessions: int | None,
    session_idle_timeout: float | None,
    auth: str | None,
    stateless: bool | None,
    toolsets: tuple[str, ...],
    tools: tuple[str, ...] | None,
    exclude_tools: tuple[str, ...] | None,
    read_only: bool | None,
) -> int:
    """Run the MCP server (over stdio unless --transport http).

    Without --sandbox it works on real Xero with the login from `xero-mcp login`, a custom connection
    (XERO_CLIENT_ID and XERO_CLIENT_SECRET) or XERO_ACCESS_TOKEN.
    """
    settings = _settings(
        toolsets=toolsets,
        tools=tools,
        exclude_tools=exclude_tools,
        read_only=read_only,
        tenant=tenant,
        allowed_hosts=allowed_hosts,
        max_sessions=max_sessions,
        session_idle_timeout=session_idle_timeout,
        auth_mode=auth,
        stateless_http=stateless,
    )
    _check_selection(settings)
    from xero_mcp.server import run_server

    factory = _sandbox_backend(settings) if sandbox else None
    return run_server(settings, transport=transport, host=host, port=port, backend_factory=factory, sandbox=sandbox)


@cli.group(context_settings=_CONTEXT)
def hosted() -> None:
    """Operate hosted mode (serve --auth oauth): people, revocation, key rotation.

    Uses the same XERO_MCP_DATABASE_URL and XERO_MCP_ENCRYPTION_KEY as the server.
    """


@hosted.command("users", context_settings=_CONTEXT)
def hosted_users() -> int:
    """List who has signed in, and who is revoked."""
    from xero_mcp.hosted.admin import run_admin

    return run_admin(_settings(), "users")


@hosted.command("revoke", context_settings=_CONTEXT)
@click.argument("email")
def hosted_revoke(email: str) -> int:
    """Stop a person at once: every token refused, their Xero login deleted."""
    from xero_mcp.hosted.admin import run_admin

    return run_admin(_settings(), "revoke", email)


@hosted.command("restore", context_settings=_CONTEXT)
@click.argument("email")
def hosted_restore(email: str) -> int:
    """Let a revoked person sign in again."""
    from xero_mcp.hosted.admin import run_admin

    return run_admin(_settings(), "restore", email)


@hosted.command("keygen", context_settings=_CONTEXT)
def hosted_keygen() -> int:
    """Print a new random key for XERO_MCP_ENCRYPTION_KEY (32 bytes, base64)."""
    from xero_mcp.store import generate_key

    click.echo(generate_key())
    return 0


@hosted.command("reencrypt", context_settings=_CONTEXT)
def hosted_reencrypt() -> int:
    """Re-seal stored records under the first key of XERO_MCP_ENCRYPTION_KEY (after a key rotation)."""
    from xero_mcp.hosted.admin import run_admin

    return run_admin(_settings(), "reencrypt")


@cli.command(context_settings=_CONTEXT)
@_verbose_option
def demo() -> int:
    """Run the seed automations through a real MCP session against the sandbox.

    Starts `xero-mcp serve --sandbox`, then runs five automations (new contact, new bill, new invoice, credit note,
    invoice a customer end to end) as a model would, showing each call and its result. Needs no Xero account.
    """
    from xero_mcp.demo import run_demo

    return run_demo()


@cli.command(context_settings=_CONTEXT)
@click.option("--host", default="127.0.0.1", help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=5055, help="Port to listen on (0 picks a free one).")
@click.option(
    "--db",
    type=click.Path(dir_okay=False),
    default=None,
    help="SQLite file that keeps the sandbox's data across restarts.  [default: in memory]",
)
@click.option("--no-limits", is_flag=True, help="Turn Xero's rate limits off.")
@click.option(
    "--clock-rate",
    type=click.FloatRange(min=0, min_open=True),
    default=1.0,
    help="Run the sandbox clock this many times faster than real time (demos and tests of Xero's minute limits; "
    "give a server against it the same XERO_MCP_CLOCK_RATE).",
)
@_verbose_option
def sandbox(host: str, port: int, db: str | None, no_limits: bool, clock_rate: float) -> int:
    """Serve the Xero sandbox (Accounting API and identity service) over HTTP.

    Point XERO_API_URL, XERO_IDENTITY_URL, XERO_LOGIN_URL and XERO_CONNECTIONS_URL at it to use `login`, `tenants`
    and `serve` without a Xero account. Deep links in its results point at Xero and open nothing real.
    """
    from xero_mcp.sandbox.serve import run_sandbox

    return run_sandbox(host=host, port=port, db=db, limits=not no_limits, clock_rate=clock_rate)


@cli.command(context_settings=_CONTEXT)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=LOGIN_PORT,
    help="Loopback port for the redirect; register http://localhost:PORT/callback with your Xero app.",
)
@click.option("--no-browser", is_flag=True, help="Print the sign-in URL instead of opening a browser.")
@click.option("--tenant", default=None, help="Organisation to make the default, by name or ID.")
@_verbose_option
def login(port: int, no_browser: bool, tenant: str | None) -> int:
    """Sign in with Xero in a browser (OAuth 2.0 with PKCE) and keep the login.

    Needs XERO_CLIENT_ID (and XERO_CLIENT_SECRET for a web app). The login is kept in the OS keyring, or, with
    XERO_MCP_TOKEN_KEY set, in an encrypted file under XERO_MCP_STATE_DIR; tokens are refreshed automatically.
    """
    from xero_mcp.auth.commands import login as run_login

    return run_login(_settings(), port=port, open_browser=not no_browser, tenant=tenant)


@cli.command(context_settings=_CONTEXT)
@_verbose_option
def logout() -> int:
    """Revoke the stored login at Xero (disconnecting its organisations) and delete it from this machine."""
    from xero_mcp.auth.commands import logout as run_logout

    return run_logout(_settings())


@cli.command(context_settings=_CONTEXT)
@click.option("--default", "default_tenant", default=None, help="Make this organisation (name or ID) the default.")
@_verbose_option
def tenants(default_tenant: str | None) -> int:
    """List the connected organisations, mark the default and say which credentials are in use."""
    from xero_mcp.auth.commands import tenants as run_tenants

    return run_tenants(_settings(), default=default_tenant)


@cli.command(context_settings=_CONTEXT)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (with each tool's input schema) instead of a table.")
@click.option("--markdown", is_flag=True, help="Print the tool reference table of every tool (docs/tools.md).")
@_tool_selection
@_verbose_option
def tools(
    as_json: bool,
    markdown: bool,
    toolsets: tuple[str, ...],
    tools: tuple[str, ...] | None,
    exclude_tools: tuple[str, ...] | None,
    read_only: bool | None,
) -> int:
    """List the tools that `serve` would expose with the same options."""
    settings = _settings(toolsets=toolsets, tools=tools, exclude_tools=exclude_tools, read_only=read_only)
    _check_selection(settings)
    from xero_mcp.tools.listing import print_tools

    return print_tools(settings, as_json=as_json, markdown=markdown)


def _interrupted(exc: BaseException) -> bool:
    """Whether an exception is Ctrl-C, possibly wrapped in the exception group of a task group."""
    if isinstance(exc, KeyboardInterrupt | click.exceptions.Abort):
        return True
    if isinstance(exc, BaseExceptionGroup):
        group: BaseExceptionGroup[BaseException] = exc  # pyright: ignore[reportUnknownVariableType]
        return all(_interrupted(inner) for inner in group.exceptions)
    return False


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `xero-mcp` and `mcp-server-xero` commands; returns the exit status."""
    # stdout is the MCP channel for `serve`; every log line goes to stderr.
    logging.basicConfig(
        stream=sys.stderr, level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    invoked = Path(sys.argv[0]).stem if sys.argv else ""
    prog = invoked if invoked in ("xero-mcp", "mcp-server-xero") else "xero-mcp"
    try:
        status = cli.main(args=list(argv) if argv is not None else None, prog_name=prog, standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except SettingError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException as exc:
        if _interrupted(exc):
            return INTERRUPTED
        raise
    return status if isinstance(status, int) else 0
