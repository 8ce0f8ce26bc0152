"""A misspelt contact never passes for a new one, through any tool: every tool that resolves a contact by name offers
the existing contact as a candidate and changes nothing.

The cases are read from the inventory, so a new tool is covered the day it is added: every tool with a `contact`
argument (the vocabulary's customer or supplier), for each `kind` it takes; every tool that takes a new contact's
details (`name` and `contact_number`) without requiring an existing contact, that is, one that creates contacts; and
every tool that names a record of `entity` "contact" by `record_id`. A required argument the table below has no
example for fails the case by name, rather than leaving the tool out.
"""

from __future__ import annotations

import base64
from typing import Any, Literal, get_args, get_origin

import pytest
from mcp import Client
from mcp.types import TextContent

from tests.tools._calls import fails, ok
from tests.tools.conftest import MakeClient
from xero_mcp.tools._inventory import all_tools
from xero_mcp.tools._register import tool_arguments

EXISTING = "Granite Peak Construction"
MISSPELT = (
    "Granite Peak Constructon",
    "granite peak construction limited",
    "  Granite-Peak   Construction, Ltd. ",
)
LINES = [{"description": "Site visit", "quantity": 1, "unit_amount": "120", "account": "Sales"}]
ADJUSTED: dict[str, dict[str, Any]] = {
    "bank_account": {"bank_account": "090"},
    "lines[0].account": {"lines": [{"description": "Site visit", "quantity": 1, "unit_amount": "120"}]},
}
"""What some kinds need other than the examples (a bank account, as the seeded organisation has several; lines
without an account, for prepayments and overpayments), by the argument a call's error names first."""

Role = Literal["contact", "new contact", "record"]


def _choices(annotation: Any) -> list[str]:
    """The values of a Literal argument (the kinds a consolidated tool takes)."""
    while get_origin(annotation) is not Literal and get_args(annotation):
        annotation = next(arg for arg in get_args(annotation) if arg is not type(None))
    return [str(value) for value in get_args(annotation)]


def _cases() -> list[Any]:
    cases: list[Any] = []
    for spec in all_tools():
        fields = tool_arguments(spec).model_fields
        kinds: list[str | None] = [*_choices(fields["kind"].annotation)] if "kind" in fields else [None]
        roles: list[Role] = []
        if "contact" in fields:
            roles.append("contact")
        if {"name", "contact_number"} <= set(fields) and not ("contact" in fields and fields["contact"].is_required()):
            roles.append("new contact")
        if "record_id" in fields and "entity" in fields and "contact" in _choices(fields["entity"].annotation):
            roles.append("record")
        for role in roles:
            for kind in kinds if role == "contact" else [None]:
                label = f"{spec.name}-{kind}-{role}" if kind else f"{spec.name}-{role}"
                cases.append(pytest.param(spec.name, kind, role, id=label))
    return cases


CASES = _cases()


async def _first(client: Client, path: str, collection: str, where: str, field: str) -> str:
    data = (await ok(client, "xero_get", path=path, query={"where": where}))["data"]
    records = data[collection]
    assert records, f"the seeded sandbox has no {collection} where {where}"
    return str(records[0][field])


async def _documents(client: Client) -> dict[str, str]:
    """An editable record of each kind the update tools name, from the seeded sandbox."""
    invoice = await _first(client, "/Invoices", "Invoices", 'Status=="DRAFT" AND Type=="ACCREC"', "InvoiceID")
    # A bill by its supplier's reference, the form in which a contact narrows it down.
    bill = await _first(client, "/Invoices", "Invoices", 'Status=="DRAFT" AND Type=="ACCPAY"', "InvoiceNumber")
    quote = await _first(client, "/Quotes", "Quotes", 'Status=="DRAFT"', "QuoteID")
    credit_note = await _first(client, "/CreditNotes", "CreditNotes", 'Status=="DRAFT"', "CreditNoteID")
    transaction = await _first(
        client, "/BankTransactions", "BankTransactions", 'Status=="AUTHORISED"', "BankTransactionID"
    )
    return {
        "invoice": invoice,
        "bill": bill,
        "quote": quote,
        "credit_note": credit_note,
        "bank_transaction": transaction,
    }


def _arguments(name: str, kind: str | None, role: Role, wanted: str, documents: dict[str, str]) -> dict[str, Any]:
    """The call: the misspelt name in its place, and an example for every other required argument."""
    examples: dict[str, Any] = {
        "lines": LINES,
        "type": "SPEND",
        "report": "AgedReceivablesByContact",
        "entity": "contact",
        "note": "Called about the site visit",
        # a repeating invoice's schedule
        "every": 1,
        "unit": "MONTHLY",
        "start_date": "2026-12-01",
        "due_days": 20,
        "due_type": "DAYSAFTERINVOICEDATE",
        # a contact's attachment
        "file": "scan.pdf",
        "file_name": "scan.pdf",
        **documents,
    }
    if kind is not None:
        examples["kind"] = kind
        examples["document"] = documents.get(kind, "")
    arguments: dict[str, Any] = {}
    spec = next(spec for spec in all_tools() if spec.name == name)
    fields = tool_arguments(spec).model_fields
    for field, info in fields.items():
        if info.is_required() and field not in ("contact", "name", "record_id"):
            assert field in examples, f"{name}: add an example value for its required argument {field!r}"
            arguments[field] = examples[field]
    arguments[{"contact": "contact", "new contact": "name", "record": "record_id"}[role]] = wanted
    if "content_base64" in fields:
        arguments["content_base64"] = base64.b64encode(b"%PDF-1.4").decode()  # an upload needs a file to send
    if role == "contact" and "phone" in fields:
        arguments["phone"] = "+64 9 555 0101"  # a change for a tool that edits the contact it names
    return arguments


