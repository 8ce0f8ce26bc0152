"""Bad arguments get the same plain tool error as every other failure: the field and what is wrong, no noise."""

from __future__ import annotations

from tests.tools._calls import fails
from tests.tools.conftest import MakeClient


async def test_a_bad_argument_names_the_field_without_pydantic_noise(make_client: MakeClient) -> None:
    async with make_client() as client:
        message = await fails(
            client, "create_invoice", contact="Acme", lines=[{"description": "x", "quantity": "three"}]
        )
        missing = await fails(client, "get_invoice")
    assert message.startswith("Error executing tool create_invoice: Invalid arguments: lines.0.quantity:")
    assert "pydantic" not in message and "Arguments" not in message
    assert missing == "Error executing tool get_invoice: Invalid arguments: invoice: Field required"
