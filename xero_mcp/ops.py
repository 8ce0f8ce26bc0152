"""Operating a served xero-mcp: health and readiness, Prometheus metrics, request ids and JSON logs.

- `/healthz` answers 200 while the process serves (liveness); `/readyz` answers 200 only when the database and, for
  replicas, Redis answer (readiness), else 503 naming what failed. Both are open, as load balancers and orchestrators
  probe them without credentials, and they reveal nothing else.
- `/metrics` is the Prometheus exposition, behind the same guard as the MCP endpoint.
- Every HTTP request gets a request id (the caller's `X-Request-ID` when it is a sane token, else a new one), echoed
  in the response and attached to every log line written while serving it.
- `JsonFormatter` writes one JSON object per log line (`XERO_MCP_LOG_FORMAT=json` or `--log-format json`), with
  credentials masked as in every other log line.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from xero_mcp.client._logging import redact
from xero_mcp.coordination._interface import CoordinationUnavailable, Coordinator

REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("xero_mcp_request_id", default=None)
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

ReadinessCheck = Callable[[], Awaitable[Mapping[str, str]]]
"""Returns what is not ready, by component (empty when everything is)."""


async def readiness_problems(database: Callable[[], Awaitable[object]], coordinator: Coordinator) -> dict[str, str]:
    """What keeps a server from serving, by component: `database` (a trivial read of the state database, raising
    when it cannot be read) and the coordination store (Redis, for replicas)."""
    problems: dict[str, str] = {}
    try:
        await database()
    except Exception as exc:  # any failure of the database means not ready
        problems["database"] = f"{type(exc).__name__}: the state database cannot be read"
    try:
        await coordinator.ping()
    except CoordinationUnavailable as exc:
        problems["redis"] = str(exc)
    return problems


async def _send_json(send: Send, status: int, payload: Mapping[str, Any]) -> None:
    body = json.dumps(payload).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"cache-control", b"no-store")],
        }
    )
    await send({"type": "http.response.body", "body": body})


class HealthRoutes:
    """ASGI: `/healthz` and `/readyz` answered here, everything else passed to the app (lifespan included)."""

    def __init__(self, app: ASGIApp, readiness: ReadinessCheck) -> None:
        self._app = app
        self._readiness = readiness

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path") if scope["type"] == "http" else None
        if path == "/healthz":
            await _send_json(send, 200, {"status": "ok"})
            return
        if path == "/readyz":
            try:
                problems = dict(await self._readiness())
            except Exception as exc:  # a readiness probe must answer, whatever broke
                problems = {"backend": redact(f"{type(exc).__name__}: {exc}")[:300]}
            if problems:
                await _send_json(send, 503, {"status": "not ready", "problems": problems})
            else:
                await _send_json(send, 200, {"status": "ready"})
            return
        await self._app(scope, receive, send)


class MetricsRoute:
    """ASGI: `/metrics` answered with the exposition, everything else passed on (mounted inside the guard)."""

    def __init__(self, app: ASGIApp, exposition: Callable[[], tuple[bytes, str]]) -> None:
        self._app = app
        self._exposition = exposition

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("path") == "/metrics":
            body, content_type = self._exposition()
            await send(
                {"type": "http.response.start", "status": 200, "headers": [(b"content-type", content_type.encode())]}
            )
            await send({"type": "http.response.body", "body": body})
            return
        await self._app(scope, receive, send)


class RequestIds:
    """ASGI: a request id per HTTP request, in the `REQUEST_ID` context for logs and in the `X-Request-ID` answer."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
        given = next((value for name, value in headers if name.lower() == b"x-request-id"), b"").decode("latin-1")
        request_id = given if _SANE_ID.match(given) else uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)

        async def tagged(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (b"x-request-id", request_id.encode())]}
            await send(message)

        try:
            await self._app(scope, receive, tagged)
        finally:
            REQUEST_ID.reset(token)


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message (credentials masked), request id, exception."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a JSON line."""
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        request_id = REQUEST_ID.get()
        if request_id is not None:
            entry["request_id"] = request_id
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(*, json_lines: bool, level: int, stream: Any) -> None:
    """Log to `stream` (stderr: stdout is the MCP channel for stdio) as text or JSON lines."""
    handler = logging.StreamHandler(stream)
    if json_lines:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
