package hydra

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// lastIssued is the newest token response Hydra sent to the user's client.
func (u *user) lastIssued() Issued {
	u.t.Helper()
	all := u.h.Proxy.Issued(u.client.ID)
	if len(all) == 0 {
		u.t.Fatal("Hydra issued nothing to this client")
	}
	return all[len(all)-1]
}

// forceRefresh checks that latch token --force-refresh made Hydra rotate:
// a new access token printed, a new refresh token, the old one inactive.
func (u *user) forceRefresh(before Issued) Issued {
	t := u.t
	t.Helper()
	at, hits := u.token("--force-refresh")
	after := u.lastIssued()
	if hits == 0 || after.GrantType != "refresh_token" {
		t.Fatalf("--force-refresh made no refresh grant (%d requests, last grant %q)", hits, after.GrantType)
	}
	if at == before.AccessToken || at != after.AccessToken {
		t.Errorf("--force-refresh printed the old token or one Hydra did not issue")
	}
	if after.RefreshToken == "" || after.RefreshToken == before.RefreshToken {
		t.Fatalf("Hydra did not rotate the refresh token")
	}
	if u.active(before.RefreshToken) {
		t.Error("the refresh token used is still active at Hydra after rotation")
	}
	if !u.active(after.RefreshToken) {
		t.Error("the new refresh token is not active at Hydra")
	}
	return after
}

func TestForceRefreshRotates(t *testing.T) {
	u := newUser(t, sharedHydra(t))
	_, first := u.login()
	second := u.forceRefresh(first)
	// The refreshed token is cached: no request now.
	if at, hits := u.token(); at != second.AccessToken || hits != 0 {
		t.Errorf("latch token after refresh: refreshed token %v, %d requests; want it and 0", at == second.AccessToken, hits)
	}
	third := u.forceRefresh(second)
	if !u.active(third.AccessToken) {
		t.Error("the access token of the second refresh is not active")
	}
}

func TestRevokedConsentNeedsSignIn(t *testing.T) {
	u := newUser(t, sharedHydra(t))
	_, issued := u.login()
	if err := u.h.Admin.RevokeConsent(t.Context(), Alice.Subject, u.client.ID); err != nil {
		t.Fatal(err)
	}
	if u.active(issued.RefreshToken) {
		t.Fatal("Hydra still calls the refresh token active after the consent was revoked")
	}
	r := u.run("token", "--force-refresh")
	if r.code != 2 || !strings.Contains(r.stderr, "sign-in required") {
		t.Errorf("token --force-refresh with a dead grant: exit %d, stderr %q; want exit 2 and \"sign-in required\"", r.code, r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("a failed token printed to stdout: %q", r.stdout)
	}
	for _, row := range u.status() {
		if row.Refreshable {
			t.Errorf("status still says refreshable after the grant died: %+v", row)
		}
	}
}

// Replaying a rotated refresh token (as a thief holding an old copy would)
// makes Hydra revoke the whole grant; latch then needs a new sign-in.
func TestReplayedRefreshTokenKillsGrant(t *testing.T) {
	u := newUser(t, sharedHydra(t))
	_, first := u.login()
	second := u.forceRefresh(first)
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {first.RefreshToken}, "client_id": {u.client.ID}}
	resp, err := http.PostForm(strings.TrimSuffix(u.h.Issuer, "/")+"/oauth2/token", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest && resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("Hydra answered a replayed refresh token with %d", resp.StatusCode)
	}
	if u.active(second.RefreshToken) {
		t.Fatal("Hydra kept the current refresh token alive after a replay")
	}
	r := u.run("token", "--force-refresh")
	if r.code != 2 || !strings.Contains(r.stderr, "sign-in required") {
		t.Errorf("token --force-refresh after a replay: exit %d, stderr %q; want exit 2 and \"sign-in required\"", r.code, r.stderr)
	}
}

