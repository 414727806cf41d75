package auth

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestCacheControl(t *testing.T) {
	day, week := 24*time.Hour, 7*24*time.Hour
	tests := []struct {
		header    string
		want      time.Duration
		wantStore bool
	}{
		{"", day, true},
		{"max-age=3600", time.Hour, true},
		{"public, MAX-AGE=120", 2 * time.Minute, true},
		{`max-age="600"`, 10 * time.Minute, true},
		{"max-age=0", time.Minute, true},
		{"max-age=5", time.Minute, true},
		{"max-age=99999999999999999999", week, true},
		{"max-age=31536000", week, true},
		{"max-age=-5", day, true},
		{"max-age=1e3", day, true},
		{"max-age=", day, true},
		{"no-cache", time.Minute, true},
		{"max-age=3600, no-cache", time.Minute, true},
		{"no-store", day, false},
		{"private, no-store, max-age=60", time.Minute, false},
	}
	for _, tt := range tests {
		got := parseCacheControl(tt.header)
		if got.lifetime != tt.want || got.store != tt.wantStore {
			t.Errorf("parseCacheControl(%q) = %s store %v, want %s store %v", tt.header, got.lifetime, got.store, tt.want, tt.wantStore)
		}
	}
}

func TestDiscoveryRefusesBadDocuments(t *testing.T) {
	tests := []struct {
		name   string
		change func(f *fakeOP)
		want   error
	}{
		{"issuer with a trailing slash the profile lacks", func(f *fakeOP) { f.meta["issuer"] = f.srv.URL + "/" }, ErrIssuerMismatch},
		{"no token endpoint", func(f *fakeOP) { delete(f.meta, "token_endpoint") }, ErrInvalidDiscovery},
		{"relative jwks_uri", func(f *fakeOP) { f.meta["jwks_uri"] = "/jwks" }, ErrInvalidDiscovery},
		{"plain http token endpoint on the network", func(f *fakeOP) { f.meta["token_endpoint"] = "http://idp.example.com/token" }, ErrInsecureURL},
		{"javascript userinfo endpoint", func(f *fakeOP) { f.meta["userinfo_endpoint"] = "javascript:alert(1)" }, ErrInvalidDiscovery},
		{"endpoint with a fragment", func(f *fakeOP) { f.meta["authorization_endpoint"] = f.srv.URL + "/auth#x" }, ErrInvalidDiscovery},
		{"wrong JSON types", func(f *fakeOP) { f.meta["scopes_supported"] = "openid" }, ErrInvalidDiscovery},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeOP(t)
			tt.change(f)
			_, err := Discover(t.Context(), &Config{Issuer: f.srv.URL, ClientID: "cli"})
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

// A provider whose issuer ends in "/" signs in when the profile names the
// issuer exactly; discovery is still fetched from one "/" only.
func TestIssuerWithTrailingSlash(t *testing.T) {
	f := newFakeOP(t)
	iss := f.srv.URL + "/"
	f.meta["issuer"] = iss
	f.idToken = func(f *fakeOP, nonce string) string {
		c := f.claims(nonce)
		c["iss"] = iss
		return f.sign(c, "ES384", f.key, f.kid)
	}
	p, err := Discover(t.Context(), &Config{Issuer: iss, ClientID: "cli"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Login(t.Context(), LoginOptions{OpenBrowser: browse, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if res.Identity.Issuer != iss {
		t.Fatalf("issuer %q, want %q", res.Identity.Issuer, iss)
	}
	// The same provider's token without the slash is another issuer.
	c := f.claims("")
	c["iss"] = f.srv.URL
	if _, err := p.VerifyIDToken(t.Context(), f.sign(c, "ES384", f.key, f.kid), VerifyOptions{}); err == nil {
		t.Fatal("an ID token whose iss lacks the issuer's trailing slash was accepted")
	}
}

func TestBadAnswersNeverReplaceTheCache(t *testing.T) {
	f := newFakeOP(t)
	dir := t.TempDir()
	now := time.Now()
	cfg := &Config{Issuer: f.srv.URL, ClientID: "cli", CacheDir: dir, Now: func() time.Time { return now }}
	p, err := Discover(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.VerifyIDToken(t.Context(), f.good(""), VerifyOptions{}); err != nil {
		t.Fatal(err)
	}
	// Two days on, the provider answers garbage for both documents.
	now = now.Add(48 * time.Hour)
	f.meta["token_endpoint"] = "http://idp.example.com/token"
	f.jwksBody = []byte(`{"keys":[{"kty":"oct","k":"c2VjcmV0","kid":"k1"}]}`)
	if _, err := Discover(t.Context(), cfg); !errors.Is(err, ErrInsecureURL) {
		t.Fatalf("bad discovery: %v", err)
	}
	c, err := readDiscovery(dir, f.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseMetadata(c.Metadata, f.srv.URL, false); err != nil {
		t.Fatalf("the cached discovery document was replaced by the bad one: %v", err)
	}
	// The key set: an unknown kid makes latch refetch, and the answer has
	// no usable key; the cached good set stays.
	f.kid = "k2"
	p.keys.keys = nil
	if _, err := p.VerifyIDToken(t.Context(), f.good(""), VerifyOptions{}); !errors.Is(err, ErrInvalidJWKS) {
		t.Fatalf("bad key set: %v", err)
	}
	c, _ = readDiscovery(dir, f.srv.URL)
	if _, err := ParseJWKS(c.JWKS); err != nil {
		t.Fatalf("the cached key set was replaced by the bad one: %v", err)
	}
}

func TestParseJWKS(t *testing.T) {
	f := newFakeOP(t)
	p := f.provider(t)
	if _, err := p.VerifyIDToken(t.Context(), f.good(""), VerifyOptions{}); err != nil {
		t.Fatal(err)
	}
	good := string(p.keys.cached.JWKS)
	goodKey := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(good), `{"keys":[`), "]}")
	tests := []struct {
		name, body string
		keys       int
	}{
		{"good", good, 1},
		{"unknown key type beside a good key", `{"keys":[{"kty":"XYZ","kid":"a"},` + goodKey + `]}`, 1},
		{"only an encryption key", `{"keys":[` + strings.Replace(goodKey, `"use":"sig"`, `"use":"enc"`, 1) + `]}`, 0},
		{"only a symmetric key", `{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}`, 0},
		{"empty", `{"keys":[]}`, 0},
		{"not JSON", `<html>`, 0},
		{"keys not a list", `{"keys":{}}`, 0},
	}
	for _, tt := range tests {
		set, err := ParseJWKS([]byte(tt.body))
		switch {
		case tt.keys == 0 && !errors.Is(err, ErrInvalidJWKS):
			t.Errorf("%s: err = %v, want ErrInvalidJWKS", tt.name, err)
		case tt.keys > 0 && (err != nil || len(set.Keys) != tt.keys):
			t.Errorf("%s: %v, err %v; want %d keys", tt.name, set, err, tt.keys)
		}
	}
}

// redirectAll sends every connection to addr, whatever the URL's host: a
// provider on the network, served by the in-process fake.
func redirectAll(addr string) *http.Client {
	tr := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}
	return &http.Client{Transport: tr}
}

func TestPlainHTTPIssuerNeedsConsentAndWarns(t *testing.T) {
	f := newFakeOP(t)
	const iss = "http://idp.example.com"
	for k, v := range map[string]string{"issuer": iss, "authorization_endpoint": iss + "/auth", "token_endpoint": iss + "/token", "jwks_uri": iss + "/jwks"} {
		f.meta[k] = v
	}
	client := redirectAll(f.srv.Listener.Addr().String())
	_, err := Discover(t.Context(), &Config{Issuer: iss, ClientID: "cli", HTTPClient: client})
	if !errors.Is(err, ErrInsecureURL) {
		t.Fatalf("plain http issuer on the network: %v, want ErrInsecureURL", err)
	}
	p, err := Discover(t.Context(), &Config{Issuer: iss, ClientID: "cli", HTTPClient: client, InsecureAllowHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	if w := p.Warning(); !strings.Contains(w, "plain http") {
		t.Fatalf("warning %q", w)
	}
	if w := newFakeOP(t).provider(t).Warning(); w != "" {
		t.Fatalf("a loopback http provider warns: %q", w)
	}
}
