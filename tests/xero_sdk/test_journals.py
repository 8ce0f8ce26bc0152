"""Contract tests: journals, the ledger's audit trail, read by offset, by ID and by number."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.xero_sdk.conftest import Xero
from tests.xero_sdk.helpers import DOC_DATE, new_invoice


@pytest.mark.sdk_operation("get_journals")
def test_get_journals_reads_a_balanced_numbered_page(xero: Xero) -> None:
    first = xero.api.get_journals(xero.tenant).journals
    assert [j.journal_number for j in first] == list(range(1, len(first) + 1))
    assert all(sum(line.net_amount for line in j.journal_lines) == 0 for j in first)
    invoice = new_invoice(xero)
    issued = xero.api.get_journals(xero.tenant, offset=first[-1].journal_number).journals
    assert [(str(j.source_type), j.source_id) for j in issued] == [("ACCREC", invoice.invoice_id)]
    assert issued[0].journal_date == DOC_DATE
    assert sorted(line.net_amount for line in issued[0].journal_lines) == [
        Decimal("-100.00"),
        Decimal("-10.00"),
        Decimal("110.00"),
    ]
    cash = xero.api.get_journals(xero.tenant, payments_only=True).journals
    assert cash and cash[0].journal_number == 1


@pytest.mark.sdk_operation("get_journal", "get_journal_by_number")
def test_get_journal_by_id_and_by_number_agree(xero: Xero) -> None:
    journal = xero.api.get_journals(xero.tenant).journals[0]
    by_id = xero.api.get_journal(xero.tenant, journal.journal_id).journals[0]
    by_number = xero.api.get_journal_by_number(xero.tenant, journal.journal_number).journals[0]
    assert by_id.journal_id == by_number.journal_id == journal.journal_id
    assert by_number.created_date_utc is not None
    assert {line.account_id for line in by_id.journal_lines} == {line.account_id for line in journal.journal_lines}
