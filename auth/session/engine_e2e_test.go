package session

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/latchdev/latch/auth/authtest"
	"github.com/latchdev/latch/tokencache"
)

// testEngine is an engine on a private config and state directory, the real
// keyring (a test service name) and the real provider; its browser signs in
// as *user.
func testEngine(t *testing.T, user *string) *Engine {
	t.Helper()
	authtest.RequireKeyring(t)
	dir := t.TempDir()
	e, err := Open(Options{StateDir: filepath.Join(dir, "state"), ConfigPath: filepath.Join(dir, "config.toml"),
		KeyringService: "latch-engine-test", DiscoveryDir: filepath.Join(dir, "discovery")})
	if err != nil {
		t.Fatal(err)
	}
	e.OpenBrowser = func(u string) error {
		go authtest.Browse(u, *user, false)
		return nil
	}
	t.Cleanup(func() { e.SignOut(context.Background(), Selector{}, SignOutOptions{All: true}) })
	return e
}

func TestEngineWholeLife(t *testing.T) {
	op := authtest.StartProvider(t)
	user := "alice"
	e := testEngine(t, &user)
	ctx := t.Context()
	if _, err := e.AddTenant(ctx, "acme", Profile{Issuer: op.Issuer, ClientID: authtest.ClientES384}, AddOptions{}); err != nil {
		t.Fatal(err)
	}
	sel := Selector{Tenant: "acme"}
	in, err := e.SignIn(ctx, sel, SignInOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if in.Identity.Subject != "alice" || in.Record.RefreshToken == "" || in.Store != "keyring" {
		t.Fatalf("signed in as %q, refresh token %v, store %q", in.Identity.Subject, in.Record.RefreshToken != "", in.Store)
	}

	op.ResetStats(t)
	tok, err := e.Token(ctx, sel, TokenOptions{MinTTL: time.Minute})
	if err != nil || tok.Access.AccessToken != in.Record.Access[0].AccessToken || op.Requests(t) != 0 {
		t.Fatalf("cached token: err %v, same %v, %d requests", err, err == nil && tok.Access.AccessToken == in.Record.Access[0].AccessToken, op.Requests(t))
	}
	fresh, err := e.Token(ctx, sel, TokenOptions{ForceRefresh: true})
	if err != nil || fresh.Record.RefreshToken == in.Record.RefreshToken || fresh.Access.AccessToken == tok.Access.AccessToken {
		t.Fatalf("forced refresh: %v (rotated %v)", err, err == nil && fresh.Record.RefreshToken != in.Record.RefreshToken)
	}
	// Asking for the ID token with a min TTL beyond its life refreshes it.
	id, err := e.Token(ctx, sel, TokenOptions{IDToken: true, MinTTL: 2 * time.Hour})
	if err != nil || id.IDToken == fresh.IDToken || id.IDTokenExpiry.IsZero() {
		t.Fatalf("ID token refresh: %v", err)
	}

	c, err := e.Claims(ctx, sel, ClaimsOptions{})
	if err != nil || c.ID.Err != nil || c.ID.Identity.Subject != "alice" || c.UserinfoErr != nil || c.Userinfo["sub"] != "alice" {
		t.Fatalf("claims: %v / id %v / userinfo %v %v", err, c.ID.Err, c.UserinfoErr, c.Userinfo)
	}
	rows, err := e.Status(ctx)
	if err != nil || len(rows) != 1 || rows[0].State != StateValid || !rows[0].Default || !rows[0].Refreshable {
		t.Fatalf("status: %v %+v", err, rows)
	}
	tenants, _ := e.Tenants(ctx)
	if len(tenants) != 1 || tenants[0].State != StateValid || tenants[0].Account == "" {
		t.Fatalf("tenants: %+v", tenants)
	}

	out, err := e.SignOut(ctx, sel, SignOutOptions{})
	if err != nil || len(out) != 1 || !out[0].Revoked {
		t.Fatalf("sign-out: %v %+v", err, out)
	}
	_, err = e.Token(ctx, sel, TokenOptions{})
	var sr *SignInRequiredError
	if !errors.As(err, &sr) || sr.Profile != "acme" || sr.Selector != sel {
		t.Fatalf("after sign-out: %v (want *SignInRequiredError for acme)", err)
	}
}

func TestEngineAccountsAndDeadGrant(t *testing.T) {
	op := authtest.StartProvider(t)
	user := "alice"
	e := testEngine(t, &user)
	ctx := t.Context()
	sel := Selector{Issuer: op.Issuer, ClientID: authtest.ClientES384}
	if _, err := e.SignIn(ctx, sel, SignInOptions{}); err != nil {
		t.Fatal(err)
	}
	user = "bob"
	bob, err := e.SignIn(ctx, sel, SignInOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The last sign-in is the profile's current account; --account picks.
	if tok, err := e.Token(ctx, sel, TokenOptions{}); err != nil || tok.Record.Subject != "bob" {
		t.Fatalf("current account: %v", err)
	}
	alice := sel
	alice.Account = "alice"
	if tok, err := e.Token(ctx, alice, TokenOptions{}); err != nil || tok.Record.Subject != "alice" {
		t.Fatalf("account alice: %v", err)
	}
	// Bob's grant dies at the provider: the next refresh says sign in, and
	// Bob's session is gone while Alice's stays.
	revoke(t, op.Issuer, authtest.ClientES384, bob.Record.RefreshToken)
	if _, err := e.Token(ctx, sel, TokenOptions{ForceRefresh: true}); !errors.Is(err, ErrSignInRequired) {
		t.Fatalf("dead grant: %v", err)
	}
	rows, _ := e.Status(ctx)
	if len(rows) != 1 || rows[0].Subject != "alice" {
		t.Fatalf("after bob's dead grant: %+v", rows)
	}
}

// Cancel (Ctrl-C) during discovery returns at once with context.Canceled.
func TestEngineCancelDuringDiscovery(t *testing.T) {
	hang := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-hang }))
	defer srv.Close()
	defer close(hang)
	user := "alice"
	e := testEngine(t, &user)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := e.SignIn(ctx, Selector{Issuer: srv.URL, ClientID: "c"}, SignInOptions{})
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled discovery: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("cancel did not stop discovery")
	}
}

