"""History and notes on documents and contacts."""

from __future__ import annotations

from typing import cast, get_args
from uuid import UUID

from xero_mcp.client.models.history import MAX_NOTE_LENGTH, HistoryEntity, HistoryRecord
from xero_mcp.client.pagination import items_of
from xero_mcp.client.resources._base import Resource, uuid_segment

_ENTITIES: dict[str, HistoryEntity] = {}
for _name in get_args(HistoryEntity):
    _canonical = cast("HistoryEntity", _name)
    _ENTITIES[_name.lower()] = _canonical
    _ENTITIES[_name.lower().removesuffix("s")] = _canonical


def history_entity(name: str) -> HistoryEntity:
    """The Xero collection for `name`, accepting any case and the singular ("invoice" -> "Invoices")."""
    key = name.strip().replace("_", "").replace(" ", "").lower()
    entity = _ENTITIES.get(key)
    if entity is None:
        raise ValueError(f"{name!r} has no history in Xero; one of: {', '.join(get_args(HistoryEntity))}")
    return entity


class HistoryResource(Resource):
    """`/{Entity}/{ID}/History`: what happened to a record, and notes added to it."""

    async def get(self, entity: HistoryEntity | str, record_id: UUID | str) -> list[HistoryRecord]:
        """The history of one record, oldest first as Xero returns it."""
        path = f"/{history_entity(entity)}/{uuid_segment(record_id, 'record_id')}/History"
        data = await self._get_data(path)
        return [HistoryRecord.model_validate(item) for item in items_of(data, "HistoryRecords")]

    async def add(
        self, entity: HistoryEntity | str, record_id: UUID | str, details: str, *, idempotency_key: str | None = None
    ) -> list[HistoryRecord]:
        """Add a note (at most 2,500 characters) to a record's history; returns the note as recorded."""
        text = details.strip()
        if not text:
            raise ValueError("a note cannot be empty")
        if len(text) > MAX_NOTE_LENGTH:
            raise ValueError(f"a note can be at most {MAX_NOTE_LENGTH} characters (this one has {len(text)})")
        path = f"/{history_entity(entity)}/{uuid_segment(record_id, 'record_id')}/History"
        response = await self._client.request(
            "PUT", path, json={"HistoryRecords": [{"Details": text}]}, idempotency_key=idempotency_key
        )
        return [HistoryRecord.model_validate(item) for item in items_of(response.data, "HistoryRecords")]
