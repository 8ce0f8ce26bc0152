"""`xero-mcp demo` runs every seed automation end to end through a real MCP session over stdio, and says what
happened in plain text when its output is piped."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_the_piped_demo_runs_every_automation_and_names_totals_amounts_due_and_recipients(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("XERO_")}
    env["XERO_MCP_STATE_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "xero_mcp", "demo"], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert "\x1b[" not in out, "piped output must be plain text, without terminal escape codes"
    for step in ("1. New or updated contact", "2. New or updated bill", "3. New or updated sales invoice",
                 "4. New or updated credit note", "5. Invoice a customer end to end"):  # fmt: skip
        assert step in out
    assert "subtotal 245.80 + tax 24.58 = 270.38" in out  # the bill's total, from its lines
    assert "emailed INV-" in out and "(1,430.00 USD) to Ridgeway University <ap@ridgeway.example>" in out
    assert "amount due now 858.00, credit left 0.00" in out  # 990.00 less the 132.00 credit note
    assert "deposit of 200.00 on INV-" in out
    aged = [line.split() for line in out.splitlines() if line.strip().startswith(("Total", "Current"))]
    assert ["Current", "295.00"] in aged and ["Total", "495.00", "200.00", "0.00", "295.00"] in aged
    assert "All 5 automations worked" in out
    assert "Try next" in out and "xero-mcp serve --sandbox" in out
    assert "Demo failed" not in out
