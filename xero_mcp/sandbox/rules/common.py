"""What every rule module shares: the request context, rule errors, and parsing of money, dates, IDs and text.

Rules read request elements (parsed JSON with Decimal numbers) and produce documents in the store's format (see
``xero_mcp.sandbox.state``): Decimal money, ISO dates. A rule that refuses an element raises ``RuleError`` with
Xero's messages; the app turns that into the element's ValidationErrors.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Generator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, cast
from zoneinfo import ZoneInfo

from xero_mcp.sandbox.state import COLLECTIONS, Doc, SandboxState, iso_date, iso_instant

ZERO = Decimal("0.00")
_CENT = Decimal("0.01")
_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_MS_DATE = re.compile(r"/Date\((-?\d+)([+-]\d{4})?\)/")


LARGEST_NUMBER = Decimal("9999999999.99")
"""Reference §2 (Numbers): a LineAmount "can't exceed 9,999,999,999.99" [DOC-INV]. No amount, quantity or rate a
request carries can usefully be larger, and a number near 1e308 cannot even be rounded to cents, so every number
field is held to it."""
EARLIEST_DATE = date(1753, 1, 1)
LATEST_DATE = date(9998, 12, 31)
"""Xero keeps dates as SQL Server datetime, which starts at 1753-01-01 (an If-Modified-Since before it got a 500:
XeroAPI/XeroAPI.Net#16) and ends at 9999-12-31; the last year is left out because Xero adds terms to dates (due
dates, repeating schedules, report periods) that would run past the end."""


class RuleError(Exception):
    """An element broke one or more of Xero's rules; `messages` are the ValidationErrors to report."""

    def __init__(self, *messages: str) -> None:
        super().__init__("; ".join(messages))
        self.messages = list(messages)


class NotFound(Exception):
    """The addressed record does not exist: the API answers with its plain-text 404."""


# The sandbox's organisations live in these Xero time zones (Organisation.Timezone -> IANA); any other is UTC.
_ORGANISATION_ZONES = {"NEWZEALANDSTANDARDTIME": "Pacific/Auckland", "AUSEASTERNSTANDARDTIME": "Australia/Sydney"}


@dataclass
class Ctx:
    """One request's view of the sandbox: the store, the organisation, the moment, and collected warnings."""

    state: SandboxState
    tenant_id: str
    now: datetime
    app_id: str = "sandbox-client"
    unitdp: int = 2
    warnings: list[str] = field(default_factory=list[str])
    _org: Doc | None = None

    @property
    def org(self) -> Doc:
        """The organisation's Organisation document."""
        if self._org is None:
            org = self.state.organisation(self.tenant_id)
            if org is None:
                raise NotFound(self.tenant_id)
            self._org = org
        return self._org

    def stamp(self) -> str:
        """The request's moment in stored form, for UpdatedDateUTC."""
        return iso_instant(self.now)

    def today(self) -> date:
        """The organisation's current date in its own time zone, as Xero dates a document sent without one."""
        zone = _ORGANISATION_ZONES.get(str(self.org.get("Timezone") or "").upper())
        return self.now.astimezone(ZoneInfo(zone) if zone else UTC).date()

    def get(self, collection: str, doc_id: str) -> Doc | None:
        """A document of this organisation by ID."""
        return self.state.get(self.tenant_id, collection, doc_id)

    def save(self, collection: str, doc: Doc) -> Doc:
        """Store a document and return it."""
        self.state.put(self.tenant_id, collection, doc, updated=self.stamp())
        return doc

    def history(self, collection: str, doc_id: str, changes: str, details: str) -> None:
        """Record a system history entry for a document."""
        self.state.add_history(
            self.tenant_id,
            collection,
            doc_id,
            {"Changes": changes, "DateUTC": self.stamp(), "User": "System Generated", "Details": details},
        )


# --- identifiers -------------------------------------------------------------------------------------------------


_id_source: ContextVar[Callable[[], uuid.UUID] | None] = ContextVar("sandbox_id_source", default=None)


@contextmanager
def ids_from(source: Callable[[], uuid.UUID]) -> Generator[None]:
    """Mint IDs from `source` instead of uuid4 inside the block (the seed uses it for reproducible data)."""
    token = _id_source.set(source)
    try:
        yield
    finally:
        _id_source.reset(token)


def new_id() -> str:
    """A fresh Xero ID (lower-case GUID)."""
    source = _id_source.get()
    return str(source() if source is not None else uuid.uuid4())


def is_guid(value: object) -> bool:
    """Whether a value is a GUID string (the path rule: GUID -> ID, anything else -> number or name)."""
    return isinstance(value, str) and _GUID.fullmatch(value) is not None


def guid(value: object, name: str) -> str:
    """A GUID field, lower-cased, or a RuleError naming the field."""
    if not is_guid(value):
        raise RuleError(f"{name} must be a valid GUID.")
    return str(value).lower()


