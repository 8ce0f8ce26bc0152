"""Triggers and duplicate avoidance over the store (`xero_mcp.store`): the algorithms, no SQL.

`cursors` holds the poll engine behind the `poll_changes` tool (per-consumer cursors, two-phase acknowledgement),
`webhooks` the optional Xero webhook receiver that feeds them, `dedupe` the create-once ledger with its claims.
Nothing is imported here, so a light module of this package (the Xero time helpers, say) loads without the store.
"""
