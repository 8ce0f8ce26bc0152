"""`python -m xero_mcp` is the same as the `xero-mcp` command."""

from xero_mcp.cli import main

raise SystemExit(main())
