"""The organisation's own day: Xero's Organisation.Timezone names mapped to IANA zones.

Xero dates a document "today" in the organisation's time zone. A tool that fills in a missing date must do the
same, or an Auckland organisation invoicing at 9 a.m. would date the invoice yesterday (it is still the previous
day in UTC until 1 p.m. there). Xero names zones after Windows (`NEWZEALANDSTANDARDTIME`); this table maps the
zones of Xero's main markets to IANA names. An organisation in a zone not listed here gets UTC's date.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

XERO_TO_IANA: dict[str, str] = {
    # Oceania
    "NEWZEALANDSTANDARDTIME": "Pacific/Auckland",
    "CHATHAMISLANDSSTANDARDTIME": "Pacific/Chatham",
    "AUSEASTERNSTANDARDTIME": "Australia/Sydney",
    "EAUSTRALIASTANDARDTIME": "Australia/Brisbane",
    "CENAUSTRALIASTANDARDTIME": "Australia/Adelaide",
    "AUSCENTRALSTANDARDTIME": "Australia/Darwin",
    "WAUSTRALIASTANDARDTIME": "Australia/Perth",
    "TASMANIASTANDARDTIME": "Australia/Hobart",
    "LORDHOWESTANDARDTIME": "Australia/Lord_Howe",
    "NORFOLKSTANDARDTIME": "Pacific/Norfolk",
    "FIJISTANDARDTIME": "Pacific/Fiji",
    "TONGASTANDARDTIME": "Pacific/Tongatapu",
    "SAMOASTANDARDTIME": "Pacific/Apia",
    "WESTPACIFICSTANDARDTIME": "Pacific/Port_Moresby",
    "HAWAIIANSTANDARDTIME": "Pacific/Honolulu",
    # Europe and Africa
    "UTC": "UTC",
    "GMTSTANDARDTIME": "Europe/London",
    "GREENWICHSTANDARDTIME": "Atlantic/Reykjavik",
    "WEUROPESTANDARDTIME": "Europe/Berlin",
    "ROMANCESTANDARDTIME": "Europe/Paris",
    "CENTRALEUROPESTANDARDTIME": "Europe/Budapest",
    "CENTRALEUROPEANSTANDARDTIME": "Europe/Warsaw",
    "GTBSTANDARDTIME": "Europe/Bucharest",
    "FLESTANDARDTIME": "Europe/Kiev",
    "SOUTHAFRICASTANDARDTIME": "Africa/Johannesburg",
    "EGYPTSTANDARDTIME": "Africa/Cairo",
    "WCENTRALAFRICASTANDARDTIME": "Africa/Lagos",
    "EAFRICASTANDARDTIME": "Africa/Nairobi",
    # Asia
    "SINGAPORESTANDARDTIME": "Asia/Singapore",
    "CHINASTANDARDTIME": "Asia/Shanghai",
    "TOKYOSTANDARDTIME": "Asia/Tokyo",
    "KOREASTANDARDTIME": "Asia/Seoul",
    "INDIASTANDARDTIME": "Asia/Kolkata",
    "ARABIANSTANDARDTIME": "Asia/Dubai",
    "ISRAELSTANDARDTIME": "Asia/Jerusalem",
    "SEASIASTANDARDTIME": "Asia/Bangkok",
    # The Americas
    "PACIFICSTANDARDTIME": "America/Los_Angeles",
    "MOUNTAINSTANDARDTIME": "America/Denver",
    "USMOUNTAINSTANDARDTIME": "America/Phoenix",
    "CENTRALSTANDARDTIME": "America/Chicago",
    "CANADACENTRALSTANDARDTIME": "America/Regina",
    "EASTERNSTANDARDTIME": "America/New_York",
    "ATLANTICSTANDARDTIME": "America/Halifax",
    "NEWFOUNDLANDSTANDARDTIME": "America/St_Johns",
    "ALASKANSTANDARDTIME": "America/Anchorage",
}


def organisation_zone(xero_timezone: str | None) -> dt.tzinfo:
    """The IANA zone for an Organisation.Timezone value; UTC for a zone not in the table (or no zone data)."""
    name = XERO_TO_IANA.get((xero_timezone or "").upper())
    if name is None or name == "UTC":
        return dt.UTC
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:
        return dt.UTC


def local_date(now_utc: dt.datetime, xero_timezone: str | None) -> dt.date:
    """The organisation's date at the instant `now_utc` (an aware datetime)."""
    return now_utc.astimezone(organisation_zone(xero_timezone)).date()
