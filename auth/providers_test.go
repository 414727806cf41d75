package auth

import (
	"strings"
	"testing"
)

func TestKnownProviders(t *testing.T) {
	tests := []struct {
		name, issuer string
		meta         *Metadata
		kind         Kind
		audience     string
		consent      bool
	}{
		{"Logto cloud", "https://acme.logto.app/oidc", nil, KindLogto, "resource", true},
		{"Logto self-hosted / oidc-provider", "https://auth.acme.example/oidc", nil, KindLogto, "resource", true},
		{"oidc-provider with a trailing slash", "http://127.0.0.1:3001/oidc/", nil, KindLogto, "resource", true},
		{"Entra common", "https://login.microsoftonline.com/common/v2.0", nil, KindEntra, "resource", false},
		{"Entra by template", "https://login.example.cn/organizations/v2.0", &Metadata{Issuer: "https://login.example.cn/{tenantid}/v2.0"}, KindEntra, "resource", false},
		{"Auth0", "https://acme.eu.auth0.com/", nil, KindAuth0, "audience", false},
		{"Okta", "https://acme.okta.com/oauth2/default", nil, KindOkta, "audience", false},
		{"Okta preview", "https://acme.oktapreview.com", nil, KindOkta, "audience", false},
		{"Dex", "https://sso.acme.example/dex", nil, KindDex, "resource", false},
		{"Hydra by endpoints", "https://hydra.acme.example/", &Metadata{AuthorizationEndpoint: "https://hydra.acme.example/oauth2/auth", EndSessionEndpoint: "https://hydra.acme.example/oauth2/sessions/logout"}, KindHydra, "audience", false},
		{"Ory Network", "https://acme.projects.oryapis.com", nil, KindHydra, "audience", false},
		{"LemonLDAP::NG", "https://auth.acme.example/", &Metadata{AuthorizationEndpoint: "https://auth.acme.example/oauth2/authorize", JWKSURI: "https://auth.acme.example/oauth2/jwks"}, KindLemonLDAP, "resource", false},
		{"Keycloak", "https://kc.acme.example/realms/dev", nil, KindKeycloak, "resource", false},
		{"ZITADEL", "https://acme-xyz.zitadel.cloud", nil, KindZitadel, "resource", false},
		{"someone else", "https://idp.acme.example", nil, KindGeneric, "resource", true},
		{"not a URL", "::", nil, KindGeneric, "resource", true},
	}
	for _, tt := range tests {
		got := DetectProvider(tt.issuer, tt.meta)
		if got.Kind != tt.kind || got.AudienceParam != tt.audience || got.ConsentForRefresh != tt.consent || got.Name == "" || got.RedirectURI == "" {
			t.Errorf("%s: %+v, want kind %q audience %q consent %v", tt.name, got, tt.kind, tt.audience, tt.consent)
		}
	}
}

// The audience parameter follows the provider unless the profile says.
func TestAudienceParamDefaultsAndOverride(t *testing.T) {
	p := &Provider{Config: &Config{Issuer: "https://acme.auth0.com/"}}
	if p.AudienceParam() != "audience" {
		t.Errorf("Auth0: %s", p.AudienceParam())
	}
	p.Config.AudienceParam = "resource"
	if p.AudienceParam() != "resource" {
		t.Errorf("profile override ignored: %s", p.AudienceParam())
	}
	p.Config.AudienceParam = "bogus"
	if p.AudienceParam() != "audience" {
		t.Errorf("an unknown setting replaced the provider's parameter: %s", p.AudienceParam())
	}
}

// Logto's advice for opaque tokens is not given for other providers.
func TestOpaqueTokenAdviceIsLogtos(t *testing.T) {
	logto := &Provider{Config: &Config{Issuer: "https://acme.logto.app/oidc"}}
	okta := &Provider{Config: &Config{Issuer: "https://acme.okta.com"}}
	if !strings.Contains(logto.OpaqueAccessTokenHint(), "API resource") || okta.OpaqueAccessTokenHint() != "" {
		t.Fatalf("logto %q, okta %q", logto.OpaqueAccessTokenHint(), okta.OpaqueAccessTokenHint())
	}
}

// Dex reports a dead refresh token as invalid_request: latch knows it.
func TestDexDeadRefreshIsGrantGone(t *testing.T) {
	err := &ProviderError{Code: "invalid_request", Description: "Refresh token is invalid or has already been claimed by another client.", Status: 400}
	if !IsGrantGone(err) || !strings.Contains(Explain(err), "sign in again") {
		t.Fatalf("%v: %s", IsGrantGone(err), Explain(err))
	}
}

func TestRedirectHintIsProviderAware(t *testing.T) {
	if h := hintFor(KindDex, "invalid_request", "unregistered redirect_uri", 400); !strings.Contains(h, "localhost") {
		t.Errorf("Dex redirect hint %q", h)
	}
	if h := hintFor(KindAuth0, "invalid_request", "redirect_uri mismatch", 400); !strings.Contains(h, "fixed port") {
		t.Errorf("Auth0 redirect hint %q", h)
	}
}

// LemonLDAP::NG signs ID tokens HS512 by default, which a public client
// cannot check: the error says to switch the relying party to RS256.
func TestHMACSignedIDTokenSaysSwitchToRS256(t *testing.T) {
	f := newFakeOP(t)
	f.meta["authorization_endpoint"] = f.srv.URL + "/oauth2/authorize"
	f.meta["jwks_uri"] = f.srv.URL + "/oauth2/jwks"
	f.meta["id_token_signing_alg_values_supported"] = []string{"HS512", "RS256"}
	p := f.provider(t)
	if p.Known().Kind != KindLemonLDAP {
		t.Fatalf("detected %q", p.Known().Kind)
	}
	tok := f.sign(f.claims(""), "HS512", []byte(strings.Repeat("s", 64)), "")
	_, err := p.VerifyIDToken(t.Context(), tok, VerifyOptions{})
	if err == nil || !strings.Contains(err.Error(), "RS256") || !strings.Contains(err.Error(), "LemonLDAP") {
		t.Fatalf("HS512 ID token: %v", err)
	}
}
