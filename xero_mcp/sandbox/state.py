"""The sandbox's state: every organisation's documents in one SQLite database (stdlib sqlite3).

Documents
---------
A *document* is one Xero record (a Contact, an Invoice, ...) as a JSON object with Xero's own PascalCase field
names, exactly as the emulated API returns it, with two differences that keep rules and queries simple:

- money, rates and quantities are ``Decimal`` (never float); they are written as JSON numbers without rounding;
- dates are ISO strings in UTC: ``"2024-05-31T00:00:00"`` for a date (the same text as Xero's ``DateString``) and
  ``"2024-05-31T10:11:12.123"`` for an instant (``UpdatedDateUTC``). ISO text sorts and compares like the instant
  it names, so `where`, `order` and If-Modified-Since run in SQL. ``to_wire`` turns them into Xero's MS-JSON
  ``"/Date(1717149072123+0000)/"`` on the way out.

Each document lives in one *collection* (``COLLECTIONS``, keyed by the plural name used in URLs and envelopes:
``"Invoices"``). Next to the JSON text the store keeps a few queryable columns (ID, number, name, status, type,
contact ID, date, updated) so filters, ordering and paging are pushed into indexed SQL; every index starts with the
tenant, so one organisation's size never slows another's requests. Anything else is reachable in SQL through
``json_extract(doc, '$.Field')``.

Writes go through ``put``; a request's writes are grouped with ``atomic()`` (a savepoint), which is how a
summarised batch is all-or-nothing. Besides documents the store keeps organisations, history records, attached
files, number sequences (INV-0001...), the per-day invoice email count, and the Idempotency-Key cache.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
import sqlite3
from collections.abc import Generator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from json.encoder import encode_basestring
from typing import Any, cast

Doc = dict[str, Any]


# --- documents: the JSON codec and dates ------------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def load_json(text: str | bytes) -> Any:
    """Parse JSON with every non-integer number as Decimal (NaN and Infinity are rejected)."""
    return json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)


# Keys whose ISO value is rendered as MS-JSON on the wire (the spec's x-is-msdate / x-is-msdate-time fields).
DATE_KEYS = frozenset(
    {
        "Date",
        "DueDate",
        "ExpectedPaymentDate",
        "PlannedPaymentDate",
        "FullyPaidOnDate",
        "ExpiryDate",
        "DeliveryDate",
        "ExpectedArrivalDate",
        "UpdatedDateUTC",
        "CreatedDateUTC",
        "DateUTC",
        "PeriodLockDate",
        "EndOfYearLockDate",
        "JournalDate",
        "StartDate",
        "NextScheduledDate",
        "EndDate",
    }
)
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?")


def iso_date(day: date) -> str:
    """The stored form of a date: ``2024-05-31T00:00:00`` (also Xero's DateString)."""
    return f"{day.isoformat()}T00:00:00"


def iso_instant(when: datetime) -> str:
    """The stored form of an instant: UTC with milliseconds, ``2024-05-31T10:11:12.123``."""
    utc = when.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}"


def parse_iso(text: str) -> datetime:
    """The aware UTC datetime a stored ISO date or instant names."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def ms_date(when: datetime, *, offset: bool = True) -> str:
    """Xero's MS-JSON date: ``/Date(1717149072123+0000)/`` (``/Date(...)/`` without offset for DateTimeUTC)."""
    millis = int(when.astimezone(UTC).timestamp() * 1000)
    return f"/Date({millis}+0000)/" if offset else f"/Date({millis})/"


@functools.lru_cache(maxsize=65536)
def _wire_date(value: str) -> str:
    if _ISO.fullmatch(value) is None:
        return value
    return ms_date(parse_iso(value))


