"""The typed errors of the Xero client, and the one function that maps an HTTP response to them.

XeroError
  APIStatusError            Xero answered with an error status
    ValidationError         400: ValidationException (messages per element) or another 400 Xero explains
    AuthenticationError     401: token missing, invalid or expired
    PermissionDenied        403: tenant not connected to this token, missing scope or user role
    NotFound                404: unknown ID or path
    RateLimited             429: minute, daily, concurrent or app limit (Retry-After when Xero gives one)
    ServerError             5xx
  APIConnectionError        no response at all (connection refused, reset, dropped)
    APITimeoutError         no response in time

Messages never include tokens, secrets or request headers: only what Xero said about the request.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast


@dataclass(frozen=True, slots=True)
class ElementError:
    """The validation messages Xero attached to one element of a request (one invoice of a batch, say)."""

    index: int
    messages: tuple[str, ...]
    element: dict[str, Any] = field(default_factory=dict[str, Any])


class XeroError(Exception):
    """Base of every error the client raises."""


class APIStatusError(XeroError):
    """Xero answered, with an error status."""

    def __init__(self, message: str, *, status_code: int, method: str = "", path: str = "", body: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.method = method
        self.path = path
        self.body = body


class ValidationError(APIStatusError):
    """400: Xero rejected the request; `messages` are Xero's own words, `elements` says which element failed."""

    def __init__(
        self,
        message: str,
        *,
        messages: tuple[str, ...] = (),
        elements: tuple[ElementError, ...] = (),
        status_code: int = 400,
        method: str = "",
        path: str = "",
        body: Any = None,
    ) -> None:
        super().__init__(message, status_code=status_code, method=method, path=path, body=body)
        self.messages = messages
        self.elements = elements


class AuthenticationError(APIStatusError):
    """401: the access token is missing, invalid or expired (`detail` is Xero's Detail, e.g. "TokenExpired: ...")."""

    def __init__(self, message: str, *, detail: str = "", **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.detail = detail

    @property
    def token_expired(self) -> bool:
        """Whether Xero said the token expired (worth one refresh), rather than that it is invalid."""
        return self.detail.startswith("TokenExpired")


class PermissionDenied(APIStatusError):
    """403: this token may not act on this organisation (not connected, missing scope or role)."""


class NotFound(APIStatusError):
    """404: the record or path does not exist (for this organisation)."""


class RateLimited(APIStatusError):
    """429: a Xero rate limit was hit. `problem` is X-Rate-Limit-Problem (minute, day, concurrent, appminute)."""

    def __init__(
        self, message: str, *, problem: str, retry_after: float | None, resets_at: datetime | None = None, **kwargs: Any
    ) -> None:
        super().__init__(message, **kwargs)
        self.problem = problem
        self.retry_after = retry_after
        self.resets_at = resets_at

    @property
    def is_daily(self) -> bool:
        """Whether the daily limit was hit: retrying before `resets_at` cannot succeed."""
        return self.problem.lower() in {"day", "daily"}


class ServerError(APIStatusError):
    """5xx: Xero failed; retried by the client when the request was safe to retry."""


class APIConnectionError(XeroError):
    """No response from Xero: the request may or may not have been processed."""


class APITimeoutError(APIConnectionError):
    """No response from Xero in time: the request may or may not have been processed."""


def _decode(body: bytes | str) -> Any:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        return json.loads(text)
    except ValueError:
        return text


def _as_dict(payload: Any) -> dict[str, Any] | None:
    return cast("dict[str, Any]", payload) if isinstance(payload, dict) else None


def _validation_parts(payload: dict[str, Any]) -> tuple[tuple[str, ...], tuple[ElementError, ...]]:
    elements: list[ElementError] = []
    flat: list[str] = []
    raw_elements = payload.get("Elements")
    if isinstance(raw_elements, list):
        for index, element in enumerate(cast("list[Any]", raw_elements)):
            element_dict = _as_dict(element)
            if element_dict is None:
                continue
            errors = [_as_dict(err) or {} for err in cast("list[Any]", element_dict.get("ValidationErrors") or [])]
            messages = tuple(str(err["Message"]).strip() for err in errors if err.get("Message"))
            if messages:
                elements.append(ElementError(index=index, messages=messages, element=element_dict))
                flat.extend(m for m in messages if m not in flat)
    return tuple(flat), tuple(elements)


def _duration(seconds: float) -> str:
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def make_status_error(
    status_code: int,
    body: bytes | str,
    headers: dict[str, str] | None = None,
    *,
    method: str = "",
    path: str = "",
    now: datetime | None = None,
) -> APIStatusError:
    """Turn an error response from Xero into the matching typed error (the only place that does this).

    `now` (timezone-aware) lets a 429 say when the limit resets (`RateLimited.resets_at` = now + Retry-After).
    """
    lowered = {key.lower(): value for key, value in (headers or {}).items()}
    payload = _decode(body)
    data = _as_dict(payload)
    where = f"{method} {path}".strip()
    common: dict[str, Any] = {"status_code": status_code, "method": method, "path": path, "body": payload}

    if status_code == 400:
        if data is not None and data.get("Type") == "ValidationException":
            messages, elements = _validation_parts(data)
            summary = "; ".join(messages) or str(data.get("Message") or "A validation exception occurred")
            return ValidationError(summary, messages=messages, elements=elements, **common)
        if data is not None:
            text = str(data.get("Message") or data.get("Detail") or data.get("error") or data)
        else:
            text = str(payload).strip() or "Bad request"
        return ValidationError(text, messages=(text,), **common)
    if status_code == 401:
        detail = str(data.get("Detail", "")) if data is not None else str(payload)
        message = f"Xero rejected the access token ({detail or 'Unauthorized'})"
        return AuthenticationError(message, detail=detail, **common)
    if status_code == 403:
        detail = str(data.get("Detail", "")) if data is not None else str(payload)
        return PermissionDenied(
            f"Xero refused access to {where or 'this resource'} ({detail or 'Forbidden'}): the organisation may not "
            "be connected to this login, or the login lacks the scope or user role for it",
            **common,
        )
    if status_code == 404:
        return NotFound(f"Not found: {where}" if where else "Not found", **common)
    if status_code == 429:
        problem = lowered.get("x-rate-limit-problem", "minute")
        retry_raw = lowered.get("retry-after")
        try:
            retry_after = float(retry_raw) if retry_raw is not None else None
        except ValueError:
            retry_after = None
        resets_at = now + timedelta(seconds=retry_after) if now is not None and retry_after is not None else None
        if problem.lower() in {"day", "daily"}:
            message = "Xero's daily API call limit for this organisation was reached"
            if retry_after is not None:
                message += f"; it resets in {_duration(retry_after)}"
            if resets_at is not None:
                message += f" (at {resets_at.isoformat(timespec='seconds')})"
        else:
            message = f"Xero's {problem} rate limit was reached" + (
                f"; retry after {retry_after:g} seconds" if retry_after is not None else ""
            )
        return RateLimited(message, problem=problem, retry_after=retry_after, resets_at=resets_at, **common)
    if status_code >= 500:
        return ServerError(f"Xero failed with HTTP {status_code}" + (f" on {where}" if where else ""), **common)
    text = payload if isinstance(payload, str) else json.dumps(payload)[:500]
    return APIStatusError(f"Xero answered HTTP {status_code}: {text}", **common)
