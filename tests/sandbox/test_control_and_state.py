"""The /_sandbox control routes, the store's document format, and serving over a real server."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx2
import pytest

from tests.sandbox.helpers import new_contact
from xero_mcp.sandbox.app import Sandbox, SandboxConfig, create_sandbox
from xero_mcp.sandbox.faults import FaultRule
from xero_mcp.sandbox.serve import DroppingApp
from xero_mcp.sandbox.state import SandboxState, dump_json, load_json, to_wire


def _control(sandbox: Sandbox) -> httpx2.AsyncClient:
    return httpx2.AsyncClient(transport=sandbox.transport(), base_url="http://sandbox.test/_sandbox")


async def test_reset_returns_to_the_seeded_state(sandbox: Sandbox, api: httpx2.AsyncClient) -> None:
    """Control: POST /_sandbox/reset goes back to the state the sandbox started with."""
    await new_contact(api, "Temporary Contact")
    sandbox.faults.add(FaultRule("*", "/api.xro/2.0/Items", "500"))
    async with _control(sandbox) as control:
        response = await control.post("/reset")
    assert response.json()["reset"] is True
    assert (await api.get("/Contacts", params={"where": 'Name=="Temporary Contact"'})).json()["Contacts"] == []
    assert sandbox.faults.rules() == []


async def test_seed_rebuilds_the_organisations(sandbox: Sandbox, api: httpx2.AsyncClient) -> None:
    """Control: POST /_sandbox/seed rebuilds both organisations from scratch."""
    await new_contact(api, "Before Seed")
    async with _control(sandbox) as control:
        response = await control.post("/seed")
    assert [o["name"] for o in response.json()["organisations"]] == ["Demo Company (Global)", "Second Street Trading"]
    assert (await api.get("/Contacts", params={"where": 'Name=="Before Seed"'})).json()["Contacts"] == []


async def test_clock_is_read_advanced_and_set(sandbox: Sandbox) -> None:
    """Control: GET/POST /_sandbox/clock."""
    async with _control(sandbox) as control:
        start = datetime.fromisoformat((await control.get("/clock")).json()["now"])
        advanced = await control.post("/clock", json={"advance": 3600})
        assert (datetime.fromisoformat(advanced.json()["now"]) - start).total_seconds() == 3600
        assert sandbox.clock.now() == datetime.fromisoformat(advanced.json()["now"])
        moved = await control.post("/clock", json={"set": "2027-01-01T00:00:00Z"})
        assert moved.json()["now"] == "2027-01-01T00:00:00+00:00"
        assert (await control.post("/clock", json={"sideways": 1})).status_code == 400


async def test_faults_are_added_listed_and_cleared(sandbox: Sandbox, api: httpx2.AsyncClient) -> None:
    """Control: /_sandbox/faults GET, POST {method, path, kind, count, delay, retry_after}, DELETE."""
    async with _control(sandbox) as control:
        rule = {"method": "GET", "path": "/api.xro/2.0/Items", "kind": "429", "count": 2, "retry_after": 7}
        added = await control.post("/faults", json=rule)
        assert added.json()["faults"][0]["kind"] == "429"
        limited = await api.get("/Items")
        assert (limited.status_code, limited.headers["Retry-After"]) == (429, "7")
        assert (await control.get("/faults")).json()["faults"][0]["count"] == 1
        assert (await control.delete("/faults")).json()["faults"] == []
        assert (await control.post("/faults", json={"path": "/x", "kind": "explode"})).status_code == 400
    assert (await api.get("/Items")).status_code == 200


async def test_limits_are_configured_and_stats_count_api_requests(sandbox: Sandbox, api: httpx2.AsyncClient) -> None:
    """Control: POST /_sandbox/limits changes the limits; GET /_sandbox/stats counts emulated API requests only."""
    async with _control(sandbox) as control:
        configured = await control.post("/limits", json={"enabled": True, "per_minute": 2})
        assert configured.json()["limits"]["per_minute"] == 2
        statuses = [(await api.get("/Currencies")).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        stats = (await control.get("/stats")).json()
    assert stats["requests"]["total"] == 2
    assert stats["requests"]["byRoute"] == [{"method": "GET", "route": "/Currencies", "count": 2}]


def test_documents_keep_decimal_money_exactly() -> None:
    """xero-api.md §2: money is Decimal; JSON numbers are written from it without float rounding."""
    doc = {"Total": Decimal("0.30"), "Rate": Decimal("12.5000"), "Big": Decimal("9999999999.99"), "Count": 3}
    text = dump_json(doc)
    assert text == '{"Total":0.30,"Rate":12.5000,"Big":9999999999.99,"Count":3}'
    assert load_json(text) == doc


def test_stored_dates_become_ms_json_on_the_wire() -> None:
    """xero-api.md §2: "/Date(1518685950940+0000)/" on read; other strings are left alone."""
    wire = to_wire({"Date": "2018-02-15T00:00:00", "UpdatedDateUTC": "2018-02-15T09:12:30.940", "Reference": "Date"})
    assert wire == (
        '{"Date":"/Date(1518652800000+0000)/","UpdatedDateUTC":"/Date(1518685950940+0000)/","Reference":"Date"}'
    )
    assert to_wire({"Date": "not a date"}) == '{"Date":"not a date"}'


def test_atomic_blocks_roll_back_everything_inside_them() -> None:
    """The store's savepoints: what a summarised batch relies on."""
    state = SandboxState()
    doc: dict[str, Any] = {"ContactID": "c1", "Name": "Kept", "UpdatedDateUTC": "2026-01-01T00:00:00.000"}
    with state.atomic():
        state.put("t", "Contacts", doc)
        with pytest.raises(RuntimeError), state.atomic():
            state.put("t", "Contacts", {**doc, "ContactID": "c2", "Name": "Undone"})
            raise RuntimeError
    assert [d["Name"] for d in state.all("t", "Contacts")] == ["Kept"]


