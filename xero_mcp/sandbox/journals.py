"""Journals (``GET /Journals``, reference §5.13): the general ledger's audit trail, derived from the sandbox's ledger.

Every posting document (see ``xero_mcp.sandbox.reports.build_ledger``) gives one journal: its ledger lines summed
per account and tracking. Journals are numbered (JournalNumber 1, 2, ...) in the order their documents were written
and never change once issued: when a document's postings change (an invoice edited, voided or deleted, a payment
deleted), a journal reversing the old lines is issued and then, if the document still posts, one with the new
lines. So the journals always sum, per account, to the trial balance.

Journals are issued when they are read: each ``GET /Journals`` first compares the ledger with what has been issued
(kept per source document in the internal ``JournalSources`` collection) and issues the difference. A journal's
CreatedDateUTC is the moment its document was last written (its UpdatedDateUTC), else the time of issue, so
If-Modified-Since selects journals of documents changed since. ``paymentsOnly=true`` reads the cash-basis ledger:
its journals are a series of their own (numbered from 1), kept apart from the accrual series.

``GET /Journals`` returns at most 100 journals with JournalNumber greater than ``offset``, in number order, as Xero
does ("offset: Offset by a specified journal number"; 100 per call). ``GET /Journals/{JournalID}`` and
``GET /Journals/{JournalNumber}`` read one (accrual series).

A journal line carries NetAmount = GrossAmount (the account's posting) and TaxAmount 0: the tax posts as a line of
its own on the tax account, so lines are not split into net and tax parts as Xero's sometimes are.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from xero_mcp.sandbox.reports import Ledger, build_ledger
from xero_mcp.sandbox.rules.common import as_doc, as_list
from xero_mcp.sandbox.state import Doc, SandboxState, iso_date, iso_instant

PAGE_SIZE = 100
ACCRUAL = "Journals"
CASH = "CashJournals"
_SOURCES = "JournalSources"
_NAMESPACE = uuid.UUID("3f0c4b1e-8d7a-4e59-b2a1-6c9e0d5f7a21")

# The journal SourceType of what posted (the ledger's source prefixes; payments and bank transactions by their type).
_BANK_SOURCE_TYPES = {
    "RECEIVE": "CASHREC",
    "SPEND": "CASHPAID",
    "RECEIVE-TRANSFER": "TRANSFER",
    "SPEND-TRANSFER": "TRANSFER",
    "RECEIVE-PREPAYMENT": "ARPREPAYMENT",
    "SPEND-PREPAYMENT": "APPREPAYMENT",
    "RECEIVE-OVERPAYMENT": "AROVERPAYMENT",
    "SPEND-OVERPAYMENT": "APOVERPAYMENT",
}
_PAYMENT_SOURCE_TYPES = {
    "ARPREPAYMENTPAYMENT": "ARPREPAYMENT",
    "APPREPAYMENTPAYMENT": "APPREPAYMENT",
    "AROVERPAYMENTPAYMENT": "AROVERPAYMENT",
    "APOVERPAYMENTPAYMENT": "APOVERPAYMENT",
}
_DOCUMENT_COLLECTIONS = {
    "ACCREC": "Invoices",
    "ACCPAY": "Invoices",
    "ACCRECCREDIT": "CreditNotes",
    "ACCPAYCREDIT": "CreditNotes",
    "PAYMENT": "Payments",
    "JOURNAL": "ManualJournals",
    **dict.fromkeys(_BANK_SOURCE_TYPES, "BankTransactions"),
}
_REFERENCE_FIELDS = ("Reference", "InvoiceNumber", "CreditNoteNumber", "Narration")

LineKey = tuple[str, tuple[str, ...]]


def _series_lines(ledger: Ledger) -> tuple[dict[str, dict[LineKey, Decimal]], dict[str, date]]:
    """Per source: its net posting per (account, tracking options), and its day."""
    lines: dict[str, dict[LineKey, Decimal]] = defaultdict(lambda: defaultdict(lambda: Decimal("0.00")))
    days: dict[str, date] = {}
    for posting in ledger.postings:
        lines[posting.source][(posting.account_id, tuple(sorted(posting.tracking)))] += posting.amount
        days[posting.source] = posting.day
    return {source: {k: v for k, v in by_key.items() if v} for source, by_key in lines.items()}, days


def _source_of(state: SandboxState, tenant_id: str, source: str) -> tuple[str, str, Doc | None]:
    """(SourceType, SourceID, the source document or None) of a ledger source."""
    parts = source.split(":")
    if parts[0] == "ALLOCATION" and len(parts) == 4:
        kind, source_id = parts[1], parts[2]
        collection = "CreditNotes" if kind.endswith("CREDIT") else "Overpayments"
        source_type = _BANK_SOURCE_TYPES.get(kind, kind)
        return source_type, source_id, state.get(tenant_id, collection, source_id)
    kind, source_id = parts[0], parts[-1]
    collection = _DOCUMENT_COLLECTIONS.get(kind)
    doc = state.get(tenant_id, collection, source_id) if collection else None
    if kind == "PAYMENT":
        payment_type = str((doc or {}).get("PaymentType") or "ACCRECPAYMENT")
        return _PAYMENT_SOURCE_TYPES.get(payment_type, payment_type), source_id, doc
    if kind == "JOURNAL":
        return "MANJOURNAL", source_id, doc
    return _BANK_SOURCE_TYPES.get(kind, kind), source_id, doc


class _Issuer:
    """Issues the journals of one series (accrual or cash basis) for one organisation."""

    def __init__(self, state: SandboxState, tenant_id: str, now: datetime, series: str) -> None:
        self.state = state
        self.tenant_id = tenant_id
        self.now = now
        self.series = series
        ledger = build_ledger(state, tenant_id, cash_basis=series == CASH)
        self.ledger = ledger
        self.options: dict[str, Doc] = {}
        for category in state.all(tenant_id, "TrackingCategories"):
            for option in filter(None, map(as_doc, as_list(category.get("Options")) or [])):
                self.options[str(option.get("TrackingOptionID", "")).lower()] = {
                    "TrackingCategoryID": category["TrackingCategoryID"],
                    "Name": category.get("Name", ""),
                    "Option": option.get("Name", ""),
                    "TrackingOptionID": option.get("TrackingOptionID"),
                }

    def sync(self) -> None:
        """Issue journals for every source whose postings differ from what has been issued."""
        current, days = _series_lines(self.ledger)
        issued = {
            str(doc["Source"]): doc
            for doc in self.state.select(self.tenant_id, _SOURCES, where="type = ?", params=(self.series,))
        }
        pending: list[tuple[str, str, Doc | None, str]] = []
        for source in set(current) | set(issued):
            now_lines = current.get(source, {})
            day = iso_date(days[source]) if source in days else None
            before = issued.get(source)
            old_lines = _decoded(before["Lines"]) if before else {}
            if now_lines == old_lines and (before is None or not now_lines or before["Day"] == day):
                continue
            source_type, source_id, doc = _source_of(self.state, self.tenant_id, source)
            created = str((doc or {}).get("UpdatedDateUTC") or iso_instant(self.now))
            pending.append((created, source, doc, source_type + ":" + source_id))
        for created, source, doc, typed in sorted(pending, key=lambda item: (item[0], item[1])):
            source_type, source_id = typed.split(":", 1)
            before = issued.get(source)
            if before is not None and before["Lines"]:
                reversed_lines = {key: -value for key, value in _decoded(before["Lines"]).items()}
                self._issue(reversed_lines, before["Day"], created, source_type, source_id, doc)
            now_lines = current.get(source, {})
            day = iso_date(days[source]) if source in days else None
            if now_lines and day is not None:
                self._issue(now_lines, day, created, source_type, source_id, doc)
            record = {
                "SourceKey": f"{self.series}:{source}",
                "Type": self.series,
                "Source": source,
                "Day": day,
                "Lines": _encoded(now_lines),
            }
            self.state.put(self.tenant_id, _SOURCES, record, updated=created)

    def _issue(
        self,
        lines: dict[LineKey, Decimal],
        day: str,
        created: str,
        source_type: str,
        source_id: str,
        doc: Doc | None,
    ) -> None:
        number = self.state.next_sequence(self.tenant_id, f"journal-number:{self.series}")
        reference = next((str(doc[k]) for k in _REFERENCE_FIELDS if doc and doc.get(k)), "")
        journal_id = str(uuid.uuid5(_NAMESPACE, f"{self.tenant_id}/{self.series}/{number}"))
        journal: Doc = {
            "JournalID": journal_id,
            "JournalDate": day,
            "JournalNumber": number,
            "CreatedDateUTC": created,
            "Reference": reference,
            "SourceID": source_id,
            "SourceType": source_type,
            "JournalLines": [
                self._line(journal_id, index, key, amount) for index, (key, amount) in enumerate(sorted(lines.items()))
            ],
        }
        self.state.put(self.tenant_id, self.series, journal, updated=created)

    def _line(self, journal_id: str, index: int, key: LineKey, amount: Decimal) -> Doc:
        account_id, tracking = key
        account = self.ledger.accounts.get(account_id)
        return {
            "JournalLineID": str(uuid.uuid5(_NAMESPACE, f"{journal_id}/{index}")),
            "AccountID": account_id,
            "AccountCode": account.code if account else "",
            "AccountType": account.type if account else "",
            "AccountName": account.name if account else "",
            "Description": "",
            "NetAmount": amount,
            "GrossAmount": amount,
            "TaxAmount": Decimal("0.00"),
            "TrackingCategories": [self.options[o] for o in tracking if o in self.options],
        }


def _encoded(lines: dict[LineKey, Decimal]) -> list[list[Any]]:
    return [[account, list(tracking), amount] for (account, tracking), amount in sorted(lines.items())]


def _decoded(stored: Any) -> dict[LineKey, Decimal]:
    return {(str(account), tuple(tracking)): Decimal(str(amount)) for account, tracking, amount in stored}


def sync(state: SandboxState, tenant_id: str, now: datetime, *, cash_basis: bool = False) -> str:
    """Issue any journals the ledger has that have not been issued yet; the series (collection) to read."""
    series = CASH if cash_basis else ACCRUAL
    _Issuer(state, tenant_id, now, series).sync()
    return series


def page(state: SandboxState, tenant_id: str, series: str, *, offset: int, modified_since: str | None) -> list[Doc]:
    """Up to 100 journals numbered above `offset` (created after `modified_since`, when given), in number order."""
    where = "CAST(json_extract(doc, '$.JournalNumber') AS INTEGER) > ?"
    params: list[Any] = [offset]
    if modified_since is not None:
        where += " AND updated > ?"
        params.append(modified_since)
    return state.select(
        tenant_id,
        series,
        where=where,
        params=params,
        order="CAST(json_extract(doc, '$.JournalNumber') AS INTEGER)",
        limit=PAGE_SIZE,
    )


def find(state: SandboxState, tenant_id: str, value: str) -> Doc | None:
    """An accrual journal by JournalID or JournalNumber."""
    if value.isdigit():
        found = state.find(tenant_id, ACCRUAL, "number", str(int(value)))
        return found[0] if found else None
    return state.get(tenant_id, ACCRUAL, value)
