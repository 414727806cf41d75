package hydra

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// signInFails runs a login that Hydra ends with an error at the callback
// and checks what the user is left with: exit 1, a sentence on stderr, no
// session, and the browser at the loopback with the provider's error.
func signInFails(t *testing.T, u *user, providerError string, args ...string) result {
	t.Helper()
	r := u.run(append([]string{"login", "--redirect-port", strconv.Itoa(u.port), "--timeout", "1m"}, args...)...)
	if r.code != 1 {
		t.Errorf("login: exit %d, want 1\nstderr: %s", r.code, r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("a failed login printed to stdout: %q", r.stdout)
	}
	if rows := u.status(); len(rows) != 0 {
		t.Errorf("a failed login left a session: %+v", rows)
	}
	b, err := os.ReadFile(u.browser)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "/callback?error="+providerError) {
		t.Errorf("the browser did not end at the callback with error=%s:\n%s", providerError, b)
	}
	return r
}

func TestDeniedConsent(t *testing.T) {
	u := newUserOf(t, sharedHydra(t), DenyPrefix+t.Name(), "")
	r := signInFails(t, u, "access_denied")
	if !strings.Contains(strings.ToLower(r.stderr), "denied") {
		t.Errorf("login does not say the sign-in was denied:\n%s", r.stderr)
	}
	if n := len(u.h.Proxy.Issued(u.client.ID)); n != 0 {
		t.Errorf("Hydra issued %d token responses after a denied consent", n)
	}
}

func TestScopeTheClientMayNotAsk(t *testing.T) {
	u := newUser(t, sharedHydra(t))
	r := signInFails(t, u, "invalid_scope", "--scope", "openid,offline_access,admin")
	if !strings.Contains(r.stderr, "scope") {
		t.Errorf("login does not say a scope was refused:\n%s", r.stderr)
	}
}
