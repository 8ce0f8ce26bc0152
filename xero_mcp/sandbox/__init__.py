"""A faithful local emulator of the Xero Accounting API and Xero identity service (an ASGI app)."""
