"""Xero's webhooks in hosted mode: each event reaches only the people connected to its organisation.

The signature check and payload parsing are the local receiver's (`xero_mcp.sync.webhooks`); what differs is where
events go. Each person has their own trigger state, so an event for an organisation is recorded for every active
person whose Xero sign-in connected it, and for nobody else.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from pydantic import SecretStr
from starlette.requests import Request
from starlette.responses import Response

from xero_mcp.auth.store import StoredLogin
from xero_mcp.store import Store
from xero_mcp.sync.cursors import ChangeEvent, CursorStore
from xero_mcp.sync.webhooks import (
    MAX_BODY_BYTES,
    SIGNATURE_HEADER,
    parse_events,
    read_capped_body,
    verify_signature,
)

logger = logging.getLogger(__name__)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class HostedWebhooks:
    """The POST handler for /webhooks/xero in hosted mode."""

    def __init__(
        self,
        store: Store,
        signing_key: SecretStr,
        *,
        now: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._store = store
        self._key = signing_key
        self._now = now

    async def receive(self, request: Request) -> Response:
        """Answer as Xero requires (401 for a bad signature, 200 with no body otherwise) and fan the events out."""
        body = await read_capped_body(request, MAX_BODY_BYTES)
        if body is None:
            return Response(status_code=413)
        if not verify_signature(body, request.headers.get(SIGNATURE_HEADER), self._key):
            return Response(status_code=401)
        try:
            events = parse_events(body)
        except ValueError:
            return Response(status_code=400)
        if events:
            await self._fan_out(events)
        return Response(status_code=200)

    async def _fan_out(self, events: list[ChangeEvent]) -> None:
        for user in await self._store.list_users():
            if not user.active:
                continue
            loaded = await self._store.load_xero_login(user.user_id)
            if loaded is None:
                continue
            connected = {t.tenant_id.lower() for t in StoredLogin.from_bytes(loaded[0]).tenants}
            theirs = [event for event in events if event.tenant_id.lower() in connected]
            if theirs:
                await CursorStore(self._store, user.user_id).record_events(theirs, now=self._now())
