"""Every record kind's history through the SDK: a note added is answered back and listed after the creation.

One case per kind (its factory, ID field and the SDK's pair of history operations); payments, items and the kinds
whose records need their own set-up keep their history tests beside that set-up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.xero_sdk.conftest import Xero
from tests.xero_sdk.helpers import (
    new_contact,
    new_credit_note,
    new_invoice,
    new_journal,
    new_purchase_order,
    new_quote,
    note,
    spend_money,
    transfer,
)


def _kind(make: Callable[[Xero], Any], id_field: str, create: str, get: str, label: str) -> Any:
    return pytest.param(make, id_field, create, get, id=label, marks=pytest.mark.sdk_operation(create, get))


KINDS = [
    _kind(new_contact, "contact_id", "create_contact_history", "get_contact_history", "contact"),
    _kind(new_invoice, "invoice_id", "create_invoice_history", "get_invoice_history", "invoice"),
    _kind(new_credit_note, "credit_note_id", "create_credit_note_history", "get_credit_note_history", "credit_note"),
    _kind(new_quote, "quote_id", "create_quote_history", "get_quote_history", "quote"),
    _kind(
        new_purchase_order,
        "purchase_order_id",
        "create_purchase_order_history",
        "get_purchase_order_history",
        "purchase_order",
    ),
    _kind(
        spend_money,
        "bank_transaction_id",
        "create_bank_transaction_history_record",
        "get_bank_transactions_history",
        "bank_transaction",
    ),
    _kind(transfer, "bank_transfer_id", "create_bank_transfer_history_record", "get_bank_transfer_history", "transfer"),
    _kind(
        new_journal,
        "manual_journal_id",
        "create_manual_journal_history_record",
        "get_manual_journals_history",
        "manual_journal",
    ),
]


@pytest.mark.parametrize(("make", "id_field", "create", "get"), KINDS)
def test_a_note_is_answered_back_and_listed_after_the_creation(
    xero: Xero, make: Callable[[Xero], Any], id_field: str, create: str, get: str
) -> None:
    record_id = getattr(make(xero), id_field)
    added = getattr(xero.api, create)(xero.tenant, record_id, note("Called about it")).history_records
    records = getattr(xero.api, get)(xero.tenant, record_id).history_records
    assert added[0].details == "Called about it"
    assert records[0].changes == "Created" and records[0].date_utc is not None
    assert "Called about it" in [r.details for r in records]
