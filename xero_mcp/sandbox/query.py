"""Xero's list queries, compiled to SQL over the store: `where`, `order`, paging, If-Modified-Since, list filters.

`where` is Xero's C#-like filter language (reference §2.4): comparisons ``== = != < > <= >=`` joined with
``AND``/``OR`` (or ``&&``/``||``), ``NOT``/``!``, parentheses, string literals in double quotes (a quote inside
one doubled, ``""``; a backslash is an ordinary character), numbers, ``true``/``false``/``null``,
``guid("...")``, ``DateTime(y, m, d[, h, m, s])``, dotted fields (``Contact.ContactID``) and the methods
``Contains``, ``StartsWith``, ``EndsWith`` (booleans) and ``ToLower``, ``ToUpper`` (on text). String comparisons
ignore case, as Xero's do. The expression is parsed into a small tree and compiled to an SQL condition with
parameters: indexed columns where the field has one, ``json_extract`` otherwise,
so a filter over 100,000 invoices never leaves SQLite. A malformed expression raises QueryError (a 400).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any

from xero_mcp.sandbox.fields import COLLECTION_TYPES, FIELD_KINDS
from xero_mcp.sandbox.state import CENT_COLUMNS, Collection, iso_instant

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


class QueryError(ValueError):
    """A list query Xero would refuse (malformed where/order, bad paging): answered with 400."""


# --- field names -------------------------------------------------------------------------------------------------

# Xero matches field names case-insensitively (its docs write both InvoiceID and InvoiceId); documents use these
# spellings, so a filter field is mapped to its document key before it reaches json_extract.
_FIELD_NAMES = (
    "Account",
    "AccountID",
    "AccountNumber",
    "Accounts",
    "Addresses",
    "Allocations",
    "Amount",
    "AmountCredited",
    "AmountDue",
    "AmountPaid",
    "AppliedAmount",
    "BankAccount",
    "BankAccountNumber",
    "BankAccountType",
    "BankAmount",
    "BankTransactionID",
    "BankTransferID",
    "BrandingThemeID",
    "Class",
    "Code",
    "CompanyNumber",
    "Contact",
    "ContactGroupID",
    "ContactGroups",
    "ContactID",
    "ContactNumber",
    "ContactStatus",
    "CreatedDateUTC",
    "CreditNote",
    "CreditNoteID",
    "CreditNoteNumber",
    "CreditNotes",
    "CurrencyCode",
    "CurrencyRate",
    "Date",
    "DefaultCurrency",
    "DeliveryDate",
    "Description",
    "DisplayTaxRate",
    "DueDate",
    "EffectiveRate",
    "EmailAddress",
    "EnablePaymentsToAccount",
    "ExpectedArrivalDate",
    "ExpiryDate",
    "FirstName",
    "FromBankAccount",
    "FromBankTransactionID",
    "FullyPaidOnDate",
    "HasAttachments",
    "Invoice",
    "InvoiceID",
    "InvoiceNumber",
    "IsCustomer",
    "IsDeleted",
    "IsPurchased",
    "IsReconciled",
    "IsSold",
    "IsSupplier",
    "IsTrackedAsInventory",
    "ItemID",
    "LastName",
    "LineAmountTypes",
    "ManualJournalID",
    "Name",
    "Narration",
    "Option",
    "Options",
    "PaymentID",
    "PaymentType",
    "PurchaseDescription",
    "PurchaseOrderID",
    "PurchaseOrderNumber",
    "QuantityOnHand",
    "QuoteID",
    "QuoteNumber",
    "Reference",
    "RemainingCredit",
    "ReportTaxType",
    "SentToContact",
    "ShowInExpenseClaims",
    "Status",
    "SubTotal",
    "Summary",
    "SystemAccount",
    "TaxNumber",
    "TaxType",
    "Terms",
    "Title",
    "ToBankAccount",
    "ToBankTransactionID",
    "Total",
    "TotalDiscount",
    "TotalTax",
    "TrackingCategoryID",
    "TrackingOptionID",
    "Type",
    "UpdatedDateUTC",
    "Url",
    "Website",
)
_KNOWN_FIELDS = {name.lower(): name for name in _FIELD_NAMES}
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def canonical_field(path: str) -> str:
    """A dotted field path with each part spelled as documents spell it."""
    parts = path.split(".")
    for part in parts:
        if _IDENT.fullmatch(part) is None:
            raise QueryError(f"'{path}' is not a field name")
    return ".".join(_KNOWN_FIELDS.get(part.lower(), part) for part in parts)


# .NET's names for the kinds of fields and literals, as Xero's filter parser (System.Linq.Dynamic) words its errors.
_TYPE_NAMES = {"string": "String", "number": "Decimal", "bool": "Boolean", "date": "DateTime", "guid": "Guid"}
_LITERAL_TYPES = {"string": "String", "bool": "Boolean", "guid": "Guid", "datetime": "DateTime"}
# Which literal kinds each field kind may be compared with (null always may); text is lenient with GUIDs and dates
# because Xero's own examples compare IDs and dates written in several ways.
_COMPARABLE = {
    "number": {"number"},
    "bool": {"bool"},
    "string": {"string", "guid", "datetime"},
    "date": {"datetime", "string"},
    "guid": {"guid", "string"},
}


def field_kind(collection: Collection, path: str) -> str | None:
    """The kind of a field path in a collection's records (see ``xero_mcp.sandbox.fields``).

    Raises Xero's query-parse error for a field the record type does not have; None when the collection's record
    type is not described (nothing is checked then).
    """
    record = COLLECTION_TYPES.get(collection.plural)
    if record is None:
        return None
    kind = record
    for part in canonical_field(path).split("."):
        fields = FIELD_KINDS.get(kind)
        found = (
            None if fields is None else next((k for name, k in fields.items() if name.lower() == part.lower()), None)
        )
        if found is None:
            raise QueryError(f"No property or field '{part}' exists in type '{_TYPE_NAMES.get(kind, kind)}'")
        kind = found
    return kind


def _literal_type(literal: Literal) -> str:
    if literal.kind == "number":
        return "Decimal" if "." in str(literal.value) else "Int32"
    return _LITERAL_TYPES.get(literal.kind, "Object")


def field_sql(collection: Collection, path: str) -> str:
    """The SQL expression for a document field: its indexed column, or json_extract on the document."""
    canonical = canonical_field(path)
    column = collection.columns().get(canonical)
    if column is not None:
        return column
    return f"json_extract(doc, '$.{canonical}')"


# --- where: tokens -----------------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<string>"(?:[^"]|"")*")
  | (?P<number>-?\d+(?:\.\d+)?)
  | (?P<op>==|!=|<=|>=|&&|\|\||[=<>!(),.])
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    at: int


def _tokens(source: str) -> list[_Token]:
    found: list[_Token] = []
    position = 0
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None:
            snippet = source[position : position + 10]
            raise QueryError(f"unexpected character at position {position} in where: '{snippet}'")
        kind = match.lastgroup or ""
        if kind != "space":
            found.append(_Token(kind, match.group(), position))
        position = match.end()
    return found


def _unquote(literal: str) -> str:
    # Xero's `where` is System.Linq.Dynamic (its QueryParseException messages, "Unterminated string literal" and "No
    # property or field 'X' exists in type 'Contact'", are that library's): a string literal ends at the first lone
    # `"`, a doubled `""` stands for one quote, and a backslash escapes nothing (its ParseStringLiteral only drops
    # one quote of each pair). Backslash escapes are refused by Xero with "Syntax error" (XeroAPI/Xero-Java#347).
    return literal[1:-1].replace('""', '"')


# --- where: tree -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """A document field, optionally passed through ToLower/ToUpper."""

    path: str
    transforms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Literal:
    """A constant: kind is "string", "number", "bool", "null", "guid" or "datetime"."""

    kind: str
    value: Any


@dataclass(frozen=True)
class Compare:
    """``left op right``."""

    op: str
    left: Field | Literal
    right: Field | Literal


@dataclass(frozen=True)
class Call:
    """``Field.Contains("x")`` / StartsWith / EndsWith."""

    target: Field
    method: str
    argument: str


@dataclass(frozen=True)
class Truthy:
    """A boolean field on its own (``IsSold``)."""

    target: Field


@dataclass(frozen=True)
class Junction:
    """``AND`` / ``OR`` of parts."""

    op: str
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Negation:
    """``NOT`` / ``!``."""

    part: Node


Node = Compare | Call | Truthy | Junction | Negation

_COMPARISONS = {"==": "=", "=": "=", "!=": "!=", "<": "<", ">": ">", "<=": "<=", ">=": ">="}
_FLIPPED = {"=": "=", "!=": "!=", "<": ">", ">": "<", "<=": ">=", ">=": "<="}
_PREDICATES = {"contains", "startswith", "endswith"}
_TRANSFORMS = {"tolower": "lower", "toupper": "upper"}


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = _tokens(source)
        self.index = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            raise QueryError("the where expression ends too early")
        self.index += 1
        return token

    def expect(self, text: str) -> None:
        token = self.take()
        if token.text != text:
            raise QueryError(f"expected '{text}' at position {token.at} in where, found '{token.text}'")

    def at_word(self, *words: str) -> bool:
        token = self.peek()
        return token is not None and token.text.upper() in words

    def parse(self) -> Node:
        if not self.tokens:
            raise QueryError("the where expression is empty")
        node = self.disjunction()
        token = self.peek()
        if token is not None:
            raise QueryError(f"unexpected '{token.text}' at position {token.at} in where")
        return node

    def disjunction(self) -> Node:
        return self.junction("OR", "||", self.conjunction)

    def conjunction(self) -> Node:
        return self.junction("AND", "&&", self.unary)

    def junction(self, word: str, symbol: str, operand: Callable[[], Node]) -> Node:
        """Operands joined by `word` (or `symbol`); a single operand stands alone."""
        parts = [operand()]
        while self.at_word(word, symbol):
            self.take()
            parts.append(operand())
        return parts[0] if len(parts) == 1 else Junction(word, tuple(parts))

    def unary(self) -> Node:
        if self.at_word("NOT", "!"):
            self.take()
            return Negation(self.unary())
        token = self.peek()
        if token is not None and token.text == "(":
            self.take()
            node = self.disjunction()
            self.expect(")")
            return node
        return self.comparison()

    def comparison(self) -> Node:
        left = self.operand()
        if isinstance(left, Call | Truthy):
            return left
        token = self.peek()
        if token is None or token.text not in _COMPARISONS:
            if isinstance(left, Field):
                return Truthy(left)
            raise QueryError(f"expected a comparison after {self.describe(left)} in where")
        self.take()
        right = self.operand()
        if isinstance(right, Call | Truthy):
            raise QueryError("a method call cannot be compared in where")
        return Compare(_COMPARISONS[token.text], left, right)

    def describe(self, operand: Field | Literal) -> str:
        return operand.path if isinstance(operand, Field) else repr(operand.value)

    def operand(self) -> Field | Literal | Call:
        token = self.take()
        if token.kind == "string":
            return Literal("string", _unquote(token.text))
        if token.kind == "number":
            return Literal("number", token.text)
        if token.kind != "ident":
            raise QueryError(f"unexpected '{token.text}' at position {token.at} in where")
        word = token.text.lower()
        if word in ("true", "false"):
            return Literal("bool", word == "true")
        if word == "null":
            return Literal("null", None)
        following = self.peek()
        if word == "guid" and following is not None and following.text == "(":
            return self.guid_literal()
        if word == "datetime" and following is not None and following.text == "(":
            return self.datetime_literal()
        return self.field(token.text)

    def guid_literal(self) -> Literal:
        self.expect("(")
        token = self.take()
        if token.kind != "string":
            raise QueryError(f"guid() takes a quoted GUID, at position {token.at} in where")
        value = _unquote(token.text)
        if re.fullmatch(r"[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}", value) is None:
            raise QueryError(f"'{value}' is not a GUID")
        self.expect(")")
        return Literal("guid", value.lower())

    def datetime_literal(self) -> Literal:
        self.expect("(")
        numbers: list[int] = []
        while True:
            token = self.take()
            if token.kind != "number" or "." in token.text:
                raise QueryError(f"DateTime() takes whole numbers, at position {token.at} in where")
            numbers.append(int(token.text))
            separator = self.take()
            if separator.text == ")":
                break
            if separator.text != ",":
                raise QueryError(f"expected ',' or ')' at position {separator.at} in where")
        if len(numbers) not in (3, 6):
            raise QueryError("DateTime() takes (year, month, day) or (year, month, day, hour, minute, second)")
        try:
            hour, minute, second = numbers[3:] if len(numbers) == 6 else (0, 0, 0)
            when = datetime(numbers[0], numbers[1], numbers[2], hour, minute, second)
        except ValueError as error:
            raise QueryError(f"DateTime{tuple(numbers)} is not a valid date: {error}") from None
        return Literal("datetime", when.strftime("%Y-%m-%dT%H:%M:%S"))

    def field(self, first: str) -> Field | Call:
        path = [first]
        transforms: list[str] = []
        while (token := self.peek()) is not None and token.text == ".":
            self.take()
            name = self.take()
            if name.kind != "ident":
                raise QueryError(f"expected a field or method name at position {name.at} in where")
            following = self.peek()
            if following is None or following.text != "(":
                if transforms:
                    raise QueryError(f"'{name.text}' cannot follow a method call in where")
                path.append(name.text)
                continue
            method = name.text.lower()
            self.expect("(")
            if method in _TRANSFORMS:
                self.expect(")")
                transforms.append(_TRANSFORMS[method])
                continue
            if method in _PREDICATES:
                argument = self.take()
                if argument.kind != "string":
                    raise QueryError(f"{name.text}() takes a quoted string, at position {argument.at} in where")
                self.expect(")")
                return Call(Field(".".join(path), tuple(transforms)), method, _unquote(argument.text))
            raise QueryError(f"unsupported method '{name.text}' in where")
        return Field(".".join(path), tuple(transforms))


def parse_where(source: str) -> Node:
    """Parse a `where` expression; raises QueryError with the position of the first problem."""
    return _Parser(source).parse()


# --- where: SQL --------------------------------------------------------------------------------------------------


def _operand_sql(collection: Collection, field_ref: Field) -> str:
    kind = field_kind(collection, field_ref.path)
    if field_ref.transforms and kind is not None and kind != "string":
        method = "ToLower" if field_ref.transforms[0] == "lower" else "ToUpper"
        raise QueryError(f"No applicable method '{method}' exists in type '{_TYPE_NAMES.get(kind, kind)}'")
    sql = field_sql(collection, field_ref.path)
    for function in field_ref.transforms:
        sql = f"{function}({sql})"
    return sql


def _like_pattern(text: str, prefix: bool, suffix: bool) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return ("%" if prefix else "") + escaped + ("%" if suffix else "")


def compile_where(node: Node, collection: Collection, params: list[Any]) -> str:
    """An SQL condition for a parsed `where`, appending its parameters to `params`."""
    if isinstance(node, Junction):
        joined = f" {node.op} ".join(compile_where(part, collection, params) for part in node.parts)
        return f"({joined})"
    if isinstance(node, Negation):
        return f"NOT ({compile_where(node.part, collection, params)})"
    if isinstance(node, Truthy):
        return f"{_operand_sql(collection, node.target)} = 1"
    if isinstance(node, Call):
        kind = field_kind(collection, node.target.path)
        if kind is not None and kind != "string" and not node.target.transforms:
            method = {"contains": "Contains", "startswith": "StartsWith", "endswith": "EndsWith"}[node.method]
            raise QueryError(f"No applicable method '{method}' exists in type '{_TYPE_NAMES.get(kind, kind)}'")
        params.append(_like_pattern(node.argument, node.method in ("contains", "endswith"), node.method != "endswith"))
        return f"lower({_operand_sql(collection, node.target)}) LIKE ? ESCAPE '\\'"
    left, right, op = node.left, node.right, node.op
    if isinstance(left, Literal) and isinstance(right, Field):
        left, right, op = right, left, _FLIPPED[op]
    if isinstance(left, Literal):
        raise QueryError("a where comparison needs a field on one side")
    sql = _operand_sql(collection, left)
    _check_comparable(collection, node.op, left, right)
    if isinstance(right, Field):
        return f"{sql} {op} {_operand_sql(collection, right)}"
    if right.kind == "null":
        if op not in ("=", "!="):
            raise QueryError("null can only be compared with == or !=")
        return f"{sql} IS NULL" if op == "=" else f"{sql} IS NOT NULL"
    if right.kind == "bool":
        params.append(1 if right.value else 0)
        return f"{sql} {op} ?"
    if right.kind == "number":
        # The literal is validated digits, inlined so SQLite compares it as a number, not text; money columns
        # hold whole cents, so the literal is scaled exactly.
        literal = format(Decimal(right.value) * 100, "f") if sql in CENT_COLUMNS else right.value
        return f"{sql} {op} {literal}"
    params.append(right.value)
    if right.kind == "datetime":
        return f"{sql} {op} ?"
    if op == "!=":
        # Xero's != also matches records that have no value for the field.
        return f"({sql} IS NULL OR {sql} != ? COLLATE NOCASE)"
    return f"{sql} {op} ? COLLATE NOCASE"


def _check_comparable(collection: Collection, op: str, left: Field, right: Field | Literal) -> None:
    """Refuse, as Xero does, a comparison of a field with a literal of another kind (``Total > "abc"``)."""
    if isinstance(right, Field) or right.kind == "null":
        return
    kind = field_kind(collection, left.path)
    allowed = _COMPARABLE.get(kind or "")
    if allowed is None or right.kind in allowed:
        return
    shown = next((k for k, v in _COMPARISONS.items() if v == op and k != "="), op)
    raise QueryError(
        f"Operator '{shown}' incompatible with operand types '{_TYPE_NAMES[kind or '']}' and '{_literal_type(right)}'"
    )


# --- order, paging, If-Modified-Since ----------------------------------------------------------------------------


def compile_order(source: str, collection: Collection) -> str:
    """SQL ORDER BY terms for Xero's ``order`` ("Name ASC, Date DESC"), ID last so pages are stable."""
    terms: list[str] = []
    for part in source.split(","):
        words = part.split()
        if not words:
            raise QueryError(f"'{source}' is not a valid order")
        if len(words) > 2 or (len(words) == 2 and words[1].upper() not in ("ASC", "DESC")):
            raise QueryError(f"'{part.strip()}' is not a valid order: use 'Field ASC' or 'Field DESC'")
        direction = words[1].upper() if len(words) == 2 else "ASC"
        field_kind(collection, words[0])
        sql = field_sql(collection, words[0])
        # Columns sort by their own collation (so their indexes serve the order); text inside documents sorts
        # case-insensitively, as Xero's does.
        collation = " COLLATE NOCASE" if sql.startswith("json_extract") else ""
        terms.append(f"{sql}{collation} {direction}")
    terms.append("id ASC")
    return ", ".join(terms)


