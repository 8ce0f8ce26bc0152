"""Items (products and services)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from uuid import UUID

from xero_mcp.client.batching import BatchOutcome
from xero_mcp.client.models.items import Item, ItemCreate, ItemUpdate
from xero_mcp.client.pagination import Order, Where
from xero_mcp.client.resources._base import Resource, query, segment, uuid_segment

PATH = "/Items"
KEY = "Items"


class ItemsResource(Resource):
    """`/Items` (not paged)."""

    async def list(
        self,
        *,
        where: Where | None = None,
        order: Order | str | None = None,
        unitdp: int | None = None,
        if_modified_since: dt.datetime | None = None,
    ) -> list[Item]:
        """All matching items."""
        return await self._list(PATH, KEY, Item, query(where=where, order=order, unitdp=unitdp), if_modified_since)

    async def get(self, id_or_code: UUID | str) -> Item:
        """One item by ItemID or Code. Raises NotFound."""
        return await self._one(f"{PATH}/{segment(id_or_code)}", KEY, Item)

    async def create(self, item: ItemCreate, *, idempotency_key: str | None = None) -> Item:
        """Create one item (refused when the code exists)."""
        return await self._write_one(
            "PUT", PATH, KEY, item.to_xero(), Item, idempotency_key=idempotency_key, params={"summarizeErrors": "true"}
        )

    async def create_many(
        self, items: Sequence[ItemCreate], *, idempotency_key: str | None = None
    ) -> list[BatchOutcome[Item]]:
        """Create many items, 50 per call; one outcome per input, in order."""
        return await self._create_many(PATH, KEY, items, Item, idempotency_key=idempotency_key)

    async def update(
        self,
        item_id: UUID | str,
        changes: ItemUpdate,
        *,
        idempotency_key: str | None = None,
        current: Item | None = None,
    ) -> Item:
        """Change an item. Xero needs the Code on every update: when `changes` has none it is copied from
        `current` (the item as last read; read here, costing one call, when not given)."""
        ident = uuid_segment(item_id, "item_id")
        body = {"ItemID": ident, **changes.to_xero()}
        if "Code" not in body:
            if current is None:
                current = await self.get(ident)
            if current.code is not None:
                body["Code"] = current.code
        return await self._write_one("POST", f"{PATH}/{ident}", KEY, body, Item, idempotency_key=idempotency_key)

    async def delete(self, item_id: UUID | str) -> None:
        """Delete an item (refused by Xero when it is used on documents)."""
        await self._client.request("DELETE", f"{PATH}/{uuid_segment(item_id, 'item_id')}")
