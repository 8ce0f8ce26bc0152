"""Xero's rate limits as the sandbox enforces them (xero-api.md §4)."""

from datetime import UTC, datetime

import pytest

from xero_mcp.sandbox.clock import SandboxClock
from xero_mcp.sandbox.limits import LimitConfig, RateLimiter, refusal_response

TENANT = "4f5c8bd0-0b0c-4f3e-9d4e-6a1f0b7f6c01"
OTHER = "0a4f7bf6-2c9b-4a55-8a0e-3b1d9d1f2e02"
APP = "sandbox-client"


@pytest.fixture
def clock() -> SandboxClock:
    return SandboxClock(datetime(2026, 3, 1, 9, 0, tzinfo=UTC), frozen=True)


def calls(limiter: RateLimiter, n: int, tenant: str = TENANT) -> None:
    for _ in range(n):
        admission = limiter.admit(tenant, APP)
        assert admission.allowed
        admission.release()


def test_sixty_first_call_in_a_minute_is_refused_with_retry_after(clock: SandboxClock) -> None:
    limiter = RateLimiter(clock)
    calls(limiter, 20)
    clock.advance(15)
    calls(limiter, 40)
    refused = limiter.admit(TENANT, APP)
    assert not refused.allowed
    assert refused.headers["X-Rate-Limit-Problem"] == "minute"
    assert refused.headers["Retry-After"] == "45"
    assert refused.headers["X-MinLimit-Remaining"] == "0"
    assert refused.retry_after == 45


def test_minute_window_reopens_after_sixty_seconds(clock: SandboxClock) -> None:
    limiter = RateLimiter(clock)
    calls(limiter, 60)
    clock.advance(59)
    assert not limiter.admit(TENANT, APP).allowed
    clock.advance(1)
    admission = limiter.admit(TENANT, APP)
    assert admission.allowed
    assert admission.headers["X-MinLimit-Remaining"] == "59"


def test_remaining_headers_count_down_on_every_allowed_call(clock: SandboxClock) -> None:
    limiter = RateLimiter(clock)
    first = limiter.admit(TENANT, APP)
    second = limiter.admit(TENANT, APP)
    assert first.headers == {
        "X-MinLimit-Remaining": "59",
        "X-DayLimit-Remaining": "4999",
        "X-AppMinLimit-Remaining": "9999",
    }
    assert second.headers["X-MinLimit-Remaining"] == "58"
    assert second.headers["X-DayLimit-Remaining"] == "4998"
    assert second.headers["X-AppMinLimit-Remaining"] == "9998"


def test_a_refused_call_is_not_counted(clock: SandboxClock) -> None:
    limiter = RateLimiter(clock)
    calls(limiter, 60)
    for _ in range(10):
        assert not limiter.admit(TENANT, APP).allowed
    clock.advance(60)
    calls(limiter, 60)
    assert limiter.admit(TENANT, APP).headers["X-DayLimit-Remaining"] == "4880"


def test_sixth_concurrent_call_is_refused_until_one_finishes(clock: SandboxClock) -> None:
    limiter = RateLimiter(clock)
    in_flight = [limiter.admit(TENANT, APP) for _ in range(5)]
    assert all(a.allowed for a in in_flight)
    sixth = limiter.admit(TENANT, APP)
    assert not sixth.allowed
    assert sixth.headers["X-Rate-Limit-Problem"] == "concurrent"
    assert sixth.headers["Retry-After"] == "1"
    # Other tenants have their own five slots.
    assert limiter.admit(OTHER, APP).allowed
    in_flight[0].release()
    assert limiter.admit(TENANT, APP).allowed


def test_release_is_idempotent(clock: SandboxClock) -> None:
    limiter = RateLimiter(clock)
    held = [limiter.admit(TENANT, APP) for _ in range(5)]
    held[0].release()
    held[0].release()
    held[0].release()
    assert limiter.admit(TENANT, APP).allowed
    assert not limiter.admit(TENANT, APP).allowed


