"""Pydantic models of Xero entities: PascalCase aliases, money as Decimal, aware datetimes."""
