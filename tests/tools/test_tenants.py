"""list_tenants end to end: the connected organisations, the default marked, one picked by name or ID."""

from __future__ import annotations

from tests.tools._calls import fails, ok
from tests.tools.conftest import MakeClient


async def test_list_tenants_shows_every_connected_organisation_and_marks_the_default(
    make_client: MakeClient, tenant_names: list[str]
) -> None:
    async with make_client() as client:
        listed = await ok(client, "list_tenants")
    assert [t["name"] for t in listed["tenants"]] == tenant_names
    assert [t["default"] for t in listed["tenants"]] == [True, False]
    assert all(len(t["tenant_id"]) == 36 for t in listed["tenants"])


async def test_the_configured_tenant_is_the_default_marked(make_client: MakeClient, tenant_names: list[str]) -> None:
    async with make_client(tenant=tenant_names[1]) as client:
        listed = await ok(client, "list_tenants")
        organisation = await ok(client, "get_organisation")
    assert [t["default"] for t in listed["tenants"]] == [False, True]
    assert organisation["name"] == tenant_names[1]


async def test_list_tenants_with_a_tenant_shows_that_organisation_by_name_or_id(
    make_client: MakeClient, tenant_names: list[str]
) -> None:
    async with make_client() as client:
        by_name = await ok(client, "list_tenants", tenant=tenant_names[1].upper())
        by_id = await ok(client, "list_tenants", tenant=by_name["tenants"][0]["tenant_id"])
        other = await ok(client, "get_organisation", tenant=tenant_names[1])
    assert [t["name"] for t in by_name["tenants"]] == [tenant_names[1]]
    assert by_id == by_name
    assert other["organisation_id"] == by_name["tenants"][0]["tenant_id"]


async def test_an_unknown_tenant_lists_the_connected_organisations(
    make_client: MakeClient, tenant_names: list[str]
) -> None:
    async with make_client() as client:
        message = await fails(client, "list_tenants", tenant="Third Avenue Ltd")
        elsewhere = await fails(client, "list_accounts", tenant="Third Avenue Ltd")
    assert "tenant: No connected Xero organisation matches 'Third Avenue Ltd'" in message
    assert all(name in message for name in tenant_names)
    assert all(name in elsewhere for name in tenant_names)
