"""Abuse limits on the open door of hosted mode: Dynamic Client Registration needs no sign-in, so anyone who can
reach the server can register clients. `RegistrationLimit` caps how many registrations one source address, and all
sources together, may make in a rolling hour (per replica), answering the rest with 429 and an RFC 7591-shaped error
body that says when to try again.
"""

from __future__ import annotations

import json
import math
import time
from collections import deque
from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

REGISTRATION_PATH = "/register"
WINDOW_SECONDS = 3600.0


class RegistrationLimit:
    """ASGI: admit at most `per_source` registrations from one client address and `total` from everyone in any
    `window` seconds; other requests pass straight through.

    The source is the connection's client address as uvicorn reports it (behind a reverse proxy, uvicorn's
    `--forwarded-allow-ips` makes that the forwarded client rather than the proxy). Memory stays bounded: at most
    `total` timestamps are kept, across every source.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        per_source: int,
        total: int,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._app = app
        self._per_source = per_source
        self._total = total
        self._window = window
        self._clock = clock
        self._all: deque[tuple[float, str]] = deque()
        self._by_source: dict[str, deque[float]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("path") == REGISTRATION_PATH and scope.get("method") == "POST":
            client = scope.get("client")
            source = str(client[0]) if client else "unknown"
            refusal = self._admit(source)
            if refusal is not None:
                await _refuse(send, *refusal)
                return
        await self._app(scope, receive, send)

    def _admit(self, source: str) -> tuple[str, float] | None:
        """None when admitted (and counted); else (why, seconds until a slot frees)."""
        now = self._clock()
        while self._all and self._all[0][0] <= now - self._window:
            _, old = self._all.popleft()
            mine = self._by_source[old]
            mine.popleft()
            if not mine:
                del self._by_source[old]
        mine = self._by_source.get(source)
        if mine is not None and len(mine) >= self._per_source:
            return (
                f"too many client registrations from this address (at most {self._per_source} an hour); reuse the "
                "client you registered",
                mine[0] + self._window - now,
            )
        if len(self._all) >= self._total:
            return (
                f"this server takes at most {self._total} client registrations an hour and has had them",
                self._all[0][0] + self._window - now,
            )
        self._all.append((now, source))
        self._by_source.setdefault(source, deque()).append(now)
        return None


async def _refuse(send: Send, description: str, retry_after: float) -> None:
    seconds = max(1, math.ceil(retry_after))
    body = json.dumps(
        {"error": "temporarily_unavailable", "error_description": f"{description}. Try again in {seconds} seconds."}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 429,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", str(seconds).encode()),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