async def _granite_contacts(client: Client) -> list[str]:
    listed = await ok(client, "list_records", kind="contact", search="Granite")
    return sorted(item["name"] for item in listed["items"])


async def _call(client: Client, name: str, arguments: dict[str, Any]) -> tuple[bool, str]:
    """(is_error, text) of the call, adjusted as ADJUSTED says, once each, when the error names that argument."""
    tried: set[str] = set()
    while True:
        result = await client.call_tool(name, arguments)
        text = " ".join(part.text for part in result.content if isinstance(part, TextContent))
        named = [arg for arg in ADJUSTED if arg not in tried and f"{name}: {arg}: " in text]
        if not result.is_error or not named:
            return result.is_error, text
        tried.add(named[0])
        arguments = {**arguments, **ADJUSTED[named[0]]}


@pytest.mark.parametrize(("name", "kind", "role"), CASES)
async def test_a_misspelt_contact_is_offered_the_existing_one_and_nothing_is_written(
    make_client: MakeClient, name: str, kind: str | None, role: Role
) -> None:
    answers: list[tuple[str, bool, str]] = []
    async with make_client() as client:
        documents = await _documents(client)
        for wanted in MISSPELT:
            failed, text = await _call(client, name, _arguments(name, kind, role, wanted, documents))
            answers.append((wanted, failed, text))
            if kind is not None and "contact: a " in text and "does not take" in text:
                break
        after = await _granite_contacts(client)
    for wanted, failed, text in answers:
        if kind is not None and "contact: a " in text and "does not take" in text:
            pytest.skip(f"a {kind} takes no contact: {text}")
        assert failed, f"{name} {wanted!r}: {text}"
        assert f"{EXISTING} (ID " in text, f"{name} {wanted!r}: {text}"
    assert after == [EXISTING]


def test_the_cases_cover_every_way_of_naming_a_contact() -> None:
    covered = {(name, role) for name, _, role in (case.values for case in CASES)}
    assert ("create_document", "contact") in covered
    assert ("list_records", "contact") in covered
    assert ("find_or_create_contact", "new contact") in covered
    assert ("save_contact", "new contact") in covered and ("save_contact", "contact") in covered


async def test_a_name_differing_only_in_case_and_spacing_is_the_existing_contact(make_client: MakeClient) -> None:
    async with make_client() as client:
        found = await ok(client, "find_or_create_contact", name="  granite   PEAK construction ")
        saved = await ok(client, "save_contact", name="GRANITE PEAK  CONSTRUCTION")
        after = await _granite_contacts(client)
    assert found["created"] is False and found["matched_by"] == "name"
    assert saved["duplicate"] is True and saved["contact_id"] == found["contact_id"]
    assert after == [EXISTING]


async def test_a_dedupe_key_does_not_skip_the_near_name_check(make_client: MakeClient) -> None:
    async with make_client() as client:
        keyed = await fails(client, "save_contact", name="Granite Peak Constructon", dedupe_key="crm-4411")
        exact = await ok(client, "save_contact", name="Granite Peak Construction", dedupe_key="crm-4412")
        after = await _granite_contacts(client)
    assert f"these are close: {EXISTING} (ID " in keyed and "Nothing was created" in keyed
    assert exact["duplicate"] is True and exact["name"] == EXISTING
    assert after == [EXISTING]


def _is_new(result: dict[str, Any]) -> bool:
    """Whether a creating tool made a new contact: find-or-create says `created`, the others `duplicate`."""
    return bool(result["created"]) if "created" in result else not result["duplicate"]


CREATING = sorted({case.values[0] for case in CASES if case.values[2] == "new contact"})


@pytest.mark.parametrize("tool", CREATING)
async def test_creating_beside_a_near_name_takes_an_explicit_choice(make_client: MakeClient, tool: str) -> None:
    async with make_client() as client:
        refused = await fails(client, tool, name="Granite Peak Constructors")
        made = await ok(client, tool, name="Granite Peak Constructors", create_anyway=True)
        again = await ok(client, tool, name="granite peak constructors")
        suffixed = await fails(client, tool, name="Granite Peak Constructors Ltd")
        after = await _granite_contacts(client)
    assert f"{EXISTING} (ID " in refused and "Nothing was created" in refused
    assert _is_new(made) is True and _is_new(again) is False
    assert again["contact_id"] == made["contact_id"]
    # The ledger answers only for the same name: a suffix more is a near name, offered with the others.
    assert "Granite Peak Constructors (ID " in suffixed and f"{EXISTING} (ID " in suffixed
    assert after == [EXISTING, "Granite Peak Constructors"]
