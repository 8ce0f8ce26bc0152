"""The async Xero Accounting API client (httpx2)."""
