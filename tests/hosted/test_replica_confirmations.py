"""A destructive tool's preview answered by one replica is confirmed on another: the confirmation key is derived
from the shared XERO_MCP_ENCRYPTION_KEY and issued tokens are spent through the shared store, once, and only by the
person the preview was shown to."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from mcp import ClientSession

from tests.databases import ENGINES, database_url
from tests.hosted.harness import Server, bearer_session, hosted_server, sign_in
from xero_mcp.sandbox.app import Sandbox
from xero_mcp.store import generate_key

ITEM = {"Code": "REPLICA-1", "Name": "Replica widget"}


@asynccontextmanager
async def _replicas(engine: str, tmp_path: Path, sandbox: Sandbox) -> AsyncIterator[tuple[Server, Server]]:
    key = generate_key()
    async with (
        database_url(engine, tmp_path) as url,
        hosted_server(url, tmp_path / "a", sandbox, encryption_key=key) as first,
        hosted_server(url, tmp_path / "b", sandbox, encryption_key=key, public_url=first.base) as second,
    ):
        shared = sandbox.tenant_ids()[1]
        for email, name in (("alice@example.com", "Alice Adams"), ("bob@example.com", "Bob Brown")):
            body = {"email": email, "name": name, "organisations": [shared]}
            assert (await first.sandbox_control("/identity/users", body)).status_code == 201
        yield first, second


async def _call(session: ClientSession, tool: str, arguments: dict[str, Any]) -> tuple[bool, Any]:
    result = await session.call_tool(tool, arguments)
    return result.is_error, result.structured_content if not result.is_error else result.content[0].text  # type: ignore[union-attr]


@pytest.mark.parametrize("engine", ENGINES)
async def test_a_preview_on_one_replica_is_confirmed_on_another_once_and_only_by_its_person(
    engine: str, tmp_path: Path, sandbox: Sandbox
) -> None:
    async with _replicas(engine, tmp_path, sandbox) as (first, second):
        alice, bob = await sign_in(first, "alice@example.com"), await sign_in(first, "bob@example.com")
        assert alice.storage.tokens is not None and bob.storage.tokens is not None
        async with alice.session() as on_first:
            failed, created = await _call(
                on_first, "xero_write", {"method": "PUT", "path": "/Items", "body": json.dumps({"Items": [ITEM]})}
            )
            assert not failed, created
            delete = {"method": "DELETE", "path": f"/Items/{created['data']['Items'][0]['ItemID']}"}
            failed, preview = await _call(on_first, "xero_write", delete)
        assert not failed and preview["done"] is False
        confirm = {**delete, "confirm_token": preview["confirm_token"]}

        # Bob shares the organisation and sends the very same call to the other replica: the token is not his.
        async with bearer_session(second.mcp_url, bob.storage.tokens.access_token) as bobs:
            failed, message = await _call(bobs, "xero_write", confirm)
        assert failed and "issued for, to the person it was issued to" in message

        async with bearer_session(second.mcp_url, alice.storage.tokens.access_token) as on_second:
            failed, done = await _call(on_second, "xero_write", confirm)
            assert not failed and done["done"] is True
            failed, again = await _call(on_second, "xero_write", confirm)
        assert failed and "already used" in again
        async with alice.session() as on_first:
            failed, again = await _call(on_first, "xero_write", confirm)
        assert failed and "already used" in again


async def test_replicas_with_different_keys_do_not_honour_each_others_tokens(tmp_path: Path, sandbox: Sandbox) -> None:
    async with (
        database_url("sqlite", tmp_path) as url,
        hosted_server(url, tmp_path / "a", sandbox) as first,
        hosted_server(url, tmp_path / "b", sandbox, public_url=first.base) as second,
    ):
        shared = sandbox.tenant_ids()[1]
        body = {"email": "alice@example.com", "name": "Alice Adams", "organisations": [shared]}
        assert (await first.sandbox_control("/identity/users", body)).status_code == 201
        alice = await sign_in(first, "alice@example.com")
        assert alice.storage.tokens is not None
        async with alice.session() as on_first:
            failed, created = await _call(
                on_first, "xero_write", {"method": "PUT", "path": "/Items", "body": json.dumps({"Items": [ITEM]})}
            )
            delete = {"method": "DELETE", "path": f"/Items/{created['data']['Items'][0]['ItemID']}"}
            failed, preview = await _call(on_first, "xero_write", delete)
        async with bearer_session(second.mcp_url, alice.storage.tokens.access_token) as on_second:
            failed, message = await _call(
                on_second, "xero_write", {**delete, "confirm_token": preview["confirm_token"]}
            )
        assert failed and "does not match" in message
