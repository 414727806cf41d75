package auth_test

import (
	"strings"
	"testing"
	"time"

	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/auth/authtest"
)

// The auth package alone against oidc-provider set up like a Logto tenant.
func TestAgainstOIDCProvider(t *testing.T) {
	op := authtest.StartProvider(t)
	p, err := auth.Discover(t.Context(), &auth.Config{Issuer: op.Issuer, ClientID: authtest.ClientES384, CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Metadata.ISSParameterSupported {
		t.Fatal("the provider should advertise RFC 9207")
	}
	browse := func(u string) error {
		go authtest.Browse(u, "carol", false)
		return nil
	}
	res, err := p.Login(t.Context(), auth.LoginOptions{OpenBrowser: browse, Timeout: 30 * time.Second, Resources: []string{authtest.Resource},
		Scopes: []string{"openid", "profile", "email", "offline_access", "read:data"}})
	if err != nil {
		t.Fatal(err)
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
