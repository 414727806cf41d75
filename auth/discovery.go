package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
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

// TrimIssuer normalises an issuer URL for comparison and display.
func TrimIssuer(s string) string { return strings.TrimSuffix(s, "/") }

// cachedDiscovery is what the disk cache holds for one issuer. Nothing in it
// is secret.
type cachedDiscovery struct {
	Issuer      string          `json:"issuer_url"`
	Expires     time.Time       `json:"expires"`
	Metadata    json.RawMessage `json:"metadata"`
	JWKS        json.RawMessage `json:"jwks,omitempty"`
	JWKSExpires time.Time       `json:"jwks_expires"`
}

const defaultMaxAge = 24 * time.Hour

// Provider is a discovered provider: its metadata and its keys.
type Provider struct {
	Config   *Config
	Metadata Metadata
	// FromCache is true when the metadata came from the disk cache.
	FromCache bool

	keys *KeySet
}

// Discover loads the provider's metadata from the disk cache, or fetches
// <issuer>/.well-known/openid-configuration and caches it.
func Discover(ctx context.Context, cfg *Config) (*Provider, error) {
	if cfg.Issuer == "" {
		return nil, errors.New("no issuer: set the tenant's issuer (for Logto: https://<tenant>.logto.app/oidc)")
	}
	issuer := strings.TrimSuffix(cfg.Issuer, "/")
	now := cfg.now()
	cached, _ := readDiscovery(cfg.CacheDir, issuer)
	p := &Provider{Config: cfg}
	if cached != nil && now.Before(cached.Expires) && json.Unmarshal(cached.Metadata, &p.Metadata) == nil {
		p.FromCache = true
	} else {
		raw, maxAge, err := fetch(ctx, cfg, issuer+"/.well-known/openid-configuration")
		if err != nil {
			return nil, discoveryError(issuer, err)
		}
		p.Metadata = Metadata{}
		if err := json.Unmarshal(raw, &p.Metadata); err != nil {
			return nil, fmt.Errorf("discovery for %s: not an OpenID configuration: %w", issuer, err)
		}
		if cached == nil || cached.Issuer != issuer {
			cached = &cachedDiscovery{Issuer: issuer}
		}
		cached.Metadata = raw
		cached.Expires = now.Add(maxAge)
		writeDiscovery(cfg.CacheDir, cached)
	}
	if err := p.Metadata.check(issuer); err != nil {
		return nil, err
	}
	p.keys = &KeySet{provider: p, cached: cached}
	return p, nil
}

// errNotFound is a 404 from fetch.
var errNotFound = errors.New("not found")

func discoveryError(issuer string, err error) error {
	var ue *url.Error
	switch {
	case errors.Is(err, errNotFound):
		return fmt.Errorf("no OpenID configuration under %s: check the issuer URL (for Logto it ends in /oidc)", issuer)
	case errors.As(err, &ue) && ue.Timeout():
		return fmt.Errorf("%s did not answer in time: check the network and HTTPS_PROXY", issuer)
	case errors.As(err, &ue):
		return fmt.Errorf("cannot reach %s (%v): check the issuer URL, the network and HTTPS_PROXY", issuer, ue.Err)
	}
	return fmt.Errorf("discovery for %s: %w", issuer, err)
}

func (m *Metadata) check(issuer string) error {
	got := strings.TrimSuffix(m.Issuer, "/")
	if got != issuer && !(m.IsMultiTenant() && sameHost(got, issuer)) {
		return fmt.Errorf("discovery at %s names issuer %q: set the tenant's issuer to exactly that URL", issuer, m.Issuer)
	}
	if m.AuthorizationEndpoint == "" || m.TokenEndpoint == "" || m.JWKSURI == "" {
		return fmt.Errorf("discovery for %s lacks an authorization, token or jwks endpoint", issuer)
	}
	return nil
}

func sameHost(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	return err1 == nil && err2 == nil && ua.Scheme == ub.Scheme && ua.Host == ub.Host
}

// fetch GETs a JSON document and returns it with its Cache-Control max-age.
func fetch(ctx context.Context, cfg *Config, u string) ([]byte, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := cfg.client().Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, 0, err
	}
	if resp.StatusCode == http.StatusNotFound {
		return nil, 0, fmt.Errorf("GET %s: %w", u, errNotFound)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, 0, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return body, maxAge(resp.Header.Get("Cache-Control")), nil
}

// maxAge reads max-age from a Cache-Control header; no-store and no-cache
// mean zero, and anything unreadable means one day.
func maxAge(h string) time.Duration {
	for _, part := range strings.Split(h, ",") {
		part = strings.TrimSpace(strings.ToLower(part))
		switch {
		case part == "no-store" || part == "no-cache":
			return 0
		case strings.HasPrefix(part, "max-age="):
			if n, err := strconv.Atoi(strings.TrimPrefix(part, "max-age=")); err == nil && n >= 0 {
				return time.Duration(n) * time.Second
			}
		}
	}
	return defaultMaxAge
}

func discoveryPath(dir, issuer string) string {
	sum := sha256.Sum256([]byte(issuer))
	return filepath.Join(dir, hex.EncodeToString(sum[:16])+".json")
}

func readDiscovery(dir, issuer string) (*cachedDiscovery, error) {
	if dir == "" {
		return nil, os.ErrNotExist
	}
	b, err := os.ReadFile(discoveryPath(dir, issuer))
	if err != nil {
		return nil, err
	}
	var c cachedDiscovery
	if err := json.Unmarshal(b, &c); err != nil || c.Issuer != issuer {
		return nil, errors.New("discovery cache entry unreadable")
	}
	return &c, nil
}

// writeDiscovery replaces the cache entry atomically. A cache that cannot be
// written only costs a request next time, so errors are dropped.
func writeDiscovery(dir string, c *cachedDiscovery) {
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return
	}
	b, err := json.Marshal(c)
	if err != nil {
		return
	}
	f, err := os.CreateTemp(dir, ".discovery-*")
	if err != nil {
		return
	}
	_, werr := f.Write(b)
	cerr := f.Close()
	if werr != nil || cerr != nil || os.Rename(f.Name(), discoveryPath(dir, c.Issuer)) != nil {
		os.Remove(f.Name())
	}
}
