"""The sandbox's Reports: ProfitAndLoss, BalanceSheet, TrialBalance, Aged{Receivables,Payables}ByContact, BankSummary,
ExecutiveSummary, BudgetSummary (from the organisation's overall budget) and TenNinetyNine (1099s).

Every report is computed on request from the organisation's own documents, never stored. The documents are first
turned into a general ledger (``build_ledger``): a list of dated, signed postings (debit positive, credit negative,
in the base currency) that sum to zero for every source document:

- AUTHORISED/PAID invoices and bills: the AR/AP control account against each line's account and the tax account;
- AUTHORISED/PAID credit notes: the same, the other way round (allocations move AR to AR, so they post nothing);
- AUTHORISED payments: the bank (or payments-enabled) account against AR/AP;
- AUTHORISED bank transactions: the bank account against the lines and tax; a transfer's two sides
  (SPEND-TRANSFER, RECEIVE-TRANSFER) post against a clearing account that nets to zero; a prepayment or
  overpayment against the AR/AP control account, where it waits until allocated (allocations move AR to AR and
  post nothing; a refund is a payment out of, or into, the bank against the control account);
- POSTED manual journals: their lines as written.

With ``paymentsOnly=true`` (cash basis) invoices and credit notes post nothing by themselves: each payment or
credit-note allocation recognises its share of the document's lines and tax on its own date. A prepayment is income
or expense (its lines) when received or paid; an overpayment, held in AR/AP, recognises the share of the invoices it
is allocated to on the allocations' dates.

Because each report reads the same ledger, the invariants hold by construction and the tests check them: the
balance sheet balances (current-year earnings included), trial balance debits equal credits, net profit equals the
change in equity from earnings, the AR/AP control accounts equal the aged reports, and bank summary opening +
received - spent = closing. Report bodies follow the spec's ``ReportWithRows``: Header / Section / Row /
SummaryRow rows whose cells carry ``{"Id": "account", "Value": <AccountID>}`` attributes.
"""

from __future__ import annotations

import calendar
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from xero_mcp.sandbox.orgsetup import ACCOUNT_CLASSES
from xero_mcp.sandbox.rules.budgets import add_months, month_key
from xero_mcp.sandbox.rules.budgets import amounts as budget_amounts
from xero_mcp.sandbox.rules.common import EARLIEST_DATE, LATEST_DATE, is_guid, money
from xero_mcp.sandbox.state import Doc, SandboxState, iso_instant

ZERO = Decimal("0.00")
_NAMESPACE = uuid.UUID("b7c4d0a2-6f1e-4f43-9a55-2d8e3c7f1b90")
# Xero reports Current Year Earnings against this all-zero account ID (it is not a real account).
CURRENT_YEAR_EARNINGS_ID = "00000000-0000-0000-0000-000000000000"

REPORT_NAMES: dict[str, str] = {
    "ProfitAndLoss": "Profit and Loss",
    "BalanceSheet": "Balance Sheet",
    "TrialBalance": "Trial Balance",
    "AgedReceivablesByContact": "Aged Receivables By Contact",
    "AgedPayablesByContact": "Aged Payables By Contact",
    "BankSummary": "Bank Summary",
    "BudgetSummary": "Budget Summary",
    "ExecutiveSummary": "Executive Summary",
}
"""The reports this module serves: URL segment (also ReportID and ReportType) -> ReportName."""

_UNTRACKED: frozenset[str] = frozenset()
_POSTED_INVOICE = frozenset({"AUTHORISED", "PAID"})
_TIMEFRAME_MONTHS = {"MONTH": 1, "QUARTER": 3, "YEAR": 12}
AGEING_BUCKETS: tuple[str, ...] = ("Current", "< 1 Month", "1 Month", "2 Months", "3 Months", "Older")
"""The ageing columns of the aged reports, by months overdue at the report date."""


class ReportParameterError(Exception):
    """A report query parameter Xero would refuse; the API answers 400 ValidationException with `message`."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- money and dates ---------------------------------------------------------------------------------------------


def _num(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or value is None:
        return ZERO
    if isinstance(value, int | str):
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return ZERO
    return ZERO


def amount_text(value: Decimal) -> str:
    """A report amount as Xero writes it: two decimals, no thousands separator, never ``-0.00``."""
    rounded = money(value)
    if rounded == 0:
        rounded = ZERO
    return f"{rounded:f}"


def _docs(value: Any) -> list[Doc]:
    """The objects of a JSON array field (anything else is ignored)."""
    if not isinstance(value, list):
        return []
    return [cast(Doc, item) for item in cast(list[Any], value) if isinstance(item, dict)]


def _sub(doc: Doc, key: str) -> Doc:
    """A nested object field, or an empty one."""
    value = doc.get(key)
    return cast(Doc, value) if isinstance(value, dict) else {}


def _day(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def shift_months(day: date, months: int) -> date:
    """`day` moved by whole months; a month-end stays a month-end (31 Mar - 1 month = 28/29 Feb, and back)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    if day == _month_end(day.year, day.month):
        return date(year, month, last)
    return date(year, month, min(day.day, last))


