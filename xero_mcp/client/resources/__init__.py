"""One module per Xero area: typed methods over the base client."""
