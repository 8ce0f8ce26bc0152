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
