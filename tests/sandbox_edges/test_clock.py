"""The sandbox clock: frozen for tests, real time plus an offset when served."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from xero_mcp.sandbox.clock import SandboxClock

START = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def test_frozen_clock_stands_still_until_advanced() -> None:
    clock = SandboxClock(START, frozen=True)
    assert clock.now() == START
    assert clock.now() == START
    clock.advance(1800)
    assert clock.now() == START + timedelta(minutes=30)


def test_set_jumps_to_the_given_instant_in_utc() -> None:
    clock = SandboxClock(START, frozen=True)
    clock.set(datetime(2026, 3, 2, 12, 0, tzinfo=timezone(timedelta(hours=13))))
    assert clock.now() == datetime(2026, 3, 1, 23, 0, tzinfo=UTC)
    assert clock.now().tzinfo is UTC


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        SandboxClock(datetime(2026, 3, 1))
    clock = SandboxClock(frozen=True)
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.set(datetime(2026, 3, 1))


def test_running_clock_follows_real_time_from_its_start() -> None:
    clock = SandboxClock(START)
    first = clock.now()
    assert START <= first < START + timedelta(seconds=5)
    clock.advance(3600)
    assert clock.now() >= START + timedelta(hours=1)
    assert clock.now() >= first


def test_running_clock_without_start_is_close_to_real_time() -> None:
    clock = SandboxClock()
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)
    assert clock.now().tzinfo is not None
