"""The sandbox's one source of time.

Every time-dependent rule of the emulator (token lifetimes, rate-limit windows, idempotency replay, UpdatedDateUTC)
asks this clock, so tests can jump over a 30-minute token lifetime or a 24-hour rate-limit window without waiting.
A running clock follows real time plus an offset (so a served sandbox behaves naturally), optionally `rate` times
faster (so a served sandbox's minute windows and token lifetimes pass in seconds, for demos and process-level tests);
a frozen one moves only when told to.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


def _aware_utc(when: datetime) -> datetime:
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError("the sandbox clock needs a timezone-aware datetime")
    return when.astimezone(UTC)


class SandboxClock:
    """Aware UTC time for the sandbox: real time plus an offset, or frozen and moved only by advance/set."""

    def __init__(self, start: datetime | None = None, *, frozen: bool = False, rate: float = 1.0) -> None:
        if rate <= 0:
            raise ValueError("the clock rate must be positive")
        self._lock = threading.Lock()
        self._frozen = frozen
        self._rate = rate
        real = datetime.now(UTC)
        begin = real if start is None else _aware_utc(start)
        self._fixed = begin
        # A running clock reads `_anchor + (real now - _real_anchor) * rate`.
        self._anchor = begin
        self._real_anchor = real

    @property
    def frozen(self) -> bool:
        """Whether the clock stands still between explicit moves."""
        return self._frozen

    def now(self) -> datetime:
        """The current sandbox time, timezone-aware UTC."""
        with self._lock:
            if self._frozen:
                return self._fixed
            return self._anchor + (datetime.now(UTC) - self._real_anchor) * self._rate

    def advance(self, seconds: float) -> None:
        """Move the clock forward (or back, for negative seconds) by `seconds`."""
        step = timedelta(seconds=seconds)
        with self._lock:
            if self._frozen:
                self._fixed += step
            else:
                self._anchor += step

    def set(self, when: datetime) -> None:
        """Jump to `when` (timezone-aware); a running clock keeps running from there."""
        target = _aware_utc(when)
        with self._lock:
            if self._frozen:
                self._fixed = target
            else:
                self._anchor, self._real_anchor = target, datetime.now(UTC)
