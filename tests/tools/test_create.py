"""The create-once path's keys: natural keys per kind of record, idempotency keys, contact names compared."""

from __future__ import annotations

import asyncio
import re
import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, cast

import pytest

from tests.databases import StoreClock
from tests.sync.fakes import TENANT_A, TENANT_B, rid
from xero_mcp.client.errors import NotFound
from xero_mcp.client.models import ContactRef, Invoice, InvoiceCreate, LineItemInput
from xero_mcp.coordination import InProcessCoordinator
from xero_mcp.store import open_store
from xero_mcp.sync.dedupe import CLAIM_LEASE, DedupeLedger, LedgerEntry
from xero_mcp.tools._create import (
    IDEMPOTENCY_KEY_MAX,
    NATURAL_KEYS,
    Creation,
    RecordKind,
    create_once,
    idempotency_key,
    natural_key,
)
from xero_mcp.tools._resolve import name_similarity, plain_name

LINES = [{"Description": "Consulting", "Quantity": 3, "UnitAmount": Decimal("150.00"), "AccountCode": "200"}]
CONTACT = {"ContactID": rid(7)}


EXAMPLES: dict[RecordKind, dict[str, Any]] = {
    "contact": {"Name": "Acme Ltd", "EmailAddress": "ap@acme.test"},
    "invoice": {"Type": "ACCREC", "Contact": CONTACT, "InvoiceNumber": "INV-0042", "LineItems": LINES},
    "bill": {"Type": "ACCPAY", "Contact": CONTACT, "InvoiceNumber": "SUP-981", "LineItems": LINES},
    "quote": {"Contact": CONTACT, "Date": "2026-03-02", "LineItems": LINES},
    "credit_note": {"Type": "ACCRECCREDIT", "Contact": CONTACT, "CreditNoteNumber": "CN-7", "LineItems": LINES},
    "payment": {
        "Invoice": {"InvoiceID": rid(9)},
        "Account": {"Code": "090"},
        "Amount": Decimal("450.00"),
        "Date": "2026-03-02",
    },
    "bank_transaction": {
        "Type": "SPEND",
        "BankAccount": {"Code": "090"},
        "Contact": CONTACT,
        "Date": "2026-03-02",
        "LineItems": LINES,
    },
    "bank_transfer": {
        "FromBankAccount": {"Code": "090"},
        "ToBankAccount": {"Code": "091"},
        "Amount": "500",
        "Date": "2026-03-02",
    },
    "purchase_order": {"Contact": CONTACT, "PurchaseOrderNumber": "PO-12", "LineItems": LINES},
    "item": {"Code": "CONSULT-HR", "Name": "Consulting hour"},
    "manual_journal": {
        "Narration": "Accrual",
        "Date": "2026-03-31",
        "JournalLines": [{"LineAmount": "100", "AccountCode": "400"}, {"LineAmount": "-100", "AccountCode": "800"}],
    },
}


def test_every_kind_of_record_has_a_natural_key_and_a_description_of_it():
    assert set(EXAMPLES) == set(NATURAL_KEYS)
    keys = {kind: natural_key(kind, body) for kind, body in EXAMPLES.items()}
    assert all(keys.values())
    assert len(set(keys.values())) == len(keys)


@pytest.mark.parametrize(
    ("kind", "body", "expected"),
    [
        ("invoice", EXAMPLES["invoice"], "invoice_number=inv-0042"),
        ("bill", EXAMPLES["bill"], f"supplier=id:{rid(7)}|reference=sup-981"),
        ("contact", {"Name": "  Acme Ltd "}, "name=acme ltd"),
        ("contact", {"Name": "Acme", "ContactNumber": "C-1"}, "contact_number=c-1"),
        ("item", {"Code": "consult-hr"}, "code=consult-hr"),
        (
            "payment",
            EXAMPLES["payment"],
            f"invoice=id:{rid(9)}|amount=450|date=2026-03-02",
        ),
    ],
)
def test_natural_key_follows_the_documented_rule(kind: RecordKind, body: dict[str, Any], expected: str):
    assert natural_key(kind, body) == expected


def test_natural_key_ignores_case_spacing_and_amount_formatting():
    first = {"Invoice": {"InvoiceID": rid(9).upper()}, "Amount": "450.00", "Date": "2026-03-02T00:00:00"}
    second = {"Invoice": {"InvoiceID": rid(9)}, "Amount": Decimal("450"), "Date": "/Date(1772409600000+0000)/"}
    assert natural_key("payment", first) == natural_key("payment", second)
    lines_a = [{"Description": "Consulting ", "Quantity": "3.0", "UnitAmount": "150"}]
    lines_b = [{"Description": "Consulting", "Quantity": 3, "UnitAmount": Decimal("150.00")}]
    invoice = {"Contact": CONTACT, "Date": "2026-03-02"}
    assert natural_key("invoice", {**invoice, "LineItems": lines_a}) == natural_key(
        "invoice", {**invoice, "LineItems": lines_b}
    )


