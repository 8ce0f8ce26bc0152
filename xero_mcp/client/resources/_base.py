"""What every resource shares: paths by ID or number, typed list/get/create/update over the base request path."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from enum import Enum
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote
from uuid import UUID

from pydantic import BaseModel

from xero_mcp.client import batching
from xero_mcp.client.batching import BatchOutcome
from xero_mcp.client.errors import NotFound, ValidationError
from xero_mcp.client.models._base import XeroRequest
from xero_mcp.client.models.common import LineItemInput, TrackingInput
from xero_mcp.client.pagination import (
    MAX_PAGE_SIZE,
    Order,
    Page,
    Where,
    csv_param,
    fetch_page,
    items_of,
    iterate_pages,
    order_param,
)

if TYPE_CHECKING:
    from xero_mcp.client._base import TenantClient

M = TypeVar("M", bound=BaseModel)


def is_uuid(value: UUID | str) -> bool:
    """Whether `value` is (or spells) a UUID, i.e. a Xero ID rather than a number or code."""
    if isinstance(value, UUID):
        return True
    try:
        UUID(value.strip())
    except ValueError:
        return False
    return True


def segment(value: UUID | str) -> str:
    """One path segment for an ID, number or code, percent-encoded so it cannot add path segments or a query."""
    text = str(value).strip()
    if not text:
        raise ValueError("an ID, number or code cannot be empty")
    return quote(text, safe="")


def uuid_segment(value: UUID | str, what: str) -> str:
    """A path segment that must be a Xero ID (UUID)."""
    if not is_uuid(value):
        raise ValueError(f"{what} must be a Xero ID (a UUID), got {str(value)!r}")
    return str(UUID(str(value).strip()))


def query(
    *,
    where: Where | None = None,
    order: Order | str | None = None,
    **values: str | int | bool | Sequence[str | UUID | Enum] | None,
) -> dict[str, str]:
    """Query parameters from typed values: None is left out, bools are true/false, sequences comma-separated."""
    params: dict[str, str] = {}
    if where is not None:
        params["where"] = str(where)
    if order is not None:
        params["order"] = order_param(order)
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, bool):
            params[name] = "true" if value else "false"
        elif isinstance(value, int | str):
            params[name] = str(value)
        else:
            params[name] = csv_param(value)
    return params


def line_items_as_input(lines: Iterable[BaseModel]) -> list[dict[str, Any]]:
    """Lines as read from Xero, rewritten as the request lines that keep them unchanged (by LineItemID)."""
    keep = {field.alias or name for name, field in LineItemInput.model_fields.items()}
    result: list[dict[str, Any]] = []
    for line in lines:
        dumped = line.model_dump(by_alias=True, exclude_none=True)
        kept = {key: value for key, value in dumped.items() if key in keep}
        if "Tracking" in kept:
            tracking_keys = {field.alias or name for name, field in TrackingInput.model_fields.items()}
            kept["Tracking"] = [
                {key: value for key, value in option.items() if key in tracking_keys} for option in kept["Tracking"]
            ]
        result.append(kept)
    return result


def date_param(value: dt.date | None) -> str | None:
    """A date query parameter as Xero takes it (YYYY-MM-DD)."""
    return value.isoformat() if value is not None else None


class Resource:
    """Base of the typed resources: holds the organisation's client and shares the common calls."""

    def __init__(self, client: TenantClient) -> None:
        self._client = client

    async def _get_data(
        self, path: str, params: Mapping[str, str] | None = None, if_modified_since: dt.datetime | None = None
    ) -> Any:
        response = await self._client.request("GET", path, params=params, if_modified_since=if_modified_since)
        return response.data

    async def _list(
        self,
        path: str,
        key: str,
        model: type[M],
        params: Mapping[str, str] | None = None,
        if_modified_since: dt.datetime | None = None,
    ) -> list[M]:
        data = await self._get_data(path, params, if_modified_since)
        return [model.model_validate(item) for item in items_of(data, key)]

    async def _one(self, path: str, key: str, model: type[M], params: Mapping[str, str] | None = None) -> M:
        items = await self._list(path, key, model, params)
        if not items:
            raise NotFound(f"Not found: GET /{path.lstrip('/')}", status_code=404, method="GET", path=path)
        return items[0]

    async def _page(
        self,
        path: str,
        key: str,
        model: type[M],
        params: Mapping[str, str],
        *,
        page: int,
        page_size: int,
        if_modified_since: dt.datetime | None,
    ) -> Page[M]:
        raw = await fetch_page(
            self._client,
            path,
            key=key,
            page=page,
            page_size=page_size,
            params=params,
            if_modified_since=if_modified_since,
        )
        return Page(
            items=[model.model_validate(item) for item in raw.items],
            page=raw.page,
            page_size=raw.page_size,
            page_count=raw.page_count,
            item_count=raw.item_count,
        )

    async def _iterate(
        self,
        path: str,
        key: str,
        model: type[M],
        params: Mapping[str, str],
        *,
        if_modified_since: dt.datetime | None,
        page_size: int = MAX_PAGE_SIZE,
    ) -> AsyncIterator[M]:
        async for items in iterate_pages(
            self._client, path, key=key, params=params, if_modified_since=if_modified_since, page_size=page_size
        ):
            for item in items:
                yield model.model_validate(item)

    async def _write_one(
        self,
        method: str,
        path: str,
        key: str,
        body: Mapping[str, Any],
        model: type[M],
        *,
        idempotency_key: str | None,
        wrap: bool = True,
        params: Mapping[str, str] | None = None,
    ) -> M:
        """Send one record (wrapped as {key: [body]} unless `wrap` is False) and return Xero's copy of it.

        An element Xero marks as failed inside a 200 answer is raised as ValidationError, like a 400.
        """
        payload: Any = {key: [dict(body)]} if wrap else dict(body)
        response = await self._client.request(
            method, path, params=params, json=payload, idempotency_key=idempotency_key
        )
        items = items_of(response.data, key)
        if not items:
            raise ValidationError(
                f"Xero's answer to {method} {path} held no {key}",
                messages=(f"Xero's answer held no {key}",),
                status_code=response.status_code,
                method=method,
                path=path,
                body=response.data,
            )
        element = items[0]
        outcome = batching.outcome_from_element(0, element, model.model_validate, response.idempotency_key)
        if outcome.status == "ERROR":
            raise ValidationError(
                "; ".join(outcome.errors),
                messages=outcome.errors,
                status_code=response.status_code,
                method=method,
                path=path,
                body=response.data,
            )
        return model.model_validate(element)

    async def _create_many(
        self,
        path: str,
        key: str,
        bodies: Iterable[XeroRequest],
        model: type[M],
        *,
        idempotency_key: str | None,
    ) -> list[BatchOutcome[M]]:
        elements = [body.to_xero() for body in bodies]
        return await batching.create_many(
            self._client, path, key, elements, model.model_validate, idempotency_key=idempotency_key
        )