def parse_if_modified_since(value: str) -> str:
    """The stored-instant text for an If-Modified-Since header (ISO 8601, naive = UTC, or an HTTP date)."""
    text = value.strip()
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            raise QueryError(f"If-Modified-Since '{value}' is not a date") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return iso_instant(when)


def _whole(params: Mapping[str, str], name: str) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except ValueError:
        raise QueryError(f"{name} must be a whole number") from None
    if number < 1:
        raise QueryError(f"{name} must be 1 or more")
    return number


@dataclass(frozen=True)
class Paging:
    """Which page of a list to return."""

    page: int
    page_size: int

    @property
    def offset(self) -> int:
        """Rows skipped before this page."""
        return (self.page - 1) * self.page_size


def parse_paging(params: Mapping[str, str], *, always: bool) -> Paging | None:
    """`page` (1-based) and `pageSize` (default 100, capped at 1000); None when the list is not paged."""
    page = _whole(params, "page")
    size = _whole(params, "pagesize")
    if page is None and not always:
        return None
    return Paging(page or 1, min(size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE))


# --- the whole list query ----------------------------------------------------------------------------------------


@dataclass
class ListQuery:
    """An SQL condition (with parameters), ordering and paging for one list request."""

    conditions: list[str] = field(default_factory=list[str])
    params: list[Any] = field(default_factory=list[Any])
    order: str = "updated, id"
    paging: Paging | None = None

    @property
    def where(self) -> str:
        """The conditions joined with AND."""
        return " AND ".join(f"({condition})" for condition in self.conditions)

    def add(self, condition: str, *params: Any) -> None:
        """Require one more condition."""
        self.conditions.append(condition)
        self.params.extend(params)


