"""Per-organisation rate limiting: stay inside Xero's limits instead of collecting 429s.

Xero allows each organisation 5 calls in progress, 60 calls a minute (a fixed window that resets at a different time
for each organisation) and a daily allowance, and reports what is left in `X-MinLimit-Remaining` and
`X-DayLimit-Remaining` on every response. The limiter combines two views of the minute limit:

- its own rolling record of when calls were sent: never more than 60 in any 60 seconds, which also keeps any fixed
  60-second window Xero uses at 60 or fewer;
- Xero's word: the remaining count from the freshest response, less the calls sent after the call that reported it.
  This catches calls made by other programs against the same organisation. When it reaches zero the limiter waits
  until the window that reported it has certainly ended (60 seconds after the report).

Pacing waits happen while holding one of the 5 concurrency slots, because the caller is about to send; retry waits
(after a 429, a 5xx or a dropped connection) happen in the request loop with no slot held.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass

logger = logging.getLogger("xero_mcp.client")

MAX_CONCURRENT = 5
MAX_PER_MINUTE = 60
WINDOW_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class LimitStatus:
    """What is known about one organisation's rate limits, as Xero last reported them.

    `minute_remaining`, `day_remaining` and `app_minute_remaining` are Xero's `X-MinLimit-Remaining`,
    `X-DayLimit-Remaining` and `X-AppMinLimit-Remaining` from the freshest response (None before the first response).
    `in_flight` is the number of calls this client has in progress for the organisation; `sent_last_minute` how many it
    sent in the last 60 seconds.
    """

    minute_remaining: int | None
    day_remaining: int | None
    app_minute_remaining: int | None
    in_flight: int
    sent_last_minute: int


def _header_int(headers: Mapping[str, str], name: str) -> int | None:
    raw = headers.get(name)
    if raw is None:
        return None
    try:
        return int(raw.strip())
    except ValueError:
        return None


class TenantLimiter:
    """Admission control for one organisation (or for the tenant-less custom connection)."""

    def __init__(
        self,
        *,
        clock: Callable[[], float],
        sleep: Callable[[float], Awaitable[None]],
        max_concurrent: int = MAX_CONCURRENT,
        max_per_minute: int = MAX_PER_MINUTE,
        window: float = WINDOW_SECONDS,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._max_per_minute = max_per_minute
        self._window = window
        self._slots = asyncio.Semaphore(max_concurrent)
        self._admission = asyncio.Lock()
        self._sent: deque[float] = deque()
        self._seq = 0
        self._in_flight = 0
        self._blocked_until = 0.0
        self._reported_seq = 0
        self._reported_at = 0.0
        self._minute_remaining: int | None = None
        self._day_seq = 0
        self._day_remaining: int | None = None
        self._app_minute_remaining: int | None = None

    @asynccontextmanager
    async def slot(self) -> AsyncGenerator[int]:
        """Hold one concurrency slot for one call, after pacing; yields the call's sequence number."""
        async with self._slots:
            seq = await self._admit()
            self._in_flight += 1
            try:
                yield seq
            finally:
                self._in_flight -= 1

    def block_until(self, when: float) -> None:
        """Hold back every call to this organisation until `when` (after Xero said to wait)."""
        self._blocked_until = max(self._blocked_until, when)

    def record(self, seq: int, headers: Mapping[str, str]) -> None:
        """Take in the limit headers of the response to call `seq` (responses may arrive out of order)."""
        minute = _header_int(headers, "x-minlimit-remaining")
        if minute is not None and seq >= self._reported_seq:
            self._reported_seq = seq
            self._reported_at = self._clock()
            self._minute_remaining = minute
        day = _header_int(headers, "x-daylimit-remaining")
        if day is not None and seq >= self._day_seq:
            self._day_seq = seq
            self._day_remaining = day
        app = _header_int(headers, "x-appminlimit-remaining")
        if app is not None:
            self._app_minute_remaining = app

    def status(self) -> LimitStatus:
        """A snapshot of the limits as last reported, plus this client's own counts."""
        self._forget_old(self._clock())
        return LimitStatus(
            minute_remaining=self._minute_remaining,
            day_remaining=self._day_remaining,
            app_minute_remaining=self._app_minute_remaining,
            in_flight=self._in_flight,
            sent_last_minute=len(self._sent),
        )

    def _forget_old(self, now: float) -> None:
        while self._sent and self._sent[0] <= now - self._window:
            self._sent.popleft()

    def _wait_needed(self, now: float) -> float:
        self._forget_old(now)
        wait = self._blocked_until - now
        if len(self._sent) >= self._max_per_minute:
            wait = max(wait, self._sent[0] + self._window - now)
        if self._minute_remaining is not None and now < self._reported_at + self._window:
            budget = self._minute_remaining - (self._seq - self._reported_seq)
            if budget <= 0:
                wait = max(wait, self._reported_at + self._window - now)
        return wait

    async def _admit(self) -> int:
        # One admission at a time, so calls leave in arrival order and each sees the previous one's send.
        async with self._admission:
            while True:
                now = self._clock()
                wait = self._wait_needed(now)
                if wait <= 0:
                    break
                logger.debug(
                    "pacing: waiting %.3gs (sent in last minute=%d, minute remaining=%s)",
                    wait,
                    len(self._sent),
                    self._minute_remaining,
                )
                await self._sleep(wait)
                if self._clock() <= now:
                    # The sleep did not move the clock (a fake sleep without its clock, or a wait too small to
                    # register): waiting again would spin forever, so go ahead.
                    now = self._clock()
                    break
            self._seq += 1
            self._sent.append(now)
            return self._seq
