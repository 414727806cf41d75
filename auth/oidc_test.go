package auth_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/auth/authtest"
	"golang.org/x/oauth2"
)

func browseAs(user string) func(string) error {
	return func(u string) error {
		go authtest.Browse(u, user, false)
		return nil
	}
}

// An issuer that ends in "/" (Auth0, LemonLDAP, some Hydra setups) signs
// in, refreshes and revokes when the profile names it exactly; a profile
// without the slash is told the exact issuer to set.
func TestIssuerWithTrailingSlashAgainstOIDCProvider(t *testing.T) {
	op := authtest.StartProvider(t, "ISSUER_SLASH=1")
	if !strings.HasSuffix(op.Issuer, "/") {
		t.Fatalf("lab issuer %q does not end in /", op.Issuer)
	}
	_, err := auth.Discover(t.Context(), &auth.Config{Issuer: strings.TrimSuffix(op.Issuer, "/"), ClientID: authtest.ClientES384})
	if !errors.Is(err, auth.ErrIssuerMismatch) || !strings.Contains(err.Error(), `"`+op.Issuer+`"`) {
		t.Fatalf("profile without the slash: %v, want ErrIssuerMismatch naming %s", err, op.Issuer)
	}
	p, err := auth.Discover(t.Context(), &auth.Config{Issuer: op.Issuer, ClientID: authtest.ClientES384, CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Login(t.Context(), auth.LoginOptions{OpenBrowser: browseAs("dave"), Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if res.Identity.Issuer != op.Issuer || res.Identity.Subject != "dave" {
		t.Fatalf("identity %s at %q, want dave at %q", res.Identity.Subject, res.Identity.Issuer, op.Issuer)
	}
	ref, err := p.Refresh(t.Context(), auth.TokenRequest{RefreshToken: res.Tokens.RefreshToken})
	if err != nil {
		t.Fatal(err)
	}
	if ref.IDToken != "" {
		if _, err := p.VerifyIDToken(t.Context(), ref.IDToken, auth.VerifyOptions{}); err != nil {
			t.Fatalf("refreshed ID token: %v", err)
		}
	}
	if err := p.Revoke(t.Context(), ref.RefreshToken); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Refresh(t.Context(), auth.TokenRequest{RefreshToken: ref.RefreshToken}); !auth.IsGrantGone(err) {
		t.Fatalf("refresh after revocation: %v, want the grant gone", err)
	}
}

// ExchangeCode, the exchange Login can switch to, against the real
// provider: the JWT for the requested resource passes the audience check,
// scopes come back, and the code cannot be redeemed twice.
func TestExchangeCodeAgainstOIDCProvider(t *testing.T) {
	op := authtest.StartProvider(t)
	p, err := auth.Discover(t.Context(), &auth.Config{Issuer: op.Issuer, ClientID: authtest.ClientES384})
	if err != nil {
		t.Fatal(err)
	}
	lb, err := auth.Listen("", 0, auth.CallbackCheck{State: "st4te", Issuer: op.Issuer})
	if err != nil {
		t.Fatal(err)
	}
	defer lb.Close()
	verifier := oauth2.GenerateVerifier()
	q := url.Values{
		"client_id": {authtest.ClientES384}, "redirect_uri": {lb.RedirectURI}, "response_type": {"code"},
		"scope": {"openid offline_access read:data"}, "state": {"st4te"}, "nonce": {"n0nce"}, "prompt": {"consent"},
		"code_challenge": {oauth2.S256ChallengeFromVerifier(verifier)}, "code_challenge_method": {"S256"},
		p.AudienceParam(): {authtest.Resource},
	}
	go authtest.Browse(p.Metadata.AuthorizationEndpoint+"?"+q.Encode(), "erin", false)
	code, err := lb.Wait(t.Context(), 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	x := auth.CodeExchange{Code: code, RedirectURI: lb.RedirectURI, Verifier: verifier,
		Scopes: []string{"openid", "offline_access", "read:data"}, Audience: auth.Audience{Resource: authtest.Resource}}
	tok, err := p.ExchangeCode(t.Context(), x)
	if err != nil {
		t.Fatal(err)
	}
	if tok.TokenType != "Bearer" || tok.RefreshToken == "" || tok.AudienceUnchecked || !strings.Contains(tok.Scope, "read:data") {
		t.Fatalf("tokens %+v", tok)
	}
	if _, err := p.VerifyIDToken(t.Context(), tok.IDToken, auth.VerifyOptions{Nonce: "n0nce"}); err != nil {
		t.Fatal(err)
	}
	_, err = p.ExchangeCode(t.Context(), x)
	var pe *auth.ProviderError
	var re *oauth2.RetrieveError
	if !errors.As(err, &pe) || pe.Code != "invalid_grant" || pe.Status != http.StatusBadRequest || !errors.As(err, &re) {
		t.Fatalf("second redemption of the code: %v, want a 400 invalid_grant ProviderError that is also a RetrieveError", err)
	}
}

// recorder notes every secret sent to or received from the provider, so a
// test can look for them in the trace.
type recorder struct {
	mu      sync.Mutex
	secrets map[string]bool
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	if req.GetBody != nil {
		body, _ := req.GetBody()
		b, _ := io.ReadAll(body)
		form, _ := url.ParseQuery(string(b))
		for _, k := range []string{"code", "code_verifier", "refresh_token", "token"} {
			if v := form.Get(k); v != "" {
				r.secrets[v] = true
			}
		}
	}
	if a := req.Header.Get("Authorization"); a != "" {
		r.secrets[strings.TrimPrefix(a, "Bearer ")] = true
	}
	r.mu.Unlock()
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	var m map[string]any
	if json.Unmarshal(b, &m) == nil {
		r.mu.Lock()
		for _, k := range []string{"access_token", "refresh_token", "id_token"} {
			if s, _ := m[k].(string); s != "" {
				r.secrets[s] = true
			}
		}
		r.mu.Unlock()
	}
	return resp, nil
}

// With tracing on, a whole session (sign-in, resource refresh, userinfo,
// revocation, a refused refresh) is traced with method, URL and status,
// and not one code, verifier or token appears in the trace.
func TestTraceNeverShowsSecrets(t *testing.T) {
	op := authtest.StartProvider(t)
	rec := &recorder{secrets: map[string]bool{}}
	var trace bytes.Buffer
	p, err := auth.Discover(t.Context(), &auth.Config{Issuer: op.Issuer, ClientID: authtest.ClientES384,
		HTTPClient: &http.Client{Transport: rec}, Debug: &trace})
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Login(t.Context(), auth.LoginOptions{OpenBrowser: browseAs("frank"), Timeout: 30 * time.Second,
		Resources: []string{authtest.Resource}, Scopes: []string{"openid", "profile", "offline_access", "read:data"}})
	if err != nil {
		t.Fatal(err)
	}
	ref, err := p.Refresh(t.Context(), auth.TokenRequest{RefreshToken: res.Tokens.RefreshToken, Audience: auth.Audience{Resource: authtest.Resource}})
	if err != nil {
		t.Fatal(err)
	}
	def, err := p.Refresh(t.Context(), auth.TokenRequest{RefreshToken: ref.RefreshToken})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Userinfo(t.Context(), def.AccessToken); err != nil {
		t.Fatal(err)
	}
	if err := p.Revoke(t.Context(), def.RefreshToken); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Refresh(t.Context(), auth.TokenRequest{RefreshToken: def.RefreshToken}); !auth.IsGrantGone(err) {
		t.Fatalf("refresh after revocation: %v", err)
	}
	out := trace.String()
	if len(rec.secrets) < 7 {
		t.Fatalf("recorded only %d secrets: the test would prove nothing", len(rec.secrets))
	}
	for s := range rec.secrets {
		if strings.Contains(out, s) {
			t.Errorf("the trace shows a secret: %.12s...", s)
		}
	}
	for _, want := range []string{
		"GET " + auth.DiscoveryURL(op.Issuer) + " -> 200 OK",
		"POST " + p.Metadata.TokenEndpoint + " body=",
		"grant_type=refresh_token",
		"GET " + p.Metadata.UserinfoEndpoint + " -> 200 OK",
		"POST " + p.Metadata.RevocationEndpoint,
		"-> 400 Bad Request", "invalid_grant",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the trace lacks %q:\n%s", want, out)
		}
	}
}
