"""Xero's timestamps and IDs as the sync layer stores them: epoch milliseconds and canonical UUIDs.

Xero sends `UpdatedDateUTC` as MS-JSON (`/Date(1518685950940+0000)/`, epoch milliseconds, the offset only
informational) and, on newer endpoints, `UpdatedDateUTCString` as ISO-8601. Both parse to the same aware UTC datetime.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS_JSON = re.compile(r"^/Date\((-?\d+)(?:[+-]\d{4})?\)/$")


def parse_xero_datetime(value: object) -> datetime:
    """Parse an MS-JSON or ISO-8601 Xero timestamp into an aware UTC datetime.

    ISO values without an offset are taken as UTC, as Xero's `*UTC` fields are. Raises ValueError for anything else.
    """
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if not isinstance(value, str):
        raise ValueError(f"not a Xero timestamp: {value!r}")
    text = value.strip()
    match = _MS_JSON.match(text)
    if match:
        return from_epoch_ms(int(match.group(1)))
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not a Xero timestamp: {value!r}") from None
    return parsed.astimezone(UTC) if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def parse_xero_date(value: object) -> date:
    """Parse a Xero date (`YYYY-MM-DD`, an ISO datetime or MS-JSON) or a date object into a calendar date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _MS_JSON.match(value.strip()):
        return parse_xero_datetime(value).date()
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            raise ValueError(f"not a date: {value!r}") from None
    raise ValueError(f"not a date: {value!r}")


def to_epoch_ms(moment: datetime) -> int:
    """An aware datetime as integer epoch milliseconds (Xero's own precision)."""
    require_aware(moment)
    # Integer arithmetic: float timestamps lose a millisecond now and then (1518685950.940 * 1000 < ...940).
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def from_epoch_ms(ms: int) -> datetime:
    """Integer epoch milliseconds as an aware UTC datetime."""
    return _EPOCH + timedelta(milliseconds=ms)


def require_aware(moment: datetime) -> datetime:
    """Return the datetime unchanged, or raise ValueError when it has no timezone (the project never guesses one)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("datetimes must be timezone-aware")
    return moment


def canonical_uuid(value: object, what: str = "ID") -> str:
    """A Xero ID as a lower-case canonical UUID string; ValueError naming `what` when it is not a UUID."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, str):
        try:
            return str(uuid.UUID(value.strip()))
        except ValueError:
            pass
    raise ValueError(f"{what} is not a UUID: {value!r}")


def uuid_bytes(value: object, what: str = "ID") -> bytes:
    """A Xero ID as its 16 raw bytes, the compact form the seen-set stores."""
    return uuid.UUID(canonical_uuid(value, what)).bytes
