"""Coordination that must hold across every process serving the same Xero app (see `_interface.Coordinator`).

Two engines: `InProcessCoordinator` for one process (the default) and `RedisCoordinator` for replicas sharing one
Redis (`XERO_MCP_REDIS_URL`). `open_coordinator` picks one; the Redis engine is imported only when used.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from xero_mcp.coordination._interface import (
    BudgetExhausted,
    CoordinationUnavailable,
    Coordinator,
    Limits,
    LimitStatus,
    LockTimeout,
    Ticket,
    WaitObserver,
    WaitReason,
)
from xero_mcp.coordination.memory import InProcessCoordinator

__all__ = [
    "BudgetExhausted",
    "CoordinationUnavailable",
    "Coordinator",
    "InProcessCoordinator",
    "LimitStatus",
    "Limits",
    "LockTimeout",
    "Ticket",
    "WaitObserver",
    "WaitReason",
    "open_coordinator",
]


def open_coordinator(
    redis_url: str | None,
    *,
    prefix: str | None = None,
    clock: Callable[[], float] | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    observer: WaitObserver | None = None,
    poll: float | None = None,
) -> Coordinator:
    """The Redis engine when `redis_url` is given, else the in-process one.

    `clock` defaults to wall-clock seconds for Redis (comparable across replicas) and to the monotonic clock in
    process. `poll` is how often (in the clock's seconds) a Redis waiter asks again for a slot or a lock.
    """
    if not redis_url:
        return InProcessCoordinator(clock=clock or time.monotonic, sleep=sleep, observer=observer)
    try:
        from xero_mcp.coordination.redis_engine import DEFAULT_PREFIX, RedisCoordinator
    except ImportError as exc:
        raise CoordinationUnavailable(
            "XERO_MCP_REDIS_URL is set but the Redis client is not installed: pip install 'mcp-server-xero[hosted]'"
        ) from exc

    from xero_mcp.coordination.redis_engine import POLL

    return RedisCoordinator(
        redis_url,
        prefix=prefix or DEFAULT_PREFIX,
        clock=clock or time.time,
        sleep=sleep,
        observer=observer,
        poll=poll if poll is not None else POLL,
    )
