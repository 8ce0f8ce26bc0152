"""History records and notes on documents and contacts."""

from __future__ import annotations

from typing import Literal

from xero_mcp.client.models._base import XeroDateTime, XeroModel

HistoryEntity = Literal[
    "BankTransactions",
    "BankTransfers",
    "BatchPayments",
    "Contacts",
    "CreditNotes",
    "Invoices",
    "Items",
    "ManualJournals",
    "Overpayments",
    "Payments",
    "Prepayments",
    "PurchaseOrders",
    "Quotes",
    "RepeatingInvoices",
]
"""The Xero collections that keep history and accept notes."""

MAX_NOTE_LENGTH = 2500


class HistoryRecord(XeroModel):
    """One entry of a record's history: a change Xero logged, or a note someone added."""

    changes: str | None = None
    details: str | None = None
    user: str | None = None
    date_utc: XeroDateTime | None = None