def _long_date(day: date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


def _short_date(day: date) -> str:
    return f"{day.day} {day.strftime('%b %Y')}"


def _short_year_date(day: date) -> str:
    return f"{day.day} {day.strftime('%b %y')}"


def _us_date(day: date) -> str:
    return f"{day.month}/{day.day}/{day.year}"


def financial_year_start(org: Doc, day: date) -> date:
    """The first day of the financial year that contains `day` (from FinancialYearEndDay/Month)."""
    end_month = int(org.get("FinancialYearEndMonth") or 12)
    end_day = int(org.get("FinancialYearEndDay") or 31)

    def year_end(year: int) -> date:
        return date(year, end_month, min(end_day, calendar.monthrange(year, end_month)[1]))

    this_year_end = year_end(day.year)
    if day > this_year_end:
        return this_year_end + timedelta(days=1)
    return year_end(day.year - 1) + timedelta(days=1)


# --- the ledger --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    """What reports need of an account."""

    account_id: str
    code: str
    name: str
    type: str
    account_class: str
    system: str = ""

    @property
    def label(self) -> str:
        """The trial balance's ``Name (Code)``."""
        return f"{self.name} ({self.code})" if self.code else self.name


@dataclass(frozen=True)
class Posting:
    """One ledger line: `amount` is a debit when positive, a credit when negative, in the base currency."""

    day: date
    account_id: str
    amount: Decimal
    tracking: frozenset[str] = frozenset()
    source: str = ""  # what posted it: "{Type}:{ID}", "PAYMENT:{ID}", "JOURNAL:{ID}", "ALLOCATION:{Type}:{ID}:{ID}"


@dataclass
class Ledger:
    """An organisation's accounts and postings, with the balance queries the reports are made of."""

    accounts: dict[str, Account]
    postings: list[Posting]
    system: dict[str, str] = field(default_factory=dict[str, str])

    def total(
        self,
        account_id: str | None = None,
        *,
        start: date | None = None,
        end: date | None = None,
        keep: Callable[[Posting], bool] | None = None,
    ) -> Decimal:
        """The net debit of postings (to one account, or all) dated within [start, end], optionally filtered."""
        result = ZERO
        for posting in self.postings:
            if account_id is not None and posting.account_id != account_id:
                continue
            if (start is not None and posting.day < start) or (end is not None and posting.day > end):
                continue
            if keep is not None and not keep(posting):
                continue
            result += posting.amount
        return result

    def balances(
        self, *, start: date | None = None, end: date | None = None, keep: Callable[[Posting], bool] | None = None
    ) -> dict[str, Decimal]:
        """Net debit per account of the postings dated within [start, end] (accounts without postings absent)."""
        result: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for posting in self.postings:
            if (start is not None and posting.day < start) or (end is not None and posting.day > end):
                continue
            if keep is not None and not keep(posting):
                continue
            result[posting.account_id] += posting.amount
        return dict(result)

    def profit(self, *, start: date | None, end: date, keep: Callable[[Posting], bool] | None = None) -> Decimal:
        """Net profit (revenue less expenses, credit positive) of the postings dated within [start, end]."""
        result = ZERO
        for account_id, amount in self.balances(start=start, end=end, keep=keep).items():
            if self.accounts[account_id].account_class in ("REVENUE", "EXPENSE"):
                result -= amount
        return result


_SYNTHETIC: dict[str, tuple[str, str, str]] = {
    # key: (name, type, system account)
    "DEBTORS": ("Accounts Receivable", "CURRENT", "DEBTORS"),
    "CREDITORS": ("Accounts Payable", "CURRLIAB", "CREDITORS"),
    "GST": ("Sales Tax", "CURRLIAB", "GST"),
    "ROUNDING": ("Rounding", "CURRLIAB", "ROUNDING"),
    "RETAINEDEARNINGS": ("Retained Earnings", "EQUITY", "RETAINEDEARNINGS"),
    "REALISEDCURRENCYGAIN": ("Realised Currency Gains", "OVERHEADS", "REALISEDCURRENCYGAIN"),
    "SUSPENSE": ("Suspense", "CURRLIAB", ""),
    "TRANSFERS": ("Bank Transfers in Transit", "CURRENT", ""),
}


class _Builder:
    """Turns one organisation's documents into postings (see the module docstring for what posts what)."""

    def __init__(self, state: SandboxState, tenant_id: str, *, cash_basis: bool) -> None:
        self.state = state
        self.tenant_id = tenant_id
        self.cash_basis = cash_basis
        org = state.organisation(tenant_id) or {}
        self.base_currency = str(org.get("BaseCurrency") or "")
        self.accounts: dict[str, Account] = {}
        self.by_code: dict[str, str] = {}
        self.system: dict[str, str] = {}
        for doc in state.all(tenant_id, "Accounts"):
            account_type = str(doc.get("Type") or "")
            account = Account(
                account_id=str(doc["AccountID"]).lower(),
                code=str(doc.get("Code") or ""),
                name=str(doc.get("Name") or ""),
                type=account_type,
                account_class=str(doc.get("Class") or ACCOUNT_CLASSES.get(account_type, "ASSET")),
                system=str(doc.get("SystemAccount") or ""),
            )
            self.accounts[account.account_id] = account
            if account.code:
                self.by_code[account.code.lower()] = account.account_id
            if account.system and account.system not in self.system:
                self.system[account.system] = account.account_id
        self.tracking_options: dict[tuple[str, str], str] = {}
        for category in state.all(tenant_id, "TrackingCategories"):
            for option in _docs(category.get("Options")):
                key = (str(category.get("Name") or "").lower(), str(option.get("Name") or "").lower())
                self.tracking_options[key] = str(option.get("TrackingOptionID") or "").lower()
        self.postings: list[Posting] = []

    # -- accounts --

    def special(self, key: str) -> str:
        """The account for a system role, made up (and only shown when non-zero) if the chart lacks one."""
        found = self.system.get(key)
        if found is not None:
            return found
        name, account_type, system = _SYNTHETIC[key]
        account_id = str(uuid.uuid5(_NAMESPACE, f"{self.tenant_id}/{key}"))
        if account_id not in self.accounts:
            self.accounts[account_id] = Account(
                account_id, "", name, account_type, ACCOUNT_CLASSES[account_type], system
            )
        if system:
            self.system[key] = account_id
        return account_id

    def account_of(self, ref: Doc) -> str:
        """Resolve an ``{"AccountID", "Code"}`` reference (or a line's AccountID/AccountCode) to an AccountID."""
        account_id = ref.get("AccountID")
        code = ref.get("Code", ref.get("AccountCode"))
        if isinstance(account_id, str) and account_id.lower() in self.accounts:
            return account_id.lower()
        if isinstance(code, str) and code.lower() in self.by_code:
            return self.by_code[code.lower()]
        return self.special("SUSPENSE")

    def tracking_of(self, line: Doc) -> frozenset[str]:
        """The TrackingOptionIDs of a line's Tracking (by ID, or by category and option name)."""
        found: set[str] = set()
        for entry in _docs(line.get("Tracking")):
            option_id = entry.get("TrackingOptionID")
            if isinstance(option_id, str) and option_id:
                found.add(option_id.lower())
                continue
            key = (str(entry.get("Name") or "").lower(), str(entry.get("Option") or "").lower())
            if key in self.tracking_options:
                found.add(self.tracking_options[key])
        return frozenset(found)

    # -- currency --

    def rate(self, doc: Doc) -> Decimal:
        """Units of the document's currency per unit of base currency (1 for base-currency documents)."""
        currency = doc.get("CurrencyCode")
        rate = _num(doc.get("CurrencyRate"))
        if not currency or currency == self.base_currency or rate <= 0:
            return Decimal(1)
        return rate

    # -- postings --

    def post(
        self, day: date, account_id: str, amount: Decimal, source: str, tracking: frozenset[str] = frozenset()
    ) -> None:
        """Add one posting (zero amounts are dropped)."""
        if amount != 0:
            self.postings.append(Posting(day, account_id, amount, tracking, source))

    def components(self, doc: Doc) -> list[tuple[str, Decimal, frozenset[str]]]:
        """A document's line side in base currency as (account, amount, tracking), signed as its lines are.

        Each line contributes its net amount (LineAmount less tax when Inclusive) to its account and its tax to
        the tax account; together they make the document's Total (a rounding difference, as currency conversion
        can leave, goes to the rounding account). Callers give the amounts the debit or credit sign.
        """
        rate = self.rate(doc)
        inclusive = str(doc.get("LineAmountTypes") or "").upper() == "INCLUSIVE"
        no_tax = str(doc.get("LineAmountTypes") or "").upper() == "NOTAX"
        result: list[tuple[str, Decimal, frozenset[str]]] = []
        tax_total = ZERO
        for line in _docs(doc.get("LineItems")):
            line_amount = _num(line.get("LineAmount"))
            tax = ZERO if no_tax else _num(line.get("TaxAmount"))
            if tax and line_amount < 0 < tax:
                tax = -tax
            net = line_amount - tax if inclusive else line_amount
            result.append((self.account_of(line), money(net / rate), self.tracking_of(line)))
            tax_total += tax
        if tax_total:
            result.append((self.special("GST"), money(tax_total / rate), _UNTRACKED))
        if "Total" in doc:
            total = money(_num(doc.get("Total")) / rate)
            difference = total - sum((amount for _, amount, _ in result), ZERO)
            if difference:
                result.append((self.special("ROUNDING"), difference, _UNTRACKED))
        return result

    def post_split(
        self,
        day: date,
        parts: Sequence[tuple[str, Decimal, frozenset[str]]],
        amount: Decimal,
        source: str,
    ) -> None:
        """Post `amount` spread over `parts` in proportion (cash basis); the last part takes the rounding."""
        whole = sum((value for _, value, _ in parts), ZERO)
        if not parts or whole == 0 or amount == 0:
            return
        remaining = amount
        for index, (account, value, tracking) in enumerate(parts):
            share = remaining if index == len(parts) - 1 else money(value * amount / whole)
            remaining -= share
            self.post(day, account, share, source, tracking)

    def documents(self) -> None:
        """Post every posting document of the organisation."""
        tenant = self.tenant_id
        invoices = {str(d["InvoiceID"]).lower(): d for d in self.state.all(tenant, "Invoices")}
        credit_notes = {str(d["CreditNoteID"]).lower(): d for d in self.state.all(tenant, "CreditNotes")}
        for doc in invoices.values():
            if doc.get("Status") in _POSTED_INVOICE and not self.cash_basis:
                self.invoice(doc, invoice_sign(doc))
        for doc in credit_notes.values():
            if doc.get("Status") in _POSTED_INVOICE:
                if not self.cash_basis:
                    self.invoice(doc, invoice_sign(doc))
                else:
                    self.cash_allocations(doc, invoices)
        credits = {str(d["PrepaymentID"]).lower(): d for d in self.state.all(tenant, "Prepayments")}
        credits |= {str(d["OverpaymentID"]).lower(): d for d in self.state.all(tenant, "Overpayments")}
        for doc in self.state.all(tenant, "Payments"):
            if doc.get("Status", "AUTHORISED") == "AUTHORISED":
                self.payment(doc, invoices, credit_notes, credits)
        if self.cash_basis:
            for doc in self.state.all(tenant, "Overpayments"):
                if doc.get("Status") in _POSTED_INVOICE:
                    self.cash_overpayment_allocations(doc, invoices)
        for doc in self.state.all(tenant, "BankTransactions"):
            if doc.get("Status") == "AUTHORISED":
                self.bank_transaction(doc)
        for doc in self.state.all(tenant, "ManualJournals"):
            if doc.get("Status") == "POSTED" and not (self.cash_basis and doc.get("ShowOnCashBasisReports") is False):
                self.manual_journal(doc)

    def control(self, doc: Doc) -> str:
        """The AR or AP control account of an invoice, credit note, prepayment or overpayment."""
        receivable = str(doc.get("Type", "")).startswith(("ACCREC", "RECEIVE"))
        return self.special("DEBTORS" if receivable else "CREDITORS")

    def invoice(self, doc: Doc, sign: int) -> None:
        """Accrual postings of an invoice, bill or credit note: control against lines and tax."""
        day = _day(doc.get("Date"))
        if day is None:
            return
        source = f"{doc.get('Type')}:{doc.get('InvoiceID') or doc.get('CreditNoteID')}"
        parts = self.components(doc)
        for account, amount, tracking in parts:
            self.post(day, account, -sign * amount, source, tracking)
        self.post(day, self.control(doc), sign * sum((amount for _, amount, _ in parts), ZERO), source)

    def payment(
        self, doc: Doc, invoices: Mapping[str, Doc], credit_notes: Mapping[str, Doc], credits: Mapping[str, Doc]
    ) -> None:
        """A payment (or a prepayment's or overpayment's refund): the paying account against AR/AP (accrual) or
        the document's lines (cash basis)."""
        day = _day(doc.get("Date"))
        target = (
            _linked(doc, "Invoice", "InvoiceID", invoices)
            or _linked(doc, "CreditNote", "CreditNoteID", credit_notes)
            or _linked(doc, "Prepayment", "PrepaymentID", credits)
            or _linked(doc, "Overpayment", "OverpaymentID", credits)
        )
        if day is None or target is None:
            return
        sign = invoice_sign(target)
        amount = _num(doc.get("Amount"))
        source = f"PAYMENT:{doc.get('PaymentID')}"
        # The payment's own rate values the money that moved; the document's rate values what it settled.
        bank_amount = money(amount / self.rate({**doc, "CurrencyCode": target.get("CurrencyCode")}))
        self.post(day, self.account_of(_sub(doc, "Account")), sign * bank_amount, source)
        if self.cash_basis:
            self.post_split(day, self.components(target), -sign * bank_amount, source)
            return
        document_amount = money(amount / self.rate(target))
        self.post(day, self.control(target), -sign * document_amount, source)
        if document_amount != bank_amount:
            self.post(day, self.special("REALISEDCURRENCYGAIN"), sign * (document_amount - bank_amount), source)

    def cash_allocations(self, credit_note: Doc, invoices: Mapping[str, Doc]) -> None:
        """Cash basis: an allocation recognises its share of both the invoice and the credit note."""
        for allocation in active_allocations(credit_note):
            invoice = _linked(allocation, "Invoice", "InvoiceID", invoices)
            day = _day(allocation.get("Date"))
            if invoice is None or day is None:
                continue
            amount = money(_num(allocation.get("Amount")) / self.rate(credit_note))
            parent = f"{credit_note.get('Type')}:{credit_note.get('CreditNoteID')}"
            source = f"ALLOCATION:{parent}:{allocation.get('AllocationID')}"
            self.post_split(day, self.components(invoice), -invoice_sign(invoice) * amount, source)
            self.post_split(day, self.components(credit_note), -invoice_sign(credit_note) * amount, source)

    def cash_overpayment_allocations(self, overpayment: Doc, invoices: Mapping[str, Doc]) -> None:
        """Cash basis: an overpayment (held in AR/AP) allocated to an invoice recognises the invoice's share then."""
        for allocation in active_allocations(overpayment):
            invoice = _linked(allocation, "Invoice", "InvoiceID", invoices)
            day = _day(allocation.get("Date"))
            if invoice is None or day is None:
                continue
            amount = money(_num(allocation.get("Amount")) / self.rate(overpayment))
            parent = f"{overpayment.get('Type')}:{overpayment.get('OverpaymentID')}"
            source = f"ALLOCATION:{parent}:{allocation.get('AllocationID')}"
            sign = invoice_sign(invoice)
            self.post(day, self.control(invoice), sign * amount, source)
            self.post_split(day, self.components(invoice), -sign * amount, source)

    def bank_transaction(self, doc: Doc) -> None:
        """A spend or receive money transaction, or one side of a transfer."""
        day = _day(doc.get("Date"))
        if day is None:
            return
        kind = str(doc.get("Type") or "")
        sign = 1 if kind.startswith("RECEIVE") else -1
        source = f"{kind}:{doc.get('BankTransactionID')}"
        bank = self.account_of(_sub(doc, "BankAccount"))
        if kind.endswith("-TRANSFER"):
            # Each side is posted on its own against a clearing account; the two sides cancel there.
            total = money(_num(doc.get("Total")) / self.rate(doc))
            self.post(day, bank, sign * total, source)
            self.post(day, self.special("TRANSFERS"), -sign * total, source)
            return
        parts = self.components(doc)
        # On accrual the money waits in AR/AP until allocated; on cash basis a prepayment is income or expense when
        # the money moves (an overpayment's lines are coded to AR/AP anyway).
        if kind.endswith("-OVERPAYMENT") or (kind.endswith("-PREPAYMENT") and not self.cash_basis):
            control = self.special("DEBTORS" if sign > 0 else "CREDITORS")
            parts = [(control, sum((amount for _, amount, _ in parts), ZERO), _UNTRACKED)]
        for account, amount, tracking in parts:
            self.post(day, account, -sign * amount, source, tracking)
        self.post(day, bank, sign * sum((amount for _, amount, _ in parts), ZERO), source)

    def manual_journal(self, doc: Doc) -> None:
        """A posted manual journal: each line's signed amount (debit positive), tax to the tax account."""
        day = _day(doc.get("Date"))
        if day is None:
            return
        source = f"JOURNAL:{doc.get('ManualJournalID')}"
        mode = str(doc.get("LineAmountTypes") or "NoTax").upper()
        net_total = ZERO
        for line in _docs(doc.get("JournalLines")):
            amount = _num(line.get("LineAmount"))
            tax = ZERO if mode == "NOTAX" else abs(_num(line.get("TaxAmount")))
            if amount < 0:
                tax = -tax
            net = amount - tax if mode == "INCLUSIVE" else amount
            self.post(day, self.account_of(line), net, source, self.tracking_of(line))
            self.post(day, self.special("GST"), tax, source)
            net_total += net + tax
        self.post(day, self.special("ROUNDING"), -net_total, source)


def invoice_sign(doc: Doc) -> int:
    """+1 when the document debits its control account (sales invoices, supplier credit notes, money paid ahead to
    a supplier), else -1."""
    return 1 if doc.get("Type") in ("ACCREC", "ACCPAYCREDIT", "SPEND-PREPAYMENT", "SPEND-OVERPAYMENT") else -1


def _linked(doc: Doc, key: str, id_key: str, pool: Mapping[str, Doc]) -> Doc | None:
    ref_id = _sub(doc, key).get(id_key)
    return pool.get(ref_id.lower()) if isinstance(ref_id, str) else None


def active_allocations(credit_note: Doc) -> list[Doc]:
    """A credit note's allocations that have not been deleted."""
    return [a for a in _docs(credit_note.get("Allocations")) if not a.get("IsDeleted")]


def build_ledger(state: SandboxState, tenant_id: str, *, cash_basis: bool = False) -> Ledger:
    """The organisation's general ledger derived from its documents (accrual, or cash basis)."""
    builder = _Builder(state, tenant_id, cash_basis=cash_basis)
    builder.documents()
    return Ledger(builder.accounts, builder.postings, builder.system)


# --- report bodies -----------------------------------------------------------------------------------------------

Cell = dict[str, Any]
Row = dict[str, Any]


def _cell(value: str, account_id: str | None = None, extra: Iterable[tuple[str, str]] = ()) -> Cell:
    cell: Cell = {"Value": value}
    attributes = [{"Value": account_id, "Id": "account"}] if account_id is not None else []
    attributes += [{"Value": v, "Id": k} for k, v in extra]
    if attributes:
        cell["Attributes"] = attributes
    return cell


def _header(*values: str) -> Row:
    return {"RowType": "Header", "Cells": [{"Value": v} for v in values]}


def _section(title: str, rows: list[Row]) -> Row:
    return {"RowType": "Section", "Title": title, "Rows": rows}


def _summary(label: str, values: Iterable[Decimal | str]) -> Row:
    cells = [{"Value": label}] + [{"Value": v if isinstance(v, str) else amount_text(v)} for v in values]
    return {"RowType": "SummaryRow", "Cells": cells}


def _plain_row(label: str, values: Iterable[Decimal]) -> Row:
    return {"RowType": "Row", "Cells": [{"Value": label}] + [{"Value": amount_text(v)} for v in values]}


def _by_name(account: Account) -> tuple[str, str]:
    """Xero lists accounts within a section alphabetically by name."""
    return account.name.lower(), account.code


def _account_row(account: Account, values: Iterable[Decimal]) -> Row:
    cells = [_cell(account.name, account.account_id)]
    cells += [_cell(amount_text(v), account.account_id) for v in values]
    return {"RowType": "Row", "Cells": cells}


def _shown_accounts(
    ledger: Ledger, belongs: Callable[[Account], bool], balances: Sequence[Mapping[str, Decimal]]
) -> list[Account]:
    """The accounts `belongs` picks that have a balance in any column, in Xero's order."""
    return sorted(
        (a for a in ledger.accounts.values() if belongs(a) and any(b.get(a.account_id) for b in balances)), key=_by_name
    )


def _account_lines(
    ledger: Ledger, types: frozenset[str], balances: Sequence[Mapping[str, Decimal]], sign: int
) -> tuple[list[Row], list[Decimal]]:
    """The rows of the accounts of `types` shown, their amounts times `sign`, and the column totals."""
    accounts = _shown_accounts(ledger, lambda a: a.type in types, balances)
    totals = [sign * sum((b.get(a.account_id, ZERO) for a in accounts), ZERO) for b in balances]
    return [_account_row(a, (sign * b.get(a.account_id, ZERO) for b in balances)) for a in accounts], totals


@dataclass(frozen=True)
class ReportContext:
    """What every report needs besides its parameters: the store, the organisation and the moment."""

    state: SandboxState
    tenant_id: str
    now: datetime

    @property
    def today(self) -> date:
        """The organisation's current date (the sandbox keeps organisations on UTC)."""
        return self.now.astimezone(UTC).date()

    @property
    def org(self) -> Doc:
        """The organisation's Organisation document."""
        return self.state.organisation(self.tenant_id) or {}

    def envelope(self, report_type: str, titles: list[str], rows: list[Row]) -> Doc:
        """One ``ReportWithRow`` object."""
        return {
            "ReportID": report_type,
            "ReportName": REPORT_NAMES[report_type],
            "ReportTitle": titles[0],
            "ReportType": report_type,
            "ReportTitles": titles,
            "ReportDate": _long_date(self.today),
            "UpdatedDateUTC": iso_instant(self.now),
            "Fields": [],
            "Rows": rows,
        }


# --- query parameters --------------------------------------------------------------------------------------------


class _Params:
    """Case-insensitive access to a report's query parameters with Xero's validation messages."""

    def __init__(self, query: Mapping[str, str]) -> None:
        self.values = {key.lower(): value for key, value in query.items()}

    def raw(self, name: str) -> str | None:
        value = self.values.get(name.lower())
        return None if value is None or value.strip() == "" else value.strip()

    def date(self, name: str) -> date | None:
        value = self.raw(name)
        if value is None:
            return None
        try:
            if len(value) == 10:
                parsed = date.fromisoformat(value)
            else:
                parsed = datetime.fromisoformat(value.replace("Z", "+00:00")).date()
        except ValueError:
            raise ReportParameterError(f"Report Parameter {name} could not be parsed as a DateTime") from None
        if not EARLIEST_DATE <= parsed <= LATEST_DATE:
            # Outside the dates Xero stores; periods counted from such a date would also leave Python's years.
            raise ReportParameterError(
                f"Report Parameter {name} must be a date from {EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}"
            )
        return parsed

    def boolean(self, name: str) -> bool:
        value = self.raw(name)
        if value is None:
            return False
        if value.lower() not in ("true", "false"):
            raise ReportParameterError(f"Report Parameter {name} could not be parsed as a Boolean")
        return value.lower() == "true"

    def guid(self, name: str) -> str | None:
        value = self.raw(name)
        if value is None:
            return None
        if not is_guid(value):
            raise ReportParameterError(f"Report Parameter {name} could not be parsed as a Guid")
        return value.lower()

    def comparison_and_basis(self) -> tuple[tuple[int, int] | None, bool]:
        """The P&L's and balance sheet's comparison periods and cash basis (standardLayout is checked, not used)."""
        comparison = self.periods()
        cash = self.boolean("paymentsOnly")
        self.boolean("standardLayout")
        return comparison, cash

    def periods(self) -> tuple[int, int] | None:
        """(periods, months per period) when comparison columns were asked for, else None."""
        periods_text = self.raw("periods")
        timeframe = self.raw("timeframe")
        if timeframe is not None and timeframe.upper() not in _TIMEFRAME_MONTHS:
            raise ReportParameterError("Report Parameter timeframe must be one of MONTH, QUARTER or YEAR")
        if periods_text is None:
            return None
        try:
            periods = int(periods_text)
        except ValueError:
            raise ReportParameterError("Report Parameter periods could not be parsed as an Integer") from None
        if not 1 <= periods <= 12:
            raise ReportParameterError("Report Parameter periods must be between 1 and 12")
        return periods, _TIMEFRAME_MONTHS[(timeframe or "MONTH").upper()]


def _check_range(start: date, end: date) -> None:
    if start > end:
        raise ReportParameterError("Report Parameter fromDate must be on or before toDate")
    if end >= _add_year(start):
        raise ReportParameterError("The report period cannot be longer than one year")


def _add_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return date(day.year + 1, 3, 1)


# --- Profit and Loss ---------------------------------------------------------------------------------------------

_PL_SECTIONS: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("Income", "Total Income", frozenset({"REVENUE", "SALES"})),
    ("Less Cost of Sales", "Total Cost of Sales", frozenset({"DIRECTCOSTS"})),
    ("Plus Other Income", "Total Other Income", frozenset({"OTHERINCOME"})),
    ("Less Operating Expenses", "Total Operating Expenses", frozenset({"EXPENSE", "OVERHEADS", "DEPRECIATN"})),
)


