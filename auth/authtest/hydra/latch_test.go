package hydra

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
)

type statusRow struct {
	Tenant      string   `json:"tenant"`
	Account     string   `json:"account"`
	Subject     string   `json:"sub"`
	Scopes      []string `json:"scopes"`
	Refreshable bool     `json:"refreshable"`
	Store       string   `json:"store"`
}

// status is latch status -o json: exit 0 with the sessions, or, when there
// are none, an empty list and exit 0 or 2 (latch says "not signed in" with
// exit 2 since the session engine, as gh auth status does).
func (u *user) status() []statusRow {
	u.t.Helper()
	r := u.run("status", "-o", "json")
	var rows []statusRow
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		u.t.Fatalf("status -o json: exit %d, not JSON: %v\n%s\n%s", r.code, err, r.stdout, r.stderr)
	}
	if r.code != 0 && (r.code != 2 || len(rows) > 0) {
		u.t.Fatalf("status -o json: exit %d with %d sessions\n%s", r.code, len(rows), r.stderr)
	}
	return rows
}

// token runs latch token and returns the printed token and how many
// requests reached Hydra meanwhile.
func (u *user) token(args ...string) (string, int) {
	u.t.Helper()
	before := u.h.Proxy.Hits()
	r := u.ok(append([]string{"token"}, args...)...)
	return strings.TrimSpace(r.stdout), u.h.Proxy.Hits() - before
}

// authURL is the authorization URL latch printed and the browser opened.
func authURL(t testing.TB, stderr string) url.Values {
	t.Helper()
	for _, f := range strings.Fields(stderr) {
		if strings.Contains(f, "/oauth2/auth?") {
			u, err := url.Parse(f)
			if err != nil {
				t.Fatal(err)
			}
			return u.Query()
		}
	}
	t.Fatalf("login printed no authorization URL:\n%s", stderr)
	return nil
}

func TestLoginStatusAndCachedToken(t *testing.T) {
	h := sharedHydra(t)
	u := newUser(t, h)
	logins, consents := h.Consent.Counts()
	login, issued := u.login()
	if l, c := h.Consent.Counts(); l != logins+1 || c != consents+1 {
		t.Errorf("sign-in went through the login app %d and the consent app %d times, want 1 and 1", l-logins, c-consents)
	}

	q := authURL(t, login.stderr)
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || !issued.PKCE {
		t.Errorf("sign-in is not PKCE S256 (verifier sent: %v): %v", issued.PKCE, q)
	}
	if !slices.Contains(strings.Fields(q.Get("scope")), "offline_access") {
		t.Errorf("authorization request does not ask for offline_access: scope=%q", q.Get("scope"))
	}
	// Hydra signs ID tokens RS256 out of the box (the Logto-like suite: ES384).
	for _, want := range []string{"ID token verified (RS256", "Signed in to " + h.Issuer + " as Alice Example <alice@example.test>"} {
		if !strings.Contains(login.stderr, want) {
			t.Errorf("login output lacks %q:\n%s", want, login.stderr)
		}
	}
	if issued.RefreshToken == "" || !issued.IDToken {
		t.Fatalf("Hydra issued no refresh token or no ID token for offline_access: %+v", issued)
	}

	rows := u.status()
	if len(rows) != 1 {
		t.Fatalf("status: want one account, got %+v", rows)
	}
	if r := rows[0]; r.Tenant != h.Issuer || r.Subject != Alice.Subject || !strings.Contains(r.Account, Alice.Email) || !r.Refreshable {
		t.Errorf("status row = %+v; want tenant %s, sub %s, account with %s, refreshable", r, h.Issuer, Alice.Subject, Alice.Email)
	}

	checkClaims(t, u)

	first, hits := u.token()
	if first != issued.AccessToken {
		t.Error("latch token printed something other than the access token Hydra issued")
	}
	if hits != 0 {
		t.Errorf("latch token right after login made %d requests to Hydra, want 0", hits)
	}
	second, hits := u.token()
	if second != first || hits != 0 {
		t.Errorf("second latch token: same token %v, %d requests to Hydra; want the same token and 0", second == first, hits)
	}
	if !u.active(second) {
		t.Error("Hydra's introspection says the printed access token is not active")
	}
}

// checkClaims: the ID token verifies against Hydra's own keys and carries
// what the consent app put in.
func checkClaims(t *testing.T, u *user) {
	t.Helper()
	var claims struct {
		Alg      string         `json:"alg"`
		Verified bool           `json:"verified"`
		Claims   map[string]any `json:"claims"`
	}
	if err := json.Unmarshal([]byte(u.ok("claims", "-o", "json").stdout), &claims); err != nil {
		t.Fatalf("claims -o json: %v", err)
	}
	if !claims.Verified || claims.Alg != "RS256" || claims.Claims["email"] != Alice.Email || claims.Claims["iss"] != u.h.Issuer {
		t.Errorf("claims: verified %v, alg %q, email %v, iss %v; want verified RS256 %s from %s",
			claims.Verified, claims.Alg, claims.Claims["email"], claims.Claims["iss"], Alice.Email, u.h.Issuer)
	}
}

// Hydra follows RFC 8252 §7.3: a loopback IP redirect URI registered
// without a port matches any port. So latch's default, a port the system
// picks, signs in with no --redirect-port when the client is registered
// as http://127.0.0.1/callback, as with Logto's Native apps.
func TestLoopbackRedirectWithoutPort(t *testing.T) {
	u := newUserOf(t, sharedHydra(t), "latch "+t.Name(), "http://127.0.0.1/callback")
	r := u.ok("login", "--timeout", "1m")
	if !strings.Contains(r.stderr, "Listening for the redirect on 127.0.0.1:") {
		t.Errorf("login did not listen on a 127.0.0.1 port:\n%s", r.stderr)
	}
	if rows := u.status(); len(rows) != 1 || rows[0].Subject != Alice.Subject {
		t.Errorf("status after sign-in: %+v", rows)
	}
}
