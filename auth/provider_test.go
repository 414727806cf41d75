package auth_test

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/auth/authtest"
)

// The auth package alone against oidc-provider set up like a Logto tenant.
func TestAgainstOIDCProvider(t *testing.T) {
	op := authtest.StartProvider(t)
	cfg := &auth.Config{Issuer: op.Issuer, ClientID: authtest.ClientES384, CacheDir: t.TempDir()}
	if _, err := auth.Discover(t.Context(), cfg); err != nil {
		t.Fatal(err)
	}
	// From the disk cache: latch checks the provider answers first.
	p, err := auth.Discover(t.Context(), cfg)
	if err != nil || !p.FromCache {
		t.Fatalf("discovery not from the cache: %v", err)
	}
	if !p.Metadata.ISSParameterSupported {
		t.Fatal("the provider should advertise RFC 9207")
	}
	pages := make(chan *authtest.BrowserResult, 1)
	var stray int
	browse := strayThenBrowse(t, "carol", &stray, pages)
	var cached, pasteOffered bool
	progress := func(s auth.Step) {
		cached = cached || (s.Kind == auth.StepDiscovery && s.Cached)
		pasteOffered = pasteOffered || (s.Kind == auth.StepWaiting && s.Paste)
	}
	paste, _ := io.Pipe() // nobody pastes: the redirect wins
	res, err := p.Login(t.Context(), auth.LoginOptions{OpenBrowser: browse, Timeout: 30 * time.Second, Resources: []string{authtest.Resource},
		Scopes: []string{"openid", "profile", "email", "offline_access", "read:data"}, Paste: paste, Progress: progress})
	if err != nil {
		t.Fatal(err)
	}
	if stray != http.StatusBadRequest || !cached || !pasteOffered {
		t.Errorf("stray request answered %d (want 400); discovery step cached %v; paste offered %v", stray, cached, pasteOffered)
	}
	if page := <-pages; page == nil || page.Status != 200 || !strings.Contains(page.Body, "Signed in to "+op.Issuer+" as Test carol &lt;carol@example.test&gt;.") {
		t.Errorf("the browser page does not name the tenant and account: %+v", page)
	}
	if res.Identity.Algorithm != "ES384" || res.Identity.Subject != "carol" || res.Identity.Name() != "Test carol" {
		t.Fatalf("identity: %+v", res.Identity)
	}
	at, err := p.VerifyAccessToken(t.Context(), res.Tokens.AccessToken, authtest.Resource)
	if err != nil {
		t.Fatalf("the code exchange with resource should give a JWT for it: %v", err)
	}
	if at.Subject != "carol" {
		t.Fatalf("access token sub %q", at.Subject)
	}
	// The default (userinfo) token comes from a refresh without resource.
	def, err := p.Refresh(t.Context(), auth.TokenRequest{RefreshToken: res.Tokens.RefreshToken})
	if err != nil {
		t.Fatal(err)
	}
	info, err := p.Userinfo(t.Context(), def.AccessToken)
	if err != nil || info["sub"] != "carol" || info["email"] != "carol@example.test" {
		t.Fatalf("userinfo: %v %v", info, err)
	}
	if err := p.Revoke(t.Context(), def.RefreshToken); err != nil {
		t.Fatal(err)
	}
	_, err = p.Refresh(t.Context(), auth.TokenRequest{RefreshToken: def.RefreshToken})
	if !auth.IsInvalidGrant(err) {
		t.Fatalf("refresh after revocation: %v, want invalid_grant", err)
	}
	if u := p.EndSessionURL(); u == "" || !strings.Contains(u, "client_id="+authtest.ClientES384) || strings.Contains(u, "id_token_hint") {
		t.Fatalf("end-session URL %q", u)
	}
}

// Denied in the browser: the real provider's error comes back on the
// redirect (with its RFC 9207 iss) and the page says so.
func TestDeniedAtOIDCProvider(t *testing.T) {
	op := authtest.StartProvider(t)
	p, err := auth.Discover(t.Context(), &auth.Config{Issuer: op.Issuer, ClientID: authtest.ClientES384})
	if err != nil {
		t.Fatal(err)
	}
	pages := make(chan *authtest.BrowserResult, 1)
	browse := func(u string) error {
		go func() { res, _ := authtest.Browse(u, "carol", true); pages <- res }()
		return nil
	}
	_, err = p.Login(t.Context(), auth.LoginOptions{OpenBrowser: browse, Timeout: 30 * time.Second})
	var pe *auth.ProviderError
	if !errors.As(err, &pe) || pe.Code != "access_denied" {
		t.Fatalf("err = %v, want access_denied from the provider", err)
	}
	if page := <-pages; page == nil || page.Status != 400 || !strings.Contains(page.Body, "denied") {
		t.Errorf("the page does not say the sign-in was denied: %+v", page)
	}
}

// strayThenBrowse is a browser that signs in as user, after someone else on
// the machine poked the listener with a guessed state; stray gets the
// status that request was answered with.
func strayThenBrowse(t *testing.T, user string, stray *int, pages chan<- *authtest.BrowserResult) func(string) error {
	return func(u string) error {
		redirect, _ := url.Parse(u)
		resp, err := http.Get(redirect.Query().Get("redirect_uri") + "?state=guess&code=stolen")
		if err != nil {
			return err
		}
		resp.Body.Close()
		*stray = resp.StatusCode
		go func() {
			res, err := authtest.Browse(u, user, false)
			if err != nil {
				t.Error(err)
			}
			pages <- res
		}()
		return nil
	}
}
