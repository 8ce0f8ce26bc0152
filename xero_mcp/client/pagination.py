"""Reading lists from Xero: pages, If-Modified-Since, and `where`/`order` expressions built safely.

Paging: list endpoints take `page` (1-based) and `pageSize` (up to 1000), so reading N records costs ceil(N/1000)
calls. `iterate_pages` walks pages until Xero's `pagination.pageCount` is reached, or, for endpoints without a
pagination object, until a short page arrives.

Filtering: Xero's `where` is a Dynamic LINQ expression (`Name=="ACME" AND Status=="ACTIVE"`). Interpolating user
text into it lets that text change the filter (a contact named `A" OR Name!="` would match everything), so
expressions are built here from a validated field name, an operator and a typed value. String literals follow the
rule of Xero's parser (the classic System.Linq.Dynamic one): a double quote inside a string is written as two double
quotes, and a backslash is an ordinary character.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any, Generic, Literal, Protocol, TypeVar, cast
from uuid import UUID

from xero_mcp.client._response import XeroResponse

MAX_PAGE_SIZE = 1000

_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_ORDER = re.compile(
    r"^\s*[A-Za-z_][A-Za-z0-9_.]*(\s+(?i:ASC|DESC))?(\s*,\s*[A-Za-z_][A-Za-z0-9_.]*(\s+(?i:ASC|DESC))?)*\s*$"
)

T = TypeVar("T")

WhereValue = str | bool | int | Decimal | UUID | dt.date | dt.datetime | Enum | None


def _check_field(field: str) -> str:
    if not _FIELD.match(field):
        raise ValueError(f"{field!r} is not a Xero field name (letters, digits and dots only)")
    return field


def quote_string(value: str) -> str:
    """A Xero `where` string literal for `value`: double quotes doubled, so the text cannot end the literal."""
    # Xero parses `where` with System.Linq.Dynamic, whose string literals escape a quote only by doubling it and give
    # a backslash no meaning; backslash-escaping is answered "Syntax error" (XeroAPI/Xero-Java#347). So backslashes
    # are sent as they are, and a name ending in one still closes with the quote that follows.
    return '"' + value.replace('"', '""') + '"'


def literal(value: WhereValue) -> str:
    """The `where` literal for a typed value (str, bool, int, Decimal, UUID, date, aware datetime, Enum, None)."""
    if value is None:
        return "null"
    if isinstance(value, Enum):
        return literal(cast("WhereValue", value.value))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a number Xero can compare with")
        return format(value, "f")
    if isinstance(value, UUID):
        return f'guid("{value}")'
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("datetimes in a where filter must be timezone-aware")
        utc = value.astimezone(dt.UTC)
        return (
            f"DateTime({utc.year}, {utc.month:02d}, {utc.day:02d}, {utc.hour:02d}, {utc.minute:02d}, {utc.second:02d})"
        )
    if isinstance(value, dt.date):
        return f"DateTime({value.year}, {value.month:02d}, {value.day:02d})"
    if isinstance(value, str):  # pyright: ignore[reportUnnecessaryIsInstance]
        return quote_string(value)
    raise TypeError(f"{type(value).__name__} values cannot be used in a where filter (floats: use Decimal)")


class Where:
    """A Xero `where` expression whose values are always quoted and escaped.

    Build with the class methods and combine with `&` (AND) and `|` (OR):

        Where.eq("Name", user_text) & Where.eq("ContactStatus", "ACTIVE")
        Where.gte("Date", date(2026, 1, 1)) & Where.lt("Date", date(2026, 2, 1))
        Where.eq("Contact.ContactID", UUID(...)) | Where.eq("Status", "DRAFT")

    `str(where)` is the expression text for the `where` query parameter (the HTTP layer URL-encodes it).
    """

    __slots__ = ("_kind", "_text")

    def __init__(self, text: str, kind: Literal["atom", "and", "or"] = "atom") -> None:
        self._text = text
        self._kind = kind

    @classmethod
    def raw(cls, text: str) -> Where:
        """An expression taken as written: for fixed text in code only, never for user input."""
        return cls(text, "or")

    @classmethod
    def _compare(cls, field: str, op: str, value: WhereValue) -> Where:
        return cls(f"{_check_field(field)}{op}{literal(value)}")

    @classmethod
    def eq(cls, field: str, value: WhereValue) -> Where:
        """`field == value`."""
        return cls._compare(field, "==", value)

    @classmethod
    def ne(cls, field: str, value: WhereValue) -> Where:
        """`field != value`."""
        return cls._compare(field, "!=", value)

    @classmethod
    def gt(cls, field: str, value: WhereValue) -> Where:
        """`field > value`."""
        return cls._compare(field, ">", value)

    @classmethod
    def gte(cls, field: str, value: WhereValue) -> Where:
        """`field >= value`."""
        return cls._compare(field, ">=", value)

    @classmethod
    def lt(cls, field: str, value: WhereValue) -> Where:
        """`field < value`."""
        return cls._compare(field, "<", value)

    @classmethod
    def lte(cls, field: str, value: WhereValue) -> Where:
        """`field <= value`."""
        return cls._compare(field, "<=", value)

    @classmethod
    def _method(cls, field: str, method: str, text: str) -> Where:
        return cls(f"{_check_field(field)}.{method}({quote_string(text)})")

    @classmethod
    def contains(cls, field: str, text: str) -> Where:
        """`field.Contains("text")` (not optimised by Xero: prefer equality on large organisations)."""
        return cls._method(field, "Contains", text)

    @classmethod
    def starts_with(cls, field: str, text: str) -> Where:
        """`field.StartsWith("text")`."""
        return cls._method(field, "StartsWith", text)

    @classmethod
    def ends_with(cls, field: str, text: str) -> Where:
        """`field.EndsWith("text")`."""
        return cls._method(field, "EndsWith", text)

    @classmethod
    def all_of(cls, *parts: Where) -> Where:
        """All of `parts` (AND); raises on none."""
        if not parts:
            raise ValueError("all_of needs at least one expression")
        return functools.reduce(Where.__and__, parts)

    @classmethod
    def any_of(cls, *parts: Where) -> Where:
        """Any of `parts` (OR); raises on none."""
        if not parts:
            raise ValueError("any_of needs at least one expression")
        return functools.reduce(Where.__or__, parts)

    def _operand(self, within: Literal["and", "or"]) -> str:
        # AND binds tighter than OR, so only an OR inside an AND needs brackets.
        if within == "and" and self._kind == "or":
            return f"({self._text})"
        return self._text

    def __and__(self, other: Where) -> Where:
        return Where(f"{self._operand('and')} AND {other._operand('and')}", "and")

    def __or__(self, other: Where) -> Where:
        return Where(f"{self._operand('or')} OR {other._operand('or')}", "or")

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return f"Where({self._text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Where) and other._text == self._text

    def __hash__(self) -> int:
        return hash(self._text)


class Order:
    """A Xero `order` parameter: `Order.asc("Date").then_desc("InvoiceNumber")` -> `Date ASC,InvoiceNumber DESC`."""

    __slots__ = ("_terms",)

    _terms: tuple[tuple[str, Literal["ASC", "DESC"]], ...]

    def __init__(self, terms: Sequence[tuple[str, Literal["ASC", "DESC"]]]) -> None:
        self._terms = tuple((_check_field(field), direction) for field, direction in terms)

    @classmethod
    def asc(cls, field: str) -> Order:
        """Ascending by `field`."""
        return cls([(field, "ASC")])

    @classmethod
    def desc(cls, field: str) -> Order:
        """Descending by `field`."""
        return cls([(field, "DESC")])

    def then_asc(self, field: str) -> Order:
        """This order, then ascending by `field`."""
        terms: list[tuple[str, Literal["ASC", "DESC"]]] = [*self._terms, (field, "ASC")]
        return Order(terms)

    def then_desc(self, field: str) -> Order:
        """This order, then descending by `field`."""
        terms: list[tuple[str, Literal["ASC", "DESC"]]] = [*self._terms, (field, "DESC")]
        return Order(terms)

    def __str__(self) -> str:
        return ",".join(f"{field} {direction}" for field, direction in self._terms)

    def __repr__(self) -> str:
        return f"Order({str(self)!r})"


def order_param(order: Order | str) -> str:
    """The `order` parameter text; a string must be field names with optional ASC/DESC, comma-separated."""
    if isinstance(order, Order):
        return str(order)
    if not _ORDER.match(order):
        raise ValueError(f"{order!r} is not a Xero order (e.g. 'Date DESC' or 'Name ASC,Date DESC')")
    return order.strip()


def csv_param(values: Iterable[str | UUID | Enum]) -> str:
    """A comma-separated list parameter (Statuses, IDs, ContactIDs, InvoiceNumbers); values may not contain commas."""
    parts: list[str] = []
    for value in values:
        text = str(value.value) if isinstance(value, Enum) else str(value)
        if "," in text:
            raise ValueError(f"{text!r} contains a comma and cannot be sent in a comma-separated list")
        if text:
            parts.append(text)
    if not parts:
        raise ValueError("the list is empty")
    return ",".join(parts)


def if_modified_since_header(when: dt.datetime) -> str:
    """The If-Modified-Since value Xero documents: the UTC time as yyyy-mm-ddThh:mm:ss (rounded down)."""
    if when.tzinfo is None:
        raise ValueError("If-Modified-Since needs a timezone-aware datetime")
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")


class SupportsRequest(Protocol):
    """Anything with the base request path's `request` method (TenantClient)."""

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
        if_modified_since: dt.datetime | None = None,
    ) -> XeroResponse:
        """Send one call through the base request path."""
        ...


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list: its items and Xero's pagination numbers (None where the endpoint gives none)."""

    items: list[T]
    page: int
    page_size: int
    page_count: int | None = None
    item_count: int | None = None

    @property
    def has_more(self) -> bool:
        """Whether a later page may hold more items."""
        if self.page_count is not None:
            return self.page < self.page_count
        return len(self.items) >= self.page_size


