package auth

import (
	"net/url"
	"strings"
)

// Kind names a provider product whose quirks latch knows.
type Kind string

// Known provider kinds. KindGeneric is any other OpenID provider.
const (
	KindGeneric   Kind = ""
	KindLogto     Kind = "logto" // Logto, and node oidc-provider it is built on
	KindEntra     Kind = "entra"
	KindAuth0     Kind = "auth0"
	KindOkta      Kind = "okta"
	KindDex       Kind = "dex"
	KindHydra     Kind = "hydra"
	KindLemonLDAP Kind = "lemonldap"
	KindKeycloak  Kind = "keycloak"
	KindZitadel   Kind = "zitadel"
)

// KnownProvider is what latch knows of a provider product.
type KnownProvider struct {
	Kind Kind
	Name string
	// AudienceParam carries the wanted API on authorization, token and
	// refresh requests: "resource" (RFC 8707) or "audience".
	AudienceParam string
	// ConsentForRefresh: a refresh token is only issued with
	// prompt=consent (oidc-provider). Where it is false the prompt would
	// ask for consent at every sign-in and is not sent.
	ConsentForRefresh bool
	// AnyLoopbackPort: a registered loopback redirect URI matches any
	// port (RFC 8252 §7.3), so the listener may take a random one. When
	// false, register and use one fixed port.
	AnyLoopbackPort bool
	// RedirectURI is what to register at the provider for latch.
	RedirectURI string
}

// providerTable holds the quirks; detect picks the entry. A slice, not a
// map: it costs no work at program start.
var providerTable = []KnownProvider{
	{Kind: KindGeneric, Name: "OpenID provider", AudienceParam: AudienceParamResource, ConsentForRefresh: true, RedirectURI: "http://127.0.0.1/callback"},
	{Kind: KindLogto, Name: "Logto", AudienceParam: AudienceParamResource, ConsentForRefresh: true, AnyLoopbackPort: true, RedirectURI: "http://127.0.0.1/callback"},
	{Kind: KindEntra, Name: "Microsoft Entra ID", AudienceParam: AudienceParamResource, AnyLoopbackPort: true, RedirectURI: "http://localhost (Mobile and desktop applications)"},
	{Kind: KindAuth0, Name: "Auth0", AudienceParam: AudienceParamAudience, RedirectURI: "http://127.0.0.1:<port>/callback with a fixed port"},
	{Kind: KindOkta, Name: "Okta", AudienceParam: AudienceParamAudience, AnyLoopbackPort: true, RedirectURI: "http://127.0.0.1/callback"},
	{Kind: KindDex, Name: "Dex", AudienceParam: AudienceParamResource, AnyLoopbackPort: true, RedirectURI: "http://localhost/callback (a public client; Dex accepts any port on localhost)"},
	{Kind: KindHydra, Name: "Ory Hydra", AudienceParam: AudienceParamAudience, AnyLoopbackPort: true, RedirectURI: "http://127.0.0.1/callback"},
	{Kind: KindLemonLDAP, Name: "LemonLDAP::NG", AudienceParam: AudienceParamResource, RedirectURI: "http://127.0.0.1:<port>/callback with a fixed port"},
	{Kind: KindKeycloak, Name: "Keycloak", AudienceParam: AudienceParamResource, AnyLoopbackPort: true, RedirectURI: "http://127.0.0.1/callback"},
	{Kind: KindZitadel, Name: "ZITADEL", AudienceParam: AudienceParamResource, RedirectURI: "http://127.0.0.1:<port>/callback with a fixed port (or development mode)"},
}

// DetectProvider recognises a provider product from its issuer and, when
// given, its discovery document. Unknown providers are KindGeneric.
func DetectProvider(issuer string, m *Metadata) KnownProvider {
	return knownProvider(detect(issuer, m))
}

func knownProvider(k Kind) KnownProvider {
	for _, kp := range providerTable {
		if kp.Kind == k {
			return kp
		}
	}
	return providerTable[0]
}

// Known is what latch knows of this provider.
func (p *Provider) Known() KnownProvider { return DetectProvider(p.Config.Issuer, &p.Metadata) }

