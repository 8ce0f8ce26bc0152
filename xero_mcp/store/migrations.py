"""Versioned schema migrations. Each version is applied once, in order, inside one transaction, and recorded in
``schema_migrations``; on PostgreSQL an advisory lock makes replicas starting together apply each version once.

Never edit a released version: add the next one.
"""

from __future__ import annotations

from dataclasses import dataclass

from xero_mcp.store.engines import Engine, render


@dataclass(frozen=True)
class Migration:
    """One schema version."""

    version: int
    description: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "hosted connector: users, MCP clients, sign-ins in flight, codes, grants, tokens, Xero logins",
        (
            """CREATE TABLE users (
                user_id TEXT PRIMARY KEY,
                xero_user_id TEXT NOT NULL UNIQUE,
                email TEXT NOT NULL,
                name TEXT NOT NULL,
                created_at {bigint} NOT NULL,
                revoked_at {bigint}
            )""",
            "CREATE INDEX users_by_email ON users (email)",
            """CREATE TABLE oauth_clients (
                client_id TEXT PRIMARY KEY,
                key_id TEXT NOT NULL,
                nonce {blob} NOT NULL,
                ciphertext {blob} NOT NULL,
                created_at {bigint} NOT NULL
            )""",
            """CREATE TABLE pending_signins (
                state_hash TEXT PRIMARY KEY,
                key_id TEXT NOT NULL,
                nonce {blob} NOT NULL,
                ciphertext {blob} NOT NULL,
                expires_at {bigint} NOT NULL
            )""",
            """CREATE TABLE grants (
                grant_id TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users (user_id),
                client_id TEXT NOT NULL,
                resource TEXT NOT NULL,
                scopes TEXT NOT NULL,
                created_at {bigint} NOT NULL,
                revoked_at {bigint},
                revoked_reason TEXT
            )""",
            "CREATE INDEX grants_by_user ON grants (user_id)",
            """CREATE TABLE auth_codes (
                code_hash TEXT PRIMARY KEY,
                client_id TEXT NOT NULL,
                user_id TEXT NOT NULL REFERENCES users (user_id),
                redirect_uri TEXT NOT NULL,
                redirect_uri_explicit INTEGER NOT NULL,
                code_challenge TEXT NOT NULL,
                scopes TEXT NOT NULL,
                resource TEXT NOT NULL,
                expires_at {bigint} NOT NULL
            )""",
            """CREATE TABLE tokens (
                token_hash TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                grant_id TEXT NOT NULL REFERENCES grants (grant_id),
                expires_at {bigint} NOT NULL,
                used_at {bigint}
            )""",
            "CREATE INDEX tokens_by_grant ON tokens (grant_id)",
            """CREATE TABLE xero_logins (
                user_id TEXT PRIMARY KEY REFERENCES users (user_id),
                key_id TEXT NOT NULL,
                nonce {blob} NOT NULL,
                ciphertext {blob} NOT NULL,
                version {bigint} NOT NULL,
                updated_at {bigint} NOT NULL
            )""",
        ),
    ),
    Migration(
        2,
        "trigger cursors per owner and consumer, pending deliveries, webhook events, the create-once ledger, claims",
        (
            # owner: the hosted user the rows belong to ('' for the one local sign-in). Every query names it.
            """CREATE TABLE sync_subscriptions (
                owner TEXT NOT NULL,
                consumer TEXT NOT NULL,
                tenant_id TEXT NOT NULL,
                entity TEXT NOT NULL,
                floor_ms {bigint} NOT NULL,
                cursor_ms {bigint} NOT NULL,
                event_seq {bigint} NOT NULL,
                created_ms {bigint} NOT NULL,
                acked_ms {bigint},
                PRIMARY KEY (owner, consumer, tenant_id, entity)
            )""",
            """CREATE TABLE sync_seen (
                owner TEXT NOT NULL,
                consumer TEXT NOT NULL,
                tenant_id TEXT NOT NULL,
                entity TEXT NOT NULL,
                record_id {blob} NOT NULL,
                updated_ms {bigint} NOT NULL,
                PRIMARY KEY (owner, consumer, tenant_id, entity, record_id)
            )""",
            """CREATE TABLE sync_deliveries (
                seq {serial},
                token TEXT NOT NULL UNIQUE,
                owner TEXT NOT NULL,
                consumer TEXT NOT NULL,
                tenant_id TEXT NOT NULL,
                entity TEXT NOT NULL,
                cursor_ms {bigint} NOT NULL,
                event_seq {bigint} NOT NULL,
                issued_ms {bigint} NOT NULL,
                acked_ms {bigint}
            )""",
            "CREATE INDEX sync_deliveries_by_subscription ON sync_deliveries (owner, consumer, tenant_id, entity, seq)",
            """CREATE TABLE sync_delivery_items (
                delivery_seq {bigint} NOT NULL REFERENCES sync_deliveries (seq) ON DELETE CASCADE,
                record_id {blob} NOT NULL,
                updated_ms {bigint} NOT NULL,
                PRIMARY KEY (delivery_seq, record_id)
            )""",
            """CREATE TABLE sync_events (
                seq {serial},
                owner TEXT NOT NULL,
                tenant_id TEXT NOT NULL,
                category TEXT NOT NULL,
                resource_id TEXT NOT NULL,
                event_type TEXT NOT NULL,
                event_ms {bigint} NOT NULL,
                received_ms {bigint} NOT NULL,
                UNIQUE (owner, tenant_id, category, resource_id, event_type, event_ms)
            )""",
            "CREATE INDEX sync_events_by_category ON sync_events (owner, tenant_id, category, seq)",
            "CREATE INDEX sync_events_by_age ON sync_events (received_ms)",
            # A row is either a claim (xero_id NULL: a create is under way, leased until claimed_until) or a record.
            """CREATE TABLE ledger (
                owner TEXT NOT NULL,
                tenant_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                natural_key TEXT NOT NULL,
                xero_id TEXT,
                recorded_ms {bigint} NOT NULL,
                claim_token TEXT,
                claimed_until {bigint},
                PRIMARY KEY (owner, tenant_id, kind, natural_key)
            )""",
        ),
    ),
)

_LOCK_ID = 0x78_65_72_6F  # "xero": the advisory lock id replicas share while migrating


async def migrate(engine: Engine, now: int, migrations: tuple[Migration, ...] = MIGRATIONS) -> list[int]:
    """Apply the migrations the database lacks; the versions applied."""
    applied: list[int] = []
    async with engine.transaction() as conn:
        if engine.dialect == "postgresql":
            await conn.run("SELECT pg_advisory_xact_lock(:lock)", {"lock": _LOCK_ID})
        await conn.run(
            f"CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
            f"applied_at {engine.types()['bigint']} NOT NULL)"
        )
        rows = await conn.run("SELECT version FROM schema_migrations")
        done = {int(row[0]) for row in rows}
        for migration in sorted(migrations, key=lambda m: m.version):
            if migration.version in done:
                continue
            for statement in render(migration.statements, engine.types()):
                await conn.run(statement)
            await conn.run(
                "INSERT INTO schema_migrations (version, description, applied_at) VALUES (:v, :d, :t)",
                {"v": migration.version, "d": migration.description, "t": now},
            )
            applied.append(migration.version)
    return applied
