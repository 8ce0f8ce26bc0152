"""Xero's API rate limits, emulated (reference §4).

Per tenant: 5 calls in progress at once, 60 calls in a fixed one-minute window and 5,000 in a fixed 24-hour window;
per app: 10,000 calls in a fixed one-minute window. Each fixed window starts at the first call that falls outside
the previous one, so windows reset at different times for each tenant, as Xero's documentation says. Every
response carries the remaining counts; a refusal says which limit was hit and how long to wait. A refused request
is not counted. Limits can be switched off or scaled down for tests and demos.
"""

from __future__ import annotations

import json
import math
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timedelta
from typing import Literal

from starlette.responses import Response

from xero_mcp.sandbox.clock import SandboxClock

LimitProblem = Literal["minute", "day", "concurrent", "appminute"]

_MINUTE = timedelta(minutes=1)
_DAY = timedelta(days=1)


@dataclass
class LimitConfig:
    """The limits in force; the defaults are Xero's."""

    enabled: bool = True
    per_minute: int = 60
    per_day: int = 5000
    concurrent: int = 5
    app_per_minute: int = 10000


@dataclass
class _Window:
    length: timedelta
    start: datetime | None = None
    count: int = 0

    def roll(self, now: datetime) -> None:
        if self.start is None or now >= self.start + self.length:
            self.start = now
            self.count = 0

    def seconds_left(self, now: datetime) -> int:
        if self.start is None:
            return 0
        left = (self.start + self.length - now).total_seconds()
        return max(1, math.ceil(left))


@dataclass
class _TenantUsage:
    minute: _Window = field(default_factory=lambda: _Window(_MINUTE))
    day: _Window = field(default_factory=lambda: _Window(_DAY))
    in_flight: set[int] = field(default_factory=set[int])


class Admission:
    """The limiter's answer for one request: allowed or not, and the headers the response must carry."""

    def __init__(
        self,
        allowed: bool,
        headers: dict[str, str],
        *,
        problem: LimitProblem | None = None,
        retry_after: int | None = None,
        on_release: Callable[[], None] | None = None,
    ) -> None:
        self.allowed = allowed
        self.headers = headers
        self.problem = problem
        self.retry_after = retry_after
        self._on_release = on_release

    def release(self) -> None:
        """Free the request's concurrency slot once its response is complete. Calling it again does nothing."""
        callback, self._on_release = self._on_release, None
        if callback is not None:
            callback()


class RateLimiter:
    """Counts emulated API requests per tenant and per app against Xero's limits, on the sandbox clock."""

    def __init__(self, clock: SandboxClock, config: LimitConfig | None = None) -> None:
        self._clock = clock
        self.config = config if config is not None else LimitConfig()
        self._lock = threading.Lock()
        self._tenants: dict[str, _TenantUsage] = {}
        self._apps: dict[str, _Window] = {}
        self._next_slot = 0

    def configure(self, **changes: object) -> None:
        """Change limits in place (e.g. `configure(per_minute=5)` or `configure(enabled=False)`); counts are kept."""
        known = {f.name for f in fields(LimitConfig)}
        for key, value in changes.items():
            if key not in known:
                raise ValueError(f"unknown limit setting {key!r}; known settings: {', '.join(sorted(known))}")
            if key == "enabled":
                if not isinstance(value, bool):
                    raise ValueError("enabled must be true or false")
            elif isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{key} must be a non-negative whole number")
        with self._lock:
            self.config = replace(self.config, **changes)  # pyright: ignore[reportArgumentType]

    def reset(self) -> None:
        """Forget all counts and in-flight requests (a fresh sandbox)."""
        with self._lock:
            self._tenants = {}
            self._apps = {}

    def admit(self, tenant_id: str, app_id: str) -> Admission:
        """Count one emulated API request, or refuse it (uncounted) with Xero's 429 headers."""
        with self._lock:
            config = self.config
            if not config.enabled:
                return Admission(True, _headers(config.per_minute, config.per_day, config.app_per_minute))
            now = self._clock.now()
            usage = self._tenants.setdefault(tenant_id, _TenantUsage())
            app = self._apps.setdefault(app_id, _Window(_MINUTE))
            usage.minute.roll(now)
            usage.day.roll(now)
            app.roll(now)

            problem: LimitProblem | None = None
            retry_after = 0
            # The longest wait is reported first: it is the one a client must honour.
            if app.count >= config.app_per_minute:
                problem, retry_after = "appminute", app.seconds_left(now)
            elif usage.day.count >= config.per_day:
                problem, retry_after = "day", usage.day.seconds_left(now)
            elif usage.minute.count >= config.per_minute:
                problem, retry_after = "minute", usage.minute.seconds_left(now)
            elif len(usage.in_flight) >= config.concurrent:
                # No window to wait for: a slot frees as soon as another request finishes.
                problem, retry_after = "concurrent", 1

            if problem is not None:
                headers = _headers(
                    config.per_minute - usage.minute.count,
                    config.per_day - usage.day.count,
                    config.app_per_minute - app.count,
                )
                headers["Retry-After"] = str(retry_after)
                headers["X-Rate-Limit-Problem"] = problem
                return Admission(False, headers, problem=problem, retry_after=retry_after)

            usage.minute.count += 1
            usage.day.count += 1
            app.count += 1
            self._next_slot += 1
            slot = self._next_slot
            usage.in_flight.add(slot)
            headers = _headers(
                config.per_minute - usage.minute.count,
                config.per_day - usage.day.count,
                config.app_per_minute - app.count,
            )

        def release() -> None:
            with self._lock:
                usage.in_flight.discard(slot)

        return Admission(True, headers, on_release=release)


def _headers(minute: int, day: int, app_minute: int) -> dict[str, str]:
    return {
        "X-MinLimit-Remaining": str(max(0, minute)),
        "X-DayLimit-Remaining": str(max(0, day)),
        "X-AppMinLimit-Remaining": str(max(0, app_minute)),
    }


def refusal_response(admission: Admission) -> Response:
    """The 429 for a refused admission: its headers, and the API gateway's problem-details body."""
    body: dict[str, object] = {
        "Type": None,
        "Title": "Too Many Requests",
        "Status": 429,
        "Detail": f"Rate limit exceeded: {admission.problem}",
        "Instance": str(uuid.uuid4()),
        "Extensions": {},
    }
    return Response(json.dumps(body), status_code=429, headers=admission.headers, media_type="application/json")
