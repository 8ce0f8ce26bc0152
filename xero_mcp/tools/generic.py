"""xero_get and xero_write: any Accounting API path, for what the typed tools do not cover.

Only paths of the Accounting API are requested (`_api_paths`, from Xero's spec), so these tools cannot be pointed at
another host or API. xero_write is destructive-annotated (so absent in read-only mode) and asks before anything that
cannot be undone: a DELETE, or a write that sets a record's Status to DELETED or VOIDED.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, Literal, cast
from urllib.parse import parse_qsl

from pydantic import Field, PlainSerializer

from xero_mcp.tools._api_paths import ApiPathError, PathMatch, match_path
from xero_mcp.tools._args import ModifiedSince, PageNumber, PageSize, Tenant
from xero_mcp.tools._context import ToolContext
from xero_mcp.tools._errors import UserInputError
from xero_mcp.tools._projections import CompactView
from xero_mcp.tools._spec import ToolSpec, tool

DEFAULT_PAGE_SIZE = 100
"""Records per page when xero_get reads a paged list without a page_size (Xero's own default)."""

_ENVELOPE = ("Id", "Status", "ProviderName", "DateTimeUTC")
_IRREVERSIBLE_STATUSES = frozenset({"DELETED", "VOIDED"})


def _plain_json(value: Any) -> Any:
    """Xero's JSON as the model should see it: amounts (Decimal inside the client) as JSON numbers again."""
    if isinstance(value, Decimal):
        # Integral amounts as integers; others as the float whose shortest form is the same decimal.
        return int(value) if value == value.to_integral_value() and abs(value) < 10**15 else float(value)
    if isinstance(value, Mapping):
        return {str(key): _plain_json(item) for key, item in cast("Mapping[Any, Any]", value).items()}
    if isinstance(value, list):
        return [_plain_json(item) for item in cast("list[Any]", value)]
    return value


RawJson = Annotated[Any, PlainSerializer(_plain_json, when_used="json")]
"""Xero's JSON, passed through: Decimals are kept exact in Python and written as JSON numbers."""

ApiPath = Annotated[str, Field(max_length=2000, description="e.g. /Invoices or /Contacts/{ContactID}/History")]
# Plain `str` (not `str | None`): the SDK would otherwise pre-parse a JSON-looking string into an object.
Query = Annotated[str, Field(max_length=2000, description='Query string, e.g. where=Type=="ACCREC"&order=Date DESC')]
Body = Annotated[str, Field(max_length=1_000_000, description="Request body: Xero's JSON, as text")]


class XeroGetResult(CompactView):
    """Xero's answer to a GET, without the envelope's Id/Status/ProviderName/DateTimeUTC."""

    path: str
    data: RawJson = None
    page: int | None = None
    next_page: int | None = None


class XeroWriteResult(CompactView):
    """Xero's answer to a write."""

    data: RawJson = None


def _matched(path: str, method: str) -> PathMatch:
    try:
        match = match_path(path)
    except ApiPathError as exc:
        raise UserInputError(str(exc)) from None
    if not match.allows(method):
        allowed = ", ".join(sorted(match.methods))
        raise UserInputError(
            f"path: {match.template} does not take {method} in Xero's Accounting API; it takes {allowed}."
        )
    return match


def _query(match: PathMatch, query: str) -> dict[str, str]:
    merged = dict(match.query)
    merged.update(parse_qsl(query.strip().lstrip("?"), keep_blank_values=True))
    return merged


def _body(text: str) -> Any:
    """The request body a model wrote as JSON text, or None when it gave none."""
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise UserInputError(f"body: not valid JSON ({exc}).") from None


def _page_number(text: str | None) -> int:
    if text is None or not text.strip():
        return 1
    if not text.strip().isdigit() or int(text) < 1:
        raise UserInputError(f"query: page must be a whole number from 1, not {text!r}.")
    return int(text)


def _strip_envelope(data: Any) -> Any:
    if isinstance(data, dict):
        body = cast("dict[str, Any]", data)
        return {key: value for key, value in body.items() if key not in _ENVELOPE}
    return data


def _listed(data: Any) -> list[Any] | None:
    """The record list of a list answer (the one list-valued field of the envelope), if any."""
    if not isinstance(data, dict):
        return None
    lists: list[list[Any]] = [
        cast("list[Any]", value) for value in cast("dict[str, Any]", data).values() if isinstance(value, list)
    ]
    return lists[0] if len(lists) == 1 else None


def _next_page(data: Any, page: int, page_size: int | None) -> int | None:
    if isinstance(data, dict):
        pagination = cast("dict[str, Any]", data).get("pagination")
        if isinstance(pagination, dict):
            count = cast("dict[str, Any]", pagination).get("pageCount")
            if isinstance(count, int):
                return page + 1 if page < count else None
    items = _listed(data)
    if items is None:
        return None
    return page + 1 if len(items) >= (page_size or DEFAULT_PAGE_SIZE) and items else None


@tool("xero_get", toolset="generic", title="Read any Accounting API path", read_only=True)
async def xero_get(
    x: ToolContext,
    path: ApiPath,
    query: Query = "",
    page: PageNumber | None = None,
    page_size: PageSize | None = None,
    modified_since: ModifiedSince = None,
    tenant: Tenant = None,
) -> XeroGetResult:
    """GET any Accounting API path; returns Xero's JSON (one page of a list). Prefer a typed tool."""
    match = _matched(path, "GET")
    if any(
        segment.lower() == "pdf" or "{AttachmentID}" in segment or "{FileName}" in segment
        for template in match.templates
        for segment in template.segments
    ):
        raise UserInputError(f"path: {match.template} returns a file, not JSON; xero_get cannot fetch files.")
    params = _query(match, query)
    paging = match.paging
    if (page is not None or page_size is not None) and not paging:
        raise UserInputError(f"page/page_size: {match.template} is not a paged list.")
    if page_size is not None and "pageSize" not in paging:
        raise UserInputError(f"page_size: {match.template} takes only page (its pages hold 100 records).")
    current: int | None = None
    if paging:
        current = page if page is not None else _page_number(params.get("page"))
        params["page"] = str(current)
        if page_size is not None:
            params["pageSize"] = str(page_size)
    org = await x.org(tenant)
    response = await org.api.request("GET", match.path, params=params or None, if_modified_since=modified_since)
    data = _strip_envelope(response.data)
    next_page = None
    if current is not None:
        size = int(params["pageSize"]) if "pageSize" in params else None
        next_page = _next_page(data, current, size)
    return XeroGetResult(path=match.path, data=data, page=current, next_page=next_page)


def _sets_irreversible_status(body: Any) -> bool:
    """Whether a write body sets Status to DELETED or VOIDED, on itself or on any record it wraps."""
    if isinstance(body, Mapping):
        mapping = cast("Mapping[str, Any]", body)
        # Xero reads JSON keys without regard to case, so `status` and `STATUS` set the status as `Status` does.
        for key, status in mapping.items():
            irreversible = isinstance(status, str) and status.strip().upper() in _IRREVERSIBLE_STATUSES
            if irreversible and key.strip().lower() == "status":
                return True
        return any(_sets_irreversible_status(value) for value in mapping.values() if isinstance(value, list))
    if isinstance(body, list):
        return any(_sets_irreversible_status(item) for item in cast("list[Any]", body))
    return False


def _needs_confirmation(method: str, body: Any) -> bool:
    return method == "DELETE" or _sets_irreversible_status(body)


def _describe_write(method: str, path: str, tenant: str | None) -> str:
    where = f" in organisation {tenant}" if tenant else ""
    effect = "" if method == "DELETE" else " setting Status to DELETED/VOIDED"
    return f"Send {method} {path} to Xero{effect}{where}."


async def _preview_write(
    x: ToolContext,
    method: Literal["POST", "PUT", "DELETE"],
    path: str,
    body: str = "",
    query: str = "",
    tenant: str | None = None,
) -> str | None:
    """What a write that cannot be undone would do; None for an ordinary write (nothing to confirm)."""
    if not _needs_confirmation(method, _body(body)):
        return None
    return _describe_write(method, _matched(path, method).path, tenant)


@tool(
    "xero_write",
    toolset="generic",
    title="Write to any Accounting API path",
    read_only=False,
    destructive=True,
    preview=_preview_write,
)
async def xero_write(
    x: ToolContext,
    method: Annotated[Literal["POST", "PUT", "DELETE"], Field(description="HTTP method")],
    path: ApiPath,
    body: Body = "",
    query: Query = "",
    tenant: Tenant = None,
) -> XeroWriteResult:
    """POST, PUT or DELETE any Accounting API path; returns Xero's JSON. Deleting or voiding is confirmed first.
    Prefer a typed tool."""
    match = _matched(path, method)
    data = _body(body)
    if method == "DELETE" and data is not None:
        raise UserInputError("body: a DELETE takes no body.")
    org = await x.org(tenant)
    response = await org.api.request(method, match.path, params=_query(match, query) or None, json=data)
    return XeroWriteResult(data=_strip_envelope(response.data))


TOOLS: tuple[ToolSpec, ...] = (xero_get, xero_write)