@dataclass(frozen=True)
class _Column:
    label: str
    start: date | None
    end: date
    keep: Callable[[Posting], bool] | None = None


def _tracking_filters(ctx: ReportContext, params: _Params) -> tuple[list[Callable[[Posting], bool]], Doc | None]:
    """Filters for the tracking options asked for, and the category to split columns by (P&L only)."""
    categories = {str(c["TrackingCategoryID"]).lower(): c for c in ctx.state.all(ctx.tenant_id, "TrackingCategories")}
    filters: list[Callable[[Posting], bool]] = []
    split: Doc | None = None
    for suffix in ("", "2"):
        category_id = params.guid(f"trackingCategoryID{suffix}")
        option_id = params.guid(f"trackingOptionID{suffix}")
        if option_id is not None and category_id is None:
            raise ReportParameterError(
                f"TrackingCategoryID{suffix or '1'} must be provided if a TrackingOptionID{suffix or '1'} is provided."
            )
        if category_id is None:
            continue
        category = categories.get(category_id)
        if category is None:
            raise ReportParameterError(f"Tracking category {category_id} was not found")
        if option_id is None:
            if split is None:
                split = category
            continue
        options = {str(o.get("TrackingOptionID") or "").lower() for o in _docs(category.get("Options"))}
        if option_id not in options:
            raise ReportParameterError(f"Tracking option {option_id} was not found in category {category_id}")
        filters.append(_has_option(option_id))
    return filters, split


