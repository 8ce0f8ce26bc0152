"""`xero-mcp hosted ...`: the operator lists, revokes and restores people, and re-seals records after a rotation."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from xero_mcp.cli import main
from xero_mcp.store import KeyRing, generate_key, hash_secret, open_store


def test_the_operator_revokes_and_restores_a_person_by_email(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key, url = generate_key(), f"sqlite:///{tmp_path / 'hosted.sqlite3'}"
    monkeypatch.setenv("XERO_MCP_ENCRYPTION_KEY", key)
    monkeypatch.setenv("XERO_MCP_DATABASE_URL", url)

    async def seed() -> str:
        store = await open_store(url, KeyRing.parse(key))
        user = await store.upsert_user("xero-1", "carol@example.com", "Carol Chen")
        await store.create_grant(user.user_id, "c", "r", (), [(hash_secret("t"), "access", store.now() + 60)])
        await store.close()
        return user.user_id

    async def usable() -> bool:
        store = await open_store(url, KeyRing.parse(key))
        found = await store.find_token(hash_secret("t"), "access")
        user = (await store.find_users("carol@example.com"))[0]
        await store.close()
        return found is not None and found.usable and user.active

    asyncio.run(seed())
    assert main(["hosted", "users"]) == 0
    assert "carol@example.com\tCarol Chen\tactive" in capsys.readouterr().out
    assert main(["hosted", "revoke", "carol@example.com"]) == 0
    assert not asyncio.run(usable())
    assert main(["hosted", "users"]) == 0
    assert "\trevoked\t" in capsys.readouterr().out
    assert main(["hosted", "restore", "carol@example.com"]) == 0
    assert main(["hosted", "revoke", "nobody@example.com"]) == 1
