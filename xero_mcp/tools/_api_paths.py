"""The Accounting API's paths and methods, for xero_get and xero_write: only these paths are ever requested.

The table between the `generated` markers is rendered from Xero's OpenAPI spec (xero_accounting.yaml) by
`render_table()`; the spec is not shipped with the package, so the table is. tests/tools/test_generic.py checks that it
matches the spec (and rewrites it with XERO_MCP_UPDATE_API_PATHS=1).

A concrete path (`/Invoices/INV-0001/History`) is matched against the templates (`/Invoices/{InvoiceID}/History`):
literal segments case-insensitively, a `{Parameter}` segment against any one non-empty segment. When several
templates match (`/Reports/ProfitAndLoss` and `/Reports/{ReportID}`), those with the most literal segments win, as in
Xero's own routing, and their methods are combined (`/Contacts/{ContactID}` and `/Contacts/{ContactNumber}`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Any, cast
from urllib.parse import parse_qsl, quote, unquote, urlsplit

# --- generated from xero_accounting.yaml by render_table(); do not edit by hand ---
SPEC_VERSION = "16.1.0"

TEMPLATES: tuple[tuple[str, str], ...] = (
    ("/Accounts", "GET PUT"),
    ("/Accounts/{AccountID}", "GET POST DELETE"),
    ("/Accounts/{AccountID}/Attachments", "GET"),
    ("/Accounts/{AccountID}/Attachments/{AttachmentID}", "GET"),
    ("/Accounts/{AccountID}/Attachments/{FileName}", "GET PUT POST"),
    ("/BankTransactions", "GET PUT POST"),
    ("/BankTransactions/{BankTransactionID}", "GET POST"),
    ("/BankTransactions/{BankTransactionID}/Attachments", "GET"),
    ("/BankTransactions/{BankTransactionID}/Attachments/{AttachmentID}", "GET"),
    ("/BankTransactions/{BankTransactionID}/Attachments/{FileName}", "GET PUT POST"),
    ("/BankTransactions/{BankTransactionID}/History", "GET PUT"),
    ("/BankTransfers", "GET PUT POST"),
    ("/BankTransfers/{BankTransferID}", "GET POST"),
    ("/BankTransfers/{BankTransferID}/Attachments", "GET"),
    ("/BankTransfers/{BankTransferID}/Attachments/{AttachmentID}", "GET"),
    ("/BankTransfers/{BankTransferID}/Attachments/{FileName}", "GET PUT POST"),
    ("/BankTransfers/{BankTransferID}/History", "GET PUT"),
    ("/BatchPayments", "GET PUT POST"),
    ("/BatchPayments/{BatchPaymentID}", "GET POST"),
    ("/BatchPayments/{BatchPaymentID}/History", "GET PUT"),
    ("/BrandingThemes", "GET"),
    ("/BrandingThemes/{BrandingThemeID}", "GET"),
    ("/BrandingThemes/{BrandingThemeID}/PaymentServices", "GET POST"),
    ("/Budgets", "GET"),
    ("/Budgets/{BudgetID}", "GET"),
    ("/ContactGroups", "GET PUT"),
    ("/ContactGroups/{ContactGroupID}", "GET POST"),
    ("/ContactGroups/{ContactGroupID}/Contacts", "PUT DELETE"),
    ("/ContactGroups/{ContactGroupID}/Contacts/{ContactID}", "DELETE"),
    ("/Contacts", "GET PUT POST"),
    ("/Contacts/{ContactID}", "GET POST"),
    ("/Contacts/{ContactID}/Attachments", "GET"),
    ("/Contacts/{ContactID}/Attachments/{AttachmentID}", "GET"),
    ("/Contacts/{ContactID}/Attachments/{FileName}", "GET PUT POST"),
    ("/Contacts/{ContactID}/CISSettings", "GET"),
    ("/Contacts/{ContactID}/History", "GET PUT"),
    ("/Contacts/{ContactNumber}", "GET"),
    ("/CreditNotes", "GET PUT POST"),
    ("/CreditNotes/{CreditNoteID}", "GET POST"),
    ("/CreditNotes/{CreditNoteID}/Allocations", "PUT"),
    ("/CreditNotes/{CreditNoteID}/Allocations/{AllocationID}", "DELETE"),
    ("/CreditNotes/{CreditNoteID}/Attachments", "GET"),
    ("/CreditNotes/{CreditNoteID}/Attachments/{AttachmentID}", "GET"),
    ("/CreditNotes/{CreditNoteID}/Attachments/{FileName}", "GET PUT POST"),
    ("/CreditNotes/{CreditNoteID}/History", "GET PUT"),
    ("/CreditNotes/{CreditNoteID}/pdf", "GET"),
    ("/Currencies", "GET PUT"),
    ("/ExpenseClaims", "GET PUT"),
    ("/ExpenseClaims/{ExpenseClaimID}", "GET POST"),
    ("/ExpenseClaims/{ExpenseClaimID}/History", "GET PUT"),
    ("/InvoiceReminders/Settings", "GET"),
    ("/Invoices", "GET PUT POST"),
    ("/Invoices/{InvoiceID}", "GET POST"),
    ("/Invoices/{InvoiceID}/Attachments", "GET"),
    ("/Invoices/{InvoiceID}/Attachments/{AttachmentID}", "GET"),
    ("/Invoices/{InvoiceID}/Attachments/{FileName}", "GET PUT POST"),
    ("/Invoices/{InvoiceID}/Email", "POST"),
    ("/Invoices/{InvoiceID}/History", "GET PUT"),
    ("/Invoices/{InvoiceID}/OnlineInvoice", "GET"),
    ("/Invoices/{InvoiceID}/pdf", "GET"),
    ("/Items", "GET PUT POST"),
    ("/Items/{ItemID}", "GET POST DELETE"),
    ("/Items/{ItemID}/History", "GET PUT"),
    ("/Journals", "GET"),
    ("/Journals/{JournalID}", "GET"),
    ("/Journals/{JournalNumber}", "GET"),
    ("/LinkedTransactions", "GET PUT"),
    ("/LinkedTransactions/{LinkedTransactionID}", "GET POST DELETE"),
    ("/ManualJournals", "GET PUT POST"),
    ("/ManualJournals/{ManualJournalID}", "GET POST"),
    ("/ManualJournals/{ManualJournalID}/Attachments", "GET"),
    ("/ManualJournals/{ManualJournalID}/Attachments/{AttachmentID}", "GET"),
    ("/ManualJournals/{ManualJournalID}/Attachments/{FileName}", "GET PUT POST"),
    ("/ManualJournals/{ManualJournalID}/History", "GET PUT"),
    ("/Organisation", "GET"),
    ("/Organisation/Actions", "GET"),
    ("/Organisation/{OrganisationID}/CISSettings", "GET"),
    ("/Overpayments", "GET"),
    ("/Overpayments/{OverpaymentID}", "GET"),
    ("/Overpayments/{OverpaymentID}/Allocations", "PUT"),
    ("/Overpayments/{OverpaymentID}/Allocations/{AllocationID}", "DELETE"),
    ("/Overpayments/{OverpaymentID}/History", "GET PUT"),
    ("/Payments", "GET PUT POST"),
    ("/Payments/{PaymentID}", "GET POST"),
    ("/Payments/{PaymentID}/History", "GET PUT"),
    ("/PaymentServices", "GET PUT"),
    ("/Prepayments", "GET"),
    ("/Prepayments/{PrepaymentID}", "GET"),
    ("/Prepayments/{PrepaymentID}/Allocations", "PUT"),
    ("/Prepayments/{PrepaymentID}/Allocations/{AllocationID}", "DELETE"),
    ("/Prepayments/{PrepaymentID}/History", "GET PUT"),
    ("/PurchaseOrders", "GET PUT POST"),
    ("/PurchaseOrders/{PurchaseOrderID}", "GET POST"),
    ("/PurchaseOrders/{PurchaseOrderID}/Attachments", "GET"),
    ("/PurchaseOrders/{PurchaseOrderID}/Attachments/{AttachmentID}", "GET"),
    ("/PurchaseOrders/{PurchaseOrderID}/Attachments/{FileName}", "GET PUT POST"),
    ("/PurchaseOrders/{PurchaseOrderID}/History", "GET PUT"),
    ("/PurchaseOrders/{PurchaseOrderID}/pdf", "GET"),
    ("/PurchaseOrders/{PurchaseOrderNumber}", "GET"),
    ("/Quotes", "GET PUT POST"),
    ("/Quotes/{QuoteID}", "GET POST"),
    ("/Quotes/{QuoteID}/Attachments", "GET"),
    ("/Quotes/{QuoteID}/Attachments/{AttachmentID}", "GET"),
    ("/Quotes/{QuoteID}/Attachments/{FileName}", "GET PUT POST"),
    ("/Quotes/{QuoteID}/History", "GET PUT"),
    ("/Quotes/{QuoteID}/pdf", "GET"),
    ("/Receipts", "GET PUT"),
    ("/Receipts/{ReceiptID}", "GET POST"),
    ("/Receipts/{ReceiptID}/Attachments", "GET"),
    ("/Receipts/{ReceiptID}/Attachments/{AttachmentID}", "GET"),
    ("/Receipts/{ReceiptID}/Attachments/{FileName}", "GET PUT POST"),
    ("/Receipts/{ReceiptID}/History", "GET PUT"),
    ("/RepeatingInvoices", "GET PUT POST"),
    ("/RepeatingInvoices/{RepeatingInvoiceID}", "GET POST"),
    ("/RepeatingInvoices/{RepeatingInvoiceID}/Attachments", "GET"),
    ("/RepeatingInvoices/{RepeatingInvoiceID}/Attachments/{AttachmentID}", "GET"),
    ("/RepeatingInvoices/{RepeatingInvoiceID}/Attachments/{FileName}", "GET PUT POST"),
    ("/RepeatingInvoices/{RepeatingInvoiceID}/History", "GET PUT"),
    ("/Reports", "GET"),
    ("/Reports/AgedPayablesByContact", "GET"),
    ("/Reports/AgedReceivablesByContact", "GET"),
    ("/Reports/BalanceSheet", "GET"),
    ("/Reports/BankSummary", "GET"),
    ("/Reports/BudgetSummary", "GET"),
    ("/Reports/ExecutiveSummary", "GET"),
    ("/Reports/ProfitAndLoss", "GET"),
    ("/Reports/TenNinetyNine", "GET"),
    ("/Reports/TrialBalance", "GET"),
    ("/Reports/{ReportID}", "GET"),
    ("/Setup", "POST"),
    ("/TaxRates", "GET PUT POST"),
    ("/TaxRates/{TaxType}", "GET"),
    ("/TrackingCategories", "GET PUT"),
    ("/TrackingCategories/{TrackingCategoryID}", "GET POST DELETE"),
    ("/TrackingCategories/{TrackingCategoryID}/Options", "PUT"),
    ("/TrackingCategories/{TrackingCategoryID}/Options/{TrackingOptionID}", "POST DELETE"),
    ("/Users", "GET"),
    ("/Users/{UserID}", "GET"),
)

PAGED: dict[str, str] = {
    "/BankTransactions": "page pageSize",
    "/Contacts": "page pageSize",
    "/CreditNotes": "page pageSize",
    "/Invoices": "page pageSize",
    "/LinkedTransactions": "page",
    "/ManualJournals": "page pageSize",
    "/Overpayments": "page pageSize",
    "/Payments": "page pageSize",
    "/Prepayments": "page pageSize",
    "/PurchaseOrders": "page pageSize",
    "/Quotes": "page",
}
# --- end generated ---

GENERATED_START = "# --- generated from xero_accounting.yaml by render_table(); do not edit by hand ---"
GENERATED_END = "# --- end generated ---"

API_BASE_PATH = "/api.xro/2.0"
_METHOD_ORDER = ("GET", "PUT", "POST", "PATCH", "DELETE")
_XERO_HOSTS = frozenset({"api.xero.com"})


class ApiPathError(ValueError):
    """A path that is not in the Accounting API (or a method the path does not take); the message says why."""


@dataclass(frozen=True, slots=True)
class Template:
    """One path template of the spec and the methods it takes."""

    path: str
    methods: frozenset[str]
    segments: tuple[str, ...]

    @property
    def literals(self) -> int:
        """How many of its segments are fixed words (more is more specific)."""
        return sum(1 for segment in self.segments if not _is_param(segment))

    def match(self, segments: tuple[str, ...]) -> bool:
        """Whether a concrete path's segments fit this template."""
        if len(segments) != len(self.segments):
            return False
        return all(
            _is_param(mine) or mine.lower() == theirs.lower()
            for mine, theirs in zip(self.segments, segments, strict=True)
        )