def _encode(value: Any, out: list[str], wire: bool) -> None:
    if isinstance(value, str):
        out.append(encode_basestring(value))
    elif isinstance(value, dict):
        out.append("{")
        first = True
        for key, item in value.items():  # pyright: ignore[reportUnknownVariableType]
            if not first:
                out.append(",")
            first = False
            out.append(encode_basestring(str(key)))  # pyright: ignore[reportUnknownArgumentType]
            out.append(":")
            if wire and key in DATE_KEYS and isinstance(item, str):
                item = _wire_date(item)
            _encode(item, out, wire)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for index, item in enumerate(value):  # pyright: ignore[reportUnknownVariableType, reportUnknownArgumentType]
            if index:
                out.append(",")
            _encode(item, out, wire)
        out.append("]")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif value is None:
        out.append("null")
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("a document number must be finite")
        # Rounding a small negative amount leaves a negative zero (-0.00), which Xero never writes.
        out.append(format(value.copy_abs() if value.is_zero() else value, "f"))
    elif isinstance(value, int | float):
        out.append(repr(value))
    else:
        raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def dump_json(value: Any) -> str:
    """JSON text with Decimals written exactly (``Decimal("10.50")`` becomes ``10.50``); dates left as stored."""
    out: list[str] = []
    _encode(value, out, wire=False)
    return "".join(out)


def to_wire(value: Any) -> str:
    """JSON text as the emulated API sends it: like ``dump_json``, with stored dates as MS-JSON ``/Date(...)/``."""
    out: list[str] = []
    _encode(value, out, wire=True)
    return "".join(out)


# --- collections -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Collection:
    """Where one kind of document is kept and which of its fields are indexed columns.

    ``plural`` is the collection's key, URL segment and envelope key ("Invoices"). The optional ``*_field`` names
    say which document field fills the ``number``, ``name``, ``status``, ``type``, ``date``, ``due_date`` and
    ``amount_due`` columns; ``contact`` says the document has ``Contact.ContactID`` and ``Contact.Name`` (the
    ``contact_id`` and ``contact_name`` columns); ``reference`` that it has a ``Reference`` (the ``reference``
    column). ``updated`` comes from ``UpdatedDateUTC`` when the document has one. ``amount_due`` holds whole cents
    (an exact integer), so money is compared in SQL without floating point.
    """

    plural: str
    id_field: str
    number_field: str | None = None
    name_field: str | None = None
    status_field: str | None = None
    type_field: str | None = None
    contact: bool = False
    date_field: str | None = None
    due_date_field: str | None = None
    amount_field: str | None = None
    reference: bool = False

    def columns(self) -> dict[str, str]:
        """Document field path (dotted) -> column name, for the fields this collection indexes."""
        mapping = {self.id_field: "id", "UpdatedDateUTC": "updated"}
        for field, column in (
            (self.number_field, "number"),
            (self.name_field, "name"),
            (self.status_field, "status"),
            (self.type_field, "type"),
            (self.date_field, "date"),
            (self.due_date_field, "due_date"),
            (self.amount_field, "amount_due"),
        ):
            if field is not None:
                mapping[field] = column
        if self.contact:
            mapping["Contact.ContactID"] = "contact_id"
            mapping["Contact.Name"] = "contact_name"
        if self.reference:
            mapping["Reference"] = "reference"
        return mapping