def find_addressed(
    ctx: Ctx,
    raw: Doc,
    collection: str,
    title: str,
    *,
    by_number: bool = True,
    keep: Callable[[Doc], bool] | None = None,
) -> Doc | None:
    """The document a POSTed element addresses: by its ID field (which must then exist), else by its number.

    `title` names the record in Xero's message ("An existing Credit Note with the specified CreditNoteID could not
    be found"); `keep` says which documents carrying the number count (sales invoices, say, but not bills).
    """
    spec = COLLECTIONS[collection]
    value = raw.get(spec.id_field)
    if value:
        found = ctx.get(collection, guid(value, spec.id_field))
        if found is None:
            raise RuleError(f"An existing {title} with the specified {spec.id_field} could not be found")
        return found
    number = text(raw, spec.number_field) if by_number and spec.number_field else None
    if not number:
        return None
    numbered = ctx.state.find(ctx.tenant_id, collection, "number", number)
    return next((doc for doc in numbered if keep is None or keep(doc)), None)


# --- scalars -----------------------------------------------------------------------------------------------------


def decimal(value: object, name: str) -> Decimal:
    """A number field as Decimal (JSON numbers, or numeric strings as some SDKs send)."""
    if isinstance(value, bool):
        raise RuleError(f"{name} must be a number.")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int | str):
        try:
            result = Decimal(str(value).strip())
        except InvalidOperation:
            raise RuleError(f"{name} must be a number.") from None
    else:
        raise RuleError(f"{name} must be a number.")
    if not result.is_finite():
        raise RuleError(f"{name} must be a number.")
    if abs(result) > LARGEST_NUMBER:
        raise RuleError(f"{name} can't exceed 9,999,999,999.99.")
    return result


def round_to(value: Decimal, places: int) -> Decimal:
    """Round half away from zero to `places` decimal places."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def money(value: Decimal) -> Decimal:
    """Round to cents."""
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def positive_amount(raw: Doc, subject: str, noun: str) -> Decimal:
    """The element's Amount in cents: required ("A payment needs an Amount.") and above zero ("The payment ...")."""
    if raw.get("Amount") is None:
        raise RuleError(f"{subject} needs an Amount.")
    amount = money(decimal(raw["Amount"], "Amount"))
    if amount <= 0:
        raise RuleError(f"The {noun} amount must be greater than zero.")
    return amount


def text(raw: Doc, key: str, *, max_length: int | None = None, label: str | None = None) -> str | None:
    """An optional string field (None when absent or null), checked against Xero's maximum length."""
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise RuleError(f"{label or key} must be text.")
    result = str(value)
    if max_length is not None and len(result) > max_length:
        raise RuleError(f"{label or key} must not be longer than {max_length} characters.")
    return result


def required_text(raw: Doc, key: str, max_length: int, missing: str) -> str:
    """A string field that must not be empty once stripped; `missing` is the refusal when it is."""
    value = (text(raw, key, max_length=max_length) or "").strip()
    if not value:
        raise RuleError(missing)
    return value


def flag(raw: Doc, key: str) -> bool | None:
    """An optional boolean field (Xero also accepts "true"/"false" strings)."""
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise RuleError(f"{key} must be true or false.")


def upper(raw: Doc, key: str) -> str | None:
    """An optional enumeration field, upper-cased (Xero's enumerations are case-insensitive on input)."""
    value = text(raw, key)
    return None if value is None else value.strip().upper()


def parse_date(value: object, name: str) -> date:
    """A date written as ``YYYY-MM-DD``, an ISO datetime, or MS-JSON ``/Date(ms+0000)/``, within the dates Xero
    stores (EARLIEST_DATE to LATEST_DATE)."""
    out_of_range = RuleError(f"{name} must be between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}.")
    parsed: date | None = None
    if isinstance(value, str):
        candidate = value.strip()
        found = _MS_DATE.fullmatch(candidate)
        if found is not None:
            try:
                parsed = (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=int(found.group(1)))).date()
            except OverflowError:
                raise out_of_range from None
        else:
            try:
                if len(candidate) == 10:
                    parsed = date.fromisoformat(candidate)
                else:
                    parsed = datetime.fromisoformat(candidate.replace("Z", "+00:00")).date()
            except ValueError:
                parsed = None
    if parsed is None:
        raise RuleError(f"{name} is not a valid date. Use the format YYYY-MM-DD.")
    if not EARLIEST_DATE <= parsed <= LATEST_DATE:
        raise out_of_range
    return parsed


def date_field(raw: Doc, key: str) -> str | None:
    """An optional date field in stored form, or None."""
    value = raw.get(key)
    if value is None or value == "":
        return None
    return iso_date(parse_date(value, key))