func TestEngineRefusesToStoreBeforeTheBrowser(t *testing.T) {
	op := authtest.StartProvider(t)
	user := "alice"
	e := testEngine(t, &user)
	e.Cache.Dir = "/proc/latch-cannot-write-here"
	opened := false
	e.OpenBrowser = func(string) error { opened = true; return nil }
	_, err := e.SignIn(t.Context(), Selector{Issuer: op.Issuer, ClientID: authtest.ClientES384}, SignInOptions{})
	if !errors.Is(err, tokencache.ErrStateDir) || opened {
		t.Fatalf("unwritable state dir: %v (browser opened: %v)", err, opened)
	}
}

func revoke(t *testing.T, issuer, client, token string) {
	t.Helper()
	resp, err := http.PostForm(issuer+"/token/revocation", url.Values{"token": {token}, "client_id": {client}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

// A resource the profile does not list is refused before the provider is
// asked: Logto consumes the refresh token before it checks the target.
func TestEngineRefusesAnUnknownResourceLocally(t *testing.T) {
	op := authtest.StartProvider(t)
	user := "alice"
	e := testEngine(t, &user)
	ctx := t.Context()
	e.AddTenant(ctx, "acme", Profile{Issuer: op.Issuer, ClientID: authtest.ClientES384, Resources: []string{authtest.Resource}}, AddOptions{})
	sel := Selector{Tenant: "acme"}
	if _, err := e.SignIn(ctx, sel, SignInOptions{}); err != nil {
		t.Fatal(err)
	}
	op.ResetStats(t)
	if _, err := e.Token(ctx, sel, TokenOptions{Resource: "https://other.example"}); !errors.Is(err, ErrUnknownResource) {
		t.Fatalf("unknown resource: %v", err)
	}
	if n := op.Requests(t); n != 0 {
		t.Errorf("the provider was asked %d times for a resource the tenant does not list", n)
	}
	if _, err := e.Token(ctx, sel, TokenOptions{ForceRefresh: true}); err != nil {
		t.Fatalf("the session did not survive: %v", err)
	}
}

// "https://a/oidc" and "https://a/oidc/" are two issuers: a profile edited
// to the other form does not get the first one's tokens.
func TestEngineIssuerFormsAreDistinct(t *testing.T) {
	op := authtest.StartProvider(t)
	user := "alice"
	e := testEngine(t, &user)
	ctx := t.Context()
	sel := Selector{Issuer: op.Issuer, ClientID: authtest.ClientES384, Tenant: "acme"}
	if _, err := e.SignIn(ctx, sel, SignInOptions{}); err != nil {
		t.Fatal(err)
	}
	slash := sel
	slash.Issuer = op.Issuer + "/"
	if _, err := e.Token(ctx, slash, TokenOptions{}); !errors.Is(err, ErrSignInRequired) {
		t.Fatalf("a profile naming %s was served the tokens of %s: %v", slash.Issuer, op.Issuer, err)
	}
	if _, err := e.Token(ctx, sel, TokenOptions{}); err != nil {
		t.Fatalf("the original form: %v", err)
	}
}
