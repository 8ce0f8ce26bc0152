"""Xero webhooks: signature check, intent-to-receive, and events recorded for the next poll.

Xero signs each delivery with base64(HMAC-SHA256(raw body, webhook signing key)) in `x-xero-signature`. It answers
"intent to receive" itself: a correctly signed payload gets 200 with no body, anything else 401, whether or not it
carries events. Contact, invoice and credit note events are stored in the store; the next poll of that tenant
and entity (given a fetch-by-ID callable) fetches the named records as well as its If-Modified-Since window.

`webhook_route()` builds the Starlette route the Streamable HTTP server mounts (`xero-mcp serve --transport http`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, cast

from pydantic import SecretStr
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from xero_mcp.sync.cursors import ChangeEvent, CursorStore
from xero_mcp.sync.xerotime import parse_xero_datetime

SIGNATURE_HEADER = "x-xero-signature"
DEFAULT_PATH = "/webhooks/xero"
MAX_BODY_BYTES = 1_000_000
"""Xero sends small batches; anything far larger is not Xero and is refused before it is hashed."""


class WebhookPayloadError(ValueError):
    """A correctly signed body that is not a Xero webhook payload."""


def _key_bytes(signing_key: SecretStr | str | bytes) -> bytes:
    if isinstance(signing_key, SecretStr):
        return signing_key.get_secret_value().encode()
    return signing_key.encode() if isinstance(signing_key, str) else signing_key


def sign(body: bytes, signing_key: SecretStr | str | bytes) -> str:
    """The `x-xero-signature` value Xero sends for this body: base64 of its HMAC-SHA256 under the signing key."""
    digest = hmac.new(_key_bytes(signing_key), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify_signature(body: bytes, signature: str | None, signing_key: SecretStr | str | bytes) -> bool:
    """True when `signature` is Xero's signature of exactly these bytes; compared in constant time."""
    if not signature:
        return False
    expected = sign(body, signing_key).encode("ascii")
    return hmac.compare_digest(expected, signature.strip().encode("ascii", "replace"))


def parse_events(body: bytes) -> list[ChangeEvent]:
    """The events of a Xero webhook payload (an intent-to-receive payload has none).

    Raises WebhookPayloadError when the body is not a payload of that shape.
    """
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise WebhookPayloadError("webhook body is not JSON") from None
    except RecursionError:
        # Nesting deeper than the parser's stack: a correctly signed body can still be absurd.
        raise WebhookPayloadError("webhook body is nested too deeply") from None
    if not isinstance(payload, dict):
        raise WebhookPayloadError("webhook body is not a JSON object")
    raw_events = cast(dict[str, Any], payload).get("events", [])
    if not isinstance(raw_events, list):
        raise WebhookPayloadError("webhook 'events' is not a list")
    events: list[ChangeEvent] = []
    for raw in cast(list[Any], raw_events):
        if not isinstance(raw, dict):
            raise WebhookPayloadError("a webhook event is not an object")
        item = cast(dict[str, Any], raw)
        try:
            events.append(
                ChangeEvent(
                    tenant_id=str(item["tenantId"]),
                    category=str(item["eventCategory"]).upper(),
                    resource_id=str(item["resourceId"]),
                    event_type=str(item["eventType"]).upper(),
                    event_at=parse_xero_datetime(item["eventDateUtc"]),
                )
            )
        except (KeyError, ValueError) as exc:
            raise WebhookPayloadError(f"a webhook event lacks a valid field: {exc}") from None
    return events


async def read_capped_body(request: Request, limit: int) -> bytes | None:
    """The request body, or None as soon as it is known to exceed `limit` bytes.

    A declared Content-Length over the limit is refused before any byte is read; a chunked body is read only up to
    the limit, so a sender streaming hundreds of megabytes costs at most `limit` bytes of memory.
    """
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                return None
        except ValueError:
            return None
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > limit:
            return None
    return bytes(received)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def webhook_route(
    cursors: Callable[[], Awaitable[CursorStore]],
    signing_key: SecretStr | str | bytes,
    *,
    path: str = DEFAULT_PATH,
    now: Callable[[], datetime] = _utc_now,
) -> Route:
    """A Starlette POST route receiving Xero webhooks into the trigger state `cursors()` gives (the backend's own,
    resolved on each delivery, so the route opens no database of its own).

    Answers as Xero requires: 401 for a missing or wrong signature, 200 with an empty body otherwise (including
    intent-to-receive). A signed body that is not a webhook payload gets 400; one over MAX_BODY_BYTES gets 413.
    """

    async def receive(request: Request) -> Response:
        body = await read_capped_body(request, MAX_BODY_BYTES)
        if body is None:
            return Response(status_code=413)
        if not verify_signature(body, request.headers.get(SIGNATURE_HEADER), signing_key):
            return Response(status_code=401)
        try:
            events = parse_events(body)
            if events:
                await (await cursors()).record_events(events, now=now())
        except ValueError:
            return Response(status_code=400)
        return Response(status_code=200)

    return Route(path, receive, methods=["POST"])