def csv(value: str | None) -> list[str]:
    """The items of a comma-separated query parameter."""
    return [] if not value else [item.strip() for item in value.split(",") if item.strip()]


def _placeholders(values: list[str]) -> str:
    return ", ".join("?" for _ in values)


def _list_filters(collection: Collection, params: Mapping[str, str], query: ListQuery) -> None:
    plural = collection.plural
    if ids := csv(params.get("ids")):
        query.add(f"id IN ({_placeholders(ids)})", *ids)
    if plural == "Invoices":
        if statuses := csv(params.get("statuses")):
            query.add(f"status IN ({_placeholders(statuses)})", *statuses)
        if numbers := csv(params.get("invoicenumbers")):
            query.add(f"number IN ({_placeholders(numbers)})", *numbers)
        if contacts := csv(params.get("contactids")):
            query.add(f"contact_id IN ({_placeholders(contacts)})", *contacts)
    if plural in ("Overpayments", "Prepayments") and (references := csv(params.get("references"))):
        query.add(f"reference IN ({_placeholders(references)})", *references)
    if plural == "Prepayments" and (numbers := csv(params.get("invoicenumbers"))):
        query.add(f"json_extract(doc, '$.InvoiceNumber') IN ({_placeholders(numbers)})", *numbers)
    if plural == "LinkedTransactions":
        for name in ("LinkedTransactionID", "SourceTransactionID", "ContactID", "TargetTransactionID", "Status"):
            if value := params.get(name.lower(), "").strip():
                query.add(f"json_extract(doc, '$.{name}') = ? COLLATE NOCASE", value)
    term = params.get("searchterm", "").strip().strip('"').lower()
    if term and plural == "Contacts":
        fields = ("name", "number", *(f"json_extract(doc, '$.{f}')" for f in ("FirstName", "LastName", "EmailAddress")))
        query.add(" OR ".join(f"instr(lower({f}), ?) > 0" for f in fields), *([term] * len(fields)))
    if term and plural == "Invoices":
        query.add("instr(lower(number), ?) > 0 OR instr(lower(reference), ?) > 0", term, term)
    include_archived = params.get("includearchived", "").lower() == "true"
    if plural in ("Contacts", "TrackingCategories") and not include_archived:
        query.add("status IS NULL OR status != 'ARCHIVED'")
    if plural in ("TrackingCategories", "Accounts", "ContactGroups"):
        query.add("status IS NULL OR status != 'DELETED'")
    if plural == "BankTransfers" and params.get("includedeleted", "").lower() != "true":
        query.add("status != 'DELETED'")
    if plural in ("Quotes", "PurchaseOrders"):
        _document_filters(collection, params, query)


