package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Metadata is the part of an OpenID Provider's discovery document latch uses.
type Metadata struct {
	Issuer                      string   `json:"issuer"`
	AuthorizationEndpoint       string   `json:"authorization_endpoint"`
	TokenEndpoint               string   `json:"token_endpoint"`
	UserinfoEndpoint            string   `json:"userinfo_endpoint,omitempty"`
	JWKSURI                     string   `json:"jwks_uri"`
	RevocationEndpoint          string   `json:"revocation_endpoint,omitempty"`
	EndSessionEndpoint          string   `json:"end_session_endpoint,omitempty"`
	DeviceAuthorizationEndpoint string   `json:"device_authorization_endpoint,omitempty"`
	IDTokenSigningAlgs          []string `json:"id_token_signing_alg_values_supported,omitempty"`
	CodeChallengeMethods        []string `json:"code_challenge_methods_supported,omitempty"`
	ScopesSupported             []string `json:"scopes_supported,omitempty"`
	ISSParameterSupported       bool     `json:"authorization_response_iss_parameter_supported,omitempty"`
}

// TenantTemplate is the placeholder multi-tenant authorities put in their
// discovery issuer.
const TenantTemplate = "{tenantid}"

// IsMultiTenant reports whether the discovery issuer is a template such as
// https://login.microsoftonline.com/{tenantid}/v2.0.
func (m *Metadata) IsMultiTenant() bool { return strings.Contains(m.Issuer, TenantTemplate) }

// TrimIssuer drops a trailing "/" for display and for cache keys. Issuers
// are never compared through it: discovery and ID tokens must name the
// configured issuer exactly.
func TrimIssuer(s string) string { return strings.TrimSuffix(s, "/") }

// Errors of discovery, for errors.Is.
var (
	ErrNoIssuer = errors.New("no issuer")
	// ErrIssuerMismatch: a discovery document, a redirect (RFC 9207 iss) or
	// a token names another issuer than the one configured.
	ErrIssuerMismatch = errors.New("issuer mismatch")
	// ErrInvalidDiscovery: the discovery document is unreadable or lacks
	// a required endpoint.
	ErrInvalidDiscovery = errors.New("the provider's discovery document is not usable")
	// ErrInsecureURL: an issuer or endpoint on plain http to a host other
	// than the loopback, without Config.InsecureAllowHTTP.
	ErrInsecureURL = errors.New("provider URL is not https")
)

// Provider is a discovered provider: its metadata and its keys.
type Provider struct {
	Config   *Config
	Metadata Metadata
	// FromCache is true when the metadata came from the disk cache.
	FromCache bool

	keys *KeySet
}

// Warning is a sentence to show on every use of this provider, or "": set
// when Config.InsecureAllowHTTP let a plain-http issuer through.
func (p *Provider) Warning() string {
	u, err := url.Parse(p.Config.Issuer)
	if err != nil || u.Scheme != "http" || isLoopbackHost(u.Hostname()) {
		return ""
	}
	return "the issuer " + p.Config.Issuer + " is plain http: tokens cross the network unencrypted (insecure HTTP is allowed for this profile)"
}

// DiscoveryURL is where an issuer's discovery document lives: the issuer
// without a trailing "/" plus /.well-known/openid-configuration
// (OpenID Connect Discovery §4).
func DiscoveryURL(issuer string) string {
	return strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
}

// Discover loads the provider's metadata from the disk cache, or fetches
// it and caches it. A document is checked before it is cached, so a bad
// answer never replaces a good cache entry.
func Discover(ctx context.Context, cfg *Config) (*Provider, error) {
	issuer := cfg.Issuer
	if issuer == "" {
		return nil, fmt.Errorf("%w: set the tenant's issuer (for Logto: https://<tenant>.logto.app/oidc)", ErrNoIssuer)
	}
	if err := checkURL("issuer", issuer, cfg.InsecureAllowHTTP); err != nil {
		return nil, err
	}
	now := cfg.now()
	cached, _ := readDiscovery(cfg.CacheDir, issuer)
	p := &Provider{Config: cfg}
	if cached != nil && now.Before(cached.Expires) {
		if m, err := ParseMetadata(cached.Metadata, issuer, cfg.InsecureAllowHTTP); err == nil {
			p.Metadata, p.FromCache = *m, true
		}
	}
	if !p.FromCache {
		raw, policy, err := fetch(ctx, cfg, DiscoveryURL(issuer))
		if err != nil {
			return nil, discoveryError(issuer, err)
		}
		m, err := ParseMetadata(raw, issuer, cfg.InsecureAllowHTTP)
		if err != nil {
			return nil, err
		}
		p.Metadata = *m
		if cached == nil {
			cached = &cachedDiscovery{Issuer: issuer}
		}
		cached.Metadata, cached.Expires = raw, now.Add(policy.lifetime)
		if !policy.store {
			cached.Metadata, cached.Expires = nil, time.Time{}
		}
		writeDiscovery(cfg.CacheDir, cached)
	}
	p.keys = &KeySet{provider: p, cached: cached}
	return p, nil
}

