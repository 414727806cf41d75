// Package auth is latch's OpenID Connect client: discovery with an on-disk
// cache, the authorization-code flow with PKCE S256 over a loopback redirect,
// ID token verification, refresh, userinfo, revocation and end-session, the
// quirks of known providers (providers.go), claim meanings, and a redacting
// request trace.
//
// It imports nothing else from latch and nothing from Charm, so it can be read,
// tested and reused alone.
//
// Choices made where the specifications leave room:
//
//   - Issuers are compared exactly as discovery writes them, a trailing "/"
//     included; discovery is fetched from the issuer without its trailing
//     "/" plus /.well-known/openid-configuration.
//   - Discovery documents and key sets are checked before they are cached
//     (issuer, required endpoints, https or loopback http, at least one
//     usable key), so a bad answer never replaces a good cache entry. Their
//     lifetime is Cache-Control max-age clamped to [1 minute, 7 days], one
//     day when absent; no-cache means one minute, no-store means never
//     written to disk.
//   - Plain http to a host other than the loopback is refused unless
//     Config.InsecureAllowHTTP is set; Provider.Warning then says so.
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
//     algorithms discovery lists. go-oidc does not check nonce, azp, iat or
//     that sub is present: this package does.
//   - Multi-tenant authorities (Entra /common, /organizations) publish an
//     issuer template containing "{tenantid}". The token's iss must equal the
//     template with the token's tid put in; no other issuer check is skipped.
//   - Token responses are parsed here, not by x/oauth2: token_type must be
//     Bearer (absent is taken as Bearer), expires_in may be a number or a
//     string of digits, a missing or non-positive one means the JWT exp of
//     the access token or else five minutes, and no lifetime exceeds a
//     year. A response with a new refresh token but a faulty other field
//     comes back as a *PartialTokenError so the grant is not lost.
//   - The wanted API is sent as "resource" (RFC 8707) or "audience",
//     whichever the provider understands; a JWT access token that does not
//     name it is ErrAudienceMismatch. Opaque tokens cannot be checked and
//     are marked AudienceUnchecked.
//   - Errors from the provider are *ProviderError, which keeps the
//     provider's code, description and URI, adds a hint where one is known,
//     and unwraps to *oauth2.RetrieveError for endpoint errors.
//   - The end-session URL carries client_id, and id_token_hint only when the
//     caller passes one: it puts the ID token in a browser URL.
//   - Userinfo is only attached to an identity when its sub is the ID
//     token's (OpenID Connect Core §5.3.2).
//   - Every body read from a provider is bounded to 1 MiB.
package auth
