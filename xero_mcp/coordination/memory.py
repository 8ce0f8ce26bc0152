"""The in-process engine: one process keeps Xero's limits by itself (the default when no Redis is configured).

For each organisation it combines two views of the minute limit:

- its own rolling record of when calls were sent: never more than 60 in any 60 seconds, which also keeps any fixed
  60-second window Xero uses at 60 or fewer;
- Xero's word: the remaining count from the freshest response, less the calls sent after the call that reported it
  and less the earlier calls still in flight when it reported (they may reach Xero after it). This catches calls
  made by other programs against the same organisation. When it reaches zero the engine waits
  until the window that reported it has certainly ended (60 seconds after the report).

The app's minute limit is kept the same way across all organisations, and the daily budget by a 24-hour window
opened by the first call (as Xero's is). Pacing waits happen while holding one of the organisation's concurrency
slots, because the caller is about to send; calls to one organisation are admitted in arrival order.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from xero_mcp.coordination._interface import (
    BudgetExhausted,
    Limits,
    LimitStatus,
    LockTimeout,
    Ticket,
    WaitObserver,
    WaitReason,
    header_int,
)

logger = logging.getLogger("xero_mcp.coordination")

LOCK_POLL = 0.05


@dataclass
class _Window:
    """Calls in the last `window` seconds (by sequence number), and Xero's last report of what is left.

    A call is timed by when it was sent until its answer comes, then by when the answer came: it reached Xero at or
    before that, so a window measured on answers never closes before Xero's fixed window that counted it.
    """

    sent: dict[int, float] = field(default_factory=dict[int, float])
    seq: int = 0
    blocked_until: float = 0.0
    reported_seq: int = 0
    reported_at: float = 0.0
    remaining: int | None = None
    # Calls sent before the reporting one but not answered when it reported: Xero may count them after it.
    reported_pending: int = 0
    # Whether Xero counted more calls than this window holds: other programs share the limit, so Xero's word binds.
    foreign: bool = False
    in_flight: set[int] = field(default_factory=set[int])

    def forget_old(self, now: float, window: float) -> None:
        for seq in [seq for seq, when in self.sent.items() if when <= now - window]:
            del self.sent[seq]

    def wait(self, now: float, window: float, limit: int) -> tuple[float, WaitReason | None]:
        self.forget_old(now, window)
        wait, reason = 0.0, None
        if self.blocked_until - now > wait:
            wait, reason = self.blocked_until - now, "retry-after"
        if len(self.sent) >= limit:
            oldest = min(self.sent.values())
            if oldest + window - now > wait:
                wait, reason = oldest + window - now, "minute"
        if self.remaining is not None and self.foreign and now < self.reported_at + window:
            budget = self.remaining - (self.seq - self.reported_seq) - self.reported_pending
            if budget <= 0 and self.reported_at + window - now > wait:
                wait, reason = self.reported_at + window - now, "reported"
        return wait, reason

    def take(self, seq: int, now: float, remaining: int | None, limit: int) -> None:
        if seq in self.sent:
            self.sent[seq] = now
        if remaining is not None and seq >= self.reported_seq:
            self.reported_seq = seq
            self.reported_at = now
            self.remaining = remaining
            self.reported_pending = sum(1 for other in self.in_flight if other < seq)
            self.foreign = limit - remaining > len(self.sent)


@dataclass
class _Org:
    slots: asyncio.Semaphore
    admission: asyncio.Lock = field(default_factory=asyncio.Lock)
    minute: _Window = field(default_factory=_Window)
    in_flight: int = 0
    day_start: float | None = None
    day_count: int = 0
    day_seq: int = 0
    day_reported_at: float = 0.0
    day_remaining: int | None = None


class InProcessCoordinator:
    """Xero's limits and the named locks for one process (see the module docstring).

    `clock` (seconds) and `sleep` are a pair: a test that fakes one fakes the other, so that sleeping moves the clock.
    `observer` is told of every wait.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        limits: Limits | None = None,
        observer: WaitObserver | None = None,
        lock_poll: float = LOCK_POLL,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._limits = limits or Limits()
        self._observer = observer
        self._lock_poll = lock_poll
        self._orgs: dict[str | None, _Org] = {}
        self._app = _Window()
        self._locks: dict[str, tuple[asyncio.Lock, list[int]]] = {}

    def describe(self) -> str:
        """This engine, in words."""
        return "in-process coordination (one process)"

    def _org(self, org: str | None) -> _Org:
        state = self._orgs.get(org)
        if state is None:
            state = _Org(slots=asyncio.Semaphore(self._limits.concurrent))
            self._orgs[org] = state
        return state

    @asynccontextmanager
    async def call(self, org: str | None) -> AsyncGenerator[Ticket]:
        """Hold one concurrency slot for one call, after pacing (see the module docstring)."""
        state = self._org(org)
        async with state.slots:
            ticket = await self._admit(org, state)
            state.in_flight += 1
            state.minute.in_flight.add(ticket.seq)
            self._app.in_flight.add(ticket.app_seq)
            try:
                yield ticket
            finally:
                state.in_flight -= 1
                state.minute.in_flight.discard(ticket.seq)
                self._app.in_flight.discard(ticket.app_seq)

    def _day_check(self, state: _Org, now: float) -> None:
        limits = self._limits
        if state.day_start is None or now >= state.day_start + limits.day_window:
            state.day_start, state.day_count = now, 0
        if state.day_count >= limits.per_day:
            left = state.day_start + limits.day_window - now
            raise BudgetExhausted(
                f"the organisation's daily budget of {limits.per_day} calls is spent", problem="day", retry_after=left
            )
        # Xero's own count is trusted only while it is fresh: its day window resets at a time we cannot see.
        fresh = state.day_remaining is not None and now < state.day_reported_at + limits.window
        if fresh and (state.day_remaining or 0) - (state.minute.seq - state.day_seq) <= 0:
            raise BudgetExhausted(
                "Xero reported the organisation's daily calls as used up", problem="day", retry_after=None
            )

    async def _admit(self, org: str | None, state: _Org) -> Ticket:
        limits = self._limits
        # One admission at a time per organisation, so calls leave in arrival order and each sees the previous send.
        async with state.admission:
            while True:
                now = self._clock()
                self._day_check(state, now)
                wait, reason = state.minute.wait(now, limits.window, limits.per_minute)
                app_wait, app_reason = self._app.wait(now, limits.window, limits.app_per_minute)
                if app_wait > wait:
                    wait, reason = app_wait, ("appminute" if app_reason == "minute" else app_reason)
                if wait <= 0:
                    break
                logger.debug("pacing %s: waiting %.3gs (%s)", org, wait, reason)
                if self._observer is not None and reason is not None:
                    self._observer(org, reason, wait)
                await self._sleep(wait)
                if self._clock() <= now:
                    # The sleep did not move the clock (a fake sleep without its clock, or a wait too small to
                    # register): waiting again would spin forever, so go ahead.
                    now = self._clock()
                    break
            state.minute.seq += 1
            state.minute.sent[state.minute.seq] = now
            self._app.seq += 1
            self._app.sent[self._app.seq] = now
            state.day_count += 1
            return Ticket(org=org, seq=state.minute.seq, app_seq=self._app.seq, holder=uuid.uuid4().hex)

    async def report(self, ticket: Ticket, headers: Mapping[str, str]) -> None:
        """Take in the limit headers of the response to `ticket`'s call (responses may arrive out of order)."""
        state = self._org(ticket.org)
        now = self._clock()
        limits = self._limits
        state.minute.take(ticket.seq, now, header_int(headers, "x-minlimit-remaining"), limits.per_minute)
        day = header_int(headers, "x-daylimit-remaining")
        if day is not None and ticket.seq >= state.day_seq:
            state.day_seq, state.day_reported_at, state.day_remaining = ticket.seq, now, day
        self._app.take(ticket.app_seq, now, header_int(headers, "x-appminlimit-remaining"), limits.app_per_minute)

    async def hold_off(self, org: str | None, seconds: float, *, app_wide: bool = False) -> None:
        """Hold back the organisation's calls (or all the app's) for `seconds`."""
        window = self._app if app_wide else self._org(org).minute
        window.blocked_until = max(window.blocked_until, self._clock() + seconds)

    def status(self, org: str | None) -> LimitStatus:
        """The limits as last reported, plus this process's own counts."""
        state = self._org(org)
        state.minute.forget_old(self._clock(), self._limits.window)
        return LimitStatus(
            minute_remaining=state.minute.remaining,
            day_remaining=state.day_remaining,
            app_minute_remaining=self._app.remaining,
            in_flight=state.in_flight,
            sent_last_minute=len(state.minute.sent),
        )

    @asynccontextmanager
    async def lock(self, name: str, *, ttl: float = 60.0, wait: float | None = None) -> AsyncGenerator[None]:
        """Hold the named lock. `ttl` does not apply: a holder cannot die without this whole process."""
        lock, users = self._locks.setdefault(name, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            if wait is None:
                await lock.acquire()
            else:
                deadline = self._clock() + wait
                while lock.locked():
                    if self._clock() >= deadline:
                        raise LockTimeout(f"the lock {name!r} stayed held for more than {wait:g}s")
                    await self._sleep(min(self._lock_poll, max(deadline - self._clock(), 0.0)))
                await lock.acquire()
            try:
                yield
            finally:
                lock.release()
        finally:
            users[0] -= 1
            if users[0] == 0:
                del self._locks[name]

    async def ping(self) -> None:
        """Always ready: nothing outside the process is involved."""

    async def aclose(self) -> None:
        """Nothing to release."""