func detect(issuer string, m *Metadata) Kind {
	u, _ := url.Parse(issuer)
	if u == nil {
		return KindGeneric
	}
	host := strings.ToLower(u.Hostname())
	hostIs := func(suffixes ...string) bool {
		for _, s := range suffixes {
			if host == s || strings.HasSuffix(host, "."+s) {
				return true
			}
		}
		return false
	}
	ep := func(e, suffix string) bool { return strings.HasSuffix(e, suffix) }
	switch {
	case hostIs("login.microsoftonline.com", "login.microsoftonline.us", "login.chinacloudapi.cn", "sts.windows.net") ||
		(m != nil && m.IsMultiTenant()):
		return KindEntra
	case hostIs("auth0.com"):
		return KindAuth0
	case hostIs("okta.com", "oktapreview.com", "okta-emea.com"):
		return KindOkta
	case hostIs("logto.app") || u.Path == "/oidc" || u.Path == "/oidc/":
		return KindLogto
	case hostIs("zitadel.cloud") || (m != nil && ep(m.AuthorizationEndpoint, "/oauth/v2/authorize")):
		return KindZitadel
	case strings.Contains(u.Path, "/realms/") || (m != nil && strings.Contains(m.AuthorizationEndpoint, "/protocol/openid-connect/")):
		return KindKeycloak
	case hostIs("oryapis.com") || (m != nil && ep(m.AuthorizationEndpoint, "/oauth2/auth") && ep(m.EndSessionEndpoint, "/oauth2/sessions/logout")):
		return KindHydra
	case m != nil && ep(m.AuthorizationEndpoint, "/oauth2/authorize") && ep(m.JWKSURI, "/oauth2/jwks"):
		return KindLemonLDAP
	case u.Path == "/dex" || strings.HasPrefix(host, "dex.") || (m != nil && ep(m.AuthorizationEndpoint, "/dex/auth")):
		return KindDex
	}
	return KindGeneric
}

// audienceParam is the parameter name for the wanted API: the profile's
// setting, else what is known of the provider.
func (p *Provider) audienceParam() string {
	switch p.Config.AudienceParam {
	case AudienceParamResource, AudienceParamAudience:
		return p.Config.AudienceParam
	}
	return p.Known().AudienceParam
}

// AudienceParam is the request parameter that carries the wanted API for
// this provider ("resource" or "audience").
func (p *Provider) AudienceParam() string { return p.audienceParam() }

// isDexDeadRefresh matches Dex's description for a refresh token that is
// gone; Dex sends it with invalid_request, not invalid_grant.
func isDexDeadRefresh(desc string) bool {
	d := strings.ToLower(desc)
	return strings.Contains(d, "refresh token is invalid or has already been claimed")
}

// entraHints are Entra's AADSTS codes latch can say more about.
var entraHints = []struct{ code, hint string }{
	{"AADSTS50020", "The account is not in this tenant: have it invited as a guest, or sign in through the organizations authority."},
	{"AADSTS65001", "The app needs consent in this directory: ask an administrator to grant it, or sign in again asking for consent."},
	{"AADSTS700016", "The app is not found in this directory: the tenant is wrong, or the app is single-tenant and lives in another directory."},
	{"AADSTS7000218", "The app is not registered as a public client: enable \"Allow public client flows\" in its Authentication settings."},
	{"AADSTS650052", "The app needs a service the directory has not enabled or consented to: ask an administrator."},
	{"AADSTS50076", "The directory requires multi-factor authentication: sign in again interactively."},
	{"AADSTS50079", "The directory requires enrolling in multi-factor authentication: sign in again interactively."},
	{"AADSTS50011", "The redirect URI is not registered in the Entra app: add http://localhost under Mobile and desktop applications, and redirect to localhost."},
}

// hintFor is latch's advice for a provider error, or "". unauthorized_client
// is told apart by its description: a known client without this grant type,
// or an unknown client.
func hintFor(kind Kind, code, desc string, status int) string {
	for _, h := range entraHints {
		if strings.Contains(desc, h.code) {
			return h.hint
		}
	}
	lower := strings.ToLower(desc)
	switch {
	case status >= 500 || code == "server_error" || code == "temporarily_unavailable":
		return "This is the provider's fault, not yours: the session is kept; try again later."
	case grantGone(code, desc):
		return "The session is gone at the provider (revoked, expired or replayed): sign in again."
	case code == "unauthorized_client" && containsAny(lower, "grant", "not allowed", "not authorized to use", "not permitted"):
		return "The provider knows the client but does not allow it this grant type: enable it in the application's settings."
	case code == "unauthorized_client" || code == "invalid_client":
		return "The provider does not know this client: check the profile's client_id and that the app is a native (public) app."
	case code == "consent_required":
		return "The app needs consent: ask an administrator to grant it, or sign in again asking for consent."
	case code == "interaction_required" || code == "login_required":
		return "The provider needs you to sign in interactively again."
	case code == "access_denied":
		return "The sign-in was denied in the browser: sign in again and approve it."
	case code == "invalid_request" && strings.Contains(lower, "redirect_uri"):
		return "The redirect URI is not registered: register " + knownProvider(kind).RedirectURI + " for the app."
	case code == "invalid_scope":
		return "The provider refused a requested scope: check the profile's scopes."
	case code == "invalid_target":
		return "The provider does not know the requested resource: check the profile's resource against the APIs registered at the provider."
	}
	return ""
}

// OpaqueAccessTokenHint is advice for an access token that is not a JWT,
// or "" where the provider has none to give: only Logto is known to issue
// a JWT when an API resource is asked for.
func (p *Provider) OpaqueAccessTokenHint() string {
	if p.Known().Kind == KindLogto {
		return "Logto issues an opaque token for userinfo only: ask for an API resource to get a JWT."
	}
	return ""
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
