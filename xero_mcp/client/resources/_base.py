"""What every resource shares: paths by ID or number, typed list/get/create/update over the base request path.

Most Xero areas are collections (`/Invoices`, `/Contacts`, ...): records of one model at one path, under one envelope
key, read by ID (or number), listed with filters, created and changed the same way. `Collection` does that once,
parameterised by those class attributes; `Batched` and `Updatable` add the verbs a collection has, so a resource's
bases say what Xero allows on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from enum import Enum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypedDict, TypeVar
from urllib.parse import quote
from uuid import UUID

from pydantic import BaseModel

from xero_mcp.client import batching
from xero_mcp.client.batching import BatchOutcome
from xero_mcp.client.errors import NotFound, ValidationError
from xero_mcp.client.models._base import XeroRequest, xero_alias
from xero_mcp.client.models.common import LineItemInput, TrackingInput
from xero_mcp.client.models.credit_notes import Allocation, AllocationCreate
from xero_mcp.client.pagination import (
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
C = TypeVar("C", bound=XeroRequest)
U = TypeVar("U", bound=XeroRequest)

SUMMARIZE_ERRORS: Mapping[str, str] = MappingProxyType({"summarizeErrors": "true"})
"""Sent with creates on batch endpoints, so Xero answers a refused record as a ValidationError, element by element."""


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


class ListFilters(TypedDict, total=False):
    """Filters of every list: `order`, and `if_modified_since` (only records changed since then)."""

    order: Order | str | None
    if_modified_since: dt.datetime | None


class WhereFilters(ListFilters, total=False):
    """Adds `where`, an expression over any field (build it with Where)."""

    where: Where | None


class UnitdpFilters(WhereFilters, total=False):
    """Adds `unitdp`: 4 for unit amounts with four decimal places."""

    unitdp: int | None


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


class Collection(Resource, Generic[M]):
    """Records of one model at one path, under one envelope key in requests and answers.

    A subclass sets the class attributes below; its list and iterate methods take `**filters` typed by the
    TypedDict named in `filter_type`, which `_params` turns into Xero's query parameters.
    """

    path: ClassVar[str]
    """Where the collection lives, e.g. "/Invoices"."""
    key: ClassVar[str]
    """The envelope key of requests and answers, e.g. "Invoices"."""
    model: type[M]
    """The model of a record as Xero returns it."""
    id_name: ClassVar[str]
    """The record's ID as named in errors ("invoice_id"); its Xero name ("InvoiceID") leads an update's body."""
    by_number: ClassVar[bool] = False
    """Whether get() also takes the record's number or code (an InvoiceNumber, an item Code)."""
    filter_type: ClassVar[type[Mapping[str, object]]] = WhereFilters
    """The filters its lists take (the TypedDict of their `**filters`)."""

    def _ident(self, record_id: UUID | str) -> str:
        return uuid_segment(record_id, self.id_name)

    async def get(self, record_id: UUID | str) -> M:
        """One record by its Xero ID (or its number or code, where the collection has one). Raises NotFound."""
        ident = segment(record_id) if self.by_number else self._ident(record_id)
        return await self._one(f"{self.path}/{ident}", self.key, self.model)

    def _params(self, filters: Any) -> dict[str, str]:
        """The query parameters for `filters`; collections with filters of their own override this."""
        return query(where=filters.get("where"), order=filters.get("order"), unitdp=filters.get("unitdp"))

    def _query(self, filters: Mapping[str, Any]) -> dict[str, str]:
        # Typed `**filters` are checked by the type checker only: a misspelt filter must fail, not list everything.
        unknown = sorted(filters.keys() - self.filter_type.__annotations__.keys())
        if unknown:
            raise TypeError(f"{type(self).__name__} takes no filter {unknown[0]!r}")
        return self._params(filters)

    async def _all(self, filters: Mapping[str, Any]) -> list[M]:
        """Every matching record of a collection Xero does not page."""
        params = self._query(filters)
        return await self._list(self.path, self.key, self.model, params, filters.get("if_modified_since"))

    async def _page_of(self, filters: Mapping[str, Any], *, page: int, page_size: int) -> Page[M]:
        raw = await fetch_page(
            self._client,
            self.path,
            key=self.key,
            page=page,
            page_size=page_size,
            params=self._query(filters),
            if_modified_since=filters.get("if_modified_since"),
        )
        return Page(
            items=[self.model.model_validate(item) for item in raw.items],
            page=raw.page,
            page_size=raw.page_size,
            page_count=raw.page_count,
            item_count=raw.item_count,
        )

    def _each(self, filters: Mapping[str, Any], *, page_size: int) -> AsyncIterator[M]:
        # The query is built here, not in the generator, so a bad filter raises at the call rather than at the loop.
        return self._models(self._query(filters), filters.get("if_modified_since"), page_size)

    async def _models(
        self, params: Mapping[str, str], if_modified_since: dt.datetime | None, page_size: int
    ) -> AsyncIterator[M]:
        async for items in iterate_pages(
            self._client,
            self.path,
            key=self.key,
            params=params,
            if_modified_since=if_modified_since,
            page_size=page_size,
        ):
            for item in items:
                yield self.model.model_validate(item)

    async def _create(
        self,
        record: XeroRequest,
        *,
        idempotency_key: str | None,
        wrap: bool = True,
        params: Mapping[str, str] | None = None,
    ) -> M:
        return await self._write_one(
            "PUT",
            self.path,
            self.key,
            record.to_xero(),
            self.model,
            idempotency_key=idempotency_key,
            wrap=wrap,
            params=params,
        )

    async def _delete_by_status(self, record_id: UUID | str, *, idempotency_key: str | None) -> M:
        """Mark a record DELETED (POST {"Status": "DELETED"}); Xero's copy, or the ID and status when it sends none."""
        ident = self._ident(record_id)
        response = await self._client.request(
            "POST", f"{self.path}/{ident}", json={"Status": "DELETED"}, idempotency_key=idempotency_key
        )
        items = items_of(response.data, self.key)
        return self.model.model_validate(items[0] if items else {xero_alias(self.id_name): ident, "Status": "DELETED"})