COLLECTIONS: dict[str, Collection] = {
    c.plural: c
    for c in (
        Collection(
            "Contacts", "ContactID", number_field="ContactNumber", name_field="Name", status_field="ContactStatus"
        ),
        Collection("ContactGroups", "ContactGroupID", name_field="Name", status_field="Status"),
        Collection(
            "Invoices",
            "InvoiceID",
            number_field="InvoiceNumber",
            status_field="Status",
            type_field="Type",
            contact=True,
            date_field="Date",
            due_date_field="DueDate",
            amount_field="AmountDue",
            reference=True,
        ),
        Collection(
            "CreditNotes",
            "CreditNoteID",
            number_field="CreditNoteNumber",
            status_field="Status",
            type_field="Type",
            contact=True,
            date_field="Date",
            reference=True,
        ),
        Collection(
            "Quotes", "QuoteID", number_field="QuoteNumber", status_field="Status", contact=True, date_field="Date"
        ),
        Collection(
            "PurchaseOrders",
            "PurchaseOrderID",
            number_field="PurchaseOrderNumber",
            status_field="Status",
            contact=True,
            date_field="Date",
        ),
        Collection(
            "Payments", "PaymentID", status_field="Status", type_field="PaymentType", date_field="Date", reference=True
        ),
        Collection(
            "BankTransactions",
            "BankTransactionID",
            status_field="Status",
            type_field="Type",
            contact=True,
            date_field="Date",
            reference=True,
        ),
        Collection("BankTransfers", "BankTransferID", status_field="Status", date_field="Date"),
        # Journals are issued from the ledger (see xero_mcp.sandbox.journals): the accrual and cash-basis series, and
        # what has been issued per source document.
        Collection("Journals", "JournalID", number_field="JournalNumber", date_field="JournalDate"),
        Collection("CashJournals", "JournalID", number_field="JournalNumber", date_field="JournalDate"),
        Collection("JournalSources", "SourceKey", type_field="Type"),
        Collection(
            "RepeatingInvoices",
            "RepeatingInvoiceID",
            status_field="Status",
            type_field="Type",
            contact=True,
            date_field="Schedule.NextScheduledDate",
            reference=True,
        ),
        Collection("LinkedTransactions", "LinkedTransactionID", status_field="Status", type_field="Type"),
        Collection(
            "BatchPayments",
            "BatchPaymentID",
            status_field="Status",
            type_field="Type",
            date_field="Date",
            reference=True,
        ),
        *(
            Collection(
                plural,
                id_field,
                status_field="Status",
                type_field="Type",
                contact=True,
                date_field="Date",
                amount_field="RemainingCredit",
                reference=True,
            )
            for plural, id_field in (("Prepayments", "PrepaymentID"), ("Overpayments", "OverpaymentID"))
        ),
        Collection("ManualJournals", "ManualJournalID", status_field="Status", date_field="Date"),
        Collection("Items", "ItemID", number_field="Code", name_field="Name"),
        Collection(
            "Accounts", "AccountID", number_field="Code", name_field="Name", status_field="Status", type_field="Type"
        ),
        Collection("TaxRates", "TaxType", name_field="Name", status_field="Status"),
        Collection("TrackingCategories", "TrackingCategoryID", name_field="Name", status_field="Status"),
        Collection("Currencies", "Code", name_field="Description"),
        Collection("BrandingThemes", "BrandingThemeID", name_field="Name"),
        Collection("Users", "UserID", name_field="EmailAddress"),
        Collection("Budgets", "BudgetID", name_field="Description", status_field="Status", type_field="Type"),
        Collection("InvoiceReminders", "SettingsID"),
    )
}


def _field(doc: Doc, path: str) -> Any:
    value: Any = doc
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = cast(Doc, value).get(part)
    return value