def test_a_clone_is_independent_of_its_source() -> None:
    """SandboxState.clone: fixtures copy the seeded state per test."""
    state = SandboxState()
    state.put("t", "Contacts", {"ContactID": "c1", "Name": "Original", "UpdatedDateUTC": ""})
    copy = state.clone()
    copy.put("t", "Contacts", {"ContactID": "c1", "Name": "Changed", "UpdatedDateUTC": ""})
    assert state.get("t", "Contacts", "c1") == {"ContactID": "c1", "Name": "Original", "UpdatedDateUTC": ""}


def test_a_database_file_keeps_its_state_between_runs(tmp_path: Any) -> None:
    """`xero-mcp sandbox --db PATH`: state survives a restart; reset still returns to the seeded state."""
    path = str(tmp_path / "sandbox.db")
    start = datetime(2026, 3, 16, tzinfo=UTC)
    first = create_sandbox(SandboxConfig(db=path, seed=False, start=start, frozen_clock=True))
    tenant = first.tenant_ids()[0]
    first.state.put(
        tenant, "Contacts", {"ContactID": "kept", "Name": "Persisted", "ContactStatus": "ACTIVE", "UpdatedDateUTC": ""}
    )
    first.state.close()
    second = create_sandbox(SandboxConfig(db=path, seed=False, start=start, frozen_clock=True))
    assert second.state.get(tenant, "Contacts", "kept") is not None
    second.reset()
    assert second.state.get(tenant, "Contacts", "kept") is None
    second.state.close()


async def test_a_dropped_connection_over_a_real_server_closes_mid_response(
    sandbox: Sandbox, access_token: str, tenant_id: str
) -> None:
    """Faults over HTTP: the server starts a response and never finishes it (no 500 is sent)."""
    sandbox.faults.add(FaultRule("GET", "/api.xro/2.0/Items", "drop"))
    sent: list[dict[str, Any]] = []
    headers = [(b"authorization", f"Bearer {access_token}".encode()), (b"xero-tenant-id", tenant_id.encode())]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/api.xro/2.0/Items",
        "raw_path": b"/api.xro/2.0/Items",
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "server": ("127.0.0.1", 5055),
        "client": ("127.0.0.1", 50000),
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Any) -> None:
        sent.append(dict(message))

    await DroppingApp(sandbox.app)(scope, receive, send)
    assert [m["type"] for m in sent] == ["http.response.start"]
    assert (dict(sent[0]["headers"])[b"content-length"], sent[0]["status"]) == (b"1", 200)