class Batched(Collection[M], Generic[M, C]):
    """A collection Xero creates records in one at a time or up to 50 per call."""

    async def create(self, record: C, *, idempotency_key: str | None = None) -> M:
        """Create one record (PUT). Raises ValidationError with Xero's messages when refused."""
        return await self._create(record, idempotency_key=idempotency_key, params=SUMMARIZE_ERRORS)

    async def create_many(self, records: Sequence[C], *, idempotency_key: str | None = None) -> list[BatchOutcome[M]]:
        """Create many records, 50 per call; one outcome per input, in order."""
        elements = [record.to_xero() for record in records]
        return await batching.create_many(
            self._client, self.path, self.key, elements, self.model.model_validate, idempotency_key=idempotency_key
        )


class Updatable(Collection[M], Generic[M, U]):
    """A collection whose records change by POST to their path."""

    update_needs: ClassVar[frozenset[str]] = frozenset()
    """Fields Xero requires on every update of this collection; `_carried` says where to find them."""

    def _carried(self, current: M) -> dict[str, Any]:
        """The `update_needs` fields as `current` has them (None where it has none)."""
        return {}

    async def update(
        self, record_id: UUID | str, changes: U, *, idempotency_key: str | None = None, current: M | None = None
    ) -> M:
        """Change a record (POST to its ID); only the fields set in `changes` are sent.

        Fields Xero requires on every update of the collection (`update_needs`) that `changes` leaves out are copied
        unchanged from `current`, the record as last read (read here, costing one call, when not given); collections
        that need none never read it.
        """
        ident = self._ident(record_id)
        body: dict[str, Any] = {xero_alias(self.id_name): ident, **changes.to_xero()}
        if not self.update_needs <= body.keys():
            if current is None:
                current = await self.get(ident)
            for name, value in self._carried(current).items():
                if name not in body and value is not None:
                    body[name] = value
        return await self._write_one(
            "POST", f"{self.path}/{ident}", self.key, body, self.model, idempotency_key=idempotency_key
        )


class Allocatable(Collection[M]):
    """A collection of credits (credit notes, prepayments, overpayments) allocated to invoices at
    `{path}/{id}/Allocations`."""

    async def allocate(
        self, record_id: UUID | str, allocation: AllocationCreate, *, idempotency_key: str | None = None
    ) -> Allocation:
        """Apply part of an AUTHORISED credit (note, prepayment, overpayment) to an outstanding invoice of the same
        contact."""
        return await self._write_one(
            "PUT",
            f"{self.path}/{self._ident(record_id)}/Allocations",
            "Allocations",
            allocation.to_xero(),
            Allocation,
            idempotency_key=idempotency_key,
            params=SUMMARIZE_ERRORS,
        )

    async def delete_allocation(self, record_id: UUID | str, allocation_id: UUID | str) -> Allocation | None:
        """Undo an allocation; returns the allocation marked deleted when Xero sends it back."""
        ident = self._ident(record_id)
        allocation = uuid_segment(allocation_id, "allocation_id")
        response = await self._client.request("DELETE", f"{self.path}/{ident}/Allocations/{allocation}")
        if isinstance(response.data, dict) and "Allocations" not in response.data:
            return Allocation.model_validate(response.data)
        items = items_of(response.data, "Allocations")
        return Allocation.model_validate(items[0]) if items else None
