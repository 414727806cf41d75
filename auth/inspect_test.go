package auth_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/auth/authtest"
)

// A token from oidc-provider verifies against its issuer's keys, found by
// discovery of its iss claim alone; the same token altered does not, and an
// alg none token naming the same issuer is refused without a request.
func TestInspectLabTokens(t *testing.T) {
	op := authtest.StartProvider(t)
	p, err := auth.Discover(t.Context(), &auth.Config{Issuer: op.Issuer, ClientID: authtest.ClientES384})
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Login(t.Context(), auth.LoginOptions{
		OpenBrowser: func(u string) error { go authtest.Browse(u, "dave", false); return nil },
		Timeout:     30 * time.Second, Resources: []string{authtest.Resource},
		Scopes: []string{"openid", "profile", "offline_access", "read:data"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, tok := range map[string]string{"ID token": res.Tokens.IDToken, "access token": res.Tokens.AccessToken} {
		in, err := auth.Inspect(t.Context(), tok, auth.InspectOptions{})
		if err != nil || !in.Verified || in.Claims["sub"] != "dave" || in.Alg != "ES384" || in.KeyID == "" {
			t.Fatalf("%s: %+v, %v", name, in, err)
		}
		if !strings.HasPrefix(in.KeysFrom, op.Issuer) {
			t.Errorf("%s: keys from %q, want the issuer's JWKS", name, in.KeysFrom)
		}
	}

	parts := strings.Split(res.Tokens.IDToken, ".")
	claims := unB64JSON(t, parts[1])
	claims["sub"] = "mallory"
	tampered := parts[0] + "." + b64JSON(t, claims) + "." + parts[2]
	in, err := auth.Inspect(t.Context(), tampered, auth.InspectOptions{})
	if err != nil || in.Verified || in.VerifyError == nil || in.Claims["sub"] != "mallory" {
		t.Fatalf("tampered token: %+v, %v", in, err)
	}

	op.ResetStats(t)
	none := b64JSON(t, map[string]any{"alg": "none"}) + "." + b64JSON(t, claims) + "."
	in, err = auth.Inspect(t.Context(), none, auth.InspectOptions{})
	if err != nil || in.Verified || !errors.Is(in.VerifyError, auth.ErrUnsigned) {
		t.Fatalf("alg none: %+v, %v", in, err)
	}
	if n := op.Requests(t); n != 0 {
		t.Errorf("an alg none token made %d requests to its issuer", n)
	}

	// Verified against a profile's provider, the token must come from it.
	other := authtest.StartProvider(t)
	in, err = auth.Inspect(t.Context(), res.Tokens.IDToken, auth.InspectOptions{Provider: &auth.Config{Issuer: other.Issuer}})
	if err != nil || in.Verified || !errors.Is(in.VerifyError, auth.ErrWrongIssuer) {
		t.Fatalf("token of another issuer: %+v, %v", in, err)
	}
}

// A JWKS file verifies a token with no issuer to reach; keys that did not
// sign it do not.
func TestInspectWithJWKSOffline(t *testing.T) {
	tok, jwks := authtest.SignedJWT(t, map[string]any{"iss": "https://unreachable.invalid", "sub": "erin"})
	_, otherKeys := authtest.SignedJWT(t, nil)
	in, err := auth.Inspect(t.Context(), tok, auth.InspectOptions{JWKS: jwks})
	if err != nil || !in.Verified || in.KeysFrom != "the JWKS given" {
		t.Fatalf("with its own keys: %+v, %v", in, err)
	}
	in, err = auth.Inspect(t.Context(), tok, auth.InspectOptions{JWKS: otherKeys})
	if err != nil || in.Verified || in.VerifyError == nil {
		t.Fatalf("with another key: %+v, %v", in, err)
	}
	in, err = auth.Inspect(t.Context(), tok, auth.InspectOptions{JWKS: []byte("not json")})
	if err != nil || in.Verified || in.VerifyError == nil {
		t.Fatalf("with a broken JWKS: %+v, %v", in, err)
	}
}

// Only https issuers, or http on loopback, are ever asked for keys.
func TestInspectRefusesIssuersItMustNotFetch(t *testing.T) {
	for _, iss := range []string{"http://metadata.example", "file:///etc/passwd", "http://10.0.0.1/oidc", "ftp://x"} {
		in, err := auth.Inspect(t.Context(), signed(t, map[string]any{"iss": iss}), auth.InspectOptions{})
		if err != nil || in.Verified || !errors.Is(in.VerifyError, auth.ErrIssuerNotFetchable) {
			t.Errorf("iss %q: %+v, %v", iss, in, err)
		}
	}
	in, err := auth.Inspect(t.Context(), signed(t, map[string]any{"sub": "x"}), auth.InspectOptions{})
	if err != nil || !errors.Is(in.VerifyError, auth.ErrNoIssuer) {
		t.Errorf("no iss: %+v, %v", in, err)
	}
}

func TestInspectRejectsWhatIsNotAJWT(t *testing.T) {
	obj := b64JSON(t, map[string]any{"alg": "ES256"})
	for name, tt := range map[string]struct {
		raw  string
		want error
	}{
		"empty":       {"", auth.ErrNotJWT},
		"opaque":      {"v2.local.abc", auth.ErrNotJWT},
		"JWE":         {"a.b.c.d.e", auth.ErrNotJWT},
		"bad base64":  {"!!!." + obj + ".x", auth.ErrNotJWT},
		"array":       {obj + "." + base64.RawURLEncoding.EncodeToString([]byte("[1]")) + ".x", auth.ErrNotJWT},
		"null":        {obj + "." + base64.RawURLEncoding.EncodeToString([]byte("null")) + ".x", auth.ErrNotJWT},
		"trailing":    {obj + "." + base64.RawURLEncoding.EncodeToString([]byte("{}{}")) + ".x", auth.ErrNotJWT},
		"huge":        {obj + "." + strings.Repeat("A", auth.MaxTokenSize) + ".x", auth.ErrTokenTooLarge},
		"three parts": {"a.b", auth.ErrNotJWT},
	} {
		if _, err := auth.Inspect(t.Context(), tt.raw, auth.InspectOptions{}); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", name, err, tt.want)
		}
	}
}

func signed(t *testing.T, claims map[string]any) string {
	t.Helper()
	tok, _ := authtest.SignedJWT(t, claims)
	return tok
}

func b64JSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func unB64JSON(t *testing.T, s string) map[string]any {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}
