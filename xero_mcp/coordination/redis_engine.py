"""The Redis engine: every replica that shares one Redis keeps Xero's limits together.

Each decision is one Lua script, so it is atomic across the fleet:

- admission (`_ADMIT`): the organisation's and the app's rolling minute windows (sorted sets of send times), the
  remaining counts Xero last reported less the calls sent since, a Retry-After hold, the organisation's daily window,
  and a concurrency slot (a sorted set of holders scored by when their lease ends), checked and taken together;
- Xero's report (`_REPORT`) is kept only if it is fresher than the one stored (by fleet-wide sequence numbers);
- a named lock is a key holding "<lease end>:<holder>", taken when absent or past its lease, released only by its
  holder (`_LOCK`, `_UNLOCK`).

Times come from the injected clock (wall-clock seconds by default, which replicas share through NTP) and are passed
into the scripts, so tests drive them without waiting. Every key also carries a Redis expiry, and every slot and
lock a lease: a replica that dies holding either never blocks the fleet for longer than the lease.

When Redis cannot be reached every call fails closed with CoordinationUnavailable: a replica that cannot count its
calls must not send them.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any, cast
from urllib.parse import urlsplit, urlunsplit

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from xero_mcp.coordination._interface import (
    BudgetExhausted,
    CoordinationUnavailable,
    Limits,
    LimitStatus,
    LockTimeout,
    Ticket,
    WaitObserver,
    WaitReason,
    header_int,
)

logger = logging.getLogger("xero_mcp.coordination")

DEFAULT_PREFIX = "xero-mcp"
SLOT_LEASE = 60.0
POLL = 0.05

# KEYS: 1 org sends (zset), 2 org slots (zset), 3 org state (hash), 4 app sends (zset), 5 app state (hash)
# ARGV: now, holder, lease, concurrent, per_minute, app_per_minute, per_day, window, day_window, org name, poll
# Returns {"ok", seq, app_seq} | {"wait", seconds, reason} | {"day", seconds or "-1"}
_ADMIT = """
local now = tonumber(ARGV[1])
local lease = tonumber(ARGV[3])
local window = tonumber(ARGV[8])
local day_window = tonumber(ARGV[9])
local wait, reason = 0, ''
local function need(w, r) if w > wait then wait = w; reason = r end end
local function num(v, d) if v then return tonumber(v) end return d end

local st = redis.call('HMGET', KEYS[3], 'seq', 'blocked', 'rep_seq', 'rep_at', 'rem', 'day_start', 'day_count',
  'day_seq', 'day_at', 'day_rem', 'rep_pending', 'foreign')
local seq, blocked = num(st[1], 0), num(st[2], 0)
local rep_seq, rep_at, rem = num(st[3], 0), num(st[4], 0), num(st[5], nil)
local day_start, day_count = num(st[6], nil), num(st[7], 0)
local day_seq, day_at, day_rem = num(st[8], 0), num(st[9], 0), num(st[10], nil)

if day_start == nil or now >= day_start + day_window then day_start = now; day_count = 0 end
if day_count >= tonumber(ARGV[7]) then return {'day', tostring(day_start + day_window - now)} end
if day_rem ~= nil and now < day_at + window and day_rem - (seq - day_seq) <= 0 then return {'day', '-1'} end

local ap = redis.call('HMGET', KEYS[5], 'seq', 'blocked', 'rep_seq', 'rep_at', 'rem', 'rep_pending', 'foreign')
local app_seq, app_blocked = num(ap[1], 0), num(ap[2], 0)
local app_rep_seq, app_rep_at, app_rem = num(ap[3], 0), num(ap[4], 0), num(ap[5], nil)

need(blocked - now, 'retry-after')
need(app_blocked - now, 'retry-after')
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[5]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  need(tonumber(oldest[2]) + window - now, 'minute')
end
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - window)
if redis.call('ZCARD', KEYS[4]) >= tonumber(ARGV[6]) then
  local oldest = redis.call('ZRANGE', KEYS[4], 0, 0, 'WITHSCORES')
  need(tonumber(oldest[2]) + window - now, 'appminute')
end
local pending = num(st[11], 0)
if st[12] == '1' and rem ~= nil and now < rep_at + window and rem - (seq - rep_seq) - pending <= 0 then
  need(rep_at + window - now, 'reported')
end
if ap[7] == '1' and app_rem ~= nil and now < app_rep_at + window
  and app_rem - (app_seq - app_rep_seq) - num(ap[6], 0) <= 0 then
  need(app_rep_at + window - now, 'reported')
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if wait <= 0 and redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then
  local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  need(math.min(tonumber(ARGV[11]), tonumber(first[2]) - now), 'concurrent')
