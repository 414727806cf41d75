package auth

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Provider answers are hostile: these targets check that parsing them never
// panics and never yields something latch's checks promise cannot happen.

func FuzzTokenResponse(f *testing.F) {
	for _, s := range []string{
		`{"access_token":"a","token_type":"Bearer","expires_in":3600,"refresh_token":"r","scope":"openid"}`,
		`{"access_token":"a","token_type":"mac","refresh_token":"r"}`,
		`{"access_token":"a","token_type":"Bearer","expires_in":null}`,
		`{"access_token":"a","token_type":"Bearer","expires_in":-1}`,
		`{"access_token":"a","token_type":"Bearer","expires_in":"3600"}`,
		`{"access_token":"a","token_type":"Bearer","expires_in":99999999999999999999}`,
	} {
		f.Add([]byte(s))
	}
	now := time.Unix(1_800_000_000, 0)
	f.Fuzz(func(t *testing.T, body []byte) {
		tok, err := parseTokenResponse(body, now, []string{"openid"})
		var pe *PartialTokenError
		switch {
		case err == nil:
			if tok.AccessToken == "" || tok.TokenType != "Bearer" {
				t.Fatalf("accepted %+v", tok)
			}
		case errors.As(err, &pe):
			if tok == nil || tok.RefreshToken == "" || pe.Tokens != tok {
				t.Fatalf("partial without the refresh token: %+v", tok)
			}
		case tok != nil:
			t.Fatalf("tokens beside a plain error: %+v", tok)
		}
		if tok != nil && (tok.Expiry.Before(now) || tok.Expiry.After(now.Add(maxLifetime))) {
			t.Fatalf("expiry %s out of [now, now+1y]", tok.Expiry)
		}
	})
}

func FuzzJWTDecode(f *testing.F) {
	f.Add(unsignedJWT(`{"sub":"u","exp":1800000000}`))
	f.Add(unsignedJWT(`{"iss":"x"}`))
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, raw string) {
		UnverifiedClaims(raw)
		headerAlg(raw)
		if exp, ok := unverifiedExp(raw); ok && exp.Unix() <= 0 {
			t.Fatalf("exp %s", exp)
		}
		IsJWT(raw)
	})
}

func FuzzJWKS(f *testing.F) {
	f.Add([]byte(`{"keys":[{"kty":"EC","crv":"P-256","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4","y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM","use":"sig","kid":"1"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"}]}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		set, err := ParseJWKS(raw)
		if err != nil {
			return
		}
		if len(set.Keys) == 0 || len(set.Keys) > maxKeys {
			t.Fatalf("%d keys", len(set.Keys))
		}
		for _, k := range set.Keys {
			if !k.IsPublic() || !k.Valid() {
				t.Fatalf("unusable key accepted: %+v", k)
			}
		}
	})
}

func FuzzDiscovery(f *testing.F) {
	const iss = "https://idp.example/"
	f.Add([]byte(`{"issuer":"https://idp.example/","authorization_endpoint":"https://idp.example/a","token_endpoint":"https://idp.example/t","jwks_uri":"https://idp.example/k"}`), false)
	f.Add([]byte(`{"issuer":"https://idp.example/{tenantid}/v2.0","authorization_endpoint":"https://idp.example/a","token_endpoint":"http://idp.example/t","jwks_uri":"https://idp.example/k"}`), true)
	f.Fuzz(func(t *testing.T, raw []byte, insecure bool) {
		m, err := ParseMetadata(raw, iss, insecure)
		if err != nil {
			return
		}
		if m.Issuer != iss && !m.IsMultiTenant() {
			t.Fatalf("issuer %q accepted", m.Issuer)
		}
		for _, e := range []string{m.AuthorizationEndpoint, m.TokenEndpoint, m.JWKSURI} {
			u, err := url.Parse(e)
			if err != nil || (u.Scheme != "https" && !(u.Scheme == "http" && (insecure || isLoopbackHost(u.Hostname())))) {
				t.Fatalf("endpoint %q accepted", e)
			}
		}
	})
}

func FuzzCacheControl(f *testing.F) {
	for _, s := range []string{"max-age=99999999999999999999", "no-store", "no-cache, max-age=10", `max-age="60"`, "max-age=-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		p := parseCacheControl(h)
		if p.lifetime < minCacheAge || p.lifetime > maxCacheAge {
			t.Fatalf("lifetime %s", p.lifetime)
		}
		if !p.store && !strings.Contains(strings.ToLower(h), "no-store") {
			t.Fatalf("store off without no-store: %q", h)
		}
	})
}