func TestLogoutRevokesAtHydra(t *testing.T) {
	u := newUser(t, sharedHydra(t))
	_, issued := u.login()
	if !u.active(issued.RefreshToken) {
		t.Fatal("the refresh token is not active right after sign-in")
	}
	revokes := u.h.Proxy.PathHits("/oauth2/revoke")
	out := u.ok("logout")
	if !strings.Contains(out.stderr, "Revoked the refresh token") {
		t.Errorf("logout does not say it revoked the refresh token:\n%s", out.stderr)
	}
	if u.h.Proxy.PathHits("/oauth2/revoke") == revokes {
		t.Error("logout sent no revocation request to Hydra")
	}
	if u.active(issued.RefreshToken) {
		t.Error("Hydra still calls the refresh token active after latch logout")
	}
	if rows := u.status(); len(rows) != 0 {
		t.Errorf("status after logout still lists %+v", rows)
	}
	if r := u.run("token"); r.code != 2 || !strings.Contains(r.stderr, "sign-in required") {
		t.Errorf("token after logout: exit %d, stderr %q; want exit 2 and \"sign-in required\"", r.code, r.stderr)
	}
}

// A second sign-in to the same account replaces the stored refresh token;
// the replaced one must not stay alive at the provider.
func TestSecondSignInRevokesReplacedRefreshToken(t *testing.T) {
	u := newUser(t, sharedHydra(t))
	_, first := u.login()
	_, second := u.login()
	if rows := u.status(); len(rows) != 1 {
		t.Errorf("two sign-ins to one account: want one status row, got %+v", rows)
	}
	if !u.active(second.RefreshToken) {
		t.Error("the new refresh token is not active")
	}
	if u.active(first.RefreshToken) {
		t.Error("the replaced refresh token is still active at Hydra: latch left a live grant nobody holds")
	}
}

// Hydra's own default issuer ends in "/" (http://host:4444/), and its ID
// tokens carry iss with the slash.
func TestIssuerWithTrailingSlash(t *testing.T) {
	h := slashHydra(t)
	if !strings.HasSuffix(h.Issuer, "/") {
		t.Fatalf("issuer %q", h.Issuer)
	}
	u := newUser(t, h)
	_, first := u.login()
	u.forceRefresh(first)
	last := u.lastIssued()
	u.ok("logout")
	if u.active(last.RefreshToken) {
		t.Error("Hydra still calls the refresh token active after latch logout")
	}
}

func TestDeviceFlow(t *testing.T) {
	h := sharedHydra(t)
	resp, err := http.Get(strings.TrimSuffix(h.Issuer, "/") + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var d map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&d); err != nil {
		t.Fatal(err)
	}
	if _, ok := d["device_authorization_endpoint"]; !ok {
		t.Skip("SKIP: Hydra v2.3.0 does not support the device flow (RFC 8628): its discovery has no device_authorization_endpoint")
	}
	t.Fatal("Hydra now offers the device flow: write the latch login --device scenario")
}

// Hydra revokes the whole grant when a rotated refresh token is used again,
// so latch processes refreshing one session at once must take turns (the
// per-session lock) and each use the token the one before stored, or take
// the one just refreshed.
func TestConcurrentRefreshesKeepTheGrant(t *testing.T) {
	u := newUser(t, sharedHydra(t))
	u.login()
	const n = 3
	results := make(chan result, n)
	errs := make(chan error, n)
	for range n {
		go func() {
			r, err := u.exec("token", "--force-refresh")
			results <- r
			errs <- err
		}()
	}
	var printed []string
	for range n {
		r, err := <-results, <-errs
		if err != nil {
			t.Fatal(err)
		}
		if r.code != 0 {
			t.Errorf("a concurrent latch token --force-refresh: exit %d, stderr %q", r.code, r.stderr)
		}
		printed = append(printed, strings.TrimSpace(r.stdout))
	}
	refreshed := map[string]bool{}
	issued := u.h.Proxy.Issued(u.client.ID)
	for _, i := range issued[1:] {
		refreshed[i.AccessToken] = i.GrantType == "refresh_token"
	}
	if len(issued) < 2 || len(issued) > n+1 {
		t.Errorf("Hydra answered %d refreshes to %d processes, want 1 to %d", len(issued)-1, n, n)
	}
	for _, at := range printed {
		if !refreshed[at] {
			t.Errorf("a process printed something other than a token Hydra issued by refresh (%d characters)", len(at))
		}
	}
	last := issued[len(issued)-1]
	if !u.active(last.RefreshToken) {
		t.Error("the grant died: Hydra saw a rotated refresh token replayed")
	}
	if at, hits := u.token(); at != last.AccessToken || hits != 0 {
		t.Errorf("latch token afterwards: newest token %v, %d requests; want it and 0", at == last.AccessToken, hits)
	}
}