@dataclass(frozen=True, slots=True)
class PathMatch:
    """A concrete Accounting API path, its matching templates, their methods and paging parameters."""

    path: str
    query: dict[str, str]
    templates: tuple[Template, ...]

    @property
    def methods(self) -> frozenset[str]:
        """Every method any matching template takes."""
        return frozenset[str]().union(*(template.methods for template in self.templates))

    @property
    def template(self) -> str:
        """The matching template(s), for messages: `/Contacts/{ContactID}` or several joined by ' or '."""
        return " or ".join(template.path for template in self.templates)

    @property
    def paging(self) -> tuple[str, ...]:
        """The paging query parameters its GET takes (`page`, `pageSize`), if any."""
        for template in self.templates:
            if "GET" in template.methods and template.path in PAGED:
                return tuple(PAGED[template.path].split())
        return ()

    def allows(self, method: str) -> bool:
        """Whether the spec has `method` on this path."""
        return method.upper() in self.methods


def _is_param(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


def _split(path: str) -> tuple[str, ...]:
    return tuple(segment for segment in path.strip("/").split("/"))


def _compile(rows: Iterable[tuple[str, str]]) -> tuple[Template, ...]:
    return tuple(Template(path, frozenset(methods.split()), _split(path)) for path, methods in rows)


_TEMPLATES = _compile(TEMPLATES)
_TOP_LEVEL = sorted({template.segments[0] for template in _TEMPLATES})


def _strip_base(path: str) -> tuple[str, str]:
    """The path relative to the API base, and its query text; full URLs are accepted only for Xero's API host."""
    text = path.strip()
    if "://" in text or text.startswith("//"):
        parts = urlsplit(text if "://" in text else "https:" + text)
        if parts.scheme != "https" or (parts.hostname or "").lower() not in _XERO_HOSTS:
            raise ApiPathError(
                f"{path!r} is not on Xero's Accounting API: give a path such as /Invoices (relative to "
                f"https://api.xero.com{API_BASE_PATH})."
            )
        text, query = parts.path, parts.query
    else:
        text, _, query = text.partition("?")
    if text.lower().startswith(API_BASE_PATH.lower() + "/") or text.lower() == API_BASE_PATH.lower():
        text = text[len(API_BASE_PATH) :]
    return text, query


def match_path(path: str) -> PathMatch:
    """Match a concrete path (optionally with `?query`, or a full api.xero.com URL) against the spec's templates.

    Literal segments take the spec's spelling in the returned path, so `/invoices` is sent as `/Invoices`.
    Raises ApiPathError naming the closest known paths when nothing matches.
    """
    text, query_text = _strip_base(path)
    if "#" in text:
        raise ApiPathError(f"{path!r}: a path cannot contain '#'")
    segments = tuple(unquote(segment).strip() for segment in text.strip().strip("/").split("/"))
    if not text.strip("/ ") or any(not segment for segment in segments):
        raise ApiPathError(f"{path!r} is not an Accounting API path (e.g. /Invoices or /Contacts/{{ContactID}}).")
    if any(segment in {".", ".."} for segment in segments):
        raise ApiPathError(f"{path!r}: '.' and '..' segments are not allowed")
    candidates = [template for template in _TEMPLATES if template.match(segments)]
    if not candidates:
        raise ApiPathError(_unknown_message(path, segments))
    best = max(template.literals for template in candidates)
    chosen = tuple(template for template in candidates if template.literals == best)
    # Parameter values are re-encoded, so a `/` or `?` inside an ID or number cannot add segments or a query.
    spelled = tuple(
        quote(segment, safe="") if _is_param(known) else known
        for segment, known in zip(segments, chosen[0].segments, strict=True)
    )
    query = dict(parse_qsl(query_text, keep_blank_values=True))
    return PathMatch(path="/" + "/".join(spelled), query=query, templates=chosen)


def _unknown_message(path: str, segments: tuple[str, ...]) -> str:
    head = segments[0]
    known_heads = {name.lower(): name for name in _TOP_LEVEL}
    if head.lower() not in known_heads:
        close = get_close_matches(head, _TOP_LEVEL, n=3, cutoff=0.6)
        hint = f" Did you mean {', '.join('/' + name for name in close)}?" if close else ""
        return f"{path!r} is not an Accounting API path.{hint}"
    family = [template.path for template in _TEMPLATES if template.segments[0].lower() == head.lower()]
    return f"{path!r} is not an Accounting API path. Paths under /{known_heads[head.lower()]}: {', '.join(family)}."


def render_table(spec: Mapping[str, Any]) -> str:
    """The generated block of this module for a parsed xero_accounting.yaml (markers included)."""
    paths = cast("Mapping[str, Mapping[str, Any]]", spec["paths"])
    components = cast("Mapping[str, Any]", spec.get("components", {}))
    shared_params = cast("Mapping[str, Mapping[str, Any]]", components.get("parameters", {}))

    def param_names(items: Iterable[Mapping[str, Any]]) -> set[str]:
        names: set[str] = set()
        for item in items:
            ref = item.get("$ref")
            resolved = shared_params[str(ref).rsplit("/", 1)[-1]] if ref else item
            names.add(str(resolved.get("name")))
        return names

    rows: list[tuple[str, str]] = []
    paged: dict[str, str] = {}
    for path in sorted(paths, key=lambda p: (p.lower(), p)):
        operations = paths[path]
        methods = [m for m in _METHOD_ORDER if m.lower() in operations]
        if not methods:
            continue
        rows.append((path, " ".join(methods)))
        get = operations.get("get")
        if get is not None:
            names = param_names([*get.get("parameters", []), *operations.get("parameters", [])])
            paging = [name for name in ("page", "pageSize") if name in names]
            if paging:
                paged[path] = " ".join(paging)
    version = str(cast("Mapping[str, Any]", spec.get("info", {})).get("version", ""))
    lines = [GENERATED_START, f"SPEC_VERSION = {version!r}".replace("'", '"'), ""]
    lines.append("TEMPLATES: tuple[tuple[str, str], ...] = (")
    lines += [f'    ("{path}", "{methods}"),' for path, methods in rows]
    lines += [")", "", "PAGED: dict[str, str] = {"]
    lines += [f'    "{path}": "{names}",' for path, names in paged.items()]
    lines += ["}", GENERATED_END]
    return "\n".join(lines)
