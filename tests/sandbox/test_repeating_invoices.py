"""Repeating invoices (xero-api.md Appendix A): templates whose schedules make draft or approved invoices as the
sandbox clock passes their dates."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx2
import pytest

from tests.conftest import SANDBOX_START, ApiFactory
from tests.sandbox.helpers import SALES_LINE, get_one, messages, put_one
from xero_mcp.sandbox.app import Sandbox

TODAY = SANDBOX_START.date()


def _template(**fields: Any) -> dict[str, Any]:
    schedule = {
        "Period": 1,
        "Unit": "MONTHLY",
        "DueDate": 20,
        "DueDateType": "DAYSAFTERBILLDATE",
        "StartDate": (TODAY + timedelta(days=1)).isoformat(),
        **fields.pop("Schedule", {}),
    }
    return {
        "Type": "ACCREC",
        "Contact": {"Name": "Subscriber"},
        "Status": "AUTHORISED",
        "Reference": "Monthly retainer",
        "LineItems": [SALES_LINE],
        "Schedule": schedule,
        **fields,
    }


def _later(sandbox: Sandbox, api_for: ApiFactory, days: int) -> httpx2.AsyncClient:
    """Move the sandbox clock on by `days`, and a client with a fresh token (the old one has expired by then)."""
    sandbox.clock.advance(timedelta(days=days).total_seconds())
    return api_for(sandbox, sandbox.tenant_ids()[0])


async def _made(api: httpx2.AsyncClient, template_id: str) -> list[dict[str, Any]]:
    found = (await api.get("/Invoices", params={"where": 'Contact.Name=="Subscriber"', "page": "1"})).json()
    made = [i for i in found["Invoices"] if i.get("RepeatingInvoiceID") == template_id]
    return sorted(made, key=lambda invoice: invoice["DateString"])


async def test_a_template_makes_an_approved_invoice_each_month_as_the_clock_passes(
    api: httpx2.AsyncClient, sandbox: Sandbox, api_for: ApiFactory
) -> None:
    template = await put_one(api, "RepeatingInvoices", _template())
    assert (template["Status"], template["Total"], template["ID"]) == (
        "AUTHORISED",
        110.0,
        template["RepeatingInvoiceID"],
    )
    assert template["Schedule"]["NextScheduledDate"] == template["Schedule"]["StartDate"]
    assert await _made(api, template["RepeatingInvoiceID"]) == []
    api = _later(sandbox, api_for, 40)
    made = await _made(api, template["RepeatingInvoiceID"])
    assert [(i["Status"], i["DateString"][:10], i["DueDateString"][:10]) for i in made] == [
        ("AUTHORISED", "2026-03-17", "2026-04-06"),
        ("AUTHORISED", "2026-04-17", "2026-05-07"),
    ]
    assert {(i["Reference"], i["Total"]) for i in made} == {("Monthly retainer", 110.0)}
    after = await get_one(api, "RepeatingInvoices", template["RepeatingInvoiceID"])
    assert after["Schedule"]["NextScheduledDate"] == "/Date(1778976000000+0000)/"  # 2026-05-17
    history = (await api.get(f"/RepeatingInvoices/{template['RepeatingInvoiceID']}/History")).json()
    assert [r["Changes"] for r in history["HistoryRecords"]] == ["Created", "Invoice Created", "Invoice Created"]


async def test_a_draft_template_makes_drafts_weekly_until_its_end_date(
    api: httpx2.AsyncClient, sandbox: Sandbox, api_for: ApiFactory
) -> None:
    end = (TODAY + timedelta(days=15)).isoformat()
    body = _template(Status="DRAFT", Schedule={"Unit": "WEEKLY", "Period": 1, "EndDate": end, "DueDate": 5})
    template = await put_one(api, "RepeatingInvoices", body)
    api = _later(sandbox, api_for, 60)
    made = await _made(api, template["RepeatingInvoiceID"])
    assert [(i["Status"], i["DateString"][:10]) for i in made] == [
        ("DRAFT", "2026-03-17"),
        ("DRAFT", "2026-03-24"),
        ("DRAFT", "2026-03-31"),
    ]
    ended = await get_one(api, "RepeatingInvoices", template["RepeatingInvoiceID"])
    assert "NextScheduledDate" not in ended["Schedule"]


async def test_approved_for_sending_marks_the_invoices_sent(
    api: httpx2.AsyncClient, sandbox: Sandbox, api_for: ApiFactory
) -> None:
    body = _template(ApprovedForSending=True, MarkAsSent=True, Schedule={"DueDateType": "OFFOLLOWINGMONTH"})
    template = await put_one(api, "RepeatingInvoices", body)
    api = _later(sandbox, api_for, 2)
    (invoice,) = await _made(api, template["RepeatingInvoiceID"])
    assert (invoice["SentToContact"], invoice["DueDateString"][:10]) == (True, "2026-04-20")


async def test_a_deleted_template_makes_nothing_and_cannot_change(
    api: httpx2.AsyncClient, sandbox: Sandbox, api_for: ApiFactory
) -> None:
    template = await put_one(api, "RepeatingInvoices", _template())
    path = f"/RepeatingInvoices/{template['RepeatingInvoiceID']}"
    deleted = await api.post(path, json={"RepeatingInvoices": [{"Status": "DELETED"}]})
    assert deleted.json()["RepeatingInvoices"][0]["Status"] == "DELETED"
    api = _later(sandbox, api_for, 40)
    assert await _made(api, template["RepeatingInvoiceID"]) == []
    again = await api.post(path, json={"Reference": "x"})
    assert messages(again) == ["A deleted repeating invoice cannot be changed."]


async def test_post_updates_by_id_and_lists_filter(api: httpx2.AsyncClient) -> None:
    template = await put_one(api, "RepeatingInvoices", _template())
    changed = await api.post(
        "/RepeatingInvoices",
        json={"RepeatingInvoices": [{"RepeatingInvoiceID": template["RepeatingInvoiceID"], "Reference": "Quarterly"}]},
    )
    assert changed.json()["RepeatingInvoices"][0]["Reference"] == "Quarterly"
    listed = (await api.get("/RepeatingInvoices", params={"where": 'Reference=="Quarterly"'})).json()
    assert [t["RepeatingInvoiceID"] for t in listed["RepeatingInvoices"]] == [template["RepeatingInvoiceID"]]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"Schedule": {"Unit": "DAILY"}}, "Schedule.Unit must be WEEKLY or MONTHLY."),
        ({"Schedule": {"Period": 0}}, "Schedule.Period must be 1 or more."),
        ({"Schedule": {"StartDate": None}}, "Schedule.StartDate is required."),
        (
            {"Status": "DRAFT", "ApprovedForSending": True},
            "ApprovedForSending can only be set on an AUTHORISED repeating invoice.",
        ),
        ({"Type": "ACCRECCREDIT"}, "Type must be ACCREC or ACCPAY."),
    ],
)
async def test_a_template_is_refused_with_xeros_rules(
    api: httpx2.AsyncClient, change: dict[str, Any], message: str
) -> None:
    body = _template(**change)
    assert messages(await api.put("/RepeatingInvoices", json=body)) == [message]


async def test_a_template_that_no_longer_makes_a_valid_invoice_waits_without_breaking_requests(
    api: httpx2.AsyncClient, sandbox: Sandbox, api_for: ApiFactory
) -> None:
    """Its account archived since, the template makes nothing and stays at its date; other requests still answer."""
    account = await put_one(api, "Accounts", {"Code": "277", "Name": "Retainers", "Type": "REVENUE"})
    line = {**SALES_LINE, "AccountCode": "277"}
    template = await put_one(api, "RepeatingInvoices", _template(LineItems=[line]))
    archived = await api.post(f"/Accounts/{account['AccountID']}", json={"Status": "ARCHIVED"})
    assert archived.status_code == 200, archived.text
    api = _later(sandbox, api_for, 40)
    assert await _made(api, template["RepeatingInvoiceID"]) == []
    waiting = await get_one(api, "RepeatingInvoices", template["RepeatingInvoiceID"])
    assert waiting["Schedule"]["NextScheduledDate"] == waiting["Schedule"]["StartDate"]
