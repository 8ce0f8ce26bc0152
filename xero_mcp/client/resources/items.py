"""Items (products and services)."""

from __future__ import annotations

from typing import Any, Unpack
from uuid import UUID

from xero_mcp.client.models.items import Item, ItemCreate, ItemUpdate
from xero_mcp.client.resources._base import Batched, UnitdpFilters, Updatable


class ItemsResource(Batched[Item, ItemCreate], Updatable[Item, ItemUpdate]):
    """`/Items` (not paged), read by ItemID or Code; a create is refused when the code exists."""

    path = "/Items"
    key = "Items"
    model = Item
    id_name = "item_id"
    by_number = True
    filter_type = UnitdpFilters
    # Xero needs the Code on every update.
    update_needs = frozenset({"Code"})

    def _carried(self, current: Item) -> dict[str, Any]:
        return {"Code": current.code}

    async def list(self, **filters: Unpack[UnitdpFilters]) -> list[Item]:
        """All matching items."""
        return await self._all(filters)

    async def delete(self, item_id: UUID | str) -> None:
        """Delete an item (refused by Xero when it is used on documents)."""
        await self._client.request("DELETE", f"{self.path}/{self._ident(item_id)}")