def _cents(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    return int((Decimal(str(value)) * 100).to_integral_value())


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


# --- the store ---------------------------------------------------------------------------------------------------

_SCHEMA = """
CREATE TABLE IF NOT EXISTS organisations (
    tenant_id TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
    tenant_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    id TEXT NOT NULL COLLATE NOCASE,
    number TEXT COLLATE NOCASE,
    name TEXT COLLATE NOCASE,
    status TEXT COLLATE NOCASE,
    type TEXT COLLATE NOCASE,
    contact_id TEXT COLLATE NOCASE,
    contact_name TEXT COLLATE NOCASE,
    reference TEXT COLLATE NOCASE,
    date TEXT,
    due_date TEXT,
    amount_due INTEGER,
    updated TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS documents_id ON documents (tenant_id, kind, id);
CREATE INDEX IF NOT EXISTS documents_updated ON documents (tenant_id, kind, updated, id);
CREATE INDEX IF NOT EXISTS documents_number ON documents (tenant_id, kind, number);
CREATE INDEX IF NOT EXISTS documents_name ON documents (tenant_id, kind, name);
CREATE INDEX IF NOT EXISTS documents_status ON documents (tenant_id, kind, status, updated, id);
CREATE INDEX IF NOT EXISTS documents_contact ON documents (tenant_id, kind, contact_id);
CREATE INDEX IF NOT EXISTS documents_date ON documents (tenant_id, kind, date);
CREATE INDEX IF NOT EXISTS documents_contact_name ON documents (tenant_id, kind, contact_name);
CREATE INDEX IF NOT EXISTS documents_reference ON documents (tenant_id, kind, reference);
CREATE INDEX IF NOT EXISTS documents_due_date ON documents (tenant_id, kind, due_date);
CREATE INDEX IF NOT EXISTS documents_amount_due ON documents (tenant_id, kind, amount_due);
CREATE TABLE IF NOT EXISTS history (
    seq INTEGER PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    id TEXT NOT NULL COLLATE NOCASE,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS history_document ON history (tenant_id, kind, id, seq);
CREATE TABLE IF NOT EXISTS sequences (
    tenant_id TEXT NOT NULL,
    name TEXT NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, name)
);
CREATE TABLE IF NOT EXISTS emails (
    tenant_id TEXT NOT NULL,
    day TEXT NOT NULL,
    sent INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, day)
);
CREATE TABLE IF NOT EXISTS attachments (
    seq INTEGER PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent_id TEXT NOT NULL COLLATE NOCASE,
    attachment_id TEXT NOT NULL COLLATE NOCASE,
    file_name TEXT NOT NULL COLLATE NOCASE,
    mime_type TEXT NOT NULL,
    include_online INTEGER,
    content BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS attachments_parent ON attachments (tenant_id, kind, parent_id, seq);
CREATE TABLE IF NOT EXISTS idempotency (
    app_id TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL,
    media_type TEXT,
    body BLOB NOT NULL,
    created TEXT NOT NULL,
    PRIMARY KEY (app_id, tenant_id, key)
);
"""

_COLUMNS = (
    "id",
    "number",
    "name",
    "status",
    "type",
    "contact_id",
    "contact_name",
    "reference",
    "date",
    "due_date",
    "amount_due",
    "updated",
)
CENT_COLUMNS = frozenset({"amount_due"})
_UPSERT = (
    "INSERT INTO documents (tenant_id, kind, id, number, name, status, type, contact_id, contact_name, reference, "
    "date, due_date, amount_due, updated, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (tenant_id, kind, id) DO UPDATE SET number = excluded.number, name = excluded.name, "
    "status = excluded.status, type = excluded.type, contact_id = excluded.contact_id, "
    "contact_name = excluded.contact_name, reference = excluded.reference, date = excluded.date, "
    "due_date = excluded.due_date, amount_due = excluded.amount_due, updated = excluded.updated, doc = excluded.doc"
)
"""Columns that hold money as whole cents."""

# Planner statistics for the documents indexes (sqlite_stat1 rows: total rows, then rows per distinct prefix).
# They describe the shape every sandbox has: few tenants, a few dozen kinds, unique IDs and numbers, a handful of
# statuses. With them SQLite picks the selective index (a number, a contact, a status) over walking the
# UpdatedDateUTC index in order, whatever the data, without an ANALYZE after every load.
_PLANNER_STATS = (
    ("documents_id", "1000000 100000 5000 1"),
    ("documents_updated", "1000000 100000 5000 1 1"),
    ("documents_number", "1000000 100000 5000 2"),
    ("documents_name", "1000000 100000 5000 2"),
    ("documents_status", "1000000 100000 5000 1000 1 1"),
    ("documents_contact", "1000000 100000 5000 25"),
    ("documents_date", "1000000 100000 5000 20"),
    ("documents_amount_due", "1000000 100000 5000 10"),
    ("documents_due_date", "1000000 100000 5000 20"),
    ("documents_contact_name", "1000000 100000 5000 25"),
    ("documents_reference", "1000000 100000 5000 5"),
)


@dataclass(frozen=True)
class StoredAttachment:
    """A file attached to a document: its metadata and its bytes."""

    attachment_id: str
    file_name: str
    mime_type: str
    include_online: bool | None
    content: bytes


@dataclass(frozen=True)
class StoredResponse:
    """A response kept for Idempotency-Key replay."""

    fingerprint: str
    status: int
    media_type: str | None
    body: bytes
    created: datetime


class SandboxState:
    """The sandbox's SQLite store: organisations, documents, history, sequences, email counts, idempotency keys.

    ``SandboxState()`` is in memory; ``SandboxState("path.db")`` keeps state in a file. Not safe for use from
    several threads at once: the sandbox serves requests on one event loop and never awaits inside a write.
    """

    def __init__(self, path: str | None = None) -> None:
        self.path = path
        self.conn = sqlite3.connect(path or ":memory:", isolation_level=None, check_same_thread=False)
        if path:
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.executescript(_SCHEMA)
        self._plan_statistics()
        self._savepoints = itertools.count(1)

    def _plan_statistics(self) -> None:
        has_stats = self.conn.execute("SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat1'").fetchone()
        if has_stats is None:
            self.conn.execute("ANALYZE")  # creates sqlite_stat1 (the tables are empty, so this is instant)
        self.conn.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'documents'")
        self.conn.executemany("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('documents', ?, ?)", _PLANNER_STATS)
        self.conn.execute("ANALYZE sqlite_schema")  # makes the planner read the statistics

    def close(self) -> None:
        """Close the database."""
        self.conn.close()

    # -- transactions and copies --

    @contextmanager
    def atomic(self) -> Generator[None]:
        """Group writes: all of them are kept when the block ends normally, none when it raises. Nests."""
        name = f"sp{next(self._savepoints)}"
        self.conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            self.conn.execute(f"ROLLBACK TO {name}")
            self.conn.execute(f"RELEASE {name}")
            raise
        self.conn.execute(f"RELEASE {name}")

    def clone(self) -> SandboxState:
        """An in-memory copy of this state (sqlite3 backup API): cheap, used for snapshots and test fixtures."""
        copy = SandboxState()
        self.conn.backup(copy.conn)
        return copy

    def restore(self, snapshot: SandboxState) -> None:
        """Replace everything in this state with the contents of `snapshot`."""
        snapshot.conn.backup(self.conn)

    def is_empty(self) -> bool:
        """True when no organisation exists yet (a new database)."""
        return self.conn.execute("SELECT 1 FROM organisations LIMIT 1").fetchone() is None

    # -- organisations --

    def add_organisation(self, tenant_id: str, name: str, doc: Doc) -> None:
        """Register an organisation (a tenant) with its Organisation document."""
        position = self.conn.execute("SELECT COUNT(*) FROM organisations").fetchone()[0]
        self.conn.execute(
            "INSERT INTO organisations (tenant_id, position, name, doc) VALUES (?, ?, ?, ?)",
            (tenant_id, position, name, dump_json(doc)),
        )

    def save_organisation(self, tenant_id: str, doc: Doc) -> None:
        """Replace an organisation's Organisation document (its name follows ``doc["Name"]``)."""
        self.conn.execute(
            "UPDATE organisations SET name = ?, doc = ? WHERE tenant_id = ?", (doc["Name"], dump_json(doc), tenant_id)
        )

    def organisation(self, tenant_id: str) -> Doc | None:
        """The Organisation document of a tenant, or None for an unknown tenant."""
        row = self.conn.execute("SELECT doc FROM organisations WHERE tenant_id = ?", (tenant_id,)).fetchone()
        return None if row is None else load_json(row[0])

    def organisations(self) -> list[tuple[str, str]]:
        """Every organisation as (tenant_id, name), in creation order."""
        rows = self.conn.execute("SELECT tenant_id, name FROM organisations ORDER BY position").fetchall()
        return [(str(tenant), str(name)) for tenant, name in rows]

    # -- documents --

    def put(self, tenant_id: str, collection: str, doc: Doc, *, updated: str | None = None) -> None:
        """Insert or replace a document (keyed by its ID field), refreshing its indexed columns.

        ``updated`` orders documents that have no UpdatedDateUTC of their own (tax rates, currencies).
        """
        spec = COLLECTIONS[collection]
        values: dict[str, str | int | None] = dict.fromkeys(_COLUMNS)
        for path, column in spec.columns().items():
            value = _field(doc, path)
            values[column] = _cents(value) if column in CENT_COLUMNS else _text(value)
        if values["id"] is None:
            raise ValueError(f"a {collection} document needs its {spec.id_field}")
        values["updated"] = values["updated"] or updated or ""
        self.conn.execute(_UPSERT, (tenant_id, collection, *(values[c] for c in _COLUMNS), dump_json(doc)))

    def get(self, tenant_id: str, collection: str, doc_id: str) -> Doc | None:
        """One document by ID (case-insensitive), or None."""
        row = self.conn.execute(
            "SELECT doc FROM documents WHERE tenant_id = ? AND kind = ? AND id = ?", (tenant_id, collection, doc_id)
        ).fetchone()
        return None if row is None else load_json(row[0])

    def find(self, tenant_id: str, collection: str, column: str, value: str) -> list[Doc]:
        """Documents whose indexed `column` ("number", "name", ...) equals `value`, case-insensitively."""
        if column not in _COLUMNS:
            raise ValueError(f"unknown column {column!r}")
        rows = self.conn.execute(
            f"SELECT doc FROM documents WHERE tenant_id = ? AND kind = ? AND {column} = ? ORDER BY updated, id",  # noqa: S608
            (tenant_id, collection, value),
        ).fetchall()
        return [load_json(row[0]) for row in rows]

    def delete(self, tenant_id: str, collection: str, doc_id: str) -> None:
        """Remove a document for good (most Xero records are never removed, only given a DELETED status)."""
        self.conn.execute(
            "DELETE FROM documents WHERE tenant_id = ? AND kind = ? AND id = ?", (tenant_id, collection, doc_id)
        )

    def select(
        self,
        tenant_id: str,
        collection: str,
        *,
        where: str = "",
        params: Sequence[Any] = (),
        order: str = "updated, id",
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Doc]:
        """Documents of a collection matching an SQL condition over the columns and ``doc``, ordered and paged.

        `where` and `order` are SQL fragments built by the query module (never from raw user text).
        """
        sql = "SELECT doc FROM documents WHERE tenant_id = ? AND kind = ?"
        if where:
            sql += f" AND ({where})"
        sql += f" ORDER BY {order}"
        args: list[Any] = [tenant_id, collection, *params]
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            args += [limit, offset]
        return [load_json(row[0]) for row in self.conn.execute(sql, args)]

    def count(self, tenant_id: str, collection: str, *, where: str = "", params: Sequence[Any] = ()) -> int:
        """How many documents of a collection match an SQL condition."""
        sql = "SELECT COUNT(*) FROM documents WHERE tenant_id = ? AND kind = ?"
        if where:
            sql += f" AND ({where})"
        return int(self.conn.execute(sql, [tenant_id, collection, *params]).fetchone()[0])

    def all(self, tenant_id: str, collection: str) -> list[Doc]:
        """Every document of a collection, oldest update first."""
        return self.select(tenant_id, collection)

    # -- history --

    def add_history(self, tenant_id: str, collection: str, doc_id: str, record: Doc) -> None:
        """Append a history record ({Changes, DateUTC, User, Details}) to a document's history."""
        self.conn.execute(
            "INSERT INTO history (tenant_id, kind, id, doc) VALUES (?, ?, ?, ?)",
            (tenant_id, collection, doc_id, dump_json(record)),
        )

    def history(self, tenant_id: str, collection: str, doc_id: str) -> list[Doc]:
        """A document's history records, oldest first."""
        rows = self.conn.execute(
            "SELECT doc FROM history WHERE tenant_id = ? AND kind = ? AND id = ? ORDER BY seq",
            (tenant_id, collection, doc_id),
        ).fetchall()
        return [load_json(row[0]) for row in rows]

    # -- sequences and counters --

    def next_sequence(self, tenant_id: str, name: str, *, at_least: int = 1) -> int:
        """The next value of a per-organisation sequence (1, 2, ...), never below `at_least`."""
        row = self.conn.execute(
            "SELECT value FROM sequences WHERE tenant_id = ? AND name = ?", (tenant_id, name)
        ).fetchone()
        value = max(at_least, 1 if row is None else int(row[0]) + 1)
        self.conn.execute(
            "INSERT INTO sequences (tenant_id, name, value) VALUES (?, ?, ?) "
            "ON CONFLICT (tenant_id, name) DO UPDATE SET value = excluded.value",
            (tenant_id, name, value),
        )
        return value

    def emails_sent(self, tenant_id: str, day: str) -> int:
        """How many invoice emails an organisation has sent on a (UTC, ISO) day."""
        row = self.conn.execute("SELECT sent FROM emails WHERE tenant_id = ? AND day = ?", (tenant_id, day)).fetchone()
        return 0 if row is None else int(row[0])

    def record_email(self, tenant_id: str, day: str) -> None:
        """Count one invoice email sent by an organisation on a day."""
        self.conn.execute(
            "INSERT INTO emails (tenant_id, day, sent) VALUES (?, ?, 1) "
            "ON CONFLICT (tenant_id, day) DO UPDATE SET sent = sent + 1",
            (tenant_id, day),
        )

    # -- idempotency --

    # -- attachments --

    def attachments(self, tenant_id: str, collection: str, parent_id: str) -> list[StoredAttachment]:
        """The files attached to a document, in the order they were first attached."""
        rows = self.conn.execute(
            "SELECT attachment_id, file_name, mime_type, include_online, content FROM attachments "
            "WHERE tenant_id = ? AND kind = ? AND parent_id = ? ORDER BY seq",
            (tenant_id, collection, parent_id),
        ).fetchall()
        return [
            StoredAttachment(row[0], row[1], row[2], None if row[3] is None else bool(row[3]), bytes(row[4]))
            for row in rows
        ]

    def save_attachment(self, tenant_id: str, collection: str, parent_id: str, attachment: StoredAttachment) -> None:
        """Attach a file to a document, replacing the attachment with the same ID (a file re-uploaded by name)."""
        online = None if attachment.include_online is None else int(attachment.include_online)
        replaced = self.conn.execute(
            "UPDATE attachments SET file_name = ?, mime_type = ?, include_online = ?, content = ? "
            "WHERE tenant_id = ? AND kind = ? AND parent_id = ? AND attachment_id = ?",
            (
                attachment.file_name,
                attachment.mime_type,
                online,
                attachment.content,
                tenant_id,
                collection,
                parent_id,
                attachment.attachment_id,
            ),
        )
        if replaced.rowcount:
            return
        self.conn.execute(
            "INSERT INTO attachments (tenant_id, kind, parent_id, attachment_id, file_name, mime_type, "
            "include_online, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                tenant_id,
                collection,
                parent_id,
                attachment.attachment_id,
                attachment.file_name,
                attachment.mime_type,
                online,
                attachment.content,
            ),
        )

    def stored_response(self, app_id: str, tenant_id: str, key: str) -> StoredResponse | None:
        """The response stored for an Idempotency-Key, if any (expiry is the caller's rule)."""
        row = self.conn.execute(
            "SELECT fingerprint, status, media_type, body, created FROM idempotency "
            "WHERE app_id = ? AND tenant_id = ? AND key = ?",
            (app_id, tenant_id, key),
        ).fetchone()
        if row is None:
            return None
        fingerprint, status, media_type, body, created = row
        return StoredResponse(str(fingerprint), int(status), media_type, bytes(body), parse_iso(str(created)))

    def store_response(self, app_id: str, tenant_id: str, key: str, response: StoredResponse) -> None:
        """Keep (or replace) the response for an Idempotency-Key."""
        self.conn.execute(
            "INSERT OR REPLACE INTO idempotency "
            "(app_id, tenant_id, key, fingerprint, status, media_type, body, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                app_id,
                tenant_id,
                key,
                response.fingerprint,
                response.status,
                response.media_type,
                response.body,
                iso_instant(response.created),
            ),
        )

    def forget_responses_before(self, cutoff: datetime) -> None:
        """Drop stored idempotent responses created before `cutoff`."""
        self.conn.execute("DELETE FROM idempotency WHERE created < ?", (iso_instant(cutoff),))