@dataclass(frozen=True, slots=True)
class RawPage:
    """One page as Xero sent it: the items under the list key and the pagination numbers."""

    items: list[dict[str, Any]]
    page: int
    page_size: int
    page_count: int | None
    item_count: int | None


def _as_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def items_of(data: Any, key: str) -> list[dict[str, Any]]:
    """The list under `key` in a Xero envelope ([] when absent or when the body was empty)."""
    if not isinstance(data, dict):
        return []
    raw = cast("dict[str, Any]", data).get(key)
    if not isinstance(raw, list):
        return []
    return [cast("dict[str, Any]", item) for item in cast("list[Any]", raw) if isinstance(item, dict)]


async def fetch_page(
    requester: SupportsRequest,
    path: str,
    *,
    key: str,
    page: int,
    page_size: int,
    params: Mapping[str, str] | None = None,
    if_modified_since: dt.datetime | None = None,
) -> RawPage:
    """Fetch one page of a paged list endpoint."""
    if page < 1:
        raise ValueError("page numbers start at 1")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}")
    query = dict(params or {})
    query["page"] = str(page)
    query["pageSize"] = str(page_size)
    response = await requester.request("GET", path, params=query, if_modified_since=if_modified_since)
    items = items_of(response.data, key)
    pagination: dict[str, Any] = {}
    if isinstance(response.data, dict):
        candidate = cast("dict[str, Any]", response.data).get("pagination")
        if isinstance(candidate, dict):
            pagination = cast("dict[str, Any]", candidate)
    return RawPage(
        items=items,
        page=page,
        page_size=page_size,
        page_count=_as_int(pagination.get("pageCount")),
        item_count=_as_int(pagination.get("itemCount")),
    )


async def iterate_pages(
    requester: SupportsRequest,
    path: str,
    *,
    key: str,
    params: Mapping[str, str] | None = None,
    if_modified_since: dt.datetime | None = None,
    page_size: int = MAX_PAGE_SIZE,
) -> AsyncIterator[list[dict[str, Any]]]:
    """Yield every non-empty page of a list endpoint, one call per page, stopping without an extra empty call
    whenever Xero's pagination says the last page was reached."""
    page = 1
    while True:
        raw = await fetch_page(
            requester, path, key=key, page=page, page_size=page_size, params=params, if_modified_since=if_modified_since
        )
        if raw.items:
            yield raw.items
        if not raw.items:
            return
        if raw.page_count is not None:
            if page >= raw.page_count:
                return
        elif len(raw.items) < page_size:
            return
        page += 1
