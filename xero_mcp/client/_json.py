"""JSON for money: numbers are read as Decimal and Decimals are written as JSON numbers, never through float.

The standard library can read numbers as Decimal but can only write a Decimal by converting it to float or to a
string. Xero expects numbers, and a float conversion could change an amount, so writing is done here by hand for the
small set of types request bodies contain.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from typing import Any, cast
from uuid import UUID


def loads(data: bytes | str) -> Any:
    """Parse JSON with every non-integer number as a Decimal."""
    return json.loads(data, parse_float=Decimal)


def dumps(value: Any) -> bytes:
    """Serialise `value` to compact UTF-8 JSON; Decimal, date, datetime, UUID and Enum values are supported."""
    parts: list[str] = []
    _write(value, parts)
    return "".join(parts).encode("utf-8")


def _write(value: Any, out: list[str]) -> None:
    if value is None or isinstance(value, bool | int | str):
        out.append(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} cannot be sent to Xero as a number")
        out.append(format(value, "f"))
    elif isinstance(value, float):
        # A float here came from parsed JSON text (a tool's arguments); its shortest repr is that text again.
        out.append(json.dumps(value, allow_nan=False))
    elif isinstance(value, Enum):
        _write(value.value, out)
    elif isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("datetimes sent to Xero must be timezone-aware")
        out.append(json.dumps(value.isoformat()))
    elif isinstance(value, dt.date):
        out.append(json.dumps(value.isoformat()))
    elif isinstance(value, UUID):
        out.append(json.dumps(str(value)))
    elif isinstance(value, Mapping):
        out.append("{")
        for index, (key, item) in enumerate(cast("Mapping[Any, Any]", value).items()):
            if not isinstance(key, str):
                raise TypeError(f"JSON object keys must be strings, not {type(key).__name__}")
            if index:
                out.append(",")
            out.append(json.dumps(key, ensure_ascii=False))
            out.append(":")
            _write(item, out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for index, item in enumerate(cast("list[Any] | tuple[Any, ...]", value)):
            if index:
                out.append(",")
            _write(item, out)
        out.append("]")
    else:
        raise TypeError(f"{type(value).__name__} cannot be serialised to JSON for Xero")
