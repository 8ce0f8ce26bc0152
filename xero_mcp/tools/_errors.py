"""What a model can act on: every expected failure becomes a ToolError (a tool result with isError) in plain words.

Xero's validation messages are passed through verbatim (they are precise), with a hint when the cause is a status
rule a model would otherwise retry blindly. Failures only the host can fix (no login, wrong configuration) are also
tool errors, worded as instructions for the user. Nothing here ever includes tokens, secrets or tracebacks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, cast

from mcp.server.mcpserver.exceptions import ToolError
from pydantic import ValidationError as PydanticValidationError

from xero_mcp.auth.errors import AuthServiceUnavailable
from xero_mcp.auth.provider import LoginRequired, UnknownTenant
from xero_mcp.client.errors import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServerError,
    ValidationError,
    XeroError,
)
from xero_mcp.coordination import CoordinationUnavailable


class UserInputError(Exception):
    """The arguments cannot work (unknown name, ambiguous match, missing field): the message says how to fix them."""


# Hints for Xero messages whose fix is not obvious from the message itself (xero-api.md §5).
_HINTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"amount outstanding|exceeds the amount", re.I),
        "Pay at most the document's amount_due; read it with get_invoice or get_bill first.",
    ),
    (
        re.compile(r"cannot be (edited|modified|updated)|only .* may be (edited|modified)", re.I),
        "The document's status does not allow this change: paid or voided invoices only accept reference, due "
        "date and line descriptions/accounts/tracking; ACCEPTED, DECLINED or INVOICED quotes only accept contact "
        "and notes (set an ACCEPTED or DECLINED quote back to SENT to edit it).",
    ),
    (
        re.compile(r"must be unique|already (exists|assigned)", re.I),
        "A record with that number or name already exists: find it (list_records or find_or_create_contact) and use "
        "it.",
    ),
    (
        re.compile(r"AUTHORISED", re.I),
        "Approve the document first (approve_invoice, or update with status AUTHORISED) and try again.",
    ),
)


def _hint(messages: tuple[str, ...]) -> str:
    text = " ".join(messages)
    for pattern, hint in _HINTS:
        if pattern.search(text):
            return f" Hint: {hint}"
    return ""


def _limits(schema: Mapping[str, Any] | None, loc: tuple[int | str, ...]) -> str:
    """What the published schema allows at `loc` (" (allowed: 1 to 100000)"), or "" when it sets no limit."""
    node: Any = schema
    for part in loc:
        if not isinstance(node, Mapping):
            return ""
        mapping = cast("Mapping[str, Any]", node)
        node = mapping.get("items") if isinstance(part, int) else mapping.get("properties", {}).get(part)
    if not isinstance(node, Mapping):
        return ""
    found = cast("Mapping[str, Any]", node)
    low, high = found.get("minimum"), found.get("maximum")
    if low is not None and high is not None:
        return f" (allowed: {low} to {high})"
    if high is not None:
        return f" (allowed: at most {high})"
    if low is not None:
        return f" (allowed: at least {low})"
    return ""


# Pydantic messages that do not say the limit themselves (a number too big even to read).
_LIMITLESS = frozenset({"int_parsing_size", "finite_number"})


def describe(exc: BaseException, schema: Mapping[str, Any] | None = None) -> str:
    """The message a model (and through it the user) sees for this failure (`schema`: the tool's input schema, to
    name the limits an argument broke)."""
    if isinstance(exc, UserInputError):
        return str(exc)
    if isinstance(exc, PydanticValidationError):
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'value'}: {error['msg']}"
            + (_limits(schema, tuple(error["loc"])) if error["type"] in _LIMITLESS else "")
            for error in exc.errors()
        )
        return f"Invalid arguments: {problems}"
    if isinstance(exc, CoordinationUnavailable):
        return str(exc)
    if isinstance(exc, AuthServiceUnavailable):
        return f"Could not reach Xero's sign-in service to refresh the login; try again shortly. ({exc})"
    if isinstance(exc, LoginRequired):
        return f"Not signed in to Xero: {exc}"
    if isinstance(exc, UnknownTenant):
        return str(exc).strip("'\"")
    if isinstance(exc, ValidationError):
        messages = exc.messages or (exc.message,)
        if len(exc.elements) > 1:
            detail = "; ".join(f"item {e.index + 1}: {' '.join(e.messages)}" for e in exc.elements)
        else:
            detail = " ".join(messages)
        return f"Xero rejected the request: {detail}{_hint(messages)}"
    if isinstance(exc, NotFound):
        return f"Xero has no such record ({exc.method} {exc.path}). Check the ID or number, and the organisation."
    if isinstance(exc, PermissionDenied):
        return exc.message
    if isinstance(exc, AuthenticationError):
        return (
            "Xero rejected the credentials. If the sign-in expired or was revoked, ask the user to run "
            f"`xero-mcp login` ({exc.detail.split(':')[0] or 'Unauthorized'})."
        )
    if isinstance(exc, RateLimited):
        if exc.is_daily:
            when = f" It resets at {exc.resets_at.isoformat()}." if exc.resets_at else ""
            return f"Xero's daily API limit for this organisation (5,000 calls) is used up.{when}"
        return f"{exc.message}. Wait and try again."
    if isinstance(exc, APITimeoutError):
        return "Xero did not answer in time; the request may not have been processed. Check before retrying."
    if isinstance(exc, APIConnectionError):
        return "Could not reach Xero; the request may not have been processed. Check before retrying."
    if isinstance(exc, ServerError):
        return f"Xero had an internal error (HTTP {exc.status_code}) and retries did not help; try again later."
    if isinstance(exc, XeroError):
        return str(exc)
    raise exc


def to_tool_error(exc: BaseException) -> ToolError:
    """Map an exception to the ToolError a model sees; unexpected exceptions are re-raised (a crash, logged)."""
    return ToolError(describe(exc))
