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
//   - Exactly one request to the callback path is acted on. Any other path gets
//     404 and does not end the flow.
//   - The callback is checked in this order: state, then iss (RFC 9207, only
//     when discovery advertises it), then error.
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
