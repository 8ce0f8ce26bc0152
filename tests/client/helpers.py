"""Fakes for driving the client without a network or real time."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import random
from collections.abc import Callable
from typing import Any

import httpx2

from xero_mcp.client import XeroClient
from xero_mcp.config import Settings

API_URL = "https://api.example.test/api.xro/2.0"
TENANT = "0f8e9d6c-1111-4a2b-9c3d-5e6f7a8b9c0d"
TOKEN = "tok-FIRST-abcdef123456"


class FakeClock:
    """Monotonic seconds that move only when the client sleeps; records every sleep."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []
        self.wall_start = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)
        self._start = start

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)

    def wall(self) -> dt.datetime:
        return self.wall_start + dt.timedelta(seconds=self.now - self._start)


class Recorder:
    """A MockTransport handler that records requests and answers from a routing function."""

    def __init__(self, answer: Callable[[httpx2.Request], httpx2.Response]) -> None:
        self.requests: list[httpx2.Request] = []
        self._answer = answer

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        return self._answer(request)

    def body(self, index: int = -1) -> Any:
        return json.loads(self.requests[index].content)


class FakeTokens:
    """A token provider that hands out numbered tokens and counts refreshes."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.refreshes: list[str] = []

    async def get_token(self) -> str:
        return self.token

    async def refresh_token(self, rejected: str) -> str:
        self.refreshes.append(rejected)
        self.token = f"tok-REFRESHED-{len(self.refreshes)}-zyxw987"
        return self.token


def make_client(
    handler: Callable[[httpx2.Request], Any],
    *,
    clock: FakeClock | None = None,
    tokens: FakeTokens | None = None,
    max_retries: int = 4,
    **settings: Any,
) -> tuple[XeroClient, FakeClock, FakeTokens]:
    """A client over MockTransport with a fake clock and token provider."""
    clock = clock or FakeClock()
    tokens = tokens or FakeTokens()
    client = XeroClient(
        Settings(api_url=API_URL, **settings),
        tokens,
        transport=httpx2.MockTransport(handler),
        sleep=clock.sleep,
        clock=clock,
        wall_clock=clock.wall,
        rng=random.Random(7),
        max_retries=max_retries,
    )
    return client, clock, tokens


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx2.Response:
    return httpx2.Response(status, json=body, headers=headers)