def _has_option(option_id: str) -> Callable[[Posting], bool]:
    return lambda posting: option_id in posting.tracking


def _lacks_options(option_ids: frozenset[str]) -> Callable[[Posting], bool]:
    return lambda posting: not (posting.tracking & option_ids)


def _all_of(filters: Sequence[Callable[[Posting], bool]]) -> Callable[[Posting], bool] | None:
    if not filters:
        return None
    return lambda posting: all(f(posting) for f in filters)


def _pl_range(ctx: ReportContext, params: _Params, comparison: tuple[int, int] | None) -> tuple[date, date]:
    start = params.date("fromDate")
    end = params.date("toDate")
    today = ctx.today
    if end is None:
        end = today if start is not None else _month_end(today.year, today.month)
    if start is None:
        months = comparison[1] if comparison is not None else 1
        if months == 12:
            start = financial_year_start(ctx.org, end)
        elif months == 3:
            year_start = financial_year_start(ctx.org, end)
            elapsed = (end.year - year_start.year) * 12 + end.month - year_start.month
            start = shift_months(year_start, elapsed - elapsed % 3)
        else:
            start = end.replace(day=1)
    _check_range(start, end)
    return start, end


def profit_and_loss(ctx: ReportContext, query: Mapping[str, str]) -> Doc:
    """``GET /Reports/ProfitAndLoss``: income and expenses by account for a period (and comparison periods)."""
    params = _Params(query)
    comparison, cash = params.comparison_and_basis()
    filters, split = _tracking_filters(ctx, params)
    start, end = _pl_range(ctx, params, comparison)
    ledger = build_ledger(ctx.state, ctx.tenant_id, cash_basis=cash)
    base_keep = _all_of(filters)
    columns: list[_Column] = []
    if split is not None:
        options = _docs(split.get("Options"))
        option_ids = frozenset(str(o.get("TrackingOptionID") or "").lower() for o in options)
        for option in options:
            option_id = str(option.get("TrackingOptionID") or "").lower()
            keep = _all_of([*filters, _has_option(option_id)])
            columns.append(_Column(str(option.get("Name") or ""), start, end, keep))
        columns.append(_Column("Unassigned", start, end, _all_of([*filters, _lacks_options(option_ids)])))
        columns.append(_Column("Total", start, end, base_keep))
    else:
        count, months = comparison if comparison is not None else (0, 1)
        for k in range(count + 1):
            shifted_end = shift_months(end, -k * months)
            columns.append(
                _Column(_short_year_date(shifted_end), shift_months(start, -k * months), shifted_end, base_keep)
            )
    balances = [ledger.balances(start=c.start, end=c.end, keep=c.keep) for c in columns]
    rows: list[Row] = [_header("", *(c.label for c in columns))]
    section_totals: dict[str, list[Decimal]] = {}
    for title, total_label, types in _PL_SECTIONS:
        # Revenue is shown credit-positive, expenses debit-positive.
        sign = -1 if title in ("Income", "Plus Other Income") else 1
        body, totals = _account_lines(ledger, types, balances, sign)
        section_totals[title] = totals
        if body:
            rows.append(_section(title, [*body, _summary(total_label, totals)]))
        if title == "Less Cost of Sales":
            gross = [i - c for i, c in zip(section_totals["Income"], totals, strict=True)]
            rows.append(_section("", [_plain_row("Gross Profit", gross)]))
    net = [
        section_totals["Income"][i]
        - section_totals["Less Cost of Sales"][i]
        + section_totals["Plus Other Income"][i]
        - section_totals["Less Operating Expenses"][i]
        for i in range(len(columns))
    ]
    rows.append(_section("", [_plain_row("Net Profit", net)]))
    titles = ["Profit & Loss", str(ctx.org.get("Name") or ""), f"{_long_date(start)} to {_long_date(end)}"]
    return ctx.envelope("ProfitAndLoss", titles, rows)


# --- Balance Sheet -----------------------------------------------------------------------------------------------

_BS_ASSETS: tuple[tuple[str, frozenset[str]], ...] = (
    ("Bank", frozenset({"BANK"})),
    ("Current Assets", frozenset({"CURRENT", "PREPAYMENT", "INVENTORY"})),
    ("Fixed Assets", frozenset({"FIXED"})),
    ("Non-current Assets", frozenset({"NONCURRENT"})),
)
_BS_LIABILITIES: tuple[tuple[str, frozenset[str]], ...] = (
    ("Current Liabilities", frozenset({"CURRLIAB", "LIABILITY", "PAYG"})),
    ("Non-Current Liabilities", frozenset({"TERMLIAB"})),
)


def _bs_group(
    ledger: Ledger, groups: Sequence[tuple[str, frozenset[str]]], balances: Sequence[Mapping[str, Decimal]], sign: int
) -> tuple[list[Row], list[Decimal]]:
    rows: list[Row] = []
    grand = [ZERO for _ in balances]
    for title, types in groups:
        body, totals = _account_lines(ledger, types, balances, sign)
        if not body:
            continue
        grand = [g + t for g, t in zip(grand, totals, strict=True)]
        rows.append(_section(title, [*body, _summary(f"Total {title}", totals)]))
    return rows, grand


