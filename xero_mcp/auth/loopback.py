"""The one-shot loopback listener that receives Xero's sign-in redirect (RFC 8252 §7.3).

It listens on 127.0.0.1 only (a free port, or the one given with `--port`), answers the browser's request to
`/callback` with a short page, hands the query parameters to the login flow and closes when the login is done.
Other paths (a browser's favicon request) get a 404 and are otherwise ignored. A callback whose `state` is not the
one this login sent (any web page can fire a request at the port, with an image tag say) gets a 400 and is dropped:
only the real redirect ends the wait. The redirect URI says `localhost`, the host Xero accepts over plain http.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from html import escape
from types import TracebackType
from urllib.parse import parse_qsl, urlsplit

from xero_mcp.auth.errors import LoginFailed

CALLBACK_PATH = "/callback"
_MAX_REQUEST_BYTES = 16 * 1024

_DONE_PAGE = (
    "<!doctype html><meta charset=utf-8><title>xero-mcp</title>"
    "<h1>Signed in</h1><p>You can close this tab and return to the terminal.</p>"
)


def _page(status: str, body: str) -> bytes:
    payload = body.encode("utf-8")
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {len(payload)}\r\n"
        "Cache-Control: no-store\r\nConnection: close\r\n\r\n"
    )
    return head.encode("ascii") + payload


class LoopbackReceiver:
    """Receives OAuth redirects on http://localhost:PORT/callback (bound to 127.0.0.1)."""

    def __init__(self, port: int = 0, *, host: str = "127.0.0.1") -> None:
        self._host = host
        self._requested_port = port
        self._server: asyncio.Server | None = None
        self._redirects: asyncio.Queue[dict[str, str]] = asyncio.Queue()
        self._expected_state: str | None = None
        self.port = port

    @property
    def redirect_uri(self) -> str:
        """The redirect URI to register with the Xero app and send in the authorization request."""
        if self._server is None:
            raise RuntimeError("start the listener first")
        return f"http://localhost:{self.port}{CALLBACK_PATH}"

    async def start(self) -> None:
        """Bind the port (raises LoginFailed when it is taken)."""
        try:
            self._server = await asyncio.start_server(self._handle, self._host, self._requested_port)
        except OSError as exc:
            raise LoginFailed(
                f"Cannot listen on {self._host}:{self._requested_port} for the sign-in redirect ({exc.strerror}). "
                "Choose another port with --port."
            ) from None
        self.port = int(self._server.sockets[0].getsockname()[1])

    def expect(self, state: str) -> None:
        """Accept only callbacks carrying this `state` from now on (call before the sign-in URL is opened)."""
        self._expected_state = state

    def _is_expected(self, params: dict[str, str]) -> bool:
        expected = self._expected_state
        given = params.get("state")
        return expected is not None and given is not None and secrets.compare_digest(given, expected)

    async def wait(self, seconds: float) -> dict[str, str]:
        """The next redirect's query parameters. Raises LoginFailed after `seconds`."""
        try:
            return await asyncio.wait_for(self._redirects.get(), seconds)
        except TimeoutError:
            raise LoginFailed(
                f"No sign-in arrived within {int(seconds)} seconds. Run `xero-mcp login` again and finish signing in "
                "in the browser."
            ) from None

    async def aclose(self) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def __aenter__(self) -> LoopbackReceiver:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            try:
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError):
                return
            if len(head) > _MAX_REQUEST_BYTES:
                return
            request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
            parts = request_line.split(" ")
            if len(parts) != 3 or parts[0] != "GET":
                writer.write(_page("405 Method Not Allowed", "<h1>Method not allowed</h1>"))
                return
            target = urlsplit(parts[1])
            if target.path != CALLBACK_PATH:
                writer.write(_page("404 Not Found", "<h1>Not found</h1>"))
                return
            params = dict(parse_qsl(target.query, keep_blank_values=True))
            if not self._is_expected(params):
                page = "<!doctype html><title>xero-mcp</title><h1>Not this sign-in</h1>"
                writer.write(_page("400 Bad Request", page))
                return
            if "error" in params:
                reason = escape(params.get("error_description") or params["error"])
                page = f"<!doctype html><title>xero-mcp</title><h1>Sign-in failed</h1><p>{reason}</p>"
                writer.write(_page("200 OK", page))
            else:
                writer.write(_page("200 OK", _DONE_PAGE))
            self._redirects.put_nowait(params)
        finally:
            with contextlib.suppress(ConnectionError):
                await writer.drain()
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
