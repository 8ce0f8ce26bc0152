"""The contract every coordination engine keeps, and the values it hands back.

Xero's limits belong to an organisation and to the app, not to a process: 5 calls in progress, 60 a minute and
5,000 a day per organisation, 10,000 a minute per app (reference §4). A `Coordinator` is what a process asks before
each call so that every process sharing it stays inside those limits together, and it supplies the named locks that
must hold across the fleet (the single-flight token refresh, the create-once lock on a natural key). It knows
nothing of the Xero client: it sees organisations as opaque strings and Xero's limit headers as a plain mapping.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

WaitReason = Literal["minute", "day", "appminute", "concurrent", "retry-after", "reported"]
"""Why a call waited: its organisation's or the app's minute window, a free concurrency slot, a Retry-After, or the
remaining count Xero last reported."""

WaitObserver = Callable[[str | None, WaitReason, float], None]
"""Told (organisation, reason, seconds) whenever a call is held back; metrics count these waits."""


@dataclass(frozen=True, slots=True)
class Limits:
    """The limits to keep; the defaults are Xero's (reference §4)."""

    concurrent: int = 5
    per_minute: int = 60
    per_day: int = 5000
    app_per_minute: int = 10000
    window: float = 60.0
    day_window: float = 86400.0


@dataclass(frozen=True, slots=True)
class Ticket:
    """One admitted call. `seq` orders the organisation's calls and `app_seq` all the app's calls (fleet-wide with a
    shared engine), so an older response's limit headers never overwrite a newer one's; `holder` names its slot."""

    org: str | None
    seq: int
    app_seq: int
    holder: str


@dataclass(frozen=True, slots=True)
class LimitStatus:
    """What is known about one organisation's rate limits.

    `minute_remaining`, `day_remaining` and `app_minute_remaining` are Xero's `X-MinLimit-Remaining`,
    `X-DayLimit-Remaining` and `X-AppMinLimit-Remaining` from the freshest response this process saw (None before
    the first). `in_flight` is the number of calls this process has in progress for the organisation;
    `sent_last_minute` how many this process sent in the last minute.
    """

    minute_remaining: int | None
    day_remaining: int | None
    app_minute_remaining: int | None
    in_flight: int
    sent_last_minute: int


class CoordinationUnavailable(RuntimeError):
    """The shared coordination store cannot be reached. Calls fail closed: none is sent to Xero unaccounted."""


class BudgetExhausted(RuntimeError):
    """A budget that cannot come back soon is spent (the organisation's daily calls): waiting would not help.

    `problem` names the budget ("day"); `retry_after` is the seconds until it resets, when known.
    """

    def __init__(self, message: str, *, problem: str, retry_after: float | None) -> None:
        super().__init__(message)
        self.problem = problem
        self.retry_after = retry_after


class LockTimeout(TimeoutError):
    """A named lock stayed held by someone else for longer than the caller was willing to wait."""


def header_int(headers: Mapping[str, str], name: str) -> int | None:
    """An integer limit header (any case), or None when absent or garbled (a bad header must never stop a call)."""
    raw = headers.get(name)
    if raw is None:
        raw = next((value for key, value in headers.items() if key.lower() == name), None)
    if raw is None:
        return None
    try:
        return int(raw.strip())
    except ValueError:
        return None


@runtime_checkable
class Coordinator(Protocol):
    """Admission control and named locks shared by every process that uses the same engine."""

    def call(self, org: str | None) -> AbstractAsyncContextManager[Ticket]:
        """Hold one of the organisation's concurrency slots for one call, entered once the organisation's and the
        app's budgets allow it (waiting as needed). Raises BudgetExhausted when the daily budget is spent and
        CoordinationUnavailable when the shared store is unreachable."""
        ...

    async def report(self, ticket: Ticket, headers: Mapping[str, str]) -> None:
        """Take in the `X-*Limit-Remaining` headers of the response to `ticket`'s call."""
        ...

    async def hold_off(self, org: str | None, seconds: float, *, app_wide: bool = False) -> None:
        """Hold back every call to the organisation (or, `app_wide`, every call of the app) for `seconds`, after
        Xero answered 429 with that Retry-After."""
        ...

    def lock(self, name: str, *, ttl: float = 60.0, wait: float | None = None) -> AbstractAsyncContextManager[None]:
        """Hold the named lock. `ttl` bounds how long a holder that died keeps it; `wait` (None: no bound) how long
        to wait for it before LockTimeout."""
        ...

    def status(self, org: str | None) -> LimitStatus:
        """A snapshot of the organisation's limits as this process last saw them."""
        ...

    async def ping(self) -> None:
        """Return when the engine can coordinate; raise CoordinationUnavailable otherwise (readiness checks)."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...

    def describe(self) -> str:
        """Which engine this is, in words (never a password)."""
        ...
