"""Abuse limits on the open door of hosted mode: Dynamic Client Registration needs no sign-in, so anyone who can
reach the server can register clients. `RegistrationLimit` caps how many registrations one source address, and all
sources together, may make in an hour, answering the rest with 429 and an OAuth error body that says when to try
again. The count is kept in this process (`MemoryRegistrations`, a rolling hour) or, with XERO_MCP_REDIS_URL, in
Redis for the whole fleet (`RedisRegistrations`, an hour from each count's first registration).
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from starlette.types import ASGIApp, Receive, Scope, Send

if TYPE_CHECKING:
    from redis.asyncio import Redis

logger = logging.getLogger(__name__)

REGISTRATION_PATH = "/register"
WINDOW_SECONDS = 3600.0


Refusal = tuple[str, float]
"""Why a registration is refused, and the seconds until one would be admitted."""


def _per_source(limit: int) -> str:
    return f"too many client registrations from this address (at most {limit} an hour); reuse the client you registered"


def _in_total(limit: int) -> str:
    return f"this server takes at most {limit} client registrations an hour and has had them"


class CountUnavailable(RuntimeError):
    """The shared registration count cannot be reached: registration is refused rather than left uncounted."""


class RegistrationCounter(Protocol):
    """Counts registrations against the two caps."""

    async def admit(self, source: str) -> Refusal | None:
        """None when admitted (and counted); else why not and when to try again."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...


class MemoryRegistrations:
    """The caps over a rolling window in this process. Memory stays bounded: at most `total` timestamps are kept,
    across every source."""

    def __init__(
        self,
        *,
        per_source: int,
        total: int,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._per_source = per_source
        self._total = total
        self._window = window
        self._clock = clock
        self._all: deque[tuple[float, str]] = deque()
        self._by_source: dict[str, deque[float]] = {}

    async def admit(self, source: str) -> Refusal | None:
        now = self._clock()
        while self._all and self._all[0][0] <= now - self._window:
            _, old = self._all.popleft()
            mine = self._by_source[old]
            mine.popleft()
            if not mine:
                del self._by_source[old]
        mine = self._by_source.get(source)
        if mine is not None and len(mine) >= self._per_source:
            return _per_source(self._per_source), mine[0] + self._window - now
        if len(self._all) >= self._total:
            return _in_total(self._total), self._all[0][0] + self._window - now
        self._all.append((now, source))
        self._by_source.setdefault(source, deque()).append(now)
        return None

    async def aclose(self) -> None:
        return None


# KEYS: this source's count, everyone's count. ARGV: per-source cap, total cap, window in ms.
# Returns {0} when admitted (both counted), else {1 or 2 (which cap), ms until that count expires}.
_ADMIT = """
local mine = tonumber(redis.call('GET', KEYS[1]) or '0')
local all = tonumber(redis.call('GET', KEYS[2]) or '0')
if mine >= tonumber(ARGV[1]) then return {1, redis.call('PTTL', KEYS[1])} end
if all >= tonumber(ARGV[2]) then return {2, redis.call('PTTL', KEYS[2])} end
for _, key in ipairs(KEYS) do
  if redis.call('INCR', key) == 1 then redis.call('PEXPIRE', key, ARGV[3]) end
end
return {0, 0}
"""


class RedisRegistrations:
    """The caps for every replica sharing one Redis: each count lives for an hour from its first registration.
    Redis unreachable refuses registration (503 from the caller), as the fleet's other limits fail closed."""

    def __init__(
        self, redis_url: str, *, prefix: str, per_source: int, total: int, window: float = WINDOW_SECONDS
    ) -> None:
        from redis.asyncio import Redis

        self._redis: Redis = Redis.from_url(redis_url, socket_connect_timeout=2.0, socket_timeout=2.0)
        self._script = self._redis.register_script(_ADMIT)
        # One hash tag for both keys, so the script's keys share a slot on a Redis cluster too.
        self._prefix = f"{{{prefix}:registrations}}"
        self._per_source = per_source
        self._total = total
        self._window_ms = int(window * 1000)

    async def admit(self, source: str) -> Refusal | None:
        from redis.exceptions import RedisError

        keys = [f"{self._prefix}:source:{source}", f"{self._prefix}:all"]
        try:
            answer: Any = await self._script(keys=keys, args=[self._per_source, self._total, self._window_ms])
        except (RedisError, OSError) as exc:
            raise CountUnavailable(type(exc).__name__) from None
        which, ttl = int(answer[0]), int(answer[1])
        if which == 0:
            return None
        why = _per_source(self._per_source) if which == 1 else _in_total(self._total)
        return why, max(ttl, 0) / 1000

    async def aclose(self) -> None:
        await self._redis.aclose()


class RegistrationLimit:
    """ASGI: POST /register goes through only when `counter` admits its source; other requests pass straight through.

    The source is the connection's client address as uvicorn reports it (behind a reverse proxy, uvicorn's
    `--forwarded-allow-ips` makes that the forwarded client rather than the proxy).
    """

    def __init__(self, app: ASGIApp, counter: RegistrationCounter) -> None:
        self._app = app
        self.counter = counter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("path") == REGISTRATION_PATH and scope.get("method") == "POST":
            client = scope.get("client")
            source = str(client[0]) if client else "unknown"
            try:
                refusal = await self.counter.admit(source)
            except CountUnavailable as exc:
                logger.warning("the registration count could not be reached (%s): registration refused", exc)
                await _refuse(send, "client registration is unavailable for a moment", 30.0, status=503)
                return
            if refusal is not None:
                await _refuse(send, *refusal)
                return
        await self._app(scope, receive, send)


def registration_counter(redis_url: str | None, *, prefix: str, per_source: int, total: int) -> RegistrationCounter:
    """The fleet-wide count with Redis, else this process's."""
    if redis_url:
        return RedisRegistrations(redis_url, prefix=prefix, per_source=per_source, total=total)
    return MemoryRegistrations(per_source=per_source, total=total)


async def _refuse(send: Send, description: str, retry_after: float, *, status: int = 429) -> None:
    seconds = max(1, math.ceil(retry_after))
    body = json.dumps(
        {"error": "temporarily_unavailable", "error_description": f"{description}. Try again in {seconds} seconds."}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", str(seconds).encode()),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