def test_five_thousand_and_first_call_in_a_day_is_refused_until_the_day_window_ends(clock: SandboxClock) -> None:
    limiter = RateLimiter(clock)
    for _ in range(83):
        calls(limiter, 60)
        clock.advance(60)
    calls(limiter, 20)
    refused = limiter.admit(TENANT, APP)
    assert not refused.allowed
    assert refused.headers["X-Rate-Limit-Problem"] == "day"
    assert refused.headers["X-DayLimit-Remaining"] == "0"
    assert int(refused.headers["Retry-After"]) == 24 * 3600 - 83 * 60
    assert limiter.admit(OTHER, APP).allowed
    clock.advance(int(refused.headers["Retry-After"]))
    assert limiter.admit(TENANT, APP).allowed


def test_app_minute_limit_spans_all_tenants(clock: SandboxClock) -> None:
    limiter = RateLimiter(clock)
    for index in range(200):
        calls(limiter, 50, tenant=f"tenant-{index}")
    refused = limiter.admit("tenant-new", APP)
    assert not refused.allowed
    assert refused.headers["X-Rate-Limit-Problem"] == "appminute"
    assert refused.headers["X-AppMinLimit-Remaining"] == "0"
    assert refused.headers["Retry-After"] == "60"
    assert limiter.admit("tenant-new", "another-app").allowed


def test_each_tenant_window_starts_at_its_own_first_call(clock: SandboxClock) -> None:
    limiter = RateLimiter(clock)
    calls(limiter, 60, tenant=TENANT)
    clock.advance(30)
    calls(limiter, 60, tenant=OTHER)
    clock.advance(30)
    # TENANT's window has reset, OTHER's has 30 seconds to go.
    assert limiter.admit(TENANT, APP).allowed
    refused = limiter.admit(OTHER, APP)
    assert not refused.allowed
    assert refused.headers["Retry-After"] == "30"


def test_disabled_limits_allow_everything_with_full_headers(clock: SandboxClock) -> None:
    limiter = RateLimiter(clock, LimitConfig(enabled=False))
    held = [limiter.admit(TENANT, APP) for _ in range(100)]
    assert all(a.allowed for a in held)
    assert held[-1].headers == {
        "X-MinLimit-Remaining": "60",
        "X-DayLimit-Remaining": "5000",
        "X-AppMinLimit-Remaining": "10000",
    }


def test_limits_can_be_scaled_for_tests(clock: SandboxClock) -> None:
    limiter = RateLimiter(clock)
    limiter.configure(per_minute=3, concurrent=2)
    assert limiter.config.per_minute == 3
    calls(limiter, 3)
    assert limiter.admit(TENANT, APP).headers["X-Rate-Limit-Problem"] == "minute"
    limiter.configure(enabled=False)
    assert limiter.admit(TENANT, APP).allowed


def test_unknown_or_invalid_limit_settings_are_rejected(clock: SandboxClock) -> None:
    limiter = RateLimiter(clock)
    with pytest.raises(ValueError, match="unknown limit setting 'per_hour'"):
        limiter.configure(per_hour=10)
    with pytest.raises(ValueError, match="per_minute"):
        limiter.configure(per_minute=-1)
    with pytest.raises(ValueError, match="enabled"):
        limiter.configure(enabled="no")
    assert limiter.config == LimitConfig()


def test_reset_forgets_counts_and_in_flight_requests(clock: SandboxClock) -> None:
    limiter = RateLimiter(clock)
    held = [limiter.admit(TENANT, APP) for _ in range(5)]
    calls_left = 60 - 5
    assert limiter.admit(TENANT, APP).headers["X-MinLimit-Remaining"] == str(calls_left)
    limiter.reset()
    fresh = limiter.admit(TENANT, APP)
    assert fresh.allowed
    assert fresh.headers["X-MinLimit-Remaining"] == "59"
    for admission in held:
        admission.release()


def test_refusal_response_is_a_429_with_the_limit_headers(clock: SandboxClock) -> None:
    limiter = RateLimiter(clock)
    calls(limiter, 60)
    response = refusal_response(limiter.admit(TENANT, APP))
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "60"
    assert response.headers["X-Rate-Limit-Problem"] == "minute"
    assert response.headers["X-MinLimit-Remaining"] == "0"
    assert b'"Status": 429' in bytes(response.body)
