"""Durable state for triggers (poll cursors) and duplicate avoidance (natural-key ledger), in SQLite.

`cursors` holds the poll engine behind the `poll_*` tools, `webhooks` the optional Xero webhook receiver that feeds
it, and `dedupe` the natural keys, idempotency keys, ledger, contact matcher and locks behind the `create_*` tools.
All of it lives in one SQLite file in the state dir (`sync_db_path()`).
"""

from xero_mcp.sync._db import sync_db_path
from xero_mcp.sync.cursors import CursorStore, PollResult, poll
from xero_mcp.sync.dedupe import DedupeLedger, KeyedLocks, idempotency_key, natural_key

__all__ = [
    "CursorStore",
    "DedupeLedger",
    "KeyedLocks",
    "PollResult",
    "idempotency_key",
    "natural_key",
    "poll",
    "sync_db_path",
]
