"""The same behaviour from both coordination engines: Xero's limits kept by every replica together, and named locks.

Each test runs on the in-process engine and on Redis (see conftest.py). Time is a fake clock moved only by sleeps.
"""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from tests.coordination.conftest import Engine
from xero_mcp.coordination import BudgetExhausted, Limits, LockTimeout

ORG = "11111111-1111-4111-8111-111111111111"
OTHER_ORG = "22222222-2222-4222-8222-222222222222"


async def test_sixty_calls_a_minute_go_at_once_and_the_sixty_first_waits_for_the_oldest_to_leave_the_window(
    engine: Engine,
) -> None:
    replicas = [engine.replica(), engine.replica()]
    start = engine.time.now
    for index in range(60):
        async with replicas[index % 2].call(ORG):
            pass
    assert engine.time.now == start
    async with replicas[0].call(ORG):
        pass
    assert engine.time.now - start == pytest.approx(60.0)
    assert [reason for _, reason, _ in engine.waits] == ["minute"]


async def test_another_organisation_has_its_own_minute_window(engine: Engine) -> None:
    replica = engine.replica()
    for _ in range(60):
        async with replica.call(ORG):
            pass
    start = engine.time.now
    async with replica.call(OTHER_ORG):
        pass
    assert engine.time.now == start


async def test_a_sixth_concurrent_call_waits_for_one_of_the_five_slots_to_free(engine: Engine) -> None:
    first, second = engine.replica(), engine.replica()
    async with contextlib.AsyncExitStack() as held:
        for index in range(5):
            await held.enter_async_context((first if index % 2 else second).call(ORG))
        sixth_entered = asyncio.Event()

        async def sixth() -> None:
            async with second.call(ORG):
                sixth_entered.set()

        task = asyncio.create_task(sixth())
        for _ in range(20):
            await asyncio.sleep(0)
        assert not sixth_entered.is_set()
        assert first.status(ORG).in_flight + (second.status(ORG).in_flight if second is not first else 0) >= 5
    await task
    assert sixth_entered.is_set()


async def test_xero_reporting_no_calls_left_holds_calls_until_its_window_has_certainly_ended(engine: Engine) -> None:
    replica, other = engine.replica(), engine.replica()
    async with replica.call(ORG) as ticket:
        reported_at = engine.time.now
        await replica.report(ticket, {"X-MinLimit-Remaining": "0", "X-DayLimit-Remaining": "4000"})
    async with other.call(ORG):
        pass
    assert engine.time.now - reported_at == pytest.approx(60.0)
    assert [reason for _, reason, _ in engine.waits] == ["reported"]


async def test_an_older_response_does_not_overwrite_a_newer_report(engine: Engine) -> None:
    replica = engine.replica()
    async with replica.call(ORG) as older, replica.call(ORG) as newer:
        await replica.report(newer, {"X-MinLimit-Remaining": "50"})
        await replica.report(older, {"X-MinLimit-Remaining": "0"})
    start = engine.time.now
    async with replica.call(ORG):
        pass
    assert engine.time.now == start
    assert replica.status(ORG).minute_remaining == 50


async def test_a_retry_after_on_one_replica_holds_back_the_organisation_on_every_replica(engine: Engine) -> None:
    first, second = engine.replica(), engine.replica()
    start = engine.time.now
    await first.hold_off(ORG, 17.0)
    async with second.call(ORG):
        pass
    assert engine.time.now - start == pytest.approx(17.0)
    assert [reason for _, reason, _ in engine.waits] == ["retry-after"]
    later = engine.time.now
    async with second.call(OTHER_ORG):
        pass
    assert engine.time.now == later


async def test_an_app_wide_retry_after_holds_back_every_organisation(engine: Engine) -> None:
    first, second = engine.replica(), engine.replica()
    start = engine.time.now
    await first.hold_off(ORG, 5.0, app_wide=True)
    async with second.call(OTHER_ORG):
        pass
    assert engine.time.now - start == pytest.approx(5.0)