end
if wait > 0 then return {'wait', tostring(wait), reason} end

seq = seq + 1
app_seq = app_seq + 1
local keep = math.ceil(window * 2000)
redis.call('HSET', KEYS[3], 'seq', seq, 'day_start', tostring(day_start), 'day_count', day_count + 1)
redis.call('PEXPIRE', KEYS[3], math.ceil(day_window * 1000) + keep)
redis.call('HSET', KEYS[5], 'seq', app_seq)
redis.call('PEXPIRE', KEYS[5], keep)
redis.call('ZADD', KEYS[1], now, tostring(seq))
redis.call('PEXPIRE', KEYS[1], keep)
redis.call('ZADD', KEYS[4], now, ARGV[10] .. ':' .. seq)
redis.call('PEXPIRE', KEYS[4], keep)
redis.call('ZADD', KEYS[2], now + lease, seq .. ':' .. ARGV[2])
redis.call('PEXPIRE', KEYS[2], math.ceil(lease * 1000) + keep)
return {'ok', seq, app_seq}
"""

# KEYS: 1 org state, 2 app state, 3 org slots, 4 org sends, 5 app sends.
# ARGV: now, seq, app_seq, minute, day and app remaining ('' = none), org name, window, per_minute, app_per_minute.
# The call is re-timed in both windows by its answer (it reached Xero no later). The calls sent before it and still
# in flight may reach Xero after it: they are kept as `rep_pending`. `foreign` says Xero counted more calls than the
# window holds (another program shares the limit), and only then does Xero's remaining count bind.
_REPORT = """
local now, seq, app_seq = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local window = tonumber(ARGV[8])
local function num(v) if v then return tonumber(v) end return 0 end
redis.call('ZADD', KEYS[4], 'XX', now, tostring(seq))
redis.call('ZADD', KEYS[5], 'XX', now, ARGV[7] .. ':' .. seq)
if ARGV[4] ~= '' and seq >= num(redis.call('HGET', KEYS[1], 'rep_seq')) then
  local pending = 0
  for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], now, '+inf')) do
    local other = tonumber(string.match(member, '^(%d+):'))
    if other and other < seq then pending = pending + 1 end
  end
  local own = redis.call('ZCOUNT', KEYS[4], '(' .. (now - window), '+inf')
  local foreign = (tonumber(ARGV[9]) - tonumber(ARGV[4]) > own) and '1' or '0'
  redis.call('HSET', KEYS[1], 'rep_seq', seq, 'rep_at', now, 'rem', ARGV[4], 'rep_pending', pending, 'foreign', foreign)
end
if ARGV[5] ~= '' and seq >= num(redis.call('HGET', KEYS[1], 'day_seq')) then
  redis.call('HSET', KEYS[1], 'day_seq', seq, 'day_at', now, 'day_rem', ARGV[5])
end
if ARGV[6] ~= '' and app_seq >= num(redis.call('HGET', KEYS[2], 'rep_seq')) then
  local own = redis.call('ZCOUNT', KEYS[5], '(' .. (now - window), '+inf')
  local foreign = (tonumber(ARGV[10]) - tonumber(ARGV[6]) > own) and '1' or '0'
  redis.call('HSET', KEYS[2], 'rep_seq', app_seq, 'rep_at', now, 'rem', ARGV[6], 'foreign', foreign)
end
return 1
"""

# KEYS: 1 state hash. ARGV: until, keep (ms)
_HOLD = """
local current = tonumber(redis.call('HGET', KEYS[1], 'blocked') or '0')
if tonumber(ARGV[1]) > current then redis.call('HSET', KEYS[1], 'blocked', ARGV[1]) end
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1
"""

# KEYS: 1 lock. ARGV: now, holder, ttl, keep (ms). Returns "ok" or the seconds until the current lease ends.
_LOCK = """
local now = tonumber(ARGV[1])
local held = redis.call('GET', KEYS[1])
if held then
  local until_ = tonumber(string.match(held, '^([^:]+):'))
  if until_ and until_ > now then return tostring(until_ - now) end