def test_account_codes_stay_text_so_leading_zeros_matter():
    transfer = EXAMPLES["bank_transfer"]
    assert natural_key("bank_transfer", transfer) != natural_key(
        "bank_transfer", {**transfer, "FromBankAccount": {"Code": "90"}}
    )


def test_invoices_without_a_number_differ_by_their_lines():
    invoice = {"Contact": CONTACT, "Date": "2026-03-02"}
    one = natural_key("invoice", {**invoice, "LineItems": LINES})
    other = natural_key("invoice", {**invoice, "LineItems": [{**LINES[0], "Quantity": 4}]})
    assert one != other and one.startswith(f"contact=id:{rid(7)}|date=2026-03-02")


def test_same_bill_reference_from_two_suppliers_is_two_bills():
    bill = EXAMPLES["bill"]
    other_supplier = {**bill, "Contact": {"ContactID": rid(8)}}
    assert natural_key("bill", bill) != natural_key("bill", other_supplier)


def test_supplier_credit_note_numbers_are_per_supplier_and_sales_ones_are_not():
    note = {"Type": "ACCPAYCREDIT", "Contact": CONTACT, "CreditNoteNumber": "SCN-1"}
    assert natural_key("credit_note", note) != natural_key("credit_note", {**note, "Contact": {"ContactID": rid(8)}})
    sales = EXAMPLES["credit_note"]
    assert natural_key("credit_note", sales) == natural_key("credit_note", {**sales, "Contact": {"ContactID": rid(8)}})


def test_caller_dedupe_key_replaces_the_derived_key():
    assert natural_key("invoice", EXAMPLES["invoice"], dedupe_key=" order-5531 ") == "dedupe_key=order-5531"
    with pytest.raises(ValueError, match="dedupe_key"):
        natural_key("invoice", EXAMPLES["invoice"], dedupe_key="  ")


@pytest.mark.parametrize(
    ("kind", "body", "field"),
    [
        ("bill", {"InvoiceNumber": "SUP-1"}, "Contact"),
        ("payment", {"Amount": "10", "Date": "2026-03-02"}, "Invoice"),
        ("payment", {"Invoice": {"InvoiceID": rid(9)}, "Amount": "ten"}, "Amount"),
        ("item", {"Name": "No code"}, "Code"),
        ("bank_transfer", {"FromBankAccount": {"Code": "090"}, "Amount": "1"}, "ToBankAccount"),
        ("contact", {"EmailAddress": "x@y.test"}, "Name"),
    ],
)
def test_natural_key_names_the_missing_field(kind: RecordKind, body: dict[str, Any], field: str):
    with pytest.raises(ValueError, match=field):
        natural_key(kind, body)


def test_idempotency_key_is_deterministic_short_and_specific():
    key = natural_key("invoice", EXAMPLES["invoice"])
    first = idempotency_key(TENANT_A, "invoice", key)
    assert first == idempotency_key(TENANT_A.upper(), "invoice", key)
    assert len(first) <= IDEMPOTENCY_KEY_MAX
    assert re.fullmatch(r"xero-mcp-invoice-[0-9a-f]{64}", first)
    assert first != idempotency_key(TENANT_B, "invoice", key)
    assert first != idempotency_key(TENANT_A, "bill", key)
    assert first != idempotency_key(TENANT_A, "invoice", key + "x")
    assert len(idempotency_key(TENANT_A, cast(RecordKind, "x" * 200), key)) <= IDEMPOTENCY_KEY_MAX


def test_idempotency_key_with_the_body_changes_only_when_the_request_does():
    key = natural_key("invoice", EXAMPLES["invoice"])
    body = EXAMPLES["invoice"]
    same = {**body, "LineItems": [{**LINES[0], "UnitAmount": "150"}]}
    corrected = {**body, "LineItems": [{**LINES[0], "AccountCode": "201"}]}
    assert idempotency_key(TENANT_A, "invoice", key, body) == idempotency_key(TENANT_A, "invoice", key, same)
    assert idempotency_key(TENANT_A, "invoice", key, body) != idempotency_key(TENANT_A, "invoice", key, corrected)


@pytest.mark.parametrize(
    ("name", "plain"),
    [("Granite Peak Construction Ltd.", "granite peak construction"),
     ("  GRANITE  peak, construction ", "granite peak construction"), ("Smith & Co", "smith"),
     ("Kiwi Builders Pty Ltd", "kiwi builders"), ("Müller GmbH", "müller"), ("Ltd", "ltd")],
)  # fmt: skip
def test_contact_names_are_compared_without_case_spacing_punctuation_or_legal_suffixes(name: str, plain: str):
    assert plain_name(name) == plain


def test_a_typo_or_a_legal_suffix_is_near_and_another_company_is_not():
    existing = "Granite Peak Construction"
    assert name_similarity("Granite Peak Constructon", existing) >= 85
    assert name_similarity("Granite Peak Construction Ltd", existing) == 100
    assert name_similarity("Construction Granite Peak", existing) == 100
    assert name_similarity("Harbour Cafe", existing) < 85
    assert name_similarity("Granite Peak Quarries", existing) < 85
    assert name_similarity("Granite Peak Construction NZ", existing) < 85
    assert name_similarity("Pāua Shell Art B", "Pāua Shell Art A") < 85
    assert name_similarity("Store 12", "Store 13") < 85


