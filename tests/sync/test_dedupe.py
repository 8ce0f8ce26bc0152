"""The create-once ledger (storage only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sync.fakes import START, TENANT_A, TENANT_B, rid
from xero_mcp.sync.dedupe import DedupeLedger


@pytest.fixture
def ledger(tmp_path: Path):
    opened = DedupeLedger.open(tmp_path)
    yield opened
    opened.close()


def test_ledger_finds_what_was_recorded_per_organisation_and_kind(ledger: DedupeLedger):
    assert ledger.lookup(TENANT_A, "invoice", "invoice_number=inv-1") is None
    entry = ledger.record(TENANT_A, "invoice", "invoice_number=inv-1", rid(1).upper(), now=START)
    found = ledger.lookup(TENANT_A, "invoice", "invoice_number=inv-1")
    assert found == entry and found.xero_id == rid(1) and found.recorded_at == START
    assert ledger.lookup(TENANT_B, "invoice", "invoice_number=inv-1") is None
    assert ledger.lookup(TENANT_A, "quote", "invoice_number=inv-1") is None


def test_ledger_replaces_and_forgets_entries_and_survives_reopening(tmp_path: Path):
    first = DedupeLedger.open(tmp_path)
    first.record(TENANT_A, "item", "code=a", rid(1), now=START)
    first.record(TENANT_A, "item", "code=a", rid(2), now=START)
    first.record(TENANT_A, "item", "code=b", rid(3), now=START)
    first.close()
    reopened = DedupeLedger.open(tmp_path)
    try:
        entry = reopened.lookup(TENANT_A, "item", "code=a")
        assert entry is not None and entry.xero_id == rid(2)
        assert reopened.forget(TENANT_A, "item", "code=b")
        assert not reopened.forget(TENANT_A, "item", "code=b")
        assert reopened.lookup(TENANT_A, "item", "code=b") is None
    finally:
        reopened.close()


def test_ledger_refuses_ids_that_are_not_uuids(ledger: DedupeLedger):
    with pytest.raises(ValueError, match="xero_id"):
        ledger.record(TENANT_A, "item", "code=a", "INV-0001", now=START)