end
redis.call('SET', KEYS[1], tostring(now + tonumber(ARGV[3])) .. ':' .. ARGV[2], 'PX', ARGV[4])
return 'ok'
"""

# KEYS: 1 lock. ARGV: holder.
_UNLOCK = """
local held = redis.call('GET', KEYS[1])
if held and string.sub(held, -string.len(ARGV[1]) - 1) == ':' .. ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def redact_url(url: str) -> str:
    """The Redis URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class RedisCoordinator:
    """Xero's limits and named locks shared by every replica on one Redis (see the module docstring).

    `prefix` namespaces the keys (one deployment, or one test); `clock` gives seconds comparable across replicas
    (wall-clock time by default) and `sleep` waits; `lease` bounds how long a dead replica's slot stays taken;
    `connections` caps the replica's connections to Redis (callers beyond it queue for up to `timeout` seconds).
    """

    def __init__(
        self,
        url: str,
        *,
        prefix: str = DEFAULT_PREFIX,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        limits: Limits | None = None,
        observer: WaitObserver | None = None,
        lease: float = SLOT_LEASE,
        poll: float = POLL,
        timeout: float = 5.0,
        connections: int = 32,
    ) -> None:
        self._url = url
        self._prefix = prefix
        self._clock = clock
        self._sleep = sleep
        self._limits = limits or Limits()
        self._observer = observer
        self._lease = lease
        self._poll = poll
        # One immediate retry survives a pooled connection that went stale; beyond that, fail closed at once. A busy
        # replica (hundreds of calls waiting for the budget) queues for one of `connections` instead of failing.
        pool = BlockingConnectionPool.from_url(
            url,
            max_connections=connections,
            timeout=timeout,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 1),
        )
        self._redis = Redis.from_pool(pool)
        self._admit = self._redis.register_script(_ADMIT)
        self._report = self._redis.register_script(_REPORT)
        self._hold = self._redis.register_script(_HOLD)
        self._lock = self._redis.register_script(_LOCK)
        self._unlock = self._redis.register_script(_UNLOCK)
        self._local: dict[str | None, dict[str, int]] = {}
        # At most `concurrent` calls per organisation can be in flight fleet-wide, so no more than that many of this
        # replica's callers need to ask Redis at a time: the rest queue here, in arrival order, without polling.
        self._gates: dict[str | None, asyncio.Semaphore] = {}
        # Xero's figures as this replica saw them, each with the sequence number of the call that reported it.
        self._seen: dict[str | None, dict[str, tuple[int, int]]] = {}
        self._app_seen: tuple[int, int | None] = (0, None)

    def describe(self) -> str:
        """This engine and where it is, without the password."""
        return f"Redis coordination at {redact_url(self._url)} (keys {self._prefix}:*)"

    def _unavailable(self, exc: Exception) -> CoordinationUnavailable:
        return CoordinationUnavailable(
            f"Redis ({redact_url(self._url)}) is unreachable ({type(exc).__name__}), so this replica cannot keep "
            "Xero's limits together with the others: the call was not sent. Restore Redis and try again."
        )

    async def _run(self, script: Any, keys: list[str], args: list[Any]) -> Any:
        try:
            return await script(keys=keys, args=args)
        except RedisError as exc:
            raise self._unavailable(exc) from None
        except OSError as exc:
            raise self._unavailable(exc) from None

    def _org_key(self, org: str | None, part: str) -> str:
        return f"{self._prefix}:org:{org or '-'}:{part}"

    def _app_key(self) -> str:
        return f"{self._prefix}:app:state"

    @asynccontextmanager
    async def call(self, org: str | None) -> AsyncGenerator[Ticket]:
        """Hold one of the organisation's slots fleet-wide for one call, once every budget allows it."""
        gate = self._gates.get(org)
        if gate is None:
            gate = self._gates[org] = asyncio.Semaphore(self._limits.concurrent)
        async with gate, self._admitted(org) as ticket:
            yield ticket

    @asynccontextmanager
    async def _admitted(self, org: str | None) -> AsyncGenerator[Ticket]:
        limits = self._limits
        holder = uuid.uuid4().hex
        keys = [
            self._org_key(org, "sent"),
            self._org_key(org, "slots"),
            self._org_key(org, "state"),
            f"{self._prefix}:app:sent",
            self._app_key(),
        ]
        while True:
            now = self._clock()
            args: list[Any] = [
                repr(now),
                holder,
                repr(self._lease),
                limits.concurrent,
                limits.per_minute,
                limits.app_per_minute,
                limits.per_day,
                repr(limits.window),
                repr(limits.day_window),
                org or "-",
                repr(self._poll),
            ]
            answer = cast("list[Any]", await self._run(self._admit, keys, args))
            verdict = _text(answer[0])
            if verdict == "ok":
                seq = int(answer[1])
                ticket = Ticket(org=org, seq=seq, app_seq=int(answer[2]), holder=f"{seq}:{holder}")
                break
            if verdict == "day":
                left = float(_text(answer[1]))
                raise BudgetExhausted(
                    f"the organisation's daily budget of {limits.per_day} calls is spent",
                    problem="day",
                    retry_after=left if left >= 0 else None,
                )
            wait = float(_text(answer[1]))
            reason = cast("WaitReason", _text(answer[2]))
            logger.debug("pacing %s: waiting %.3gs (%s)", org, wait, reason)
            if self._observer is not None:
                self._observer(org, reason, wait)
            await self._sleep(wait)
        counts = self._local.setdefault(org, {"in_flight": 0})
        counts["in_flight"] += 1
        try:
            yield ticket
        finally:
            counts["in_flight"] -= 1
            try:
                await self._redis.zrem(keys[1], ticket.holder)
            except (RedisError, OSError) as exc:
                # The slot's lease frees it anyway; the call itself is done.
                logger.warning("could not free a concurrency slot in Redis (%s); its lease will", type(exc).__name__)

    async def report(self, ticket: Ticket, headers: Mapping[str, str]) -> None:
        """Share Xero's remaining counts from the response to `ticket`'s call with the fleet."""
        minute = header_int(headers, "x-minlimit-remaining")
        day = header_int(headers, "x-daylimit-remaining")
        app = header_int(headers, "x-appminlimit-remaining")
        seen = self._seen.setdefault(ticket.org, {})
        for name, value in (("minute", minute), ("day", day)):
            if value is not None and ticket.seq >= seen.get(name, (0, 0))[0]:
                seen[name] = (ticket.seq, value)
        if app is not None and ticket.app_seq >= self._app_seen[0]:
            self._app_seen = (ticket.app_seq, app)
        limits = self._limits
        args = [
            repr(self._clock()),
            ticket.seq,
            ticket.app_seq,
            *("" if v is None else v for v in (minute, day, app)),
            ticket.org or "-",
            repr(limits.window),
            limits.per_minute,
            limits.app_per_minute,
        ]
        keys = [
            self._org_key(ticket.org, "state"),
            self._app_key(),
            self._org_key(ticket.org, "slots"),
            self._org_key(ticket.org, "sent"),
            f"{self._prefix}:app:sent",
        ]
        await self._run(self._report, keys, args)

    async def hold_off(self, org: str | None, seconds: float, *, app_wide: bool = False) -> None:
        """Hold back the organisation's calls (or the app's) on every replica for `seconds`."""
        key = self._app_key() if app_wide else self._org_key(org, "state")
        keep = int((seconds + self._limits.window) * 1000) + 1
        await self._run(self._hold, [key], [repr(self._clock() + seconds), keep])

    def status(self, org: str | None) -> LimitStatus:
        """The limits as this replica last saw them in Xero's headers, and its own calls in flight."""
        seen = self._seen.get(org, {})
        return LimitStatus(
            minute_remaining=seen["minute"][1] if "minute" in seen else None,
            day_remaining=seen["day"][1] if "day" in seen else None,
            app_minute_remaining=self._app_seen[1],
            in_flight=self._local.get(org, {}).get("in_flight", 0),
            sent_last_minute=0,
        )

    @asynccontextmanager
    async def lock(self, name: str, *, ttl: float = 60.0, wait: float | None = None) -> AsyncGenerator[None]:
        """Hold the named lock fleet-wide; a holder that dies loses it `ttl` seconds after taking it."""
        key = f"{self._prefix}:lock:{name}"
        holder = uuid.uuid4().hex
        keep = int((ttl + self._limits.window) * 1000)
        deadline = None if wait is None else self._clock() + wait
        while True:
            now = self._clock()
            answer = _text(await self._run(self._lock, [key], [repr(now), holder, repr(ttl), keep]))
            if answer == "ok":
                break
            if deadline is not None and now >= deadline:
                raise LockTimeout(f"the lock {name!r} stayed held for more than {wait:g}s")
            pause = min(self._poll, float(answer))
            if deadline is not None:
                pause = min(pause, max(deadline - now, 0.0))
            await self._sleep(pause)
        try:
            yield
        finally:
            try:
                await self._unlock(keys=[key], args=[holder])
            except (RedisError, OSError) as exc:
                logger.warning("could not release the lock %r in Redis (%s); its lease will", name, type(exc).__name__)

    async def ping(self) -> None:
        """Raise CoordinationUnavailable unless Redis answers."""
        try:
            await self._redis.ping()
        except (RedisError, OSError) as exc:
            raise self._unavailable(exc) from None

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._redis.aclose()

    async def forget_all(self) -> int:
        """Delete every key under this coordinator's prefix (tests and a deployment's reset); how many were deleted."""
        deleted = 0
        try:
            keys: list[bytes] = [key async for key in self._redis.scan_iter(match=f"{self._prefix}:*")]  # pyright: ignore[reportUnknownVariableType]
            for key in keys:
                deleted += int(await self._redis.delete(key))
        except (RedisError, OSError) as exc:
            raise self._unavailable(exc) from None
        return deleted
