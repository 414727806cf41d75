// Package auth is latch's OpenID Connect client: discovery with an on-disk
// cache, the authorization-code flow with PKCE S256 over a loopback redirect,
// ID token verification, refresh, userinfo, revocation and end-session.
//
// It imports nothing else from latch and nothing from Charm, so it can be read,
// tested and reused alone.
//
// Choices made where the specifications leave room:
//
//   - The redirect listener binds 127.0.0.1 on a random port unless told
//     otherwise; the redirect URI is built from the address actually bound.
//   - Exactly one request is acted on: GET at exactly the callback path, Host
//     127.0.0.1, [::1] or localhost with the bound port, no repeated
//     parameter, and this sign-in's state. Anything else is refused (404,
//     405, 414, 421, 400) and the wait goes on.
//   - The callback is checked in this order: state, then iss (RFC 9207:
//     compared whenever present, required when discovery advertises it),
//     then error.
//   - The browser's request is held until the code is exchanged and the ID
//     token verified (at most a minute), so its page names the tenant and
//     account, or says truthfully what failed.
//   - A pasted redirect URL (or bare code) is accepted alongside the
//     listener, for a browser on another machine; a pasted URL gets the same
//     checks as a request. A bare code is bound to this sign-in by PKCE only.
//   - Discovery from the disk cache is not proof the provider is up: a short
//     GET of the authorization endpoint runs before the browser opens.
//   - Only https: URLs, or http: URLs to the loopback, are ever opened in a
//     browser.
//   - ID tokens are verified with go-oidc, restricted to the asymmetric
//     algorithms discovery lists. go-oidc does not check nonce, azp or iat:
//     this package does.
//   - Multi-tenant authorities (Entra /common, /organizations) publish an
//     issuer template containing "{tenantid}". The token's iss must equal the
//     template with the token's tid put in; no other issuer check is skipped.
//   - The end-session URL carries client_id, never id_token_hint, so no token
//     reaches a browser's command line.
//   - Refresh requests are built here, not by x/oauth2, so that resource
//     (RFC 8707) and organization_id can be sent; errors are still
//     *oauth2.RetrieveError.
package auth
