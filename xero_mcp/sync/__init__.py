"""Durable state for triggers and duplicate avoidance, in SQLite: storage only.

`cursors` holds the poll cursors behind the `poll_changes` tool, `webhooks` the optional Xero webhook receiver that
feeds them, `dedupe` the create-once ledger and `locks` the in-process keyed locks. All of it lives in one SQLite
file in the state dir (`_db.sync_db_path()`). Nothing is imported here, so a light module of this package (the
Xero time helpers, say) loads without the stores.
"""
