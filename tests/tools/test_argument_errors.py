"""Bad arguments get the same plain tool error as every other failure: the field and what is wrong, no noise."""

from __future__ import annotations

from tests.tools._calls import fails, ok
from tests.tools.conftest import MakeClient


async def test_a_bad_argument_names_the_field_without_pydantic_noise(make_client: MakeClient) -> None:
    async with make_client() as client:
        message = await fails(
            client, "create_document", kind="invoice", contact="Acme", lines=[{"description": "x", "quantity": "three"}]
        )
        missing = await fails(client, "get_invoice")
    assert message.startswith("Error executing tool create_document: Invalid arguments: lines.0.quantity:")
    assert "pydantic" not in message and "Arguments" not in message
    assert missing == "Error executing tool get_invoice: Invalid arguments: invoice: Field required"


async def test_an_oversized_search_is_refused_naming_the_argument_and_its_limit(make_client: MakeClient) -> None:
    async with make_client() as client:
        message = await fails(client, "list_records", kind="invoice", search="x" * 1_000_000)
    assert "search: String should have at most 500 characters" in message


async def test_get_history_with_an_empty_record_id_names_the_argument(make_client: MakeClient) -> None:
    async with make_client() as client:
        message = await fails(client, "get_history", entity="contact", record_id="")
    assert message == "Error executing tool get_history: Invalid arguments: record_id: Field required"


async def test_an_absurd_page_number_is_refused_naming_the_argument_and_its_limit(make_client: MakeClient) -> None:
    async with make_client() as client:
        message = await fails(client, "list_records", kind="invoice", page=1e34)
    assert "page: " in message and "(allowed: 1 to 100000)" in message


async def test_a_misspelt_argument_is_refused_with_the_closest_name_and_nothing_is_created(
    make_client: MakeClient,
) -> None:
    async with make_client() as client:
        before = await ok(client, "list_records", kind="invoice", statuses=["DRAFT"])
        message = await fails(
            client,
            "create_document",
            kind="invoice",
            contact="Acme Consulting Group",
            lines=[{"description": "Advice", "quantity": 1, "unit_amount": 100, "account": "200"}],
            referance="PO-1",
        )
        after = await ok(client, "list_records", kind="invoice", statuses=["DRAFT"])
    assert "unknown argument 'referance'; did you mean 'reference'?" in message
    assert len(after["items"]) == len(before["items"])


async def test_a_filter_that_names_no_real_value_is_an_error_listing_the_valid_ones(make_client: MakeClient) -> None:
    async with make_client() as client:
        message = await fails(client, "list_accounts", type="Bank Account")
    assert "type:" in message and "'BANK'" in message
