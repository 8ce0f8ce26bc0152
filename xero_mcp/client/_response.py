"""The result of one successful call through the base request path."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class XeroResponse:
    """A successful (2xx or 304) answer from Xero.

    `data` is the parsed JSON body (numbers with a fraction as Decimal) or None when the body is empty or not JSON;
    `content` is the raw body (a PDF, say). `idempotency_key` is the key the write was sent with (None for reads) and
    `attempts` how many times it was sent.
    """

    status_code: int
    headers: Mapping[str, str]
    data: Any
    content: bytes = b""
    idempotency_key: str | None = None
    attempts: int = 1


@dataclass(frozen=True, slots=True)
class XeroCall:
    """One attempt at a Xero call, as reported to the client's `on_call` observer (metrics).

    `status` is the HTTP status as text, or the failure's name when no answer came; `path` is the path as sent (with
    IDs); `rate_problem` is X-Rate-Limit-Problem on a 429.
    """

    org: str | None
    method: str
    path: str
    status: str
    seconds: float
    rate_problem: str | None = None
