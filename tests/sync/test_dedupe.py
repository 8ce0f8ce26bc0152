"""Natural keys, idempotency keys, the ledger, the contact matcher and the per-key locks."""

from __future__ import annotations

import asyncio
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.sync.fakes import START, TENANT_A, TENANT_B, rid
from xero_mcp.sync.dedupe import (
    IDEMPOTENCY_KEY_MAX,
    NATURAL_KEYS,
    DedupeLedger,
    KeyedLocks,
    contact_where,
    idempotency_key,
    match_contact,
    natural_key,
    quote_where_string,
)

LINES = [{"Description": "Consulting", "Quantity": 3, "UnitAmount": Decimal("150.00"), "AccountCode": "200"}]
CONTACT = {"ContactID": rid(7)}


@pytest.fixture
def ledger(tmp_path: Path):
    opened = DedupeLedger.open(tmp_path)
    yield opened
    opened.close()


EXAMPLES: dict[str, dict[str, Any]] = {
    "create_contact": {"Name": "Acme Ltd", "EmailAddress": "ap@acme.test"},
    "create_invoice": {"Type": "ACCREC", "Contact": CONTACT, "InvoiceNumber": "INV-0042", "LineItems": LINES},
    "create_bill": {"Type": "ACCPAY", "Contact": CONTACT, "InvoiceNumber": "SUP-981", "LineItems": LINES},
    "create_quote": {"Contact": CONTACT, "Date": "2026-03-02", "LineItems": LINES},
    "create_credit_note": {"Type": "ACCRECCREDIT", "Contact": CONTACT, "CreditNoteNumber": "CN-7", "LineItems": LINES},
    "create_payment": {
        "Invoice": {"InvoiceID": rid(9)},
        "Account": {"Code": "090"},
        "Amount": Decimal("450.00"),
        "Date": "2026-03-02",
    },
    "create_bank_transaction": {
        "Type": "SPEND",
        "BankAccount": {"Code": "090"},
        "Contact": CONTACT,
        "Date": "2026-03-02",
        "LineItems": LINES,
    },
    "create_bank_transfer": {
        "FromBankAccount": {"Code": "090"},
        "ToBankAccount": {"Code": "091"},
        "Amount": "500",
        "Date": "2026-03-02",
    },
    "create_purchase_order": {"Contact": CONTACT, "PurchaseOrderNumber": "PO-12", "LineItems": LINES},
    "create_item": {"Code": "CONSULT-HR", "Name": "Consulting hour"},
    "create_manual_journal": {
        "Narration": "Accrual",
        "Date": "2026-03-31",
        "JournalLines": [{"LineAmount": "100", "AccountCode": "400"}, {"LineAmount": "-100", "AccountCode": "800"}],
    },
}


def test_every_create_tool_has_a_natural_key_and_a_description_of_it():
    assert set(EXAMPLES) == set(NATURAL_KEYS)
    keys = {tool: natural_key(tool, body) for tool, body in EXAMPLES.items()}
    assert all(keys.values())
    assert len(set(keys.values())) == len(keys)


@pytest.mark.parametrize(
    ("tool", "body", "expected"),
    [
        ("create_invoice", EXAMPLES["create_invoice"], "invoice_number=inv-0042"),
        ("create_bill", EXAMPLES["create_bill"], f"supplier=id:{rid(7)}|reference=sup-981"),
        ("create_contact", {"Name": "  Acme Ltd "}, "name=acme ltd"),
        ("create_contact", {"Name": "Acme", "ContactNumber": "C-1"}, "contact_number=c-1"),
        ("create_item", {"Code": "consult-hr"}, "code=consult-hr"),
        (
            "create_payment",
            EXAMPLES["create_payment"],
            f"invoice=id:{rid(9)}|amount=450|date=2026-03-02",
        ),
    ],
)
def test_natural_key_follows_the_documented_rule(tool: str, body: dict[str, Any], expected: str):
    assert natural_key(tool, body) == expected


def test_natural_key_ignores_case_spacing_and_amount_formatting():
    first = {"Invoice": {"InvoiceID": rid(9).upper()}, "Amount": "450.00", "Date": "2026-03-02T00:00:00"}
    second = {"Invoice": {"InvoiceID": rid(9)}, "Amount": Decimal("450"), "Date": "/Date(1772409600000+0000)/"}
    assert natural_key("create_payment", first) == natural_key("create_payment", second)
    lines_a = [{"Description": "Consulting ", "Quantity": "3.0", "UnitAmount": "150"}]
    lines_b = [{"Description": "Consulting", "Quantity": 3, "UnitAmount": Decimal("150.00")}]
    invoice = {"Contact": CONTACT, "Date": "2026-03-02"}
    assert natural_key("create_invoice", {**invoice, "LineItems": lines_a}) == natural_key(
        "create_invoice", {**invoice, "LineItems": lines_b}
    )


def test_account_codes_stay_text_so_leading_zeros_matter():
    transfer = EXAMPLES["create_bank_transfer"]
    assert natural_key("create_bank_transfer", transfer) != natural_key(
        "create_bank_transfer", {**transfer, "FromBankAccount": {"Code": "90"}}
    )


