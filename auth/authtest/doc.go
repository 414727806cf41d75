// Package authtest starts the real components latch's tests run against:
// oidc-provider (the engine inside Logto, set up like a Logto tenant in
// ../testdata/op), a test browser that completes its sign-in pages over
// HTTP, and a check for a reachable Secret Service keyring.
//
// When a component is missing, tests skip with a line saying what and why;
// with CI=true they fail instead.
package authtest

import (
	"os"
	"testing"
)

// Missing skips the test, or fails it in CI, because a real component is
// not there.
func Missing(t testing.TB, what, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is required in CI but missing: %s", what, why)
	}
	t.Skipf("SKIP: %s not available (%s); run the tests with make test", what, why)
}