func discoveryError(issuer string, err error) error {
	var ue *url.Error
	switch {
	case errors.Is(err, errNotFound):
		return fmt.Errorf("no OpenID configuration under %s: check the issuer URL (for Logto it ends in /oidc): %w", issuer, err)
	case errors.As(err, &ue) && ue.Timeout():
		return fmt.Errorf("%s did not answer in time: check the network and HTTPS_PROXY: %w", issuer, err)
	case errors.As(err, &ue):
		return fmt.Errorf("cannot reach %s: check the issuer URL, the network and HTTPS_PROXY: %w", issuer, err)
	}
	return fmt.Errorf("discovery for %s: %w", issuer, err)
}

// ParseMetadata reads a discovery document and checks it against the
// configured issuer: the issuer must match exactly (a multi-tenant template
// on the same host is accepted), the authorization, token and jwks
// endpoints must be present, and every endpoint must be https, or http to
// the loopback (any http when insecure is set).
func ParseMetadata(raw []byte, issuer string, insecure bool) (*Metadata, error) {
	var m Metadata
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("%w: discovery for %s is not an OpenID configuration: %w", ErrInvalidDiscovery, issuer, err)
	}
	if m.Issuer != issuer && !(m.IsMultiTenant() && sameHost(m.Issuer, issuer)) {
		return nil, fmt.Errorf("%w: discovery at %s names issuer %q: set the tenant's issuer to exactly that URL", ErrIssuerMismatch, issuer, m.Issuer)
	}
	if m.AuthorizationEndpoint == "" || m.TokenEndpoint == "" || m.JWKSURI == "" {
		return nil, fmt.Errorf("%w: discovery for %s lacks an authorization, token or jwks endpoint", ErrInvalidDiscovery, issuer)
	}
	endpoints := []struct{ name, u string }{
		{"authorization_endpoint", m.AuthorizationEndpoint}, {"token_endpoint", m.TokenEndpoint},
		{"jwks_uri", m.JWKSURI}, {"userinfo_endpoint", m.UserinfoEndpoint},
		{"revocation_endpoint", m.RevocationEndpoint}, {"end_session_endpoint", m.EndSessionEndpoint},
		{"device_authorization_endpoint", m.DeviceAuthorizationEndpoint},
	}
	for _, e := range endpoints {
		if e.u == "" {
			continue
		}
		if err := checkURL(e.name, e.u, insecure); err != nil {
			return nil, fmt.Errorf("discovery for %s: %w", issuer, err)
		}
	}
	return &m, nil
}

// checkURL refuses what latch will not send a secret to: a relative URL,
// one with a fragment, or plain http to a host other than the loopback
// (unless insecure).
func checkURL(name, raw string, insecure bool) error {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("%w: %s %q is not an absolute URL without fragment or user info", ErrInvalidDiscovery, name, raw)
	}
	switch {
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && (isLoopbackHost(u.Hostname()) || insecure):
		return nil
	case u.Scheme == "http":
		return fmt.Errorf("%w: %s %s is plain http: use https, or allow insecure HTTP for this profile if you accept tokens in clear text", ErrInsecureURL, name, raw)
	}
	return fmt.Errorf("%w: %s %q must be https", ErrInvalidDiscovery, name, raw)
}

func sameHost(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	return err1 == nil && err2 == nil && ua.Scheme == ub.Scheme && ua.Host == ub.Host
}
