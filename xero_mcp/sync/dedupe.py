"""The create-once ledger: which record this server created under which natural key, per organisation.

Storage only: what a natural key is, and how a create looks for an existing copy, belong to the tools
(`xero_mcp.tools._create`). A `kind` is the kind of Xero record ("invoice", "contact"), never a tool's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from xero_mcp.sync._db import Database, sync_db_path
from xero_mcp.sync.xerotime import canonical_uuid, from_epoch_ms, require_aware, to_epoch_ms


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """A record this server created: of which kind (a Xero record type), under which natural key, with which Xero ID,
    when."""

    tenant_id: str
    kind: str
    natural_key: str
    xero_id: str
    recorded_at: datetime


_LEDGER_SCHEMA = """
CREATE TABLE IF NOT EXISTS created_records (
    tenant_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    natural_key TEXT NOT NULL,
    xero_id TEXT NOT NULL,
    recorded_ms INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, kind, natural_key)
) WITHOUT ROWID;
"""


class DedupeLedger:
    """(organisation, record kind, natural key) -> the Xero ID created, in the sync database."""

    def __init__(self, path: Path | str) -> None:
        self._db = Database(path, _LEDGER_SCHEMA)

    @classmethod
    def open(cls, state_dir: Path | str) -> DedupeLedger:
        """Open (creating if needed) the ledger in the state dir's sync database."""
        return cls(sync_db_path(state_dir))

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def lookup(self, tenant_id: str, kind: str, natural_key: str) -> LedgerEntry | None:
        """The record created before under this key, or None. The tool should confirm it still exists in Xero."""
        tenant = canonical_uuid(tenant_id, "tenant_id")
        with self._db.read() as conn:
            row = conn.execute(
                "SELECT xero_id, recorded_ms FROM created_records WHERE tenant_id = ? AND kind = ? AND natural_key = ?",
                (tenant, kind, natural_key),
            ).fetchone()
        if row is None:
            return None
        return LedgerEntry(tenant, kind, natural_key, row[0], from_epoch_ms(row[1]))

    def record(self, tenant_id: str, kind: str, natural_key: str, xero_id: str, *, now: datetime) -> LedgerEntry:
        """Remember the record created under this key; a later record (the first was deleted in Xero) replaces it."""
        entry = LedgerEntry(
            canonical_uuid(tenant_id, "tenant_id"),
            kind,
            natural_key,
            canonical_uuid(xero_id, "xero_id"),
            require_aware(now),
        )
        with self._db.write() as conn:
            conn.execute(
                "INSERT INTO created_records (tenant_id, kind, natural_key, xero_id, recorded_ms) "
                "VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (tenant_id, kind, natural_key) DO UPDATE "
                "SET xero_id = excluded.xero_id, recorded_ms = excluded.recorded_ms",
                (entry.tenant_id, kind, natural_key, entry.xero_id, to_epoch_ms(entry.recorded_at)),
            )
        return entry

    def forget(self, tenant_id: str, kind: str, natural_key: str) -> bool:
        """Drop an entry (its record is gone from Xero); True when there was one."""
        tenant = canonical_uuid(tenant_id, "tenant_id")
        with self._db.write() as conn:
            return (
                conn.execute(
                    "DELETE FROM created_records WHERE tenant_id = ? AND kind = ? AND natural_key = ?",
                    (tenant, kind, natural_key),
                ).rowcount
                > 0
            )