def balance_sheet(ctx: ReportContext, query: Mapping[str, str]) -> Doc:
    """``GET /Reports/BalanceSheet``: assets, liabilities and equity as at a date (and comparison dates)."""
    params = _Params(query)
    comparison, cash = params.comparison_and_basis()
    filters: list[Callable[[Posting], bool]] = [
        _has_option(o) for o in (params.guid("trackingOptionID1"), params.guid("trackingOptionID2")) if o
    ]
    as_at = params.date("date") or _month_end(ctx.today.year, ctx.today.month)
    count, months = comparison if comparison is not None else (0, 1)
    dates = [shift_months(as_at, -k * months) for k in range(count + 1)]
    ledger = build_ledger(ctx.state, ctx.tenant_id, cash_basis=cash)
    keep = _all_of(filters)
    org = ctx.org
    year_starts = [financial_year_start(org, d) for d in dates]
    balances: list[dict[str, Decimal]] = []
    earnings: list[Decimal] = []
    for day, year_start in zip(dates, year_starts, strict=True):
        column = ledger.balances(end=day, keep=keep)
        # Profit of earlier financial years is shown in Retained Earnings; this year's is Current Year Earnings.
        prior = ledger.profit(start=None, end=year_start - timedelta(days=1), keep=keep)
        retained = ledger.system.get("RETAINEDEARNINGS") or _retained_id(ledger, ctx.tenant_id)
        column[retained] = column.get(retained, ZERO) - prior
        for account_id in list(column):
            if ledger.accounts[account_id].account_class in ("REVENUE", "EXPENSE"):
                del column[account_id]
        balances.append(column)
        earnings.append(ledger.profit(start=year_start, end=day, keep=keep))
    rows: list[Row] = [_header("", *(_short_date(d) for d in dates)), _section("Assets", [])]
    asset_rows, assets = _bs_group(ledger, _BS_ASSETS, balances, 1)
    rows += asset_rows
    rows.append(_section("", [_plain_row("Total Assets", assets)]))
    rows.append(_section("Liabilities", []))
    liability_rows, liabilities = _bs_group(ledger, _BS_LIABILITIES, balances, -1)
    rows += liability_rows
    rows.append(_section("", [_plain_row("Total Liabilities", liabilities)]))
    rows.append(_section("", [_plain_row("Net Assets", [a - li for a, li in zip(assets, liabilities, strict=True)])]))
    equity_accounts = _shown_accounts(ledger, lambda a: a.account_class == "EQUITY", balances)
    earnings_row: Row = {
        "RowType": "Row",
        "Cells": [_cell("Current Year Earnings", CURRENT_YEAR_EARNINGS_ID)]
        + [
            _cell(amount_text(e), CURRENT_YEAR_EARNINGS_ID, (("fromDate", _us_date(s)), ("toDate", _us_date(d))))
            for e, s, d in zip(earnings, year_starts, dates, strict=True)
        ],
    }
    equity_rows: list[Row] = []
    for account in equity_accounts:
        values = [-b.get(account.account_id, ZERO) for b in balances]
        if account.system == "RETAINEDEARNINGS":
            cells = [_cell(account.name, account.account_id)] + [
                _cell(amount_text(v), account.account_id, (("fromDate", ""), ("toDate", _us_date(d))))
                for v, d in zip(values, dates, strict=True)
            ]
            equity_rows.append({"RowType": "Row", "Cells": cells})
        else:
            equity_rows.append(_account_row(account, values))
    equity = [
        e - sum((b.get(a.account_id, ZERO) for a in equity_accounts), ZERO)
        for e, b in zip(earnings, balances, strict=True)
    ]
    equity_rows.append(earnings_row)
    equity_rows.sort(key=lambda row: str(row["Cells"][0]["Value"]).lower())
    rows.append(_section("Equity", [*equity_rows, _summary("Total Equity", equity)]))
    titles = ["Balance Sheet", str(org.get("Name") or ""), f"As at {_long_date(as_at)}"]
    return ctx.envelope("BalanceSheet", titles, rows)


def _retained_id(ledger: Ledger, tenant_id: str) -> str:
    account_id = str(uuid.uuid5(_NAMESPACE, f"{tenant_id}/RETAINEDEARNINGS"))
    if account_id not in ledger.accounts:
        ledger.accounts[account_id] = Account(
            account_id, "", "Retained Earnings", "EQUITY", "EQUITY", "RETAINEDEARNINGS"
        )
        ledger.system["RETAINEDEARNINGS"] = account_id
    return account_id


# --- Trial Balance -----------------------------------------------------------------------------------------------

_TB_SECTIONS: tuple[tuple[str, str], ...] = (
    ("Revenue", "REVENUE"),
    ("Expenses", "EXPENSE"),
    ("Assets", "ASSET"),
    ("Liabilities", "LIABILITY"),
    ("Equity", "EQUITY"),
)


def _debit_credit(value: Decimal, natural_debit: bool) -> tuple[str, str]:
    if value > 0 or (value == 0 and natural_debit):
        return amount_text(value), ""
    return "", amount_text(-value)


def trial_balance(ctx: ReportContext, query: Mapping[str, str]) -> Doc:
    """``GET /Reports/TrialBalance``: each account's movement this month and its year-to-date balance."""
    params = _Params(query)
    cash = params.boolean("paymentsOnly")
    as_at = params.date("date") or ctx.today
    ledger = build_ledger(ctx.state, ctx.tenant_id, cash_basis=cash)
    year_start = financial_year_start(ctx.org, as_at)
    month = ledger.balances(start=as_at.replace(day=1), end=as_at)
    ytd = ledger.balances(end=as_at)
    for account_id in list(ytd):
        if ledger.accounts[account_id].account_class in ("REVENUE", "EXPENSE"):
            ytd[account_id] = ledger.total(account_id, start=year_start, end=as_at)
    prior = ledger.profit(start=None, end=year_start - timedelta(days=1))
    if prior:
        retained = ledger.system.get("RETAINEDEARNINGS") or _retained_id(ledger, ctx.tenant_id)
        ytd[retained] = ytd.get(retained, ZERO) - prior
    rows: list[Row] = [_header("Account", "Debit", "Credit", "YTD Debit", "YTD Credit")]
    totals = [ZERO, ZERO, ZERO, ZERO]
    for title, account_class in _TB_SECTIONS:
        natural_debit = account_class in ("EXPENSE", "ASSET")
        accounts = _shown_accounts(ledger, lambda a, wanted=account_class: a.account_class == wanted, (month, ytd))
        body: list[Row] = []
        for account in accounts:
            debit, credit = _debit_credit(month.get(account.account_id, ZERO), natural_debit)
            ytd_debit, ytd_credit = _debit_credit(ytd.get(account.account_id, ZERO), natural_debit)
            for index, text in enumerate((debit, credit, ytd_debit, ytd_credit)):
                if text:
                    totals[index] += Decimal(text)
            cells = [_cell(account.label, account.account_id)]
            cells += [_cell(text, account.account_id) for text in (debit, credit, ytd_debit, ytd_credit)]
            body.append({"RowType": "Row", "Cells": cells})
        if body:
            rows.append(_section(title, body))
    rows.append(_section("", [_summary("Total", totals)]))
    titles = ["Trial Balance", str(ctx.org.get("Name") or ""), f"As at {_long_date(as_at)}"]
    return ctx.envelope("TrialBalance", titles, rows)


# --- Bank Summary ------------------------------------------------------------------------------------------------


def bank_summary(ctx: ReportContext, query: Mapping[str, str]) -> Doc:
    """``GET /Reports/BankSummary``: per bank account, opening balance, cash received, cash spent, closing."""
    params = _Params(query)
    start = params.date("fromDate")
    end = params.date("toDate")
    today = ctx.today
    if start is None:
        start = (end or today).replace(day=1)
    if end is None:
        end = _month_end(start.year, start.month) if params.raw("fromDate") is None else today
    if start > end:
        raise ReportParameterError("Report Parameter fromDate must be on or before toDate")
    ledger = build_ledger(ctx.state, ctx.tenant_id)
    banks = sorted((a for a in ledger.accounts.values() if a.type == "BANK"), key=_by_name)
    rows: list[Row] = [_header("Bank Accounts", "Opening Balance", "Cash Received", "Cash Spent", "Closing Balance")]
    body: list[Row] = []
    totals = [ZERO, ZERO, ZERO, ZERO]
    for bank in banks:
        opening = ledger.total(bank.account_id, end=start - timedelta(days=1))
        received = ledger.total(bank.account_id, start=start, end=end, keep=lambda p: p.amount > 0)
        spent = -ledger.total(bank.account_id, start=start, end=end, keep=lambda p: p.amount < 0)
        closing = opening + received - spent
        values = (opening, received, spent, closing)
        totals = [t + v for t, v in zip(totals, values, strict=True)]
        cells: list[Cell] = [
            {"Value": bank.name, "Attributes": [{"Value": bank.account_id, "Id": "accountID"}]},
            {"Value": amount_text(opening)},
            _cell(amount_text(received), bank.account_id),
            _cell(amount_text(spent), bank.account_id),
            {"Value": amount_text(closing)},
        ]
        body.append({"RowType": "Row", "Cells": cells})
    rows.append(_section("", [*body, _summary("Total", totals)]))
    titles = ["Bank Summary", str(ctx.org.get("Name") or ""), f"From {_long_date(start)} to {_long_date(end)}"]
    return ctx.envelope("BankSummary", titles, rows)


# --- Aged Receivables / Payables ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgedItem:
    """One outstanding document of an aged report, as at the report date (document currency)."""

    document_id: str
    day: date
    number: str
    due_date: date | None
    total: Decimal
    paid: Decimal
    credited: Decimal

    @property
    def due(self) -> Decimal:
        """What is still owed on the document at the report date."""
        return self.total - self.paid - self.credited


def ageing_bucket(due_date: date | None, as_at: date) -> str:
    """The ageing column of an amount due on `due_date`, seen from `as_at` (whole calendar months overdue)."""
    if due_date is None or due_date >= as_at:
        return "Current"
    months = (as_at.year - due_date.year) * 12 + as_at.month - due_date.month
    if shift_months(due_date, months) > as_at:
        months -= 1
    if months <= 0:
        return "< 1 Month"
    if months >= 4:
        return "Older"
    return AGEING_BUCKETS[months + 1]