async def test_the_app_minute_budget_is_shared_by_every_organisation(engine: Engine) -> None:
    replica = engine.replica(Limits(app_per_minute=3))
    start = engine.time.now
    for org in ("a", "b", "c"):
        async with replica.call(org):
            pass
    assert engine.time.now == start
    async with replica.call("d"):
        pass
    assert engine.time.now - start == pytest.approx(60.0)
    assert [reason for _, reason, _ in engine.waits] == ["appminute"]


async def test_a_spent_daily_budget_refuses_at_once_saying_when_it_resets(engine: Engine) -> None:
    replica = engine.replica(Limits(per_day=3))
    start = engine.time.now
    for _ in range(3):
        async with replica.call(ORG):
            pass
    with pytest.raises(BudgetExhausted) as refused:
        async with replica.call(ORG):
            pass
    assert refused.value.problem == "day"
    assert refused.value.retry_after == pytest.approx(86400.0)
    assert engine.time.now == start


async def test_xero_reporting_the_day_used_up_refuses_further_calls(engine: Engine) -> None:
    replica = engine.replica()
    async with replica.call(ORG) as ticket:
        await replica.report(ticket, {"X-DayLimit-Remaining": "0", "X-MinLimit-Remaining": "40"})
    with pytest.raises(BudgetExhausted):
        async with replica.call(ORG):
            pass


async def test_a_named_lock_admits_one_holder_at_a_time_across_replicas(engine: Engine) -> None:
    first, second = engine.replica(), engine.replica()
    order: list[str] = []
    async with first.lock("refresh:app"):
        waiting = asyncio.create_task(_hold(second, "refresh:app", order))
        for _ in range(10):
            await asyncio.sleep(0)
        order.append("first done")
    await waiting
    assert order == ["first done", "second held"]


async def test_locks_with_different_names_do_not_exclude_each_other(engine: Engine) -> None:
    first, second = engine.replica(), engine.replica()
    async with first.lock("create:a"), second.lock("create:b", wait=0.0):
        pass


async def test_a_bounded_wait_for_a_held_lock_ends_in_lock_timeout(engine: Engine) -> None:
    first, second = engine.replica(), engine.replica()
    start = engine.time.now
    async with first.lock("create:key", ttl=600.0):
        with pytest.raises(LockTimeout):
            async with second.lock("create:key", wait=2.0):
                pass
    assert engine.time.now - start == pytest.approx(2.0, abs=0.06)


async def _hold(replica: object, name: str, order: list[str]) -> None:
    from xero_mcp.coordination import Coordinator

    assert isinstance(replica, Coordinator)
    async with replica.lock(name):
        order.append("second held")


async def test_an_earlier_call_still_in_flight_when_a_later_one_reports_is_counted_against_the_budget(
    engine: Engine,
) -> None:
    # The later call reached Xero first: Xero's "1 left" does not yet include the earlier call, which will take it.
    replica = engine.replica()
    async with replica.call(ORG), replica.call(ORG) as later:
        reported_at = engine.time.now
        await replica.report(later, {"X-MinLimit-Remaining": "1"})
    async with replica.call(ORG):
        pass
    assert engine.time.now - reported_at == pytest.approx(60.0)
    assert [reason for _, reason, _ in engine.waits] == ["reported"]


async def test_when_xero_counts_only_our_calls_the_window_reopens_a_minute_after_the_first_answer(
    engine: Engine,
) -> None:
    # Xero's fixed window began when the first call reached it, no later than its answer; the last "0 left" report
    # came ten seconds on, but waiting a minute from that report would waste those ten seconds every minute.
    replica = engine.replica()
    first_answer = engine.time.now
    async with replica.call(ORG) as first:
        await replica.report(first, {"X-MinLimit-Remaining": "59"})
    engine.time.now += 10.0
    for remaining in range(58, -1, -1):
        async with replica.call(ORG) as ticket:
            await replica.report(ticket, {"X-MinLimit-Remaining": str(remaining)})
    async with replica.call(ORG):
        pass
    assert engine.time.now - first_answer == pytest.approx(60.0)
    assert [reason for _, reason, _ in engine.waits] == ["minute"]
