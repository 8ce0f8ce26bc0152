"""Durable state for triggers (poll cursors) and duplicate avoidance (natural-key ledger), in SQLite."""
