"""Injected faults: the failures a Xero client must survive, served on demand.

A rule says "for the next `count` requests matching this method and path, fail this way". The sandbox app asks
`take()` once per emulated request and acts on the rule it gets back:

- "429", "500", "503": answer with `fault_response(rule)` instead of processing the request;
- "drop": raise ConnectionDropped before processing (nothing happened on the server);
- "commit_then_drop": process and commit the request, then raise ConnectionDropped (the client never learns that
  its write succeeded: the case idempotency keys exist for);
- "slow": process the request, then in-process raise ResponseTimedOut (over a real socket, wait `delay` seconds).

SandboxTransport turns the two exceptions into the errors an HTTP client would see from a real network.
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from typing import Literal, get_args

from starlette.responses import Response

FaultKind = Literal["429", "500", "503", "drop", "slow", "commit_then_drop"]
FAULT_KINDS: tuple[str, ...] = get_args(FaultKind)


class ConnectionDropped(Exception):
    """The connection closed without a response ("drop": before processing; "commit_then_drop": after committing)."""


class ResponseTimedOut(Exception):
    """The response took longer than the client waits ("slow"); the request was processed."""


@dataclass
class FaultRule:
    """Fail the next `count` requests whose method and path match.

    `method` "*" matches any method; `path` is an fnmatch pattern on the request path, e.g.
    "/api.xro/2.0/Invoices*". `delay` is how long a "slow" response takes over a real socket; `retry_after` is
    the Retry-After a "429" carries.
    """

    method: str
    path: str
    kind: FaultKind
    count: int = 1
    delay: float = 0.0
    retry_after: int = 1


def _whole(value: object) -> bool:
    # Rules arrive from JSON control requests too, where a bool or a float may stand where an int belongs.
    return type(value) is int


class FaultInjector:
    """The pending fault rules, consumed in order, and a tally of the faults served."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self.injected: dict[str, int] = dict.fromkeys(FAULT_KINDS, 0)

    def add(self, rule: FaultRule) -> None:
        """Queue a rule after the existing ones. Raises ValueError for an unknown kind or a non-positive count."""
        if rule.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {rule.kind!r}; kinds: {', '.join(FAULT_KINDS)}")
        if not _whole(rule.count) or rule.count < 1:
            raise ValueError("a fault rule's count must be a whole number of at least 1")
        if rule.delay < 0:
            raise ValueError("a fault rule's delay cannot be negative")
        if not _whole(rule.retry_after) or rule.retry_after < 0:
            raise ValueError("a fault rule's retry_after must be a non-negative whole number of seconds")
        if not rule.method or not rule.path:
            raise ValueError("a fault rule needs a method (or '*') and a path pattern")
        with self._lock:
            self._rules.append(replace(rule, method=rule.method.upper()))

    def take(self, method: str, path: str) -> FaultRule | None:
        """Use up one application of the first rule matching this request, or None when no rule matches."""
        wanted = method.upper()
        with self._lock:
            for index, rule in enumerate(self._rules):
                if rule.method not in ("*", wanted) or not fnmatchcase(path, rule.path):
                    continue
                rule.count -= 1
                if rule.count == 0:
                    del self._rules[index]
                self.injected[rule.kind] += 1
                return replace(rule, count=1)
        return None

    def clear(self) -> None:
        """Drop every pending rule (the tally of served faults is kept)."""
        with self._lock:
            self._rules.clear()

    def rules(self) -> list[FaultRule]:
        """The pending rules, each with the number of applications it has left."""
        with self._lock:
            return [replace(rule) for rule in self._rules]


def _problem(status: int, title: str, detail: str) -> str:
    return json.dumps(
        {
            "Type": None,
            "Title": title,
            "Status": status,
            "Detail": detail,
            "Instance": str(uuid.uuid4()),
            "Extensions": {},
        }
    )


def fault_response(rule: FaultRule) -> Response | None:
    """The response a "429", "500" or "503" rule answers with; None for the kinds that are not a response."""
    if rule.kind == "429":
        return Response(
            _problem(429, "Too Many Requests", "Rate limit exceeded: minute"),
            status_code=429,
            headers={"Retry-After": str(rule.retry_after), "X-Rate-Limit-Problem": "minute"},
            media_type="application/json",
        )
    if rule.kind == "500":
        return Response(
            _problem(
                500,
                "An error occurred",
                "An error occurred in Xero. Check the API Status page http://status.developer.xero.com for current "
                "service status.",
            ),
            status_code=500,
            media_type="application/json",
        )
    if rule.kind == "503":
        return Response(
            _problem(503, "Service Unavailable", "The Xero API is currently unavailable. Please try again shortly."),
            status_code=503,
            media_type="application/json",
        )
    return None
