package auth

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

func login(t *testing.T, f *fakeOP) (*Result, error) {
	t.Helper()
	return f.provider(t).Login(t.Context(), LoginOptions{OpenBrowser: browse, Timeout: 10 * time.Second})
}

func TestLoginGood(t *testing.T) {
	f := newFakeOP(t)
	res, err := login(t, f)
	if err != nil {
		t.Fatal(err)
	}
	if res.Identity.Subject != "u1" || res.Identity.Algorithm != "ES384" || res.Identity.KeyID != "k1" || res.Tokens.RefreshToken != "rt" {
		t.Fatalf("identity %+v tokens %+v", res.Identity, res.Tokens)
	}
}

func TestLoginRefusesBadIDTokens(t *testing.T) {
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	pubDER, _ := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	tests := []struct {
		name    string
		idToken func(f *fakeOP, nonce string) string
		want    string
	}{
		{"wrong aud", func(f *fakeOP, n string) string {
			c := f.claims(n)
			c["aud"] = "someone-else"
			return f.sign(c, jose.ES384, f.key, f.kid)
		}, "another audience"},
		{"expired", func(f *fakeOP, n string) string {
			c := f.claims(n)
			c["exp"] = time.Now().Add(-time.Hour).Unix()
			return f.sign(c, jose.ES384, f.key, f.kid)
		}, "expired"},
		{"nonce mismatch", func(f *fakeOP, n string) string { return f.good("not-" + n) }, "nonce does not match"},
		{"other issuer", func(f *fakeOP, n string) string {
			c := f.claims(n)
			c["iss"] = "https://evil.example"
			return f.sign(c, jose.ES384, f.key, f.kid)
		}, "another issuer"},
		{"algorithm discovery does not list", func(f *fakeOP, n string) string {
			return f.sign(f.claims(n), jose.RS256, rsaKey, "nobody")
		}, `unexpected signature algorithm "RS256"`},
		{"unknown kid same alg", func(f *fakeOP, n string) string {
			other := newFakeOP(t)
			return f.sign(f.claims(n), jose.ES384, other.key, "k2")
		}, "does not publish"},
		{"alg none", func(f *fakeOP, n string) string {
			h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","kid":"k1"}`))
			good := f.good(n)
			return h + "." + strings.Split(good, ".")[1] + "."
		}, "unexpected signature algorithm"},
		{"HS256 with the public key as secret", func(f *fakeOP, n string) string {
			return f.sign(f.claims(n), jose.HS256, pubDER, f.kid)
		}, "unexpected signature algorithm"},
		{"azp of another client", func(f *fakeOP, n string) string {
			c := f.claims(n)
			c["azp"] = "other"
			return f.sign(c, jose.ES384, f.key, f.kid)
		}, "another client"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeOP(t)
			f.idToken = tt.idToken
			_, err := login(t, f)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to say %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

func TestUnknownKidRefetchesKeysOnce(t *testing.T) {
	f := newFakeOP(t)
	p := f.provider(t)
	if _, err := p.VerifyIDToken(t.Context(), f.good(""), VerifyOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := f.jwksHits.Load(); got != 1 {
		t.Fatalf("first verification fetched the keys %d times, want 1", got)
	}
	// The provider rotates its key: the new kid makes latch fetch once more.
	f.key = newFakeOP(t).key
	f.kid = "k2"
	if _, err := p.VerifyIDToken(t.Context(), f.good(""), VerifyOptions{}); err != nil {
		t.Fatalf("after rotation: %v", err)
	}
	if got := f.jwksHits.Load(); got != 2 {
		t.Fatalf("rotation fetched the keys %d times in all, want 2", got)
	}
	// A kid nobody publishes does not cause another fetch.
	bogus := f.sign(f.claims(""), jose.ES384, newFakeOP(t).key, "k9")
	if _, err := p.VerifyIDToken(t.Context(), bogus, VerifyOptions{}); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("err = %v, want ErrUnknownKey", err)
	}
	if got := f.jwksHits.Load(); got != 2 {
		t.Fatalf("unknown kid fetched the keys again (%d in all)", got)
	}
}

func TestDiscoveryAndKeysComeFromDiskCache(t *testing.T) {
	f := newFakeOP(t)
	dir := t.TempDir()
	cfg := &Config{Issuer: f.srv.URL, ClientID: "cli", CacheDir: dir}
	p, err := Discover(t.Context(), cfg)
	if err != nil || p.FromCache {
		t.Fatalf("first discovery: %v, from cache %v", err, p != nil && p.FromCache)
	}
	p.VerifyIDToken(t.Context(), f.good(""), VerifyOptions{})
	f.srv.Config.Handler = nil // any further request would now 404
	p2, err := Discover(t.Context(), &Config{Issuer: f.srv.URL, ClientID: "cli", CacheDir: dir})
	if err != nil || !p2.FromCache {
		t.Fatalf("second discovery: %v, from cache %v", err, p2 != nil && p2.FromCache)
	}
	if _, err := p2.VerifyIDToken(t.Context(), f.good(""), VerifyOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := f.jwksHits.Load(); got != 1 {
		t.Fatalf("keys fetched %d times, want 1 (the second run reads the disk cache)", got)
	}
}

func TestMultiTenantIssuer(t *testing.T) {
	f := newFakeOP(t)
	f.meta["issuer"] = f.srv.URL + "/{tenantid}/v2.0"
	cfg := &Config{Issuer: f.srv.URL, ClientID: "cli", AllowedTenants: []string{"t1", "t2"}}
	p, err := Discover(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	tok := func(iss, tid string) string {
		c := f.claims("")
		c["iss"], c["tid"] = iss, tid
		return f.sign(c, jose.ES384, f.key, f.kid)
	}
	if id, err := p.VerifyIDToken(t.Context(), tok(f.srv.URL+"/t1/v2.0", "t1"), VerifyOptions{}); err != nil || id.TenantID != "t1" {
		t.Fatalf("good tenant token: %v", err)
	}
	if _, err := p.VerifyIDToken(t.Context(), tok(f.srv.URL+"/t2/v2.0", "t1"), VerifyOptions{}); err == nil || !strings.Contains(err.Error(), "does not match its tenant") {
		t.Fatalf("iss of another tenant than tid: %v", err)
	}
	if _, err := p.VerifyIDToken(t.Context(), tok(f.srv.URL+"/t3/v2.0", "t3"), VerifyOptions{}); err == nil || !strings.Contains(err.Error(), "comes from tenant t3") {
		t.Fatalf("tenant outside allowed_tenants: %v", err)
	}
}

func TestDiscoveryErrorsSayWhatToDo(t *testing.T) {
	f := newFakeOP(t)
	for _, tt := range []struct{ issuer, want string }{
		{f.srv.URL + "/wrong", "no OpenID configuration under"},
		{"http://127.0.0.1:1/oidc", "cannot reach"},
	} {
		_, err := Discover(t.Context(), &Config{Issuer: tt.issuer, ClientID: "cli"})
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "check") {
			t.Errorf("Discover(%s) = %v, want %q and what to check", tt.issuer, err, tt.want)
		}
	}
	f.meta["issuer"] = "https://evil.example"
	if _, err := Discover(t.Context(), &Config{Issuer: f.srv.URL, ClientID: "cli"}); err == nil || !strings.Contains(err.Error(), "names issuer") {
		t.Errorf("a discovery document naming another issuer was accepted: %v", err)
	}
}

func TestConsentPromptOnlyWhereNeeded(t *testing.T) {
	f := newFakeOP(t)
	p := f.provider(t)
	auth := func(p *Provider, o LoginOptions) string {
		u, err := p.authCodeURL(p.oauth2Config("http://127.0.0.1:1/callback", o.scopes()), o, "s", "n", "v-of-forty-three-characters-aaaaaaaaaaaaaa")
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	if u := auth(p, LoginOptions{}); !strings.Contains(u, "prompt=consent") {
		t.Errorf("Logto-style provider without prompt=consent gives no refresh token: %s", u)
	}
	if u := auth(p, LoginOptions{Prompt: "login"}); !strings.Contains(u, "prompt=login") || strings.Contains(u, "consent") {
		t.Errorf("--prompt is not honoured: %s", u)
	}
	if u := auth(p, LoginOptions{Resources: []string{"https://a", "https://b"}}); strings.Count(u, "resource=") != 2 {
		t.Errorf("every resource goes on the authorization request: %s", u)
	}
	f.meta["issuer"] = f.srv.URL + "/{tenantid}/v2.0"
	entra, err := Discover(t.Context(), &Config{Issuer: f.srv.URL, ClientID: "cli"})
	if err != nil {
		t.Fatal(err)
	}
	if u := auth(entra, LoginOptions{}); strings.Contains(u, "prompt=") {
		t.Errorf("Entra would ask for consent at every sign-in: %s", u)
	}
}

func TestOrganizationsWithRoles(t *testing.T) {
	id := &Identity{Claims: map[string]any{
		"organizations":      []any{"org-a", "org-b"},
		"organization_roles": []any{"org-a:admin", "org-a:member", "org-c:viewer", "malformed"},
	}}
	got := id.Organizations()
	want := []Organization{{"org-a", []string{"admin", "member"}}, {"org-b", []string{}}, {"org-c", []string{"viewer"}}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("Organizations() = %v, want %v", got, want)
	}
}