class _Invoices:
    """A client collection in memory: what Xero holds, and how many creates reached it."""

    id_name = "invoice_id"

    def __init__(self) -> None:
        self.held: dict[str, Invoice] = {}
        self.writes = 0

    async def get(self, record_id: str) -> Invoice:
        if record_id not in self.held:
            raise NotFound("no such invoice", status_code=404)
        return self.held[record_id]

    async def create(self, record: InvoiceCreate, /, *, idempotency_key: str | None = None) -> Invoice:
        self.writes += 1
        made = Invoice(invoice_id=uuid.uuid4(), invoice_number=record.invoice_number, status="DRAFT")
        self.held[str(made.invoice_id)] = made
        return made


class _CrashingLedger(DedupeLedger):
    """The ledger of a process that dies between Xero's commit and the ledger write, once."""

    crash = True

    async def record(self, tenant_id: str, kind: str, natural_key: str, xero_id: str, *, now: datetime) -> LedgerEntry:
        if self.crash:
            self.crash = False
            raise RuntimeError("the process died here")
        return await super().record(tenant_id, kind, natural_key, xero_id, now=now)


@dataclass
class _Backend:
    ledger: DedupeLedger


@dataclass
class _Context:
    held: _Backend

    async def backend(self) -> _Backend:
        return self.held


def _invoice_creation(invoices: _Invoices, number: str, amount: int = 90) -> Creation[Invoice, InvoiceCreate]:
    request = InvoiceCreate(
        type="ACCREC",
        contact=ContactRef(contact_id=uuid.UUID(rid(7))),
        line_items=[LineItemInput(description="Consulting", quantity=Decimal(1), unit_amount=Decimal(amount))],
        invoice_number=number,
    )

    async def find() -> Invoice | None:
        return next((i for i in invoices.held.values() if i.invoice_number == request.invoice_number), None)

    return Creation(kind="invoice", records=invoices, request=request, find=find)


async def test_a_create_interrupted_before_the_ledger_write_is_found_again_not_made_twice(
    store_url: str, store_clock: StoreClock
) -> None:
    invoices = _Invoices()
    creation = _invoice_creation(invoices, "INV-CRASH-1")
    org = SimpleNamespace(tenant_id=TENANT_A, coordinator=InProcessCoordinator())
    clock = store_clock
    crashed_store = await open_store(store_url, clock=clock)
    restarted_store = await open_store(store_url, clock=clock)
    try:
        crashing = _Context(_Backend(_CrashingLedger(crashed_store)))
        with pytest.raises(RuntimeError, match="died"):
            await create_once(cast(Any, crashing), cast(Any, org), creation)
        # The dead process's claim outlives it until its lease runs out; then the restarted process takes it over,
        # and its finder sees what Xero committed.
        clock.now += CLAIM_LEASE.total_seconds() + 1
        restarted = _Context(_Backend(DedupeLedger(restarted_store)))
        again, duplicate = await create_once(cast(Any, restarted), cast(Any, org), creation)
        entry = await restarted.held.ledger.lookup(TENANT_A, "invoice", "invoice_number=inv-crash-1")
        assert duplicate is True and invoices.writes == 1 and len(invoices.held) == 1
        assert entry is not None and entry.xero_id == str(again.invoice_id)
        # And a third call is answered by the ledger now, without searching Xero.
        third, duplicate = await create_once(cast(Any, restarted), cast(Any, org), replace(creation, find=None))
        assert duplicate is True and third.invoice_id == again.invoice_id and invoices.writes == 1
    finally:
        await crashed_store.close()
        await restarted_store.close()


async def test_two_replicas_creating_one_key_at_once_with_different_bodies_make_one_record(store_url: str) -> None:
    # Two replicas: their own store connections and their own in-process locks, so only the ledger's claim stands
    # between them. The finder cannot help here: neither copy exists in Xero until one of them is written.
    invoices = _Invoices()
    replicas = [await open_store(store_url), await open_store(store_url)]
    try:
        calls = [
            create_once(
                cast(Any, _Context(_Backend(DedupeLedger(db, sleep=_yield)))),
                cast(Any, SimpleNamespace(tenant_id=TENANT_A, coordinator=InProcessCoordinator())),
                replace(_invoice_creation(invoices, "INV-RACE-1", amount=amount), find=None),
            )
            for db, amount in zip(replicas, (90, 95), strict=True)
        ]
        results = await asyncio.gather(*calls)
    finally:
        for db in replicas:
            await db.close()
    assert invoices.writes == 1 and len(invoices.held) == 1
    assert sorted(duplicate for _, duplicate in results) == [False, True]
    assert results[0][0].invoice_id == results[1][0].invoice_id


async def _yield(_seconds: float) -> None:
    await asyncio.sleep(0)