def aged_items(state: SandboxState, tenant_id: str, contact_id: str, *, payables: bool, as_at: date) -> list[AgedItem]:
    """A contact's AUTHORISED/PAID invoices (or bills) and credit notes dated on or before `as_at`, each with the
    payments and allocations dated on or before `as_at` (credit notes as negative amounts), oldest first."""
    invoice_type = "ACCPAY" if payables else "ACCREC"
    credit_type = f"{invoice_type}CREDIT"
    where = "contact_id = ? AND type = ? AND status IN ('AUTHORISED', 'PAID')"
    invoices = state.select(tenant_id, "Invoices", where=where, params=(contact_id, invoice_type))
    credit_notes = state.select(tenant_id, "CreditNotes", where=where, params=(contact_id, credit_type))
    # Money received from a customer (paid to a supplier) ahead of an invoice is credit on their account.
    credit_where = "contact_id = ? AND type = ? AND status IN ('AUTHORISED', 'PAID')"
    side = "SPEND" if payables else "RECEIVE"
    ahead = [
        (doc, id_key)
        for plural, id_key, suffix in (
            ("Prepayments", "PrepaymentID", "PREPAYMENT"),
            ("Overpayments", "OverpaymentID", "OVERPAYMENT"),
        )
        for doc in state.select(tenant_id, plural, where=credit_where, params=(contact_id, f"{side}-{suffix}"))
    ]
    ids = {str(d["InvoiceID"]).lower() for d in invoices} | {str(d["CreditNoteID"]).lower() for d in credit_notes}
    ids |= {str(doc[id_key]).lower() for doc, id_key in ahead}
    paid: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for payment in state.all(tenant_id, "Payments"):
        day = _day(payment.get("Date"))
        if payment.get("Status", "AUTHORISED") != "AUTHORISED" or day is None or day > as_at:
            continue
        for key, id_key in (
            ("Invoice", "InvoiceID"),
            ("CreditNote", "CreditNoteID"),
            ("Prepayment", "PrepaymentID"),
            ("Overpayment", "OverpaymentID"),
        ):
            target = str(_sub(payment, key).get(id_key) or "").lower()
            if target in ids:
                paid[target] += _num(payment.get("Amount"))
    credited: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for note in state.select(
        tenant_id, "CreditNotes", where="type = ? AND status IN ('AUTHORISED', 'PAID')", params=(credit_type,)
    ):
        for allocation in active_allocations(note):
            day = _day(allocation.get("Date"))
            invoice_id = str(_sub(allocation, "Invoice").get("InvoiceID") or "").lower()
            if day is None or day > as_at or not invoice_id:
                continue
            amount = _num(allocation.get("Amount"))
            credited[invoice_id] += amount
            credited[str(note["CreditNoteID"]).lower()] += amount
    for plural, id_key, suffix in (
        ("Prepayments", "PrepaymentID", "PREPAYMENT"),
        ("Overpayments", "OverpaymentID", "OVERPAYMENT"),
    ):
        for record in state.select(
            tenant_id, plural, where="type = ? AND status IN ('AUTHORISED', 'PAID')", params=(f"{side}-{suffix}",)
        ):
            for allocation in active_allocations(record):
                day = _day(allocation.get("Date"))
                invoice_id = str(_sub(allocation, "Invoice").get("InvoiceID") or "").lower()
                if day is None or day > as_at or not invoice_id:
                    continue
                amount = _num(allocation.get("Amount"))
                credited[invoice_id] += amount
                credited[str(record[id_key]).lower()] += amount
    items: list[AgedItem] = []
    for doc, id_key, number_key, sign in (
        *((d, "InvoiceID", "InvoiceNumber", 1) for d in invoices),
        *((d, "CreditNoteID", "CreditNoteNumber", -1) for d in credit_notes),
        *((d, id_key, "Reference", -1) for d, id_key in ahead),
    ):
        day = _day(doc.get("Date"))
        if day is None or day > as_at:
            continue
        doc_id = str(doc[id_key]).lower()
        items.append(
            AgedItem(
                document_id=doc_id,
                day=day,
                number=str(doc.get(number_key) or ""),
                due_date=_day(doc.get("DueDate")),
                total=sign * _num(doc.get("Total")),
                paid=sign * paid[doc_id],
                credited=sign * credited[doc_id],
            )
        )
    items.sort(key=lambda item: (item.day, item.number, item.document_id))
    return [item for item in items if item.due != 0]


def aged_report(ctx: ReportContext, query: Mapping[str, str], *, payables: bool) -> Doc:
    """``GET /Reports/Aged{Receivables,Payables}ByContact``: a contact's outstanding documents and their ageing.

    Xero's rows (opening balance, one row per outstanding document with Total/Paid/Credited/Due, the closing
    balance) are followed by an "Ageing" section splitting the closing balance into Current, < 1 Month, 1 Month,
    2 Months, 3 Months and Older by months overdue at the report date.
    """
    params = _Params(query)
    contact_id = params.guid("contactId")
    if contact_id is None:
        raise ReportParameterError("Report Parameter contactId is required")
    as_at = params.date("date")
    start = params.date("fromDate")
    end = params.date("toDate")
    as_at = as_at or end or ctx.today
    end = end or as_at
    contact = ctx.state.get(ctx.tenant_id, "Contacts", contact_id)
    items = aged_items(ctx.state, ctx.tenant_id, contact_id, payables=payables, as_at=as_at)
    if start is None:
        start = min((item.day for item in items), default=min(end, as_at))
    if start > end:
        raise ReportParameterError("Report Parameter fromDate must be on or before toDate")
    opening = sum((item.due for item in items if item.day < start), ZERO)
    listed = [item for item in items if start <= item.day <= end]
    rows: list[Row] = [
        _header("Date", "Reference" if payables else "Number", "Due Date", "", "Total", "Paid", "Credited", "Due"),
        _section(
            "",
            [
                {
                    "RowType": "Row",
                    "Cells": [{"Value": f"{start.isoformat()}T00:00:00"}, {"Value": "Opening Balance"}]
                    + [{"Value": ""} for _ in range(5)]
                    + [{"Value": amount_text(opening)}],
                }
            ],
        ),
    ]
    body: list[Row] = []
    sums = [ZERO, ZERO, ZERO, ZERO]
    for item in listed:
        overdue = (as_at - item.due_date).days if item.due_date is not None else 0
        values = (item.total, item.paid, item.credited, item.due)
        sums = [s + v for s, v in zip(sums, values, strict=True)]
        texts = [
            f"{item.day.isoformat()}T00:00:00",
            item.number,
            f"{item.due_date.isoformat()}T00:00:00" if item.due_date is not None else "",
            f"{overdue} days overdue" if overdue > 0 and item.due > 0 else "",
            *(amount_text(v) for v in values),
        ]
        body.append(
            {
                "RowType": "Row",
                "Cells": [{"Value": t, "Attributes": [{"Value": item.document_id, "Id": "invoiceID"}]} for t in texts],
            }
        )
    if body:
        rows.append(_section("", [*body, _summary("Total", ["", "", "", *(amount_text(s) for s in sums)])]))
    closing = [sums[0], sums[1], sums[2], opening + sums[3]]
    rows.append(_section("", [_summary("Closing Balance", ["", "", "", *(amount_text(v) for v in closing)])]))
    buckets: dict[str, Decimal] = dict.fromkeys(AGEING_BUCKETS, ZERO)
    for item in items:
        if item.day <= end:
            buckets[ageing_bucket(item.due_date or item.day, as_at)] += item.due
    bucket_rows: list[Row] = [
        {
            "RowType": "Row",
            "Cells": [{"Value": name}] + [{"Value": ""} for _ in range(6)] + [{"Value": amount_text(value)}],
        }
        for name, value in buckets.items()
    ]
    bucket_total = sum(buckets.values(), ZERO)
    bucket_rows.append(_summary("Total", ["", "", "", "", "", "", amount_text(bucket_total)]))
    rows.append(_section("Ageing", bucket_rows))
    name = str((contact or {}).get("Name") or "")
    titles = [
        "Invoices",
        name,
        f"From {_long_date(start)} to {_long_date(end)}",
        f"Showing payments to {_long_date(as_at)}",
    ]
    return ctx.envelope("AgedPayablesByContact" if payables else "AgedReceivablesByContact", titles, rows)


# --- Budget Summary ----------------------------------------------------------------------------------------------

_BUDGET_SECTIONS: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("Income", "Total Income", frozenset({"REVENUE", "SALES"})),
    ("Less Cost of Sales", "Total Cost of Sales", frozenset({"DIRECTCOSTS"})),
    ("Plus Other Income", "Total Other Income", frozenset({"OTHERINCOME"})),
    ("Less Operating Expenses", "Total Operating Expenses", frozenset({"EXPENSE", "OVERHEADS", "DEPRECIATN"})),
)