def test_invoices_without_a_number_differ_by_their_lines():
    invoice = {"Contact": CONTACT, "Date": "2026-03-02"}
    one = natural_key("create_invoice", {**invoice, "LineItems": LINES})
    other = natural_key("create_invoice", {**invoice, "LineItems": [{**LINES[0], "Quantity": 4}]})
    assert one != other and one.startswith(f"contact=id:{rid(7)}|date=2026-03-02")


def test_same_bill_reference_from_two_suppliers_is_two_bills():
    bill = EXAMPLES["create_bill"]
    other_supplier = {**bill, "Contact": {"ContactID": rid(8)}}
    assert natural_key("create_bill", bill) != natural_key("create_bill", other_supplier)


def test_supplier_credit_note_numbers_are_per_supplier_and_sales_ones_are_not():
    note = {"Type": "ACCPAYCREDIT", "Contact": CONTACT, "CreditNoteNumber": "SCN-1"}
    assert natural_key("create_credit_note", note) != natural_key(
        "create_credit_note", {**note, "Contact": {"ContactID": rid(8)}}
    )
    sales = EXAMPLES["create_credit_note"]
    assert natural_key("create_credit_note", sales) == natural_key(
        "create_credit_note", {**sales, "Contact": {"ContactID": rid(8)}}
    )


def test_caller_dedupe_key_replaces_the_derived_key():
    assert (
        natural_key("create_invoice", EXAMPLES["create_invoice"], dedupe_key=" order-5531 ") == "dedupe_key=order-5531"
    )
    with pytest.raises(ValueError, match="dedupe_key"):
        natural_key("create_invoice", EXAMPLES["create_invoice"], dedupe_key="  ")


@pytest.mark.parametrize(
    ("tool", "body", "field"),
    [
        ("create_bill", {"InvoiceNumber": "SUP-1"}, "Contact"),
        ("create_payment", {"Amount": "10", "Date": "2026-03-02"}, "Invoice"),
        ("create_payment", {"Invoice": {"InvoiceID": rid(9)}, "Amount": "ten"}, "Amount"),
        ("create_item", {"Name": "No code"}, "Code"),
        ("create_bank_transfer", {"FromBankAccount": {"Code": "090"}, "Amount": "1"}, "ToBankAccount"),
        ("create_contact", {"EmailAddress": "x@y.test"}, "Name"),
    ],
)
def test_natural_key_names_the_missing_field(tool: str, body: dict[str, Any], field: str):
    with pytest.raises(ValueError, match=field):
        natural_key(tool, body)


def test_natural_key_rejects_tools_that_do_not_create():
    with pytest.raises(ValueError, match="not a create tool"):
        natural_key("update_invoice", {})


def test_idempotency_key_is_deterministic_short_and_specific():
    key = natural_key("create_invoice", EXAMPLES["create_invoice"])
    first = idempotency_key(TENANT_A, "create_invoice", key)
    assert first == idempotency_key(TENANT_A.upper(), "create_invoice", key)
    assert len(first) <= IDEMPOTENCY_KEY_MAX
    assert re.fullmatch(r"xero-mcp-create_invoice-[0-9a-f]{64}", first)
    assert first != idempotency_key(TENANT_B, "create_invoice", key)
    assert first != idempotency_key(TENANT_A, "create_bill", key)
    assert first != idempotency_key(TENANT_A, "create_invoice", key + "x")
    assert len(idempotency_key(TENANT_A, "create_" + "x" * 200, key)) <= IDEMPOTENCY_KEY_MAX


def test_idempotency_key_with_the_body_changes_only_when_the_request_does():
    key = natural_key("create_invoice", EXAMPLES["create_invoice"])
    body = EXAMPLES["create_invoice"]
    same = {**body, "LineItems": [{**LINES[0], "UnitAmount": "150"}]}
    corrected = {**body, "LineItems": [{**LINES[0], "AccountCode": "201"}]}
    assert idempotency_key(TENANT_A, "create_invoice", key, body) == idempotency_key(
        TENANT_A, "create_invoice", key, same
    )
    assert idempotency_key(TENANT_A, "create_invoice", key, body) != idempotency_key(
        TENANT_A, "create_invoice", key, corrected
    )


def test_ledger_finds_what_was_recorded_per_organisation_and_tool(ledger: DedupeLedger):
    assert ledger.lookup(TENANT_A, "create_invoice", "invoice_number=inv-1") is None
    entry = ledger.record(TENANT_A, "create_invoice", "invoice_number=inv-1", rid(1).upper(), now=START)
    found = ledger.lookup(TENANT_A, "create_invoice", "invoice_number=inv-1")
    assert found == entry and found.xero_id == rid(1) and found.recorded_at == START
    assert ledger.lookup(TENANT_B, "create_invoice", "invoice_number=inv-1") is None
    assert ledger.lookup(TENANT_A, "create_quote", "invoice_number=inv-1") is None


