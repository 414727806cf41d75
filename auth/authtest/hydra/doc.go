// Package hydra runs latch against Ory Hydra v2, an OpenID provider that
// nobody on the project configured: Hydra keeps its stock configuration
// apart from its URLs (issuer, login, consent), an in-memory SQLite
// database and dev mode on loopback. What every Hydra deployment writes
// itself is here too: a login and consent app (ConsentApp) that signs in
// one fixed test user and grants what the client asked for.
//
// A counting reverse proxy (Proxy) sits in front of Hydra's public port and
// is the issuer, so the tests can tell how many requests latch made and
// which tokens Hydra handed out, without reading latch's store.
//
// This is its own Go module so that Hydra's dependencies stay out of the
// latch binary. The tests build the real latch binary from ../../../cmd/latch
// (or take $LATCH_BIN) and drive it with a test browser (cmd/hydrabrowser)
// through $BROWSER, against one Hydra per test binary run and a real
// Secret Service:
//
//	cd auth/authtest/hydra && ../../../.ci/with-keyring go test -count=1 ./...
//
// The first run builds Hydra into testdata/bin (cgo, a few minutes); later
// runs reuse it while go.mod, go.sum and the Go version stay the same. A
// Hydra that cannot be built or started skips the tests, or fails them
// with CI=true. Hydra v2.3 has no device flow (RFC 8628), so latch login
// --device is not run here.
package hydra
