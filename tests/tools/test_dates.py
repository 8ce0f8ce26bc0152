"""A document the caller gives no date is dated today in the organisation's own time zone, as Xero dates it."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.openapi_check import load_spec
from tests.tools._calls import ok
from tests.tools.conftest import MakeClient
from xero_mcp.sandbox.app import Sandbox
from xero_mcp.tools._timezones import XERO_TO_IANA, local_date

LINE = [{"description": "Harbour tour", "quantity": 1, "unit_amount": "80", "account": "Sales"}]


def test_every_mapped_zone_is_one_of_xeros_and_a_real_iana_zone() -> None:
    xero_zones = set(load_spec()["components"]["schemas"]["TimeZone"]["enum"])
    assert set(XERO_TO_IANA) <= xero_zones
    for name in XERO_TO_IANA.values():
        ZoneInfo(name)  # raises for a zone name that does not exist


@pytest.mark.parametrize(
    ("zone", "expected"),
    [("NEWZEALANDSTANDARDTIME", "2026-11-22"), ("PACIFICSTANDARDTIME", "2026-11-21"), ("UTC", "2026-11-21"),
     ("SOMEWHERESTANDARDTIME", "2026-11-21")],
)  # fmt: skip
def test_the_organisations_date_follows_its_time_zone(zone: str, expected: str) -> None:
    assert local_date(datetime(2026, 11, 21, 20, 0, tzinfo=UTC), zone).isoformat() == expected


async def test_an_undated_invoice_in_auckland_is_dated_on_aucklands_day(
    make_client: MakeClient, sandbox: Sandbox
) -> None:
    # 20:00 UTC on 21 November is 09:00 on 22 November in Auckland (NZDT, UTC+13).
    sandbox.clock.set(datetime(2026, 11, 21, 20, 0, tzinfo=UTC))
    auckland = "Second Street Trading"  # its Organisation.Timezone is NEWZEALANDSTANDARDTIME; the first is UTC
    async with make_client() as client:
        invoice = await ok(client, "create_invoice", contact="Kowhai Kitchens", lines=LINE, tenant=auckland)
        quote = await ok(client, "create_quote", contact="Kowhai Kitchens", lines=LINE, tenant=auckland)
        utc_invoice = await ok(client, "create_invoice", contact="Kestrel Logistics", lines=LINE)
    assert invoice["date"] == "2026-11-22"
    assert quote["date"] == "2026-11-22"
    assert utc_invoice["date"] == "2026-11-21"
