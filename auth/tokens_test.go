package auth

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
)

// unsignedJWT is a JWT-shaped access token: enough for the lifetime and
// audience guesses, which never trust it.
func unsignedJWT(claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"ES384"}`)) + "." + enc([]byte(claims)) + ".c2ln"
}

func TestTokenResponseLifetime(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	jwt := unsignedJWT(fmt.Sprintf(`{"exp":%d}`, now.Add(2*time.Hour).Unix()))
	year := 365 * 24 * time.Hour
	tests := []struct {
		name, expiresIn, access string
		want                    time.Duration
	}{
		{"number", `3600`, "opaque", time.Hour},
		{"string of digits", `"3600"`, "opaque", time.Hour},
		{"missing, opaque token", ``, "opaque", 5 * time.Minute},
		{"null, opaque token", `null`, "opaque", 5 * time.Minute},
		{"missing, JWT", ``, jwt, 2 * time.Hour},
		{"zero, JWT", `0`, jwt, 2 * time.Hour},
		{"zero, opaque", `0`, "opaque", 5 * time.Minute},
		{"negative, opaque", `-60`, "opaque", 5 * time.Minute},
		{"huge", `99999999999999999999`, "opaque", year},
		{"huge float", `1e300`, "opaque", year},
		{"huge string", `"99999999999999999999"`, "opaque", year},
	}
	for _, tt := range tests {
		body := `{"access_token":"` + tt.access + `","token_type":"Bearer"`
		if tt.expiresIn != "" {
			body += `,"expires_in":` + tt.expiresIn
		}
		got, err := parseTokenResponse([]byte(body+"}"), now, nil)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if d := got.Expiry.Sub(now); d != tt.want {
			t.Errorf("%s: lifetime %s, want %s", tt.name, d, tt.want)
		}
	}
}

func TestTokenResponseRefusals(t *testing.T) {
	tests := []struct {
		name, body string
		want       error
	}{
		{"token_type mac", `{"access_token":"a","token_type":"mac","expires_in":60}`, ErrUnsupportedTokenType},
		{"token_type DPoP", `{"access_token":"a","token_type":"DPoP","expires_in":60}`, ErrUnsupportedTokenType},
		{"expires_in words", `{"access_token":"a","token_type":"Bearer","expires_in":"an hour"}`, ErrInvalidTokenResponse},
		{"expires_in bool", `{"access_token":"a","token_type":"Bearer","expires_in":true}`, ErrInvalidTokenResponse},
		{"no access token", `{"token_type":"Bearer","expires_in":60}`, ErrInvalidTokenResponse},
		{"access token a number", `{"access_token":7,"token_type":"Bearer"}`, ErrInvalidTokenResponse},
		{"not an object", `["a"]`, ErrInvalidTokenResponse},
		{"null", `null`, ErrInvalidTokenResponse},
		{"HTML", `<html>`, ErrInvalidTokenResponse},
	}
	for _, tt := range tests {
		tok, err := parseTokenResponse([]byte(tt.body), time.Now(), nil)
		if !errors.Is(err, tt.want) || tok != nil {
			t.Errorf("%s: tokens %v, err %v; want no tokens and %v", tt.name, tok, err, tt.want)
		}
	}
	for _, ok := range []string{"bearer", "BEARER", ""} {
		tok, err := parseTokenResponse([]byte(`{"access_token":"a","token_type":"`+ok+`"}`), time.Now(), nil)
		if err != nil || tok.TokenType != "Bearer" {
			t.Errorf("token_type %q: %v, %+v", ok, err, tok)
		}
	}
}

// A rotated refresh token survives a faulty other field: the caller gets
// it inside a PartialTokenError and keeps the grant.
func TestRotatedRefreshTokenIsNeverLost(t *testing.T) {
	for _, body := range []string{
		`{"access_token":"a","token_type":"mac","refresh_token":"rt2"}`,
		`{"access_token":"a","token_type":"Bearer","expires_in":"soon","refresh_token":"rt2"}`,
		`{"token_type":"Bearer","refresh_token":"rt2"}`,
		`{"access_token":"a","id_token":{},"refresh_token":"rt2"}`,
	} {
		_, err := parseTokenResponse([]byte(body), time.Now(), nil)
		var pe *PartialTokenError
		if !errors.As(err, &pe) || pe.Tokens.RefreshToken != "rt2" || !errors.Is(err, ErrInvalidTokenResponse) {
			t.Errorf("%s: %v, want a PartialTokenError holding rt2", body, err)
		}
	}
}

func TestMissingScopeIsTheRequestedOne(t *testing.T) {
	tok, err := parseTokenResponse([]byte(`{"access_token":"a","token_type":"Bearer"}`), time.Now(), []string{"openid", "email"})
	if err != nil || tok.Scope != "openid email" || !tok.ScopeRequested {
		t.Fatalf("%+v %v", tok, err)
	}
	tok, err = parseTokenResponse([]byte(`{"access_token":"a","token_type":"Bearer","scope":"openid"}`), time.Now(), []string{"openid", "email"})
	if err != nil || tok.Scope != "openid" || tok.ScopeRequested {
		t.Fatalf("granted scope replaced: %+v %v", tok, err)
	}
}

// The audience parameter is the provider's: Auth0-style providers get
// "audience" on refresh; a JWT for another audience is an error naming
// the likely cause, with the rotated refresh token kept; an opaque token
// is marked unchecked.
func TestAudienceParameterAndCheck(t *testing.T) {
	f := newFakeOP(t)
	var sent url.Values
	access := unsignedJWT(`{"aud":"https://other.example"}`)
	f.token = func(form url.Values) (int, any) {
		sent = form
		return 200, map[string]any{"access_token": access, "token_type": "Bearer", "expires_in": 60, "refresh_token": "rt2"}
	}
	p, err := Discover(t.Context(), &Config{Issuer: f.srv.URL, ClientID: "cli", AudienceParam: AudienceParamAudience})
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Refresh(t.Context(), TokenRequest{RefreshToken: "rt", Audience: Audience{Resource: "https://api.example"}})
	if sent.Get("audience") != "https://api.example" || sent.Has("resource") {
		t.Fatalf("refresh sent %v, want audience only", sent)
	}
	var pe *PartialTokenError
	if !errors.Is(err, ErrAudienceMismatch) || !errors.As(err, &pe) || pe.Tokens.RefreshToken != "rt2" || !strings.Contains(err.Error(), "audience_param") {
		t.Fatalf("mismatched audience: %v", err)
	}
	access = unsignedJWT(`{"aud":["x","https://api.example"]}`)
	if tok, err := p.Refresh(t.Context(), TokenRequest{RefreshToken: "rt", Audience: Audience{Resource: "https://api.example"}}); err != nil || tok.AudienceUnchecked {
		t.Fatalf("matching audience: %v %+v", err, tok)
	}
	access = "opaque"
	if tok, err := p.Refresh(t.Context(), TokenRequest{RefreshToken: "rt", Audience: Audience{Resource: "https://api.example"}}); err != nil || !tok.AudienceUnchecked {
		t.Fatalf("opaque token: %v %+v", err, tok)
	}
	_, err = p.ExchangeCode(t.Context(), CodeExchange{Code: "c", RedirectURI: "http://127.0.0.1:1/callback", Verifier: "v", Audience: Audience{Resource: "https://api.example"}})
	if err != nil || sent.Get("audience") != "https://api.example" || sent.Get("code_verifier") != "v" || sent.Get("client_id") != "cli" {
		t.Fatalf("exchange sent %v (%v)", sent, err)
	}
	// Default: resource, on the authorization request too.
	d := f.provider(t)
	if _, err := d.Refresh(t.Context(), TokenRequest{RefreshToken: "rt", Audience: Audience{Resource: "https://api.example"}}); sent.Get("resource") != "https://api.example" || sent.Has("audience") {
		t.Fatalf("default provider sent %v (%v)", sent, err)
	}
	u := p.authParamsURL(t, LoginOptions{Resources: []string{"https://api.example"}})
	if !strings.Contains(u, "audience=https%3A%2F%2Fapi.example") {
		t.Fatalf("authorization request lacks audience: %s", u)
	}
}

func (p *Provider) authParamsURL(t *testing.T, o LoginOptions) string {
	t.Helper()
	u, err := p.authCodeURL(p.oauth2Config("http://127.0.0.1:1/callback", o.scopes()), o, "s", "n", "v-of-forty-three-characters-aaaaaaaaaaaaaa")
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// BenchmarkParseTokenResponse is the cost of reading a typical token
// response by hand (every refresh pays it).
func BenchmarkParseTokenResponse(b *testing.B) {
	body := []byte(`{"access_token":"` + unsignedJWT(`{"aud":"https://api.example","exp":1800000000}`) + `","token_type":"Bearer","expires_in":3600,"refresh_token":"rt","id_token":"x.y.z","scope":"openid offline_access"}`)
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseTokenResponse(body, now, nil); err != nil {
			b.Fatal(err)
		}
	}
}
