package hydra

import (
	"fmt"
	"runtime"
	"testing"
)

// pending names the scenarios whose latch side is being built elsewhere
// right now, and what they wait for. Such a test still runs in full: its
// failures are reported as a skip saying what failed, and once it passes
// it fails the suite until its entry here is removed, so a mark never
// outlives the fix.
var pending = map[string]string{
	"TestSecondSignInRevokesReplacedRefreshToken": "the engine revoking a replaced refresh token on a second sign-in",
	"TestIssuerWithTrailingSlash":                 "issuers that end in / (latch trims the slash: the ID token's iss, or the refresh's discovery, then names another issuer)",
}

// scenario runs body as t, or, for a pending test, as a recorder of its
// failures.
func scenario(t *testing.T, body func(t testing.TB)) {
	why, ok := pending[t.Name()]
	if !ok {
		body(t)
		return
	}
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		body(r)
	}()
	<-done
	if t.Skipped() || t.Failed() {
		return
	}
	if len(r.failures) == 0 {
		t.Fatalf("%s passes now: remove it from pending in pending_test.go", t.Name())
	}
	t.Skipf("PENDING, waits for %s: %d failure(s) logged above", why, len(r.failures))
}

// recorder is a testing.TB whose failures are noted instead of failing.
type recorder struct {
	testing.TB
	failures []string
}

func (r *recorder) note(s string) {
	r.failures = append(r.failures, s)
	r.TB.Log("(pending) " + s)
}

func (r *recorder) Error(args ...any)                 { r.note(fmt.Sprint(args...)) }
func (r *recorder) Errorf(format string, args ...any) { r.note(fmt.Sprintf(format, args...)) }
func (r *recorder) Fail()                             { r.note("failed") }
func (r *recorder) Failed() bool                      { return len(r.failures) > 0 }
func (r *recorder) FailNow()                          { r.note("failed"); runtime.Goexit() }
func (r *recorder) Fatal(args ...any)                 { r.note(fmt.Sprint(args...)); runtime.Goexit() }
func (r *recorder) Fatalf(format string, args ...any) {
	r.note(fmt.Sprintf(format, args...))
	runtime.Goexit()
}