def test_ledger_replaces_and_forgets_entries_and_survives_reopening(tmp_path: Path):
    first = DedupeLedger.open(tmp_path)
    first.record(TENANT_A, "create_item", "code=a", rid(1), now=START)
    first.record(TENANT_A, "create_item", "code=a", rid(2), now=START)
    first.record(TENANT_A, "create_item", "code=b", rid(3), now=START)
    first.close()
    reopened = DedupeLedger.open(tmp_path)
    try:
        entry = reopened.lookup(TENANT_A, "create_item", "code=a")
        assert entry is not None and entry.xero_id == rid(2)
        assert reopened.forget(TENANT_A, "create_item", "code=b")
        assert not reopened.forget(TENANT_A, "create_item", "code=b")
        assert reopened.lookup(TENANT_A, "create_item", "code=b") is None
    finally:
        reopened.close()


def test_ledger_refuses_ids_that_are_not_uuids(ledger: DedupeLedger):
    with pytest.raises(ValueError, match="xero_id"):
        ledger.record(TENANT_A, "create_item", "code=a", "INV-0001", now=START)


def test_contact_where_is_one_or_expression_with_quoted_values():
    assert (
        contact_where(contact_number=" C-1 ", email="ap@acme.test", name="Acme Ltd")
        == 'ContactNumber=="C-1" OR EmailAddress=="ap@acme.test" OR Name=="Acme Ltd"'
    )
    assert contact_where(name='Bob "The Builder" \\ Sons') == 'Name=="Bob ""The Builder"" \\ Sons"'
    assert contact_where(email="x@y.test", name="  ") == 'EmailAddress=="x@y.test"'
    with pytest.raises(ValueError, match="at least one"):
        contact_where(name=" ")


def test_quoted_where_string_cannot_close_its_quotes_early():
    quoted = quote_where_string('a" OR Name=="b')
    assert quoted == '"a"" OR Name==""b"'
    assert re.fullmatch(r'"(?:[^"]|"")*"', quoted)


CANDIDATES = [
    {"ContactID": rid(1), "Name": "Acme Ltd", "EmailAddress": "other@acme.test", "ContactStatus": "ACTIVE"},
    {"ContactID": rid(2), "Name": "Acme Trading", "EmailAddress": "AP@Acme.test", "ContactStatus": "ACTIVE"},
    {"ContactID": rid(3), "Name": "Acme Group", "ContactNumber": "C-1", "ContactStatus": "ACTIVE"},
]


def test_contact_number_beats_email_and_email_beats_name():
    both = match_contact(CANDIDATES, contact_number="C-1", email="ap@acme.test", name="Acme Ltd")
    assert both is not None and (both.contact["ContactID"], both.rule) == (rid(3), "contact_number")
    by_email = match_contact(CANDIDATES, contact_number="C-9", email=" ap@acme.TEST ", name="Acme Ltd")
    assert by_email is not None and (by_email.contact["ContactID"], by_email.rule) == (rid(2), "email")
    by_name = match_contact(CANDIDATES, email="nobody@acme.test", name="  acme LTD ")
    assert by_name is not None and (by_name.contact["ContactID"], by_name.rule) == (rid(1), "name")


def test_no_match_when_nothing_is_equal_and_names_must_match_exactly():
    assert match_contact(CANDIDATES, name="Acme") is None
    assert match_contact([], name="Acme Ltd") is None


def test_active_contact_is_preferred_among_equal_matches():
    archived = {"ContactID": rid(4), "Name": "Acme Ltd", "ContactStatus": "ARCHIVED"}
    match = match_contact([archived, CANDIDATES[0]], name="Acme Ltd")
    assert match is not None and match.contact["ContactID"] == rid(1) and match.others == 1


async def test_concurrent_find_or_create_for_the_same_contact_creates_one():
    locks = KeyedLocks()
    directory: list[dict[str, Any]] = []
    created: list[str] = []

    async def find_or_create(name: str) -> str:
        async with locks.hold(TENANT_A, natural_key("create_contact", {"Name": name})):
            match = match_contact(list(directory), name=name)
            if match is not None:
                return str(match.contact["ContactID"])
            await asyncio.sleep(0)  # the create's network round trip, where a second caller would slip in
            contact_id = rid(100 + len(directory))
            directory.append({"ContactID": contact_id, "Name": name.strip()})
            created.append(contact_id)
            return contact_id

    results = await asyncio.gather(*(find_or_create(name) for name in ["Acme Ltd", " acme ltd", "ACME LTD"] * 5))
    assert len(created) == 1 and set(results) == {created[0]}
    assert len(locks) == 0


async def test_locks_for_different_keys_or_organisations_do_not_block_each_other():
    locks = KeyedLocks()
    async with locks.hold(TENANT_A, "name=acme"):
        async with asyncio.timeout(1):
            async with locks.hold(TENANT_A, "name=globex"), locks.hold(TENANT_B, "name=acme"):
                assert len(locks) == 3
    assert len(locks) == 0