def _date_param(params: Mapping[str, str], name: str) -> str | None:
    value = params.get(name.lower())
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip()[:10]).strftime("%Y-%m-%dT00:00:00")
    except ValueError:
        raise QueryError(f"{name} must be a date (YYYY-MM-DD)") from None


def _document_filters(collection: Collection, params: Mapping[str, str], query: ListQuery) -> None:
    if status := params.get("status"):
        query.add("status = ?", status.strip())
    if (start := _date_param(params, "DateFrom")) is not None:
        query.add("date >= ?", start)
    if (end := _date_param(params, "DateTo")) is not None:
        query.add("date <= ?", end)
    if collection.plural != "Quotes":
        return
    if (start := _date_param(params, "ExpiryDateFrom")) is not None:
        query.add("json_extract(doc, '$.ExpiryDate') >= ?", start)
    if (end := _date_param(params, "ExpiryDateTo")) is not None:
        query.add("json_extract(doc, '$.ExpiryDate') <= ?", end)
    if contact := params.get("contactid"):
        query.add("contact_id = ?", contact.strip())
    if number := params.get("quotenumber"):
        query.add("instr(lower(number), ?) > 0", number.strip().lower())


def build_list_query(
    collection: Collection,
    params: Mapping[str, str],
    *,
    if_modified_since: str | None,
    paged: bool,
    default_order: str,
    pageable: bool = True,
) -> ListQuery:
    """Everything a list request asks for, as SQL. `params` keys are lower-case query parameter names.

    `paged`: always paged (page 1 when `page` is absent); `pageable`: `page` is a parameter of the endpoint at all
    (where it is not, as on /Items or /Accounts, Xero ignores it and so does this).
    """
    query = ListQuery(order=default_order)
    if where := params.get("where", "").strip():
        query.conditions.append(compile_where(parse_where(where), collection, query.params))
    if if_modified_since:
        query.add("updated > ?", parse_if_modified_since(if_modified_since))
    _list_filters(collection, params, query)
    if order := params.get("order", "").strip():
        query.order = compile_order(order, collection)
    query.paging = parse_paging(params, always=paged) if paged or pageable else None
    return query
