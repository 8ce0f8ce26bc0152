"""The organisation's own day: Xero's Organisation.Timezone values mapped to IANA zones.

Xero dates a document "today" in the organisation's time zone. A tool that fills in a missing date must do the
same, or an Auckland organisation invoicing at 9 a.m. would date the invoice yesterday (it is still the previous
day in UTC until 1 p.m. there). Xero names zones after Windows, upper case with spaces, punctuation and the minus
sign dropped (`NEWZEALANDSTANDARDTIME`, `CENTRALSTANDARDTIME(MEXICO)`, `UTC02` for Windows' "UTC-02"), so the
maintained Windows-to-IANA table that tzlocal ships (from Unicode CLDR) answers every value once both spellings are
folded the same way. Zone data comes from the system or the tzdata package.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# A plain dict literal (about a millisecond to import); the folded table is built on the first date a tool fills in.
from tzlocal.windows_tz import win_tz

_RETIRED: dict[str, str] = {
    # Windows zones that CLDR no longer lists but Xero still offers; mapped to the zone each one was retired into.
    "KAMCHATKASTANDARDTIME": "Asia/Kamchatka",
    "MIDATLANTICSTANDARDTIME": "Atlantic/South_Georgia",
}


def xero_spelling(windows_name: str) -> str:
    """A Windows zone name as Xero's Timezone enum spells it: upper case, letters, digits and `+` only."""
    return re.sub(r"[^A-Z0-9+]", "", windows_name.upper())


@cache
def _table() -> dict[str, str]:
    table = {xero_spelling(name): zone for name, zone in win_tz.items()}
    table.update(_RETIRED)
    return table


def iana_name(xero_timezone: str | None) -> str | None:
    """The IANA name for an Organisation.Timezone value, or None for a value no table knows."""
    if not xero_timezone:
        return None
    return _table().get(xero_spelling(xero_timezone))


def organisation_zone(xero_timezone: str | None) -> dt.tzinfo:
    """The zone for an Organisation.Timezone value; UTC when the organisation's zone is unknown or not given."""
    name = iana_name(xero_timezone)
    if name is None:
        return dt.UTC
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:
        return dt.UTC


def local_date(now_utc: dt.datetime, xero_timezone: str | None) -> dt.date:
    """The organisation's date at the instant `now_utc` (an aware datetime)."""
    return now_utc.astimezone(organisation_zone(xero_timezone)).date()
