"""A document the caller gives no date is dated today in the organisation's own time zone, as Xero dates it."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.openapi_check import load_spec
from tests.tools._calls import ok
from tests.tools.conftest import MakeClient
from xero_mcp.sandbox.app import Sandbox
from xero_mcp.tools._timezones import iana_name, local_date

LINE = [{"description": "Harbour tour", "quantity": 1, "unit_amount": "80", "account": "Sales"}]


def test_every_timezone_of_xeros_spec_maps_to_a_real_iana_zone() -> None:
    xero_zones = load_spec()["components"]["schemas"]["TimeZone"]["enum"]
    assert len(xero_zones) > 100
    unmapped = [zone for zone in xero_zones if iana_name(zone) is None]
    assert unmapped == []
    for zone in xero_zones:
        ZoneInfo(str(iana_name(zone)))  # raises for a zone name that does not exist


@pytest.mark.parametrize(
    ("zone", "expected"),
    [("NEWZEALANDSTANDARDTIME", "Pacific/Auckland"), ("CENTRALSTANDARDTIME(MEXICO)", "America/Mexico_City"),
     ("UTC02", "Etc/GMT+2"), ("UTC+12", "Etc/GMT-12"), ("KAMCHATKASTANDARDTIME", "Asia/Kamchatka"),
     ("AUSEASTERNSTANDARDTIME", "Australia/Sydney")],
)  # fmt: skip
def test_xeros_spelling_of_a_windows_zone_finds_its_iana_zone(zone: str, expected: str) -> None:
    assert iana_name(zone) == expected


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
        invoice = await ok(
            client, "create_document", kind="invoice", contact="Kowhai Kitchens", lines=LINE, tenant=auckland
        )
        quote = await ok(
            client, "create_document", kind="quote", contact="Kowhai Kitchens", lines=LINE, tenant=auckland
        )
        utc_invoice = await ok(client, "create_document", kind="invoice", contact="Kestrel Logistics", lines=LINE)
    assert invoice["date"] == "2026-11-22"
    assert quote["date"] == "2026-11-22"
    assert utc_invoice["date"] == "2026-11-21"
