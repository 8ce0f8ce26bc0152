"""Debug logging for the client, with credentials redacted before anything is written.

The client logs to the `xero_mcp.client` logger: one debug line per attempt (method, path, status, attempt, remaining
limits) and a line per pacing or retry wait. It never formats headers, tokens or bodies into log messages, and the
filter below is a second line of defence that masks anything shaped like a credential in case one slips into a
message (an exception text quoting a URL with a token in it, say).
"""

from __future__ import annotations

import logging
import re
import sys
from typing import TextIO

LOGGER_NAME = "xero_mcp.client"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9\-._~+/]+=*"), r"\1 [redacted]"),
    (
        re.compile(
            r"(?i)\b(access_token|refresh_token|id_token|client_secret|code_verifier|password|authorization)"
            r"(\"?\s*[:=]\s*\"?)[^\s\"&,;]+"
        ),
        r"\1\2[redacted]",
    ),
    (re.compile(r"\beyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*"), "[redacted-jwt]"),
)


def redact(text: str) -> str:
    """Mask bearer/basic credentials, token or secret assignments and JWTs in `text`."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that renders each record's message and redacts credentials from it."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Replace the record's message with its redacted rendering; never drops a record."""
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg = cleaned
            record.args = None
        return True


def client_logger() -> logging.Logger:
    """The client's logger, with the redacting filter attached once."""
    log = logging.getLogger(LOGGER_NAME)
    if not any(isinstance(existing, RedactingFilter) for existing in log.filters):
        log.addFilter(RedactingFilter())
    return log


class _DebugHandler(logging.StreamHandler[TextIO]):
    """The handler enable_debug_logging installs (a distinct type, so it is installed once)."""


def enable_debug_logging(stream: TextIO | None = None) -> logging.Handler:
    """Send the client's debug lines to stderr (or `stream`); stdout stays free for the stdio MCP transport.

    Calling it again adds no second handler. Returns the handler so a caller can remove it.
    """
    log = client_logger()
    for existing in log.handlers:
        if isinstance(existing, _DebugHandler):
            return existing
    handler = _DebugHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    handler.addFilter(RedactingFilter())
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    return handler
