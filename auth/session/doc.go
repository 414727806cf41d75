// Package session is latch's engine: a signed-in session's whole life over
// package auth (the protocol) and package tokencache (the store). The
// command line and the terminal UI both call it; neither holds sign-in,
// refresh or sign-out logic of its own.
//
// An Engine resolves a Selector (tenant name, or issuer and client id, and
// optionally an account) to a Profile and a cache key, signs in (browser or
// device code), returns fresh tokens (cache first, then a refresh under the
// record's lock, then the store), reads claims and userinfo, reports the
// status of every tenant and signs out.
//
// Errors are typed (errors.Is / errors.As): ErrSignInRequired and
// *SignInRequiredError, *auth.ProviderError-style provider errors from auth,
// the keyring errors of tokencache, ErrNoTenant, ErrProfileChanged. None
// names a command-line flag; the front ends turn them into their own advice.
//
// Choices made where the design is silent:
//
//   - A profile given by issuer and client id alone is named
//     "<issuer>#<client-id>", and that name keys it in the index.
//   - With no tenant named, LATCH_TENANT, then the config's default, then its
//     only tenant is used.
//   - A record is served only for the issuer and client that issued it: a
//     profile re-pointed at another issuer or client no longer finds it.
//   - Sign-in checks that the store can keep tokens before the browser opens.
//   - Signing in again to an account revokes the refresh token it replaces
//     (best effort, reported through Notify).
//   - Sign-out deletes the session even when revocation fails, and says so.
package session