def _whole_number(params: _Params, name: str, default: int) -> int:
    value = params.raw(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ReportParameterError(f"Report Parameter {name} could not be parsed as an Integer") from None


def budget_summary(ctx: ReportContext, query: Mapping[str, str]) -> Doc:
    """``GET /Reports/BudgetSummary``: the overall budget by account, in `periods` columns of `timeframe` months.

    The first column starts with the month of ``date`` (default today); each column is labelled with its last month
    (``Jan-20``), as in the spec's example; amounts are the budget's monthly amounts summed over the column.
    """
    params = _Params(query)
    day = params.date("date") or ctx.today
    periods = _whole_number(params, "periods", 12)
    timeframe = _whole_number(params, "timeframe", 1)
    if not 1 <= periods <= 12:
        raise ReportParameterError("Report Parameter periods must be between 1 and 12")
    if timeframe not in (1, 3, 12):
        raise ReportParameterError("Report Parameter timeframe must be 1, 3 or 12")
    first = day.replace(day=1)
    if (LATEST_DATE.year - first.year) * 12 + LATEST_DATE.month - first.month < periods * timeframe:
        raise ReportParameterError(f"Report Parameter date must be before {LATEST_DATE.year - 12}")
    columns = [[add_months(first, n * timeframe + m) for m in range(timeframe)] for n in range(periods)]
    overall = next((b for b in ctx.state.all(ctx.tenant_id, "Budgets") if b.get("Type") == "OVERALL"), None)
    amounts = budget_amounts(overall) if overall is not None else {}
    ledger_accounts = build_ledger(ctx.state, ctx.tenant_id).accounts

    def column_values(account_id: str) -> list[Decimal]:
        months = amounts.get(account_id, {})
        return [sum((months.get(month_key(m), ZERO) for m in column), ZERO) for column in columns]

    rows: list[Row] = [_header("Account", *(column[-1].strftime("%b-%y") for column in columns))]
    totals: dict[str, list[Decimal]] = {}
    for title, total_label, types in _BUDGET_SECTIONS:
        accounts = sorted(
            (a for a in ledger_accounts.values() if a.type in types and a.account_id in amounts), key=_by_name
        )
        values = {a.account_id: column_values(a.account_id) for a in accounts}
        totals[title] = [sum(column, ZERO) for column in zip(*values.values(), strict=True)] or [ZERO] * periods
        if accounts:
            section = [_account_row(a, values[a.account_id]) for a in accounts]
            rows.append(_section(title, [*section, _summary(total_label, totals[title])]))
        if title == "Less Cost of Sales":
            gross = [i - c for i, c in zip(totals["Income"], totals[title], strict=True)]
            rows.append(_section("", [_summary("Gross Profit", gross)]))
    expenses = totals["Less Operating Expenses"]
    rows.append(_section("", [_summary("Total Expenses", expenses)]))
    net = [
        i - c + o - e
        for i, c, o, e in zip(
            totals["Income"], totals["Less Cost of Sales"], totals["Plus Other Income"], expenses, strict=True
        )
    ]
    rows.append(_section("", [_summary("Net Profit", net)]))
    last = columns[-1][-1]
    titles = [
        str((overall or {}).get("Description") or "Overall Budget"),
        "Budget Summary",
        str(ctx.org.get("Name") or ""),
        f"{first.strftime('%B %Y')} to {last.strftime('%B %Y')}",
    ]
    return ctx.envelope("BudgetSummary", titles, rows)


# --- Executive Summary -------------------------------------------------------------------------------------------

_CURRENT_ASSETS = frozenset({"BANK", "CURRENT", "INVENTORY", "PREPAYMENT"})
_TERM_ASSETS = frozenset({"FIXED", "NONCURRENT"})
_CURRENT_LIABILITIES = frozenset({"CURRLIAB", "LIABILITY"})
_TERM_LIABILITIES = frozenset({"TERMLIAB"})


@dataclass(frozen=True)
class MonthFigures:
    """One month of the executive summary, from the ledger (money in the base currency)."""

    days: int
    received: Decimal
    spent: Decimal
    closing_bank: Decimal
    income: Decimal
    direct_costs: Decimal
    other_income: Decimal
    expenses: Decimal
    debtors: Decimal
    creditors: Decimal
    net_assets: Decimal
    current_assets: Decimal
    current_liabilities: Decimal
    term_assets: Decimal
    term_liabilities: Decimal
    invoices: int
    invoiced: Decimal

    @property
    def gross_profit(self) -> Decimal:
        """Income less direct costs."""
        return self.income - self.direct_costs

    @property
    def profit(self) -> Decimal:
        """Gross profit plus other income less expenses."""
        return self.gross_profit + self.other_income - self.expenses


def month_figures(ctx: ReportContext, ledger: Ledger, start: date, end: date) -> MonthFigures:
    """The executive summary's figures for the month [start, end]: flows within it, balances at its end."""
    accounts = ledger.accounts.values()
    banks = [a.account_id for a in accounts if a.type == "BANK"]
    flows = ledger.balances(start=start, end=end)
    held = ledger.balances(end=end)

    def flow(types: frozenset[str]) -> Decimal:
        return sum((flows.get(a.account_id, ZERO) for a in accounts if a.type in types), ZERO)

    def balance(types: frozenset[str]) -> Decimal:
        return sum((held.get(a.account_id, ZERO) for a in accounts if a.type in types), ZERO)

    sales = [
        doc
        for doc in ctx.state.all(ctx.tenant_id, "Invoices")
        if doc.get("Type") == "ACCREC"
        and doc.get("Status") in _POSTED_INVOICE
        and (issued := _day(doc.get("Date"))) is not None
        and start <= issued <= end
    ]
    debtors_id, creditors_id = ledger.system.get("DEBTORS"), ledger.system.get("CREDITORS")
    return MonthFigures(
        days=(end - start).days + 1,
        received=sum((ledger.total(b, start=start, end=end, keep=lambda p: p.amount > 0) for b in banks), ZERO),
        spent=-sum((ledger.total(b, start=start, end=end, keep=lambda p: p.amount < 0) for b in banks), ZERO),
        closing_bank=sum((held.get(b, ZERO) for b in banks), ZERO),
        income=-flow(frozenset({"REVENUE", "SALES"})),
        direct_costs=flow(frozenset({"DIRECTCOSTS"})),
        other_income=-flow(frozenset({"OTHERINCOME"})),
        expenses=flow(frozenset({"EXPENSE", "OVERHEADS", "DEPRECIATN"})),
        debtors=held.get(debtors_id, ZERO) if debtors_id else ZERO,
        creditors=-held.get(creditors_id, ZERO) if creditors_id else ZERO,
        net_assets=sum(
            (held.get(a.account_id, ZERO) for a in accounts if a.account_class in ("ASSET", "LIABILITY")), ZERO
        ),
        current_assets=balance(_CURRENT_ASSETS),
        current_liabilities=-balance(_CURRENT_LIABILITIES),
        term_assets=balance(_TERM_ASSETS),
        term_liabilities=-balance(_TERM_LIABILITIES),
        invoices=len(sales),
        invoiced=sum((_num(doc.get("Total")) / (_num(doc.get("CurrencyRate")) or Decimal(1)) for doc in sales), ZERO),
    )


def _percent(value: Decimal | None) -> str:
    return "" if value is None else f"{value.quantize(Decimal('0.1'))}%"


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    return None if denominator == 0 else numerator / denominator


def _variance(current: Decimal | None, previous: Decimal | None) -> str:
    if current is None or previous is None or previous == 0:
        return "0.0%"
    return _percent((current - previous) / abs(previous) * 100)


def _figure_text(value: Decimal | None, kind: str) -> str:
    if value is None:
        return ""
    if kind == "count":
        return str(int(value))
    if kind == "percent":
        return _percent(value)
    return amount_text(value)


def executive_summary(ctx: ReportContext, query: Mapping[str, str]) -> Doc:
    """``GET /Reports/ExecutiveSummary``: the month of ``date`` (default today) beside the month before.

    Computed from the same ledger as the other reports: cash is the bank accounts' movements (BankSummary's cash
    received and spent), profitability the P&L's account types, balances the balance sheet's as at each month end.
    Margins are of income; return on investment is the month's profit times 12 over net assets; debtor and creditor
    days are debtors over income and creditors over costs, times the days in the month (as the spec's example
    works out); the short-term cash forecast is debtors less creditors. A ratio with nothing to divide by is blank.
    """
    params = _Params(query)
    day = params.date("date") or ctx.today
    start = day.replace(day=1)
    before = add_months(start, -1)
    ledger = build_ledger(ctx.state, ctx.tenant_id)
    now = month_figures(ctx, ledger, start, _month_end(start.year, start.month))
    then = month_figures(ctx, ledger, before, _month_end(before.year, before.month))

    def per(figures: MonthFigures) -> dict[str, tuple[Decimal | None, str]]:
        costs = figures.direct_costs + figures.expenses
        margin = _ratio(figures.gross_profit * 100, figures.income)
        return {
            "Cash received": (figures.received, "money"),
            "Cash spent": (figures.spent, "money"),
            "Cash surplus (deficit)": (figures.received - figures.spent, "money"),
            "Closing bank balance": (figures.closing_bank, "money"),
            "Income": (figures.income, "money"),
            "Direct costs": (figures.direct_costs, "money"),
            "Gross profit (loss)": (figures.gross_profit, "money"),
            "Other Income": (figures.other_income, "money"),
            "Expenses": (figures.expenses, "money"),
            "Profit (loss)": (figures.profit, "money"),
            "Debtors": (figures.debtors, "money"),
            "Creditors": (figures.creditors, "money"),
            "Net assets": (figures.net_assets, "money"),
            "Number of invoices issued": (Decimal(figures.invoices), "count"),
            "Average value of invoices": (_ratio(figures.invoiced, Decimal(figures.invoices)) or ZERO, "money"),
            "Gross profit margin": (margin, "percent"),
            "Net profit margin": (_ratio(figures.profit * 100, figures.income), "percent"),
            "Return on investment (p.a.)": (_ratio(figures.profit * 1200, figures.net_assets), "percent"),
            "Average debtors days": (
                (_ratio(figures.debtors * figures.days, figures.income) or ZERO).quantize(Decimal("0.01")),
                "money",
            ),
            "Average creditors days": (
                (_ratio(figures.creditors * figures.days, costs) or ZERO).quantize(Decimal("0.01")),
                "money",
            ),
            "Short term cash forecast": (figures.debtors - figures.creditors, "money"),
            "Current assets to liabilities": (
                _round(_ratio(figures.current_assets, figures.current_liabilities)),
                "money",
            ),
            "Term assets to liabilities": (_round(_ratio(figures.term_assets, figures.term_liabilities)), "money"),
        }

    current, previous = per(now), per(then)
    sections = (
        ("Cash", ("Cash received", "Cash spent", "Cash surplus (deficit)", "Closing bank balance")),
        (
            "Profitability",
            ("Income", "Direct costs", "Gross profit (loss)", "Other Income", "Expenses", "Profit (loss)"),
        ),
        ("Balance Sheet", ("Debtors", "Creditors", "Net assets")),
        ("Income", ("Number of invoices issued", "Average value of invoices")),
        ("Performance", ("Gross profit margin", "Net profit margin", "Return on investment (p.a.)")),
        (
            "Position",
            (
                "Average debtors days",
                "Average creditors days",
                "Short term cash forecast",
                "Current assets to liabilities",
                "Term assets to liabilities",
            ),
        ),
    )
    rows: list[Row] = [_header("", start.strftime("%b %Y"), before.strftime("%b %Y"), "Variance")]
    for title, labels in sections:
        body: list[Row] = []
        for label in labels:
            (value, kind), (earlier, _) = current[label], previous[label]
            texts = (label, _figure_text(value, kind), _figure_text(earlier, kind), _variance(value, earlier))
            body.append({"RowType": "Row", "Cells": [{"Value": text} for text in texts]})
        rows.append(_section(title, body))
    titles = ["Executive Summary", str(ctx.org.get("Name") or ""), f"For the month of {start.strftime('%B %Y')}"]
    return ctx.envelope("ExecutiveSummary", titles, rows)


def _round(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.01"))


# --- 1099 (TenNinetyNine) ----------------------------------------------------------------------------------------

TEN_NINETY_NINE_BOXES: dict[str, tuple[tuple[str, str], ...]] = {
    # report -> (account code, box) mappings: what a US organisation sets up in Xero's 1099 settings.
    "1099-NEC report": (("412", "Box1"),),
    "1099-MISC report": (("469", "Box1"),),
}
"""The sandbox's 1099 set-up: nonemployee compensation from Consulting & Accounting, rents from Rent."""

_BOXES_SHOWN = {
    "1099-NEC report": ("Box1", "Box2", "Box4"),
    "1099-MISC report": (
        "Box1",
        "Box2",
        "Box3",
        "Box4",
        "Box5",
        "Box6",
        "Box7",
        "Box8",
        "Box9",
        "Box10",
        "Box11",
        "Box14",
    ),
}


def _line_total(doc: Doc, line: Doc) -> Decimal:
    amount = _num(line.get("LineAmount"))
    if str(doc.get("LineAmountTypes") or "Exclusive").lower() == "exclusive":
        amount += _num(line.get("TaxAmount"))
    return amount


def _paid_to_boxes(ctx: ReportContext, start: date, end: date) -> dict[str, dict[str, dict[str, Decimal]]]:
    """Report -> ContactID -> box -> amount paid within [start, end] to accounts mapped to that box."""
    codes = {code: (report, box) for report, pairs in TEN_NINETY_NINE_BOXES.items() for code, box in pairs}
    paid: dict[str, dict[str, dict[str, Decimal]]] = {report: {} for report in TEN_NINETY_NINE_BOXES}

    def add(contact_id: str, doc: Doc, share: Decimal) -> None:
        for line in _docs(doc.get("LineItems")):
            target = codes.get(str(line.get("AccountCode") or ""))
            if target is not None:
                boxes = paid[target[0]].setdefault(contact_id, {})
                boxes[target[1]] = boxes.get(target[1], ZERO) + money(_line_total(doc, line) * share)

    bills = {
        str(d["InvoiceID"]).lower(): d for d in ctx.state.all(ctx.tenant_id, "Invoices") if d.get("Type") == "ACCPAY"
    }
    for payment in ctx.state.all(ctx.tenant_id, "Payments"):
        bill = bills.get(str(_sub(payment, "Invoice").get("InvoiceID") or "").lower())
        day = _day(payment.get("Date"))
        if bill is None or payment.get("Status") != "AUTHORISED" or day is None or not start <= day <= end:
            continue
        total = _num(bill.get("Total"))
        if total:
            add(str(_sub(bill, "Contact").get("ContactID") or "").lower(), bill, _num(payment.get("Amount")) / total)
    for spend in ctx.state.all(ctx.tenant_id, "BankTransactions"):
        day = _day(spend.get("Date"))
        if spend.get("Type") == "SPEND" and spend.get("Status") == "AUTHORISED" and day and start <= day <= end:
            add(str(_sub(spend, "Contact").get("ContactID") or "").lower(), spend, Decimal(1))
    return paid


def _ten_ninety_nine_contact(contact: Doc, boxes: Mapping[str, Decimal], shown: Sequence[str]) -> Doc:
    addresses = _docs(contact.get("Addresses"))
    address = next((a for a in addresses if a.get("AddressType") == "POBOX"), addresses[0] if addresses else {})
    street = "\r\n".join(str(address.get(f"AddressLine{n}") or "") for n in range(1, 5)) + "\r\n"
    person = " ".join(str(contact.get(k) or "") for k in ("FirstName", "LastName")).strip()
    doc: Doc = {box: boxes.get(box, ZERO) for box in shown}
    doc.update(
        {
            "Name": str(contact.get("Name") or ""),
            "FederalTaxIDType": "EIN" if contact.get("TaxNumber") else "",
            "City": str(address.get("City") or ""),
            "Zip": str(address.get("PostalCode") or ""),
            "State": str(address.get("Region") or ""),
            "Email": str(contact.get("EmailAddress") or ""),
            "StreetAddress": street,
            "TaxID": str(contact.get("TaxNumber") or ""),
            "ContactId": str(contact.get("ContactID") or ""),
            "LegalName": person or str(contact.get("Name") or ""),
            "BusinessName": str(contact.get("Name") or ""),
            "FederalTaxClassification": "OTHER",
        }
    )
    return doc


def ten_ninety_nine(ctx: ReportContext, query: Mapping[str, str]) -> list[Doc]:
    """``GET /Reports/TenNinetyNine``: the 1099-NEC and 1099-MISC reports of a US organisation for ``reportYear``.

    Each lists the contacts paid in that calendar year (bill payments and spend money, by payment date, as 1099s
    count cash paid) on accounts the 1099 set-up maps to a box (``TEN_NINETY_NINE_BOXES``). ``reportYear`` defaults
    to the previous calendar year, the one being filed. 1099s exist for US organisations only; for others the
    sandbox refuses with a 400 (Xero's own answer there is not documented).
    """
    params = _Params(query)
    if str(ctx.org.get("CountryCode") or "").upper() != "US":
        raise ReportParameterError("The 1099 report is only available to organisations in the United States")
    year_text = params.raw("reportYear")
    try:
        year = int(year_text) if year_text is not None else ctx.today.year - 1
    except ValueError:
        raise ReportParameterError("Report Parameter reportYear could not be parsed as an Integer") from None
    if not EARLIEST_DATE.year <= year <= LATEST_DATE.year:
        raise ReportParameterError(
            f"Report Parameter reportYear must be between {EARLIEST_DATE.year} and {LATEST_DATE.year}"
        )
    start, end = date(year, 1, 1), date(year, 12, 31)
    paid = _paid_to_boxes(ctx, start, end)
    contacts = {str(c["ContactID"]).lower(): c for c in ctx.state.all(ctx.tenant_id, "Contacts")}
    reports: list[Doc] = []
    for name, shown in _BOXES_SHOWN.items():
        listed = sorted(
            (
                _ten_ninety_nine_contact(contacts[contact_id], boxes, shown)
                for contact_id, boxes in paid[name].items()
                if contact_id in contacts and any(boxes.values())
            ),
            key=lambda c: str(c["Name"]).lower(),
        )
        reports.append(
            {
                "ReportName": name,
                "ReportDate": f"{_short_date(start)} to {_short_date(end)}",
                "Fields": [],
                "Contacts": listed,
            }
        )
    return reports


# --- dispatch ----------------------------------------------------------------------------------------------------


def run_report(ctx: ReportContext, report: str, query: Mapping[str, str]) -> Doc | None:
    """The ``{"Reports": [...]}`` body of one report, or None for a report this sandbox does not serve.

    Raises ReportParameterError for parameters Xero would refuse.
    """
    runners: dict[str, Callable[[ReportContext, Mapping[str, str]], Doc]] = {
        "ProfitAndLoss": profit_and_loss,
        "BalanceSheet": balance_sheet,
        "TrialBalance": trial_balance,
        "BankSummary": bank_summary,
        "AgedReceivablesByContact": lambda c, q: aged_report(c, q, payables=False),
        "AgedPayablesByContact": lambda c, q: aged_report(c, q, payables=True),
        "BudgetSummary": budget_summary,
        "ExecutiveSummary": executive_summary,
    }
    if report.lower() == "tenninetynine":
        return {"Reports": ten_ninety_nine(ctx, query)}
    key = next((name for name in runners if name.lower() == report.lower()), None)
    if key is None:
        return None
    return {"Reports": [runners[key](ctx, query)]}
