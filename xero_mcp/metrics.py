"""Prometheus metrics for a served xero-mcp (`/metrics` on the HTTP transport), with prometheus_client.

Each server has its own registry (no module globals), so tests and several servers in one process never share
counts. Labels are kept bounded: an endpoint is its path with record IDs and numbers replaced by `{id}`, and an
organisation is its tenant ID (or `-` for a custom connection).
"""

from __future__ import annotations

import re

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

from xero_mcp.client._response import XeroCall

_ID_SEGMENT = re.compile(r"^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|.*\d.*)$")
_DURATIONS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)


def endpoint_of(path: str) -> str:
    """The path with record IDs and numbers replaced by `{id}` (`/Invoices/<uuid>/History` becomes
    `/Invoices/{id}/History`), so the label's values stay few."""
    parts = [part for part in path.split("/") if part]
    kept = [parts[0], *("{id}" if _ID_SEGMENT.match(part) else part for part in parts[1:])] if parts else []
    return "/" + "/".join(kept)


class Metrics:
    """The server's counters and histograms, and their text exposition."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.xero_calls = Counter(
            "xero_mcp_xero_calls",
            "Calls to the Xero API by organisation, endpoint and status",
            ["org", "endpoint", "status"],
            registry=r,
        )
        self.xero_duration = Histogram(
            "xero_mcp_xero_call_seconds",
            "Duration of calls to the Xero API",
            ["endpoint"],
            buckets=_DURATIONS,
            registry=r,
        )
        self.rate_limited = Counter(
            "xero_mcp_xero_rate_limited",
            "429 answers from Xero by organisation and limit",
            ["org", "problem"],
            registry=r,
        )
        self.budget_waits = Counter(
            "xero_mcp_rate_budget_waits",
            "Calls held back to stay inside Xero's limits, by reason",
            ["reason"],
            registry=r,
        )
        self.budget_wait_seconds = Histogram(
            "xero_mcp_rate_budget_wait_seconds",
            "How long calls were held back",
            ["reason"],
            buckets=_DURATIONS,
            registry=r,
        )
        self.refreshes = Counter("xero_mcp_token_refreshes", "Xero access tokens refreshed by this process", registry=r)
        self.tool_calls = Counter("xero_mcp_tool_calls", "MCP tool calls by tool", ["tool"], registry=r)
        self.tool_errors = Counter(
            "xero_mcp_tool_errors", "MCP tool calls that ended in an error, by tool", ["tool"], registry=r
        )
        self.tool_duration = Histogram(
            "xero_mcp_tool_call_seconds", "Duration of MCP tool calls", ["tool"], buckets=_DURATIONS, registry=r
        )

    def xero_call(self, call: XeroCall) -> None:
        """Count one attempt at a Xero call."""
        org = call.org or "-"
        endpoint = endpoint_of(call.path)
        self.xero_calls.labels(org=org, endpoint=endpoint, status=call.status).inc()
        self.xero_duration.labels(endpoint=endpoint).observe(call.seconds)
        if call.status == "429":
            self.rate_limited.labels(org=org, problem=(call.rate_problem or "unknown").lower()).inc()

    def budget_wait(self, org: str | None, reason: str, seconds: float) -> None:
        """Count one wait for the rate budget (a coordinator's observer)."""
        self.budget_waits.labels(reason=reason).inc()
        self.budget_wait_seconds.labels(reason=reason).observe(max(seconds, 0.0))

    def refresh(self) -> None:
        """Count one token refresh."""
        self.refreshes.inc()

    def tool_call(self, tool: str, seconds: float, *, error: bool) -> None:
        """Count one tool call, its duration, and whether it failed."""
        self.tool_calls.labels(tool=tool).inc()
        self.tool_duration.labels(tool=tool).observe(seconds)
        if error:
            self.tool_errors.labels(tool=tool).inc()

    def exposition(self) -> tuple[bytes, str]:
        """The text exposition of every metric, and its content type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