def stored_date(value: str) -> date:
    """The date of a stored ISO date string."""
    return date.fromisoformat(value[:10])


def instant_string(stamp: str) -> str:
    """Xero's UpdatedDateUTCString for a stored instant: ``2024-05-31T10:11:12Z``."""
    return stamp[:19] + "Z"


def set_updated(doc: Doc, ctx: Ctx, *, with_string: bool = False) -> None:
    """Bump UpdatedDateUTC (and UpdatedDateUTCString where the schema has it) to the request's moment."""
    stamp = ctx.stamp()
    doc["UpdatedDateUTC"] = stamp
    if with_string:
        doc["UpdatedDateUTCString"] = instant_string(stamp)


def as_doc(value: object) -> Doc | None:
    """The value as a JSON object, or None when it is not one."""
    return cast(Doc, value) if isinstance(value, dict) else None


def as_list(value: object) -> list[Any] | None:
    """The value as a JSON array, or None when it is not one."""
    return cast(list[Any], value) if isinstance(value, list) else None


def element_list(body: Any, plural: str) -> list[Any]:
    """The elements of a write body: the plural wrapper ``{"Invoices": [...]}`` or a single object."""
    wrapper = as_doc(body)
    item: Any = wrapper[plural] if wrapper is not None and plural in wrapper else body
    listed = as_list(item)
    return list(listed) if listed is not None else [item]


# --- documents: status machines, unique numbers, saving with history ---------------------------------------------


def next_status(
    raw: Doc,
    existing: Doc | None,
    transitions: Mapping[str, frozenset[str]],
    label: str,
    created_as: tuple[str, ...],
    *,
    refuse_deleted: bool = True,
    check: Callable[[str, str], None] | None = None,
) -> str:
    """The Status an element leaves a document in, by the collection's status machine (absent: unchanged, or DRAFT;
    a document in a final status, one with no transitions, cannot be changed at all).

    A new document may start only in `created_as`; a change must be allowed by `transitions`. With
    `refuse_deleted`, a change to a DELETED document is refused as such rather than as a disallowed move. `check`
    (old, new) adds a collection's own refusals before the move is looked up.
    """
    status = upper(raw, "Status")
    if status is None:
        if existing is None:
            return "DRAFT"
        if not transitions[existing["Status"]]:
            # A final status (DELETED, VOIDED) admits no edit either, whether or not the element names a status.
            raise RuleError(f"A {existing['Status'].lower()} {label} cannot be changed.")
        return existing["Status"]
    if status not in transitions:
        raise RuleError(f"Status '{status}' is not a valid {label} status.")
    if existing is None:
        if status not in created_as:
            choices = f"{', '.join(created_as[:-1])} or {created_as[-1]}"
            raise RuleError(f"A new {label} can only be created as {choices}.")
        return status
    old = existing["Status"]
    if refuse_deleted and old == "DELETED":
        raise RuleError(f"A deleted {label} cannot be changed.")
    if check is not None:
        check(old, status)
    if status not in transitions[old]:
        raise RuleError(f"The status of the {label} cannot be changed from {old} to {status}.")
    return status


def changed_fields(before: Doc, after: Doc) -> set[str]:
    """The top-level fields that differ between two versions of a document (added and removed ones included)."""
    return {key for key in set(before) | set(after) if before.get(key) != after.get(key)}


def check_unique_number(
    ctx: Ctx, collection: str, doc: Doc, message: str, *, keep: Callable[[Doc], bool] | None = None
) -> None:
    """Refuse `doc` with `message` when another document of the collection (that `keep` accepts) has its number."""
    spec = COLLECTIONS[collection]
    number = doc.get(spec.number_field) if spec.number_field else None
    if not number:
        return
    for other in ctx.state.find(ctx.tenant_id, collection, "number", number):
        if other[spec.id_field] != doc[spec.id_field] and (keep is None or keep(other)):
            raise RuleError(message)


def status_change(existing: Doc | None, doc: Doc) -> str:
    """The history entry a write makes: Created, Edited, or the new status (Sent, Accepted, Voided, ...)."""
    if existing is None:
        return "Created"
    return "Edited" if existing["Status"] == doc["Status"] else doc["Status"].capitalize()


def save_change(
    ctx: Ctx, collection: str, doc: Doc, existing: Doc | None, change: str, details: str, *, with_string: bool = False
) -> Doc:
    """Stamp, store and record in history a new or changed document; returns it.

    An update that changes nothing is not written (its UpdatedDateUTC and history stay as they were): the stored
    document is returned.
    """
    if existing is not None and doc == existing:
        return existing
    set_updated(doc, ctx, with_string=with_string)
    ctx.save(collection, doc)
    ctx.history(collection, doc[COLLECTIONS[collection].id_field], change, details)
    return doc
