"""The hosted connector: `xero-mcp serve --transport http --auth oauth` for many people at once.

xero-mcp becomes an OAuth 2.1 authorization server and protected resource for MCP clients (the MCP specification's
authorization section), built on the mcp SDK's auth components:

- `provider.HostedAuthProvider` is the SDK's `OAuthAuthorizationServerProvider`. Its authorize step sends the person
  to Xero (authorization code + PKCE, through `xero_mcp.auth.oauth`); Xero calls back at
  ``<public url>/oauth/xero/callback``, where the person is recorded, their Xero tokens are sealed in the store and a
  code of our own is sent to the MCP client. Our tokens are random, stored as hashes, bound to the user, the client
  and the resource; refresh tokens rotate and a replayed one revokes its grant.
- `users.UserBackends` gives each request the backend of the person its token belongs to: their own Xero sign-in,
  organisations, trigger cursors and dedupe ledger. Xero tokens never leave the server; MCP tokens never reach Xero.
- `app.build_hosted` is the composition root for this mode.
"""
