"""Wire-level behaviour of the one request path, against httpx2.MockTransport with a fake clock."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from decimal import Decimal
from typing import Any

import httpx2
import pytest

from tests.client.helpers import API_URL, TENANT, TOKEN, FakeClock, Recorder, json_response, make_client
from xero_mcp.auth.provider import LoginRequired, StaticTokenProvider
from xero_mcp.client import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServerError,
    ValidationError,
    XeroClient,
    redact,
)
from xero_mcp.config import Settings

OK_BODY: dict[str, Any] = {"Id": "x", "Status": "OK", "Invoices": []}


async def test_requests_carry_bearer_tenant_accept_and_go_to_the_configured_base_url() -> None:
    recorder = Recorder(lambda r: json_response(200, OK_BODY))
    client, _, _ = make_client(recorder)
    async with client:
        response = await client.tenant(TENANT).request("GET", "/Invoices", params={"page": "2"})
    assert response.status_code == 200
    assert response.data == OK_BODY
    request = recorder.requests[0]
    assert str(request.url) == f"{API_URL}/Invoices?page=2"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["xero-tenant-id"] == TENANT
    assert request.headers["accept"] == "application/json"
    assert "idempotency-key" not in request.headers


async def test_custom_connection_requests_omit_the_tenant_header() -> None:
    recorder = Recorder(lambda r: json_response(200, OK_BODY))
    client, _, _ = make_client(recorder)
    async with client:
        await client.tenant(None).request("GET", "Organisation")
    assert "xero-tenant-id" not in recorder.requests[0].headers
    assert recorder.requests[0].url.path == "/api.xro/2.0/Organisation"


async def test_429_with_retry_after_waits_exactly_that_long_then_succeeds() -> None:
    calls: list[float] = []
    clock = FakeClock()

    def handler(request: httpx2.Request) -> httpx2.Response:
        calls.append(clock.now)
        if len(calls) == 1:
            return json_response(
                429, {"Title": "Too Many Requests"}, {"Retry-After": "7", "X-Rate-Limit-Problem": "minute"}
            )
        return json_response(200, OK_BODY)

    client, _, _ = make_client(handler, clock=clock)
    async with client:
        response = await client.tenant(TENANT).request("GET", "/Invoices")
    assert response.attempts == 2
    assert clock.sleeps == [7.0]
    assert calls[1] - calls[0] == 7.0


async def test_daily_limit_429_raises_without_retry_and_says_when_it_resets() -> None:
    calls = 0

    def handler(request: httpx2.Request) -> httpx2.Response:
        nonlocal calls
        calls += 1
        return json_response(
            429, {"Title": "Too Many Requests"}, {"Retry-After": "5400", "X-Rate-Limit-Problem": "day"}
        )

    client, clock, _ = make_client(handler)
    async with client:
        with pytest.raises(RateLimited) as caught:
            await client.tenant(TENANT).request("GET", "/Invoices")
    assert calls == 1
    assert clock.sleeps == []
    assert caught.value.is_daily
    assert caught.value.resets_at == clock.wall_start + dt.timedelta(seconds=5400)
    assert "daily" in str(caught.value)
    assert "1h 30m" in str(caught.value)
    assert "2026-11-21T10:30:00+00:00" in str(caught.value)


async def test_503_is_retried_with_backoff_then_succeeds() -> None:
    statuses = [503, 502, 200]

    def handler(request: httpx2.Request) -> httpx2.Response:
        return json_response(statuses.pop(0), OK_BODY)

    client, clock, _ = make_client(handler)
    async with client:
        response = await client.tenant(TENANT).request("GET", "/Invoices")
    assert response.attempts == 3
    assert len(clock.sleeps) == 2
    # capped exponential with jitter: retry n waits between half and all of 0.5 * 2**(n-1)
    assert 0.25 <= clock.sleeps[0] <= 0.5
    assert 0.5 <= clock.sleeps[1] <= 1.0


async def test_dropped_connections_and_timeouts_are_retried() -> None:
    failures: list[Exception] = [
        httpx2.RemoteProtocolError("Server disconnected without sending a response."),
        httpx2.ReadTimeout("The read operation timed out"),
        httpx2.ConnectError("connection refused"),
    ]

    def handler(request: httpx2.Request) -> httpx2.Response:
        if failures:
            raise failures.pop(0)
        return json_response(200, OK_BODY)

    client, clock, _ = make_client(handler)
    async with client:
        response = await client.tenant(TENANT).request("GET", "/Invoices")
    assert response.attempts == 4
    assert len(clock.sleeps) == 3


async def test_retries_are_bounded_and_the_last_failure_is_raised() -> None:
    attempts = 0

    def handler(request: httpx2.Request) -> httpx2.Response:
        nonlocal attempts
        attempts += 1
        raise httpx2.ReadTimeout("The read operation timed out")

    client, clock, _ = make_client(handler, max_retries=3)
    async with client:
        with pytest.raises(APITimeoutError):
            await client.tenant(TENANT).request("GET", "/Invoices")
    assert attempts == 4
    ceilings = [0.5, 1.0, 2.0]
    assert all(c / 2 <= s <= c for s, c in zip(clock.sleeps, ceilings, strict=True))


async def test_backoff_is_capped() -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        return json_response(500, {"Title": "An error occurred"})

    client, clock, _ = make_client(handler, max_retries=9)
    async with client:
        with pytest.raises(ServerError):
            await client.tenant(TENANT).request("GET", "/Invoices")
    assert len(clock.sleeps) == 9
    assert max(clock.sleeps) <= 30.0
    assert clock.sleeps[-1] >= 15.0


async def test_a_write_sends_one_idempotency_key_on_every_retry() -> None:
    keys: list[str] = []
    outcomes: list[int | Exception] = [503, httpx2.RemoteProtocolError("dropped"), 200]

    def handler(request: httpx2.Request) -> httpx2.Response:
        keys.append(request.headers["idempotency-key"])
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return json_response(outcome, {"Invoices": [{"InvoiceID": "1"}]})

    client, _, _ = make_client(handler)
    async with client:
        org = client.tenant(TENANT)
        response = await org.request("PUT", "/Invoices", json={"Invoices": [{"Type": "ACCREC"}]})
        outcomes.append(200)
        second = await org.request("POST", "/Invoices", json={"Invoices": [{"Type": "ACCREC"}]})
    assert len(keys) == 4
    assert len(set(keys[:3])) == 1
    assert response.idempotency_key == keys[0]
    assert second.idempotency_key == keys[3] != keys[0]


async def test_a_callers_idempotency_key_is_used_as_given() -> None:
    keys: list[str] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        keys.append(request.headers["idempotency-key"])
        return json_response(200, {})

    client, _, _ = make_client(handler)
    async with client:
        await client.tenant(TENANT).request("POST", "/Invoices", json={}, idempotency_key="create-inv-42")
        with pytest.raises(ValueError, match="128"):
            await client.tenant(TENANT).request("POST", "/Invoices", json={}, idempotency_key="k" * 129)
    assert keys == ["create-inv-42"]


async def test_expired_token_gets_one_refresh_and_one_retry() -> None:
    seen_tokens: list[str] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen_tokens.append(request.headers["authorization"])
        if len(seen_tokens) == 1:
            return json_response(401, {"Title": "Unauthorized", "Status": 401, "Detail": "TokenExpired: token expired"})
        return json_response(200, OK_BODY)

    client, clock, tokens = make_client(handler)
    async with client:
        response = await client.tenant(TENANT).request("GET", "/Invoices")
    assert response.status_code == 200
    assert tokens.refreshes == [TOKEN]
    assert seen_tokens == [f"Bearer {TOKEN}", f"Bearer {tokens.token}"]
    assert clock.sleeps == []


async def test_a_second_expired_token_is_raised_after_the_one_refresh() -> None:
    calls = 0

    def handler(request: httpx2.Request) -> httpx2.Response:
        nonlocal calls
        calls += 1
        return json_response(401, {"Title": "Unauthorized", "Status": 401, "Detail": "TokenExpired: token expired"})

    client, _, tokens = make_client(handler)
    async with client:
        with pytest.raises(AuthenticationError) as caught:
            await client.tenant(TENANT).request("GET", "/Invoices")
    assert calls == 2
    assert len(tokens.refreshes) == 1
    assert caught.value.token_expired


async def test_an_invalid_token_is_not_refreshed() -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        return json_response(401, {"Title": "Unauthorized", "Status": 401, "Detail": "AuthenticationUnsuccessful"})

    client, _, tokens = make_client(handler)
    async with client:
        with pytest.raises(AuthenticationError):
            await client.tenant(TENANT).request("GET", "/Invoices")
    assert tokens.refreshes == []


async def test_a_static_token_that_expires_asks_the_user_to_log_in() -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        return json_response(401, {"Title": "Unauthorized", "Status": 401, "Detail": "TokenExpired: token expired"})

    client = XeroClient(
        Settings(api_url=API_URL), StaticTokenProvider("static-secret"), transport=httpx2.MockTransport(handler)
    )
    async with client:
        with pytest.raises(LoginRequired) as caught:
            await client.tenant(TENANT).request("GET", "/Invoices")
    assert "static-secret" not in str(caught.value)


async def test_twenty_concurrent_calls_never_have_more_than_five_in_flight() -> None:
    in_flight = 0
    peak = 0

    async def handler(request: httpx2.Request) -> httpx2.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        for _ in range(5):
            await asyncio.sleep(0)
        in_flight -= 1
        return json_response(200, OK_BODY)

    client, clock, _ = make_client(handler)
    async with client:
        org = client.tenant(TENANT)
        results = await asyncio.gather(*(org.request("GET", f"/Invoices/{i}") for i in range(20)))
        assert client.limits(TENANT).in_flight == 0
    assert len(results) == 20
    assert peak == 5
    assert clock.sleeps == []


async def test_limits_are_per_organisation() -> None:
    in_flight: dict[str, int] = {}
    peak: dict[str, int] = {}

    async def handler(request: httpx2.Request) -> httpx2.Response:
        tenant = request.headers["xero-tenant-id"]
        in_flight[tenant] = in_flight.get(tenant, 0) + 1
        peak[tenant] = max(peak.get(tenant, 0), in_flight[tenant])
        total = sum(in_flight.values())
        peak["total"] = max(peak.get("total", 0), total)
        for _ in range(5):
            await asyncio.sleep(0)
        in_flight[tenant] -= 1
        return json_response(200, OK_BODY)

    client, _, _ = make_client(handler)
    async with client:
        a, b = client.tenant("tenant-a"), client.tenant("tenant-b")
        await asyncio.gather(*(org.request("GET", "/Invoices") for org in [a, b] * 10))
    assert peak["tenant-a"] == 5
    assert peak["tenant-b"] == 5
    assert peak["total"] == 10


async def test_a_waiting_retry_holds_no_concurrency_slot() -> None:
    gate = asyncio.Event()
    first_attempts: set[str] = set()
    finished: list[str] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        path = request.url.path
        if "Retry" in path and path not in first_attempts:
            first_attempts.add(path)
            return json_response(503, {"Title": "Service Unavailable"})
        return json_response(200, OK_BODY)

    clock = FakeClock()

    all_waiting = asyncio.Event()

    async def gated_sleep(seconds: float) -> None:
        clock.sleeps.append(seconds)
        if len(clock.sleeps) == 5:
            all_waiting.set()
        await gate.wait()
        clock.now += seconds

    client = XeroClient(
        Settings(api_url=API_URL),
        StaticTokenProvider(TOKEN),
        transport=httpx2.MockTransport(handler),
        sleep=gated_sleep,
        clock=clock,
    )
    async with client:
        org = client.tenant(TENANT)

        async def call(path: str) -> None:
            await org.request("GET", path)
            finished.append(path)

        retrying = [asyncio.create_task(call(f"/Retry{i}")) for i in range(5)]
        await all_waiting.wait()
        # All five slots' worth of calls are now waiting to retry; a new call must still get through.
        await asyncio.wait_for(call("/Fresh"), timeout=5)
        assert finished == ["/Fresh"]
        gate.set()
        await asyncio.gather(*retrying)
    assert len(finished) == 6


async def test_sixty_one_calls_in_a_minute_are_paced_by_the_rolling_window() -> None:
    sent_at: list[float] = []
    clock = FakeClock()

    def handler(request: httpx2.Request) -> httpx2.Response:
        sent_at.append(clock.now)
        return json_response(200, OK_BODY)

    client, _, _ = make_client(handler, clock=clock)
    async with client:
        org = client.tenant(TENANT)
        for _ in range(61):
            await org.request("GET", "/Invoices")
        status = client.limits(TENANT)
    assert sent_at[59] == sent_at[0]
    assert sent_at[60] == sent_at[0] + 60.0
    assert clock.sleeps == [60.0]
    assert status.sent_last_minute == 1


async def test_calls_pause_when_xero_reports_no_minute_calls_left() -> None:
    sent_at: list[float] = []
    clock = FakeClock()

    def handler(request: httpx2.Request) -> httpx2.Response:
        sent_at.append(clock.now)
        # Another program has been using this organisation: Xero says only 2 calls are left this minute.
        remaining = max(0, 2 - len(sent_at))
        return json_response(200, OK_BODY, {"X-MinLimit-Remaining": str(remaining), "X-DayLimit-Remaining": "4321"})

    client, _, _ = make_client(handler, clock=clock)
    async with client:
        org = client.tenant(TENANT)
        for _ in range(3):
            await org.request("GET", "/Invoices")
        limits = client.limits(TENANT)
    assert sent_at == [1000.0, 1000.0, 1060.0]
    assert limits.day_remaining == 4321
    assert limits.minute_remaining == 0


async def test_validation_exception_becomes_validation_error_with_xeros_messages() -> None:
    body = {
        "ErrorNumber": 10,
        "Type": "ValidationException",
        "Message": "A validation exception occurred",
        "Elements": [{"InvoiceNumber": "INV-1", "ValidationErrors": [{"Message": "Invoice # must be unique."}]}],
    }

    def handler(request: httpx2.Request) -> httpx2.Response:
        return json_response(400, body)

    client, clock, _ = make_client(handler)
    async with client:
        with pytest.raises(ValidationError) as caught:
            await client.tenant(TENANT).request("PUT", "/Invoices", json={"Invoices": [{}]})
    assert caught.value.messages == ("Invoice # must be unique.",)
    assert caught.value.elements[0].index == 0
    assert clock.sleeps == []


async def test_404_plain_text_is_not_found_and_403_is_permission_denied() -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        if request.url.path.endswith("/Missing"):
            return httpx2.Response(404, text="The resource you're looking for cannot be found")
        return json_response(403, {"Title": "Forbidden", "Status": 403, "Detail": "AuthenticationUnsuccessful"})

    client, _, _ = make_client(handler)
    async with client:
        org = client.tenant(TENANT)
        with pytest.raises(NotFound):
            await org.request("GET", "/Invoices/Missing")
        with pytest.raises(PermissionDenied):
            await org.request("GET", "/Invoices")


async def test_full_urls_and_escaping_paths_are_refused_so_the_token_cannot_leak() -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:  # pragma: no cover - never reached
        raise AssertionError("nothing may be sent")

    client, _, _ = make_client(handler)
    async with client:
        org = client.tenant(TENANT)
        for bad in ["https://evil.example/x", "//evil.example/x", "/Invoices/../../connections", "/Invoices?where=x"]:
            with pytest.raises(ValueError):
                await org.request("GET", bad)
        with pytest.raises(ValueError, match="Authorization"):
            await org.request("GET", "/Invoices", headers={"Authorization": "Bearer other"})


async def test_amounts_travel_as_exact_json_numbers_both_ways() -> None:
    bodies: list[bytes] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        bodies.append(request.content)
        return httpx2.Response(
            200,
            content=b'{"Invoices":[{"Total":0.30,"AmountDue":1234567890.12}]}',
            headers={"content-type": "application/json"},
        )

    client, _, _ = make_client(handler)
    async with client:
        response = await client.tenant(TENANT).request(
            "PUT",
            "/Invoices",
            json={"Invoices": [{"UnitAmount": Decimal("0.10"), "Quantity": 3, "Date": dt.date(2026, 1, 31)}]},
        )
    assert bodies[0] == b'{"Invoices":[{"UnitAmount":0.10,"Quantity":3,"Date":"2026-01-31"}]}'
    assert json.loads(bodies[0])["Invoices"][0]["UnitAmount"] == 0.1
    invoice = response.data["Invoices"][0]
    assert invoice["Total"] == Decimal("0.30")
    assert invoice["AmountDue"] == Decimal("1234567890.12")


async def test_debug_log_shows_method_path_status_attempt_and_limits_but_no_token(
    caplog: pytest.LogCaptureFixture,
) -> None:
    statuses = [503, 200]

    def handler(request: httpx2.Request) -> httpx2.Response:
        return json_response(statuses.pop(0), OK_BODY, {"X-MinLimit-Remaining": "58", "X-DayLimit-Remaining": "4990"})

    client, _, _ = make_client(handler)
    with caplog.at_level(logging.DEBUG):
        async with client:
            await client.tenant(TENANT).request("GET", "/Invoices")
    lines = [record.getMessage() for record in caplog.records if record.name == "xero_mcp.client"]
    assert "GET /Invoices -> 503 attempt=1 min_remaining=58 day_remaining=4990" in lines
    assert "GET /Invoices -> 200 attempt=2 min_remaining=58 day_remaining=4990" in lines
    assert TOKEN not in caplog.text


def test_redaction_masks_bearer_tokens_secrets_and_jwts() -> None:
    text = (
        'Authorization: Bearer abc.def-123 client_secret=s3cr3t&x=1 {"refresh_token": "rt-999"} '
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-part"
    )
    cleaned = redact(text)
    for secret in ["abc.def-123", "s3cr3t", "rt-999", "eyJhbGciOiJIUzI1NiJ9"]:
        assert secret not in cleaned
    assert "x=1" in cleaned


async def test_a_failing_connection_error_message_holds_no_token() -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError(f"refused while sending Bearer {TOKEN}")

    client, _, _ = make_client(handler, max_retries=0)
    async with client:
        with pytest.raises(APIConnectionError) as caught:
            await client.tenant(TENANT).request("GET", "/Invoices")
    assert TOKEN not in str(caught.value)


def test_debug_logging_goes_to_the_given_stream_once_and_redacted() -> None:
    import io

    from xero_mcp.client import enable_debug_logging

    stream = io.StringIO()
    handler = enable_debug_logging(stream)
    try:
        assert enable_debug_logging(stream) is handler
        logging.getLogger("xero_mcp.client").debug("sent with Bearer %s", TOKEN)
        assert "Bearer [redacted]" in stream.getvalue()
        assert TOKEN not in stream.getvalue()
    finally:
        logger = logging.getLogger("xero_mcp.client")
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)


def test_request_bodies_refuse_what_json_cannot_carry_exactly() -> None:
    from xero_mcp.client import _json

    assert _json.dumps({"Rate": 0.1, "Amount": Decimal("1E+2")}) == b'{"Rate":0.1,"Amount":100}'
    with pytest.raises(ValueError):
        _json.dumps({"Amount": Decimal("NaN")})
    with pytest.raises(ValueError):
        _json.dumps({"Amount": float("inf")})
    with pytest.raises(ValueError):
        _json.dumps({"When": dt.datetime(2026, 1, 1)})
    with pytest.raises(TypeError):
        _json.dumps({"Set": {1, 2}})
