"""`xero-mcp demo` runs every seed automation end to end through a real MCP session over stdio."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from mcp import StdioServerParameters

from xero_mcp.demo import run


async def test_demo_runs_every_automation_and_succeeds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    env = {**os.environ, "XERO_MCP_STATE_DIR": str(tmp_path)}
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "xero_mcp", "serve", "--sandbox", "--toolsets", "all"], env=env
    )
    assert await run(params) == 0
    out = capsys.readouterr().out
    for step in ("1. New or updated contact", "2. New or updated bill", "3. New or updated sales invoice",
                 "4. New or updated credit note", "5. Invoice a customer end to end"):  # fmt: skip
        assert step in out
    for tool in ("email_invoice", "allocate_credit_note", "add_history_note", "create_payment", "get_report"):
        assert f"-> {tool}(" in out
    assert "ERROR" not in out
