"""Trigger cursors are kept per consumer: two servers on one state directory (two MCP apps on one machine), or two
named consumers of one organisation, each get every change, and a cursor always continues its own consumer.

Before cursors were per consumer, each consumer's acknowledgement advanced the other's subscription: with the
schedule below, the second server received 2 of the 20 changes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

from mcp import Client
from mcp.types import Implementation

from tests.tools._calls import fails, ok
from xero_mcp.config import Settings
from xero_mcp.local import LocalSandbox, open_backend, sandbox_settings
from xero_mcp.sandbox.app import Sandbox
from xero_mcp.server import build_server
from xero_mcp.store.store import open_local_store
from xero_mcp.tools._context import Backend


@asynccontextmanager
async def server_on(state: Path, sandbox: Sandbox, app: str) -> AsyncIterator[Client]:
    """A server process of its own on the shared state dir (its own database connection), used by the MCP app `app`."""
    settings = sandbox_settings(Settings(toolsets=("all",), state_dir=state))
    database = await open_local_store(state)

    async def factory() -> Backend:
        return await open_backend(LocalSandbox(sandbox, settings), database=database)

    server, context = build_server(settings, factory)
    try:
        async with Client(server, client_info=Implementation(name=app, version="1.0")) as client:
            yield client
    finally:
        await context.aclose()
        await database.close()


def _contact_ids(result: dict[str, Any]) -> list[str]:
    return [record["contact_id"] for record in result["created"] + result["updated"]]


async def test_two_servers_on_one_state_dir_each_deliver_all_20_changes(tools_sandbox: Sandbox, tmp_path: Path) -> None:
    state = tmp_path / "state"
    async with AsyncExitStack() as stack:
        desktop = await stack.enter_async_context(server_on(state, tools_sandbox, "claude-desktop"))
        editor = await stack.enter_async_context(server_on(state, tools_sandbox, "cursor"))
        cursors = {
            "desktop": (await ok(desktop, "poll_changes", entity="contacts"))["cursor"],
            "editor": (await ok(editor, "poll_changes", entity="contacts"))["cursor"],
        }
        delivered: dict[str, list[str]] = {"desktop": [], "editor": []}
        made: list[str] = []

        async def poll(name: str, client: Client) -> None:
            result = await ok(client, "poll_changes", entity="contacts", cursor=cursors[name])
            delivered[name] += _contact_ids(result)
            cursors[name] = result["cursor"]

        for n in range(20):
            tools_sandbox.clock.advance(60)
            made.append((await ok(desktop, "save_contact", name=f"Consumer Test {n:02d}"))["contact_id"])
            # The two apps poll on their own schedules: the desktop after every change, the editor now and then.
            await poll("desktop", desktop)
            if n % 7 == 6:
                await poll("editor", editor)
        await poll("desktop", desktop)
        await poll("editor", editor)
    assert sorted(delivered["desktop"]) == sorted(made)
    assert sorted(delivered["editor"]) == sorted(made)  # 20 of 20, each exactly once


async def test_named_consumers_on_one_server_keep_their_own_cursors(tools_sandbox: Sandbox, tmp_path: Path) -> None:
    async with server_on(tmp_path / "state", tools_sandbox, "agent") as client:
        first = await ok(client, "poll_changes", entity="contacts", consumer="invoicing-flow")
        second = await ok(client, "poll_changes", entity="contacts", consumer="crm-sync")
        tools_sandbox.clock.advance(60)
        made = (await ok(client, "save_contact", name="Named Consumer Ltd"))["contact_id"]
        for_first = await ok(client, "poll_changes", entity="contacts", cursor=first["cursor"])
        settled = await ok(client, "poll_changes", entity="contacts", cursor=for_first["cursor"])
        for_second = await ok(client, "poll_changes", entity="contacts", consumer="crm-sync", cursor=second["cursor"])
        # Naming a consumer the cursor was not issued to is refused rather than mixing two subscriptions.
        refused = await fails(client, "poll_changes", entity="contacts", consumer="crm-sync", cursor=settled["cursor"])
        # Without a cursor, a named consumer resumes from its last acknowledged poll.
        resumed = await ok(client, "poll_changes", entity="contacts", consumer="crm-sync")
    assert _contact_ids(for_first) == [made] and _contact_ids(settled) == []
    assert _contact_ids(for_second) == [made]  # the first consumer's acknowledgement did not take it away
    assert "or to another consumer than 'crm-sync'" in refused
    assert _contact_ids(resumed) == [made]  # crm-sync never acknowledged it, so it comes again
