"""Names with quotes and backslashes round-trip create -> find through the client against the sandbox.

Xero's `where` is System.Linq.Dynamic: a `"` inside a string literal is written doubled and a backslash is an
ordinary character. The client writes literals that way and the sandbox reads them that way, so a contact whose
name contains `\\"` or ends in `\\` is found by its exact name.
"""

from __future__ import annotations

import httpx2
import pytest

from xero_mcp.client import TenantClient, Where
from xero_mcp.client import models as m
from xero_mcp.client.pagination import quote_string

AWKWARD_NAMES = [
    'Quote\\"d Ltd',
    "Ends With A Backslash \\",
    'Plain "Quoted" Traders',
    'Both \\"Kinds\\" \\\\ Of \\',
    '"',
    "\\",
]


def test_a_where_literal_doubles_quotes_and_leaves_backslashes_alone() -> None:
    assert quote_string('Quote\\"d Ltd') == '"Quote\\""d Ltd"'
    assert quote_string("Ends \\") == '"Ends \\"'


@pytest.mark.parametrize("name", AWKWARD_NAMES)
async def test_a_name_with_quotes_and_backslashes_round_trips_create_then_find(org: TenantClient, name: str) -> None:
    created = await org.contacts.create(m.ContactCreate(name=name))
    found = await org.contacts.find_by_name(name)
    listed = await org.contacts.list(where=Where.eq("Name", name))
    assert [contact.contact_id for contact in found] == [created.contact_id]
    assert [contact.contact_id for contact in listed.items] == [created.contact_id]
    assert found[0].name == name


async def test_the_sandbox_reads_a_backslash_before_a_quote_as_the_end_of_the_literal(api: httpx2.AsyncClient) -> None:
    # `"a\"` is a complete literal in Xero's language, so the `b"` after it is a syntax error, not part of the name.
    response = await api.get("/Contacts", params={"where": 'Name=="a\\"b"'})
    assert response.status_code == 400
    assert response.json()["Type"] == "QueryParseException"
